"""The SAM CLI internals localgw relies on (aws-sam-cli is pinned exactly). Fails loudly on change."""

from __future__ import annotations

import inspect
import io
import json

import pytest
from flask import Flask
from samcli.commands.local.lib.local_lambda import LocalLambdaRunner
from samcli.local.apigw.authorizers.lambda_authorizer import LambdaAuthorizer
from samcli.local.apigw.local_apigw_service import LocalApigwService
from samcli.local.apigw.service_error_responses import ServiceErrorResponses
from samcli.local.services.base_local_service import LambdaOutputParser

from localgw.sam_seam import SAM_MESSAGES, gateway_error_for


@pytest.mark.parametrize(
    ("factory", "status", "response_type"),
    [
        (ServiceErrorResponses.route_not_found, 403, "MISSING_AUTHENTICATION_TOKEN"),
        (ServiceErrorResponses.missing_lambda_auth_identity_sources, 401, "UNAUTHORIZED"),
        (ServiceErrorResponses.lambda_authorizer_unauthorized, 403, "ACCESS_DENIED"),
        (ServiceErrorResponses.lambda_failure_response, 502, "DEFAULT_5XX"),
        (ServiceErrorResponses.lambda_body_failure_response, 500, "DEFAULT_5XX"),
        (ServiceErrorResponses.lambda_not_found_response, 502, "DEFAULT_5XX"),
    ],
)
def test_sam_service_error_responses_map_to_gateway_responses(
    factory: object, status: int, response_type: str
) -> None:
    with Flask(__name__).app_context():
        response = factory()  # type: ignore[operator]

    assert response.status_code == status
    body = response.get_json()
    assert body["message"] in SAM_MESSAGES, f"SAM changed its message: {body}"
    error = gateway_error_for(response.status_code, body)
    assert error is not None
    assert error.response_type == response_type


def test_every_mapped_message_is_still_one_sam_uses() -> None:
    sam_messages = {
        value["message"]
        for name, value in vars(ServiceErrorResponses).items()
        if name.startswith("_") and isinstance(value, dict) and "message" in value
    }

    assert set(SAM_MESSAGES) == sam_messages


def test_function_answers_are_never_remapped() -> None:
    assert gateway_error_for(200, {"message": "Internal server error"}) is None
    error = gateway_error_for(400, {"message": "tenant id invalid"})
    assert error is not None
    assert (error.response_type, error.status) == ("DEFAULT_4XX", 400)


def test_runner_invoke_signature_is_what_localgw_implements() -> None:
    parameters = list(inspect.signature(LocalLambdaRunner.invoke).parameters)

    assert parameters[:7] == [
        "self",
        "function_identifier",
        "event",
        "tenant_id",
        "stdout",
        "stderr",
        "override_runtime",
    ]


def test_overridden_service_methods_keep_their_signatures() -> None:
    assert list(inspect.signature(LocalApigwService._invoke_parse_lambda_authorizer).parameters) == [
        "self",
        "lambda_authorizer",
        "auth_lambda_event",
        "route_lambda_event",
        "route",
    ]
    assert list(inspect.signature(LocalApigwService._generate_lambda_event).parameters) == [
        "self",
        "flask_request",
        "route",
        "method",
        "endpoint",
    ]
    assert callable(LocalApigwService._request_handler)
    assert callable(LocalApigwService.service_response)


def test_output_parser_reads_stdout_and_spots_the_lambda_error_shape() -> None:
    error = json.dumps({"errorMessage": "Unauthorized", "errorType": "Exception", "stackTrace": []})

    assert LambdaOutputParser.get_lambda_output(io.StringIO(error)) == (error, True)
    assert LambdaOutputParser.get_lambda_output(io.StringIO('{"statusCode": 200}'))[1] is False


def test_stage_wide_policy_resource_is_authorized() -> None:
    # SAM turns the policy Resource into a regex: a stage-wide `…/<stage>/*` must keep working.
    authorizer = LambdaAuthorizer("ParleyAuthorizer", "request", "AuthorizerFunction", [], "1.0")
    policy = {
        "principalId": "demo",
        "policyDocument": {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Action": "execute-api:Invoke",
                    "Effect": "Allow",
                    "Resource": "arn:aws:execute-api:us-east-1:123456789012:1234567890/prod/*",
                }
            ],
        },
    }

    method_arn = "arn:aws:execute-api:us-east-1:123456789012:1234567890/prod/GET/v1/usage"
    assert authorizer.is_valid_response(json.dumps(policy), method_arn) is True
