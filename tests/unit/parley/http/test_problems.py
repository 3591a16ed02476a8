"""Problem details: the one error format, its legacy member, and the endpoint's mapping."""

import base64
import json
from types import SimpleNamespace
from unittest.mock import MagicMock

import pytest
from pydantic import BaseModel, Field, ValidationError, model_validator

from parley.errors import LimitExceeded, NotFound, Unavailable
from parley.http.endpoint import Endpoint, Request, Response
from parley.http.problems import (
    CONVERSATIONS_STYLE,
    NBQ_STYLE,
    PROBLEM_CONTENT_TYPE,
    TURN_STYLE,
    ProblemFormat,
    problem_for,
    validation_errors,
)
from parley.http.request_ids import request_id_for, request_id_from_gateway_id
from parley.http.responses import json_response

BASE = "https://api.zelinqa.ai/errors/"


def header(response: dict, name: str) -> str:
    """A header of a REST (payload v1) proxy response: Powertools writes multiValueHeaders."""
    if name in (response.get("headers") or {}):
        return response["headers"][name]
    return response["multiValueHeaders"][name][0]


class NextQuestion(BaseModel):
    session_id: str = Field(min_length=1, max_length=128)
    context: str | None = None

    @model_validator(mode="after")
    def _history_or_context(self) -> "NextQuestion":
        if self.context is None:
            raise ValueError("invalid_request: provide conversation_history or context")
        return self


def _event(path: str = "/v1/thing", method: str = "POST", body: str | None = None) -> dict:
    return {
        "resource": path,
        "path": path,
        "httpMethod": method,
        "headers": {"Content-Type": "application/json"},
        "multiValueHeaders": {},
        "queryStringParameters": None,
        "multiValueQueryStringParameters": None,
        "pathParameters": None,
        "stageVariables": None,
        "requestContext": {"requestId": "c6af9ac6-7b61-11e6-9a41-93e8deadbeef", "stage": "prod"},
        "body": body,
        "isBase64Encoded": False,
    }


class _Ok:
    def body(self) -> dict:
        return {"ok": True}


def _thing(request: Request) -> Response:
    NextQuestion.model_validate_json(request.body or "{}")
    return json_response(_Ok(), request.request_id)


def _missing(_request: Request) -> Response:
    raise NotFound("Conversation not found")


def _crash(_request: Request) -> Response:
    raise RuntimeError("secret table name TenantsTable exploded at line 42")


def _busy(_request: Request) -> Response:
    raise Unavailable("The data store is busy", retry_after=2)


ROUTES = {"/v1/thing": _thing, "/v1/missing": _missing, "/v1/crash": _crash, "/v1/busy": _busy}


class _App:
    """The routes above, each behind its own Endpoint as a function would have it."""

    def __init__(self, style=NBQ_STYLE) -> None:
        settings = SimpleNamespace(problem_type_base=BASE, cors_allowed_origin="")
        self.observability = MagicMock()
        self.logger = self.observability.logger
        self.endpoint = Endpoint(settings, self.observability, style)

    def resolve(self, event: dict, context: object) -> dict:
        return self.endpoint(ROUTES[event["path"]])(event, context)


def _app(style=NBQ_STYLE) -> _App:
    return _App(style)


def test_given_a_body_failing_a_model_validator_when_resolved_then_422_reads_like_the_spec() -> None:
    response = _app().resolve(_event(body='{"session_id": "conv-7f3a1c"}'), None)

    assert response["statusCode"] == 422
    assert header(response, "Content-Type") == PROBLEM_CONTENT_TYPE
    body = json.loads(response["body"])
    assert body["type"] == BASE + "validation_failed"
    assert body["title"] == "Request body or parameters failed validation."
    assert body["status"] == 422
    assert body["detail"] == "Value error, invalid_request: provide conversation_history or context"
    assert body["errors"] == [
        {
            "loc": ["body"],
            "msg": "Value error, invalid_request: provide conversation_history or context",
            "type": "value_error",
        }
    ]
    assert body["request_id"] == "req_c6af9ac67b6111e6"
    assert header(response, "X-Request-Id") == body["request_id"]


def test_given_a_field_error_when_resolved_then_loc_names_the_field() -> None:
    body = json.loads(_app().resolve(_event(body='{"session_id": ""}'), None)["body"])

    assert body["errors"][0]["loc"] == ["body", "session_id"]
    assert body["errors"][0]["type"] == "string_too_short"


def test_given_the_turn_api_when_validation_fails_then_status_is_the_route_familys_400() -> None:
    response = _app(TURN_STYLE).resolve(_event(body="{}"), None)

    assert response["statusCode"] == 400
    assert json.loads(response["body"])["status"] == 400


def test_given_an_unexpected_exception_when_resolved_then_500_hides_internals() -> None:
    response = _app().resolve(_event("/v1/crash", "GET"), None)

    assert response["statusCode"] == 500
    body = json.loads(response["body"])
    assert body["type"] == BASE + "internal_error"
    assert "TenantsTable" not in response["body"]
    assert "Traceback" not in response["body"]
    assert body["request_id"].startswith("req_")


def test_given_a_busy_store_when_resolved_then_503_with_retry_after() -> None:
    response = _app().resolve(_event("/v1/busy", "GET"), None)

    assert response["statusCode"] == 503
    assert header(response, "Retry-After") == "2"
    assert json.loads(response["body"])["type"] == BASE + "service_unavailable"


