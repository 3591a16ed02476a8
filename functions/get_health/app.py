"""GET /v1/health — status, version, and whether each table answers. No authentication."""

from parley import aws
from parley.health.service import HealthChecker, probe_for
from parley.http.endpoint import Endpoint, Request, Response
from parley.http.responses import json_response
from parley.observability import Observability
from parley.settings import Settings

settings = Settings.from_env()
observability = Observability(settings)
endpoint = Endpoint(settings, observability)
checker = HealthChecker(
    aws.dynamodb,
    {
        "tenants": probe_for(settings.tables.tenants, ("pk", "sk")),
        "sessions": probe_for(settings.tables.sessions, ("pk", "sk")),
        "conversations": probe_for(settings.tables.conversations, ("pk", "sk")),
        "idempotency": probe_for(settings.tables.idempotency, ("id",)),
    },
    version=settings.version,
    stage=settings.stage,
)


def handle_get_health(http: Request) -> Response:
    report = checker.healthy_report()
    observability.count("HealthChecks")
    return json_response(report, http.request_id)


lambda_handler = observability.api_handler(endpoint(handle_get_health))
