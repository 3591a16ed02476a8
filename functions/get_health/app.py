"""GET /v1/health — status, version, and whether each table answers. No authentication."""

from aws_lambda_powertools.event_handler import Response

from parley import aws
from parley.health.service import HealthChecker, probe_for
from parley.http.problems import ServiceUnavailableProblem
from parley.http.request_ids import request_id_for
from parley.http.resolver import rest_app
from parley.http.responses import json_response
from parley.observability import Observability
from parley.settings import Settings

settings = Settings.from_env()
observability = Observability(settings)
app = rest_app(settings, observability.logger, validation=False)
checker = HealthChecker(
    aws.dynamodb,
    {
        "tenants": probe_for(settings.tables.tenants, ("pk", "sk")),
        "sessions": probe_for(settings.tables.sessions, ("pk", "sk")),
        "conversations": probe_for(settings.tables.conversations, ("pk", "sk")),
        "idempotency": probe_for(settings.tables.idempotency, ("id",)),
    },
)


@app.get("/v1/health")
def handle_get_health() -> Response:
    report = checker.check()
    if not report.healthy:
        raise ServiceUnavailableProblem(
            "One or more tables do not answer.",
            retry_after_seconds=5,
            extra={"version": settings.version, "tables": report.tables},
        )
    body = {"status": "ok", "version": settings.version, "stage": settings.stage, "tables": report.tables}
    return json_response(body, request_id_for(app.current_event.raw_event))


@observability.api_handler
def lambda_handler(event: dict, context: object) -> dict:
    return app.resolve(event, context)