def test_given_conversations_clients_when_not_found_then_the_legacy_error_member_is_there_too() -> None:
    app = _app(CONVERSATIONS_STYLE)

    body = json.loads(app.resolve(_event("/v1/missing", "GET"), None)["body"])

    assert body["status"] == 404
    assert body["type"] == BASE + "not_found"
    assert body["error"] == {"code": "NOT_FOUND", "message": "Conversation not found"}


def test_given_legacy_member_when_validation_fails_then_details_map_fields_to_messages() -> None:
    app = _app(CONVERSATIONS_STYLE)

    body = json.loads(app.resolve(_event(body='{"session_id": ""}'), None)["body"])

    assert body["error"]["code"] == "VALIDATION_ERROR"
    assert set(body["error"]["details"]) == {"session_id"}


def test_given_an_unexpected_exception_then_it_is_logged_with_its_type_but_not_answered() -> None:
    app = _app()

    app.resolve(_event("/v1/crash", "GET"), None)

    app.logger.exception.assert_called_once_with("unhandled error", extra={"error_type": "RuntimeError"})


def test_given_a_base64_body_then_the_route_reads_its_text() -> None:
    event = _event(body=base64.b64encode(b'{"session_id": "s", "context": "c"}').decode())
    event["isBase64Encoded"] = True

    response = _app().resolve(event, None)

    assert response["statusCode"] == 200
    assert json.loads(response["body"])["ok"] is True


def test_given_a_base64_body_that_is_not_utf8_then_422_not_500() -> None:
    event = _event(body=base64.b64encode(b"\xff\xfe").decode())
    event["isBase64Encoded"] = True

    response = _app().resolve(event, None)

    assert response["statusCode"] == 422
    assert json.loads(response["body"])["errors"][0]["loc"] == ["body"]


def test_headers_are_read_whatever_their_case() -> None:
    request = Request({"headers": {"Idempotency-KEY": "k"}}, None)

    assert request.header("idempotency-key") == "k"
    assert request.header("Origin") is None


def test_an_event_without_a_gateway_id_gets_one_request_id_in_body_and_header() -> None:
    event = _event("/v1/busy", "GET")
    del event["requestContext"]["requestId"]

    response = _app().resolve(event, None)

    assert json.loads(response["body"])["request_id"] == header(response, "X-Request-Id")


def test_proxy_response_outside_an_endpoint_carries_headers_and_extra_members() -> None:
    problem = problem_for(LimitExceeded("content exceeds 512 KB", details={"limit_bytes": 524288}), NBQ_STYLE)

    response = ProblemFormat(BASE).proxy_response(problem, "req_0123456789abcdef")

    assert response["statusCode"] == 413
    assert json.loads(response["body"]) == {
        "type": BASE + "payload_too_large",
        "title": "Payload too large",
        "status": 413,
        "detail": "content exceeds 512 KB",
        "request_id": "req_0123456789abcdef",
        "limit_bytes": 524288,
    }


def test_validation_errors_from_pydantic_keep_loc_msg_type_only() -> None:
    with pytest.raises(ValidationError) as caught:
        NextQuestion.model_validate({"session_id": "x" * 129, "context": "c"})

    errors = validation_errors(caught.value.errors())

    assert errors == [
        {
            "loc": ["body", "session_id"],
            "msg": "String should have at most 128 characters",
            "type": "string_too_long",
        }
    ]


@pytest.mark.parametrize(
    ("gateway_id", "expected"),
    [
        ("c6af9ac6-7b61-11e6-9a41-93e8deadbeef", "req_c6af9ac67b6111e6"),
        ("C6AF9AC6-7B61-11E6-9A41-93E8DEADBEEF", "req_c6af9ac67b6111e6"),
    ],
)
def test_request_id_derives_from_the_gateway_uuid(gateway_id: str, expected: str) -> None:
    assert request_id_from_gateway_id(gateway_id) == expected


def test_request_id_of_a_non_uuid_or_missing_id_is_still_req_plus_16_hex() -> None:
    import re

    for value in ("not-a-uuid", None, ""):
        assert re.fullmatch(r"req_[0-9a-f]{16}", request_id_from_gateway_id(value))
    assert request_id_for({}) != request_id_for({})


def test_every_failure_is_counted_by_its_problem_type() -> None:
    app = _app()

    app.resolve(_event("/v1/missing", "GET"), None)
    app.resolve(_event("/v1/crash", "GET"), None)

    counted = [call.kwargs for call in app.observability.count.call_args_list]
    assert counted == [{"code": "not_found"}, {"code": "internal_error"}]


@pytest.mark.parametrize(
    ("style", "status", "detail", "msg"),
    [
        (NBQ_STYLE, 422, "Field required", "Field required"),
        (CONVERSATIONS_STYLE, 422, "Invalid request body", "Required field"),
        (TURN_STYLE, 400, "Invalid request body", "Required field"),
    ],
)
def test_each_api_renders_a_schema_error_in_its_own_style(style, status, detail, msg) -> None:
    """The APIs' differences are data: one ``ApiStyle`` each, one mapping for all."""
    response = _app(style).resolve(_event(body='{"context": "c"}'), None)

    body = json.loads(response["body"])
    assert (response["statusCode"], body["status"], body["detail"]) == (status, status, detail)
    assert body["errors"] == [{"loc": ["body", "session_id"], "msg": msg, "type": "missing"}]
    assert ("error" in body) is style.legacy_error_member
