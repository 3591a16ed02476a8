"""CORS: a deployment names one browser origin (CorsAllowedOrigin); the default allows none."""

import pytest
from samcli.yamlhelper import yaml_parse

from tests.helpers.events import load_event
from tests.helpers.paths import ROOT

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
