"""HealthFunction and UsageFunction under moto, driven by the events in events/."""

import json
from datetime import UTC, datetime

from parley.usage.repository import DynamoUsageRepository
from tests.helpers.events import load_event
from tests.helpers.http import header


def test_health_answers_ok_with_version_and_every_table(load_function, lambda_context) -> None:
    app = load_function("HealthFunction")

    response = app.lambda_handler(load_event("get_health/ok.json"), lambda_context)

    assert response["statusCode"] == 200
    body = json.loads(response["body"])
    assert body["status"] == "ok"
    assert body["version"] == "0.1.0"
    assert body["tables"] == {"tenants": "ok", "sessions": "ok", "conversations": "ok", "idempotency": "ok"}
    assert body["request_id"] == "req_c6af9ac67b6111e6"
    assert header(response, "X-Request-Id") == body["request_id"]


def test_health_is_a_503_problem_when_a_table_does_not_answer(
    load_function, lambda_context, moto_resources
) -> None:
    from parley import aws

    app = load_function("HealthFunction")
    aws.dynamodb().delete_table(TableName=moto_resources.tables["ConversationsTable"])

    response = app.lambda_handler(load_event("get_health/ok.json"), lambda_context)

    assert response["statusCode"] == 503
    assert header(response, "Content-Type") == "application/problem+json"
    body = json.loads(response["body"])
    assert body["type"].endswith("/service_unavailable")
    assert body["tables"]["conversations"] == "unavailable"
    assert body["tables"]["tenants"] == "ok"


def test_usage_reports_the_callers_tenant_prefix_and_daily_sessions(
    load_function, lambda_context, moto_resources
) -> None:
    app = load_function("UsageFunction")
    from parley import aws

    usage = DynamoUsageRepository(aws.dynamodb(), moto_resources.tables["TenantsTable"])
    today = datetime.now(UTC).date()
    now_epoch = int(datetime.now(UTC).timestamp())
    usage.add_sessions("demo", today, 2, now_epoch=now_epoch)
    usage.add_sessions("demo", today, 1, now_epoch=now_epoch)
    usage.add_sessions("another-tenant", today, 1, now_epoch=now_epoch)

    response = app.lambda_handler(load_event("get_usage/ok.json"), lambda_context)

    assert response["statusCode"] == 200
    body = json.loads(response["body"])
    assert body["tenant_id"] == "demo"
    assert body["key_prefix"] == "pk_test_demoDEMO"
    assert body["sessions_per_day"][-1] == {"date": today.isoformat(), "sessions": 3}
    assert body["total_sessions"] == 3
    assert len(body["sessions_per_day"]) == 30


def test_usage_without_an_authorizer_context_is_a_403_problem(load_function, lambda_context) -> None:
    app = load_function("UsageFunction")

    response = app.lambda_handler(load_event("get_usage/no_tenant_context.json"), lambda_context)

    assert response["statusCode"] == 403
    body = json.loads(response["body"])
    assert body["type"].endswith("/missing_tenant_id")
    assert body["request_id"].startswith("req_")
