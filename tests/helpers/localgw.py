"""The local gateway's HTTP service in-process (Flask's test client), with stand-in functions: an
authorizer that allows everyone as tenant demo and handlers that echo the event they received."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from flask.testing import FlaskClient

from localgw.gateway_responses import GatewayResponses
from localgw.intrinsics import IntrinsicResolver
from localgw.runner import FunctionSpec, InProcessRunner
from localgw.service import GatewayService
from localgw.template import SamTemplate
from tests.helpers.paths import ROOT

Handler = Callable[[dict[str, Any], Any], Any]


def allow(event: dict[str, Any], context: Any) -> dict[str, Any]:
    stage_arn = "/".join(event["methodArn"].split("/")[:2]) + "/*"
    return {
        "principalId": "demo",
        "policyDocument": {
            "Version": "2012-10-17",
            "Statement": [{"Action": "execute-api:Invoke", "Effect": "Allow", "Resource": stage_arn}],
        },
        "context": {"tenant_id": "demo", "key_prefix": "pk_test_demo"},
        "usageIdentifierKey": "usage-key-demo",
    }


def echo(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return {"statusCode": 200, "headers": {"Content-Type": "application/json"}, "body": json.dumps(event)}


class Harness:
    def __init__(self, sam: SamTemplate, usage_check: Callable[[str], str | None] | None = None) -> None:
        self.handlers: dict[str, Handler] = {
            "AuthorizerFunction": allow,
            "UsageFunction": echo,
            "HealthFunction": echo,
        }
        specs = {
            name: FunctionSpec(name=name, code_dir=ROOT, handler="app.lambda_handler")
            for name in sam.functions
        }
        self.runner = InProcessRunner(specs, "us-east-1", [])
        self.runner.handler = self.handlers.__getitem__  # type: ignore[method-assign]
        api = sam.serverless_api()
        assert api is not None
        responses = IntrinsicResolver(sam.parameters, sam.conditions).resolve(api[1]["GatewayResponses"])
        self.service = GatewayService(
            sam.api,
            self.runner,
            GatewayResponses(responses),
            usage_check=usage_check,
            api_key_required=lambda route, method: route.function_name == "UsageFunction",
            port=3000,
        )
        self.client: FlaskClient = self.service.app.test_client()
