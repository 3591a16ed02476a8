"""CORS: a deployment names one browser origin (CorsAllowedOrigin); the default allows none."""

import re

import pytest
from samcli.yamlhelper import yaml_parse

from parley.http.endpoint import CORS_ALLOWED_HEADERS
from tests.helpers.events import load_event
from tests.helpers.paths import ROOT
from tests.helpers.web import WEB, node_modules_installed

ORIGIN = "https://app.example.com"


def _with_origin(relative: str, origin: str) -> dict:
    event = load_event(relative)
    event["headers"]["Origin"] = origin
    event["multiValueHeaders"]["Origin"] = [origin]
    return event


def _allowed_origin(response: dict) -> str | None:
    single = (response.get("headers") or {}).get("Access-Control-Allow-Origin")
    values = (response.get("multiValueHeaders") or {}).get("Access-Control-Allow-Origin") or []
    return single or (values[0] if values else None)


@pytest.mark.parametrize("route", ["get_usage/ok.json", "get_health/ok.json"])
def test_the_configured_origin_gets_the_header_on_answers_and_others_do_not(
    route, load_function, lambda_context
) -> None:
    app = load_function(
        "UsageFunction" if "usage" in route else "HealthFunction", PARLEY_CORS_ALLOWED_ORIGIN=ORIGIN
    )

    allowed = app.lambda_handler(_with_origin(route, ORIGIN), lambda_context)
    other = app.lambda_handler(_with_origin(route, "https://evil.example"), lambda_context)

    assert _allowed_origin(allowed) == ORIGIN
    assert _allowed_origin(other) is None


def test_problem_answers_carry_the_header_too(load_function, lambda_context) -> None:
    app = load_function("UsageFunction", PARLEY_CORS_ALLOWED_ORIGIN=ORIGIN)

    response = app.lambda_handler(_with_origin("get_usage/no_tenant_context.json", ORIGIN), lambda_context)

    assert response["statusCode"] == 403
    assert _allowed_origin(response) == ORIGIN


def test_by_default_no_origin_is_allowed(load_function, lambda_context) -> None:
    app = load_function("UsageFunction")

    response = app.lambda_handler(_with_origin("get_usage/ok.json", ORIGIN), lambda_context)

    assert _allowed_origin(response) is None


def test_the_template_never_allows_every_origin_and_defaults_to_none() -> None:
    template = yaml_parse((ROOT / "template.yaml").read_text())
    assert template["Parameters"]["CorsAllowedOrigin"]["Default"] == ""
    api = next(r for r in template["Resources"].values() if r["Type"] == "AWS::Serverless::Api")
    cors = api["Properties"]["Cors"]
    assert "*" not in str(cors)
    assert api["Properties"]["Auth"]["AddDefaultAuthorizerToCorsPreflight"] is False


def test_the_preflight_allows_every_header_nlxs_published_sdk_sends() -> None:
    # The headers chat-core (pinned in web/package.json) sets on its requests, read from its code
    node_modules_installed()
    sdk = (WEB / "node_modules/@nlxai/chat-core/lib/index.esm.js").read_text(encoding="utf-8")
    sent = set(re.findall(r'"(nlx-[a-z-]+)"', sdk)) | {"nlx-api-key", "Content-Type"}
    assert {"nlx-sdk-version", "nlx-conversation-id"} <= sent

    template = yaml_parse((ROOT / "template.yaml").read_text())
    api = next(r for r in template["Resources"].values() if r["Type"] == "AWS::Serverless::Api")
    preflight = {h.lower() for h in api["Properties"]["Cors"]["AllowHeaders"].strip("'").split(",")}
    answers = {h.lower() for h in CORS_ALLOWED_HEADERS.split(",")}

    assert {h.lower() for h in sent} <= preflight
    assert {h.lower() for h in sent} <= answers
