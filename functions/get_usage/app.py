"""GET /v1/usage — the caller's tenant, its key's display prefix, and sessions per day (30 days)."""

from datetime import UTC, datetime

from aws_lambda_powertools.event_handler import Response

from parley import aws
from parley.http.request_ids import request_id_for
from parley.http.resolver import rest_app
from parley.http.responses import json_response
from parley.http.tenancy import caller_of
from parley.observability import Observability
from parley.settings import Settings
from parley.usage.repository import DynamoUsageRepository
from parley.usage.service import usage_report

settings = Settings.from_env()
observability = Observability(settings)
app = rest_app(settings, observability.logger, validation=False)
usage = DynamoUsageRepository(aws.dynamodb(), settings.tables.tenants)


@app.get("/v1/usage")
def handle_get_usage() -> Response:
    event = app.current_event.raw_event
    caller = caller_of(event)
    report = usage_report(usage, caller.tenant_id, caller.key_prefix, datetime.now(UTC).date())
    return json_response(report, request_id_for(event))


@observability.api_handler
def lambda_handler(event: dict, context: object) -> dict:
    return app.resolve(event, context)
