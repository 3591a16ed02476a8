"""localgw.service with stand-in handlers: what API Gateway does around the function."""

from __future__ import annotations

import json
from typing import Any

import pytest

from localgw.template import SamTemplate, load_template
from tests.helpers.localgw import Harness, allow
from tests.helpers.paths import ROOT


@pytest.fixture(scope="module")
def sam() -> SamTemplate:
    return load_template(ROOT / "template.yaml")


@pytest.fixture
def harness(sam: SamTemplate) -> Harness:
    return Harness(sam)


def problem(response: Any, status: int, gateway_type: str | None = None) -> dict:
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.headers["Content-Type"] == "application/problem+json"
    body = json.loads(response.get_data(as_text=True))
    assert body["request_id"] == response.headers["x-amzn-RequestId"]
    if gateway_type:
        assert body["gateway_error"] == gateway_type
    return body


def test_allowed_request_carries_authorizer_context_api_key_and_request_id(harness: Harness) -> None:
    response = harness.client.get("/v1/usage", headers={"Authorization": "Bearer k"})

    assert response.status_code == 200
    event = json.loads(response.get_data(as_text=True))
    assert event["requestContext"]["authorizer"] == {
        "tenant_id": "demo",
        "key_prefix": "pk_test_demo",
        "principalId": "demo",
    }
    assert event["requestContext"]["identity"]["apiKey"] == "usage-key-demo"
    assert event["requestContext"]["requestId"] == response.headers["x-amzn-RequestId"]


def test_authorizer_raising_unauthorized_is_401(harness: Harness) -> None:
    def unauthorized(event: dict, context: Any) -> dict:
        raise Exception("Unauthorized")

    harness.handlers["AuthorizerFunction"] = unauthorized
    response = harness.client.get("/v1/usage")

    body = problem(response, 401)
    assert body["type"].endswith("missing_tenant_id")
    assert response.headers["WWW-Authenticate"] == "Bearer"


def test_authorizer_deny_is_403_access_denied_with_the_problem_its_context_names(harness: Harness) -> None:
    def deny(event: dict, context: Any) -> dict:
        policy = allow(event, context)
        policy["policyDocument"]["Statement"][0]["Effect"] = "Deny"
        policy["context"] = {
            "problemCode": "insufficient_scope",
            "problemTitle": "Insufficient scope",
            "problemDetail": "This key may not call GET /v1/usage: it needs the nbq scope.",
        }
        return policy

    harness.handlers["AuthorizerFunction"] = deny
    body = problem(harness.client.get("/v1/usage"), 403)
    assert body["type"] == "https://api.zelinqa.ai/errors/insufficient_scope"
    assert body["title"] == "Insufficient scope"
    assert body["detail"] == "This key may not call GET /v1/usage: it needs the nbq scope."


def test_authorizer_crash_is_500_authorizer_failure(harness: Harness) -> None:
    def crash(event: dict, context: Any) -> dict:
        raise RuntimeError("table missing")

    harness.handlers["AuthorizerFunction"] = crash
    body = problem(harness.client.get("/v1/usage"), 500)
    assert body["type"].endswith("internal_error")


def test_authorizer_without_usage_key_on_a_key_required_route_is_403(harness: Harness) -> None:
    def no_key(event: dict, context: Any) -> dict:
        policy = allow(event, context)
        del policy["usageIdentifierKey"]
        return policy

    harness.handlers["AuthorizerFunction"] = no_key
    problem(harness.client.get("/v1/usage"), 403, "INVALID_API_KEY")


def test_function_error_is_502_default_5xx(harness: Harness) -> None:
    def boom(event: dict, context: Any) -> dict:
        raise ValueError("bug")

    harness.handlers["HealthFunction"] = boom
    problem(harness.client.get("/v1/health"), 502, "DEFAULT_5XX")


def test_invalid_proxy_response_is_502_default_5xx(harness: Harness) -> None:
    harness.handlers["HealthFunction"] = lambda event, context: {"statusCode": 200, "unexpected": True}
    problem(harness.client.get("/v1/health"), 502, "DEFAULT_5XX")


def test_non_utf8_body_reaches_the_function_with_replacement_characters(harness: Harness) -> None:
    response = harness.client.get("/v1/health", data=b'{"a": "\xff"}', content_type="application/json")

    assert response.status_code == 200
    assert json.loads(response.get_data(as_text=True))["body"] == '{"a": "\ufffd"}'


def test_too_large_payload_is_413(harness: Harness) -> None:
    response = harness.client.post("/v1/health", data=b"x" * (10 * 1024 * 1024 + 1))

    assert response.status_code == 413
    assert json.loads(response.get_data(as_text=True))["type"].endswith("payload_too_large")


def test_unknown_route_is_404_not_found(harness: Harness) -> None:
    body = problem(harness.client.get("/v2/nothing"), 404)
    assert body["type"].endswith("not_found")


@pytest.mark.parametrize(("verdict", "retry_after"), [("THROTTLED", "1"), ("QUOTA_EXCEEDED", "3600")])
def test_usage_plan_verdicts_are_429(sam: SamTemplate, verdict: str, retry_after: str) -> None:
    seen: list[str] = []

    def check(key: str) -> str:
        seen.append(key)
        return verdict

    harness = Harness(sam, usage_check=check)
    response = harness.client.get("/v1/usage")

    body = problem(response, 429)
    assert body["type"].endswith("rate_limited")
    assert response.headers["Retry-After"] == retry_after
    assert seen == ["usage-key-demo"]


def test_routes_without_api_key_are_not_throttled(sam: SamTemplate) -> None:
    harness = Harness(sam, usage_check=lambda key: "THROTTLED")

    assert harness.client.get("/v1/health").status_code == 200
