"""GET /v1/health — status, version, and whether each table answers. No authentication."""

from parley import aws
from parley.health.service import HealthChecker, probe_for
from parley.http.endpoint import Endpoint, Request, Response
from parley.http.problems import ServiceUnavailableProblem
from parley.http.responses import json_response
from parley.observability import Observability
from parley.settings import Settings

settings = Settings.from_env()
observability = Observability(settings)
endpoint = Endpoint(settings, observability.logger)
checker = HealthChecker(
    aws.dynamodb,
    {
        "tenants": probe_for(settings.tables.tenants, ("pk", "sk")),
        "sessions": probe_for(settings.tables.sessions, ("pk", "sk")),
        "conversations": probe_for(settings.tables.conversations, ("pk", "sk")),
        "idempotency": probe_for(settings.tables.idempotency, ("id",)),
    },
)


def handle_get_health(http: Request) -> Response:
    report = checker.check()
    if not report.healthy:
        raise ServiceUnavailableProblem(
            "One or more tables do not answer.",
            retry_after_seconds=5,
            extra={"version": settings.version, "tables": report.tables},
        )
    body = {"status": "ok", "version": settings.version, "stage": settings.stage, "tables": report.tables}
    return json_response(body, http.request_id)


lambda_handler = observability.api_handler(endpoint(handle_get_health))
