"""localgw.gateway_responses: API Gateway's own errors rendered from the template's GatewayResponses."""

from __future__ import annotations

import json

import pytest

from localgw.gateway_responses import GatewayResponses, substitute
from localgw.intrinsics import IntrinsicResolver
from localgw.template import load_template
from tests.helpers.paths import ROOT

REQUEST_ID = "0d3c5a5e-1111-4222-8333-944455556666"


@pytest.fixture(scope="module")
def responses() -> GatewayResponses:
    sam = load_template(ROOT / "template.yaml")
    api = sam.serverless_api()
    assert api is not None
    resolver = IntrinsicResolver(sam.parameters, sam.conditions)
    return GatewayResponses(resolver.resolve(api[1]["GatewayResponses"]))


@pytest.mark.parametrize(
    ("response_type", "status", "type_suffix"),
    [
        ("UNAUTHORIZED", 401, "missing_tenant_id"),
        ("ACCESS_DENIED", 403, "missing_tenant_id"),
        ("MISSING_AUTHENTICATION_TOKEN", 404, "not_found"),
        ("THROTTLED", 429, "rate_limited"),
        ("QUOTA_EXCEEDED", 429, "rate_limited"),
        ("REQUEST_TOO_LARGE", 413, "payload_too_large"),
        ("AUTHORIZER_FAILURE", 500, "internal_error"),
    ],
)
def test_listed_types_use_their_template(
    responses: GatewayResponses, response_type: str, status: int, type_suffix: str
) -> None:
    # An authorizer's Deny names its problem in its context (the other types ignore it).
    rendered = responses.render(response_type, REQUEST_ID, authorizer={"problemCode": "missing_tenant_id"})

    assert rendered.status == status
    assert rendered.headers["Content-Type"] == "application/problem+json"
    assert rendered.headers["x-amzn-RequestId"] == REQUEST_ID
    body = json.loads(rendered.body)
    assert body["type"] == f"https://api.zelinqa.ai/errors/{type_suffix}"
    assert body["request_id"] == REQUEST_ID


def test_header_values_are_unquoted_literals(responses: GatewayResponses) -> None:
    assert responses.render("UNAUTHORIZED", REQUEST_ID).headers["WWW-Authenticate"] == "Bearer"
    assert responses.render("THROTTLED", REQUEST_ID).headers["Retry-After"] == "1"
    assert responses.render("QUOTA_EXCEEDED", REQUEST_ID).headers["Retry-After"] == "3600"


def test_unlisted_4xx_type_falls_back_to_default_4xx_with_its_own_status(responses: GatewayResponses) -> None:
    rendered = responses.render("INVALID_API_KEY", REQUEST_ID)

    assert rendered.status == 403
    body = json.loads(rendered.body)
    assert body["gateway_error"] == "INVALID_API_KEY"
    assert body["detail"] == "Forbidden"


def test_unlisted_5xx_falls_back_to_default_5xx(responses: GatewayResponses) -> None:
    rendered = responses.render("DEFAULT_5XX", REQUEST_ID, status=502, message="Internal server error")

    assert rendered.status == 502
    body = json.loads(rendered.body)
    assert body["gateway_error"] == "DEFAULT_5XX"
    assert body["type"].endswith("internal_error")


def test_message_string_is_a_json_string_even_with_quotes() -> None:
    body = substitute('{"detail": $context.error.messageString}', REQUEST_ID, "DEFAULT_4XX", 'say "hi"\n')

    assert json.loads(body) == {"detail": 'say "hi"\n'}


def test_without_any_gateway_responses_api_gateway_default_body() -> None:
    rendered = GatewayResponses({}).render("THROTTLED", REQUEST_ID)

    assert rendered.status == 429
    assert json.loads(rendered.body) == {"message": "Too Many Requests"}


def test_an_authorizer_variable_without_a_value_renders_empty_as_api_gateway_does(
    responses: GatewayResponses,
) -> None:
    body = json.loads(responses.render("ACCESS_DENIED", REQUEST_ID).body)

    assert body["type"] == "https://api.zelinqa.ai/errors/"
    assert body["title"] == "" and body["status"] == 403
