"""The REST resolver every API function starts from: problem details registered, and CORS when
the deployment names a browser origin (``CorsAllowedOrigin``)."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.event_handler import APIGatewayRestResolver, CORSConfig

from parley.http.problems import ProblemFormat, register_problem_handlers
from parley.http.request_ids import REQUEST_ID_HEADER
from parley.settings import Settings

CORS_HEADERS = ["Content-Type", "Authorization", "nlx-api-key", "Idempotency-Key"]


def rest_app(
    settings: Settings,
    logger: Any,
    *,
    legacy_error_member: bool = False,
    validation: bool = True,
    validation_status: int = 422,
) -> APIGatewayRestResolver:
    cors = None
    if settings.cors_allowed_origin:
        # API Gateway answers the preflight itself; the functions add the header to real answers.
        cors = CORSConfig(
            allow_origin=settings.cors_allowed_origin,
            allow_headers=CORS_HEADERS,
            expose_headers=[REQUEST_ID_HEADER, "Retry-After"],
            max_age=600,
        )
    app = APIGatewayRestResolver(cors=cors)
    register_problem_handlers(
        app,
        ProblemFormat(settings.problem_type_base, legacy_error_member=legacy_error_member),
        validation=validation,
        validation_status=validation_status,
        logger=logger,
    )
    return app
