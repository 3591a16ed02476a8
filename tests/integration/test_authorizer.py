"""AuthorizerFunction under moto: keys → tenant, and the status each API family answers."""

import pytest

from parley import aws
from parley.tenants.repository import DynamoTenantRepository
from parley.tenants.service import ApiGatewayUsagePlanRegistry, TenantService
from tests.helpers.events import load_event

DEMO_KEY = "pk_test_demoDEMOdemoDEMOdemoDEMO01"


@pytest.fixture
def tenants(moto_resources) -> TenantService:
    repository = DynamoTenantRepository(aws.dynamodb(), moto_resources.tables["TenantsTable"])
    registry = ApiGatewayUsagePlanRegistry(aws.client("apigateway"), moto_resources.usage_plan_id)
    service = TenantService(repository, registry)
    service.create_tenant("demo", "Demo")
    service.issue_key("demo", mode="test", key=DEMO_KEY)
    return service


def _effect(response: dict) -> str:
    return response["policyDocument"]["Statement"][0]["Effect"]


def test_a_valid_bearer_key_is_allowed_with_tenant_context_and_usage_key(
    tenants, load_function, lambda_context, moto_resources
) -> None:
    app = load_function("AuthorizerFunction")

    response = app.lambda_handler(load_event("authorize_request/nbq_bearer_key.json"), lambda_context)

    assert _effect(response) == "Allow"
    assert response["principalId"] == "demo"
    assert response["context"] == {"tenant_id": "demo", "key_prefix": "pk_test_demoDEMO"}
    # The stage-wide resource (no regex characters: SAM local's matcher chokes on them).
    assert response["policyDocument"]["Statement"][0]["Resource"] == (
        "arn:aws:execute-api:us-east-1:123456789012:abcdef1234/prod/*"
    )
    plan_keys = aws.client("apigateway").get_usage_plan_keys(usagePlanId=moto_resources.usage_plan_id)[
        "items"
    ]
    api_key = aws.client("apigateway").get_api_key(apiKey=plan_keys[0]["id"], includeValue=True)
    assert response["usageIdentifierKey"] == api_key["value"]


def test_the_nlx_header_works_on_the_turn_route(tenants, load_function, lambda_context) -> None:
    app = load_function("AuthorizerFunction")

    response = app.lambda_handler(load_event("authorize_request/turn_nlx_key.json"), lambda_context)

    assert _effect(response) == "Allow"
    assert response["context"]["tenant_id"] == "demo"


@pytest.mark.parametrize("case", ["nbq_missing_key.json", "nbq_malformed_key.json"])
def test_nbq_routes_deny_a_missing_or_malformed_key_so_the_gateway_answers_403(
    case, tenants, load_function, lambda_context
) -> None:
    app = load_function("AuthorizerFunction")

    response = app.lambda_handler(load_event(f"authorize_request/{case}"), lambda_context)

    assert _effect(response) == "Deny"
    assert "context" not in response
    assert "usageIdentifierKey" not in response


def test_conversations_routes_fail_with_unauthorized_so_the_gateway_answers_401(
    tenants, load_function, lambda_context
) -> None:
    app = load_function("AuthorizerFunction")

    with pytest.raises(Exception, match=r"^Unauthorized$"):
        app.lambda_handler(load_event("authorize_request/conversations_missing_key.json"), lambda_context)


def test_a_revoked_key_is_refused(tenants, load_function, lambda_context, monkeypatch) -> None:
    monkeypatch.setenv("PARLEY_TENANT_CACHE_TTL_SECONDS", "0")
    app = load_function("AuthorizerFunction")
    event = load_event("authorize_request/nbq_bearer_key.json")
    assert _effect(app.lambda_handler(event, lambda_context)) == "Allow"

    tenants.revoke_key("demo", "pk_test_demoDEMO")

    assert _effect(app.lambda_handler(event, lambda_context)) == "Deny"


def test_a_key_of_another_tenant_yields_that_tenant_only(tenants, load_function, lambda_context) -> None:
    tenants.create_tenant("acme", "Acme")
    acme_key = tenants.issue_key("acme").key
    app = load_function("AuthorizerFunction")
    event = load_event("authorize_request/nbq_bearer_key.json")
    event["headers"]["Authorization"] = f"Bearer {acme_key}"

    response = app.lambda_handler(event, lambda_context)

    assert response["context"]["tenant_id"] == "acme"
