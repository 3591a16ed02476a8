"""AuthorizerFunction under moto: keys → tenant, and the status each API family answers."""

import pytest

from parley import aws
from parley.tenants.repository import DynamoTenantRepository
from parley.tenants.scopes import SECRET_SCOPES
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
    assert response["context"]["tenant_id"] == "demo"
    assert response["context"]["key_prefix"] == "pk_test_demoDEMO"
    assert set(response["context"]["scopes"].split()) == SECRET_SCOPES
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
    assert response["context"]["problemCode"] == "missing_tenant_id"
    assert "tenant_id" not in response["context"]
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


# --- scopes ------------------------------------------------------------------------------------

PUBLISHABLE_KEY = "pub_test_demoDEMOdemoDEMOdemoDEMO01"


def _event(case: str, **headers: str) -> dict:
    event = load_event(f"authorize_request/{case}")
    event["headers"] = {"Accept": "application/json", **headers}
    return event


def _refusal(response: dict) -> tuple[str, str]:
    assert _effect(response) == "Deny"
    return response["context"]["problemCode"], response["context"]["problemDetail"]


def test_a_publishable_key_holds_conversations_through_the_turn_api_only(
    tenants, load_function, lambda_context
) -> None:
    tenants.issue_key("demo", mode="test", key=PUBLISHABLE_KEY)
    app = load_function("AuthorizerFunction")

    turn = app.lambda_handler(_event("turn_nlx_key.json", **{"nlx-api-key": PUBLISHABLE_KEY}), lambda_context)
    usage = app.lambda_handler(
        _event("nbq_bearer_key.json", Authorization=f"Bearer {PUBLISHABLE_KEY}"), lambda_context
    )
    transcripts = app.lambda_handler(
        _event("conversations_missing_key.json", Authorization=f"Bearer {PUBLISHABLE_KEY}"), lambda_context
    )

    assert _effect(turn) == "Allow" and turn["context"]["scopes"] == "turn"
    assert _refusal(usage)[0] == "insufficient_scope"
    code, detail = _refusal(transcripts)
    assert code == "insufficient_scope" and "conversations scope" in detail


def test_a_secret_key_issued_with_some_scopes_gets_exactly_those(
    tenants, load_function, lambda_context
) -> None:
    nbq_only = tenants.issue_key("demo", mode="test", scopes=frozenset({"nbq"})).key
    app = load_function("AuthorizerFunction")

    usage = app.lambda_handler(
        _event("nbq_bearer_key.json", Authorization=f"Bearer {nbq_only}"), lambda_context
    )
    turn = app.lambda_handler(_event("turn_nlx_key.json", **{"nlx-api-key": nbq_only}), lambda_context)

    assert _effect(usage) == "Allow"
    assert _refusal(turn)[0] == "insufficient_scope"


def test_each_api_reads_its_own_header_only(tenants, load_function, lambda_context) -> None:
    app = load_function("AuthorizerFunction")

    # The turn API reads nlx-api-key: a Bearer key there is no key (401) ...
    with pytest.raises(Exception, match=r"^Unauthorized$"):
        app.lambda_handler(_event("turn_nlx_key.json", Authorization=f"Bearer {DEMO_KEY}"), lambda_context)
    # ... and the NBQ and Conversations APIs read Authorization (403 and 401 as their contracts say).
    usage = app.lambda_handler(_event("nbq_bearer_key.json", **{"nlx-api-key": DEMO_KEY}), lambda_context)
    assert _refusal(usage)[0] == "missing_tenant_id"
    with pytest.raises(Exception, match=r"^Unauthorized$"):
        app.lambda_handler(
            _event("conversations_missing_key.json", **{"nlx-api-key": DEMO_KEY}), lambda_context
        )


def test_a_route_the_scope_table_does_not_know_is_refused(tenants, load_function, lambda_context) -> None:
    app = load_function("AuthorizerFunction")
    event = _event("nbq_bearer_key.json", Authorization=f"Bearer {DEMO_KEY}")
    event["resource"] = event["path"] = "/v1/something-new"

    assert _refusal(app.lambda_handler(event, lambda_context))[0] == "insufficient_scope"


def _v1_event(**headers: str) -> dict:
    event = load_event("authorize_request/nbq_bearer_key.json")
    event.update(
        methodArn="arn:aws:execute-api:us-east-1:123456789012:abcdef1234/prod/POST/v1/sessions",
        resource="/v1/sessions",
        path="/v1/sessions",
        httpMethod="POST",
        headers={"Accept": "application/json", **headers},
    )
    return event


def test_zelinqa_v1_routes_answer_401_without_a_key_and_403_for_a_bad_one_or_a_missing_scope(
    tenants, load_function, lambda_context
) -> None:
    # As Zelinqa's SDK maps them: 401 when the header is missing; an opaque 403 when the key is
    # invalid or lacks the route's scope (both its ZelinqaAuthenticationError).
    app = load_function("AuthorizerFunction")
    nbq_only = tenants.issue_key("demo", mode="test", scopes=frozenset({"nbq"})).key

    with pytest.raises(Exception, match=r"^Unauthorized$"):
        app.lambda_handler(_v1_event(), lambda_context)
    invalid = app.lambda_handler(_v1_event(Authorization="Bearer pk_test_" + "x" * 43), lambda_context)
    unscoped = app.lambda_handler(_v1_event(Authorization=f"Bearer {nbq_only}"), lambda_context)
    allowed = app.lambda_handler(_v1_event(Authorization=f"Bearer {DEMO_KEY}"), lambda_context)

    assert _refusal(invalid)[0] == "invalid_key"
    assert _refusal(unscoped) == (
        "insufficient_scope",
        "This key may not call POST /v1/sessions: it needs the runtime scope.",
    )
    assert _effect(allowed) == "Allow"
