"""GET /v1/usage — the caller's tenant, its key's display prefix, and sessions per day (30 days)."""

from datetime import UTC, datetime

from parley import aws
from parley.http.endpoint import Endpoint, Request, Response
from parley.http.responses import json_response
from parley.observability import Observability
from parley.settings import Settings
from parley.usage.repository import DynamoUsageRepository
from parley.usage.service import UsageService

settings = Settings.from_env()
observability = Observability(settings)
endpoint = Endpoint(settings, observability)
usage = UsageService(DynamoUsageRepository(aws.dynamodb(), settings.tables.tenants))


def handle_get_usage(http: Request) -> Response:
    caller = http.caller
    report = usage.report(caller.tenant_id, caller.key_prefix, datetime.now(UTC).date())
    observability.count("UsageReportsRead")
    return json_response(report, http.request_id)


lambda_handler = observability.api_handler(endpoint(handle_get_usage))
