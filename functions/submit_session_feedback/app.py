"""POST /v1/sessions/{session_id}/feedback — what the conversation produced; it credits the
questions asked in the session as a recorded conversion does (202)."""

from parley import aws
from parley.http.bodies import parse_body
from parley.http.endpoint import Endpoint, Request, Response
from parley.http.headers import required_idempotency_key
from parley.http.problems import V1_STYLE
from parley.http.responses import StoredBody, json_response
from parley.observability import Observability
from parley.sessions.limits import (
    MAX_BODY_BYTES,
    MAX_IDEMPOTENCY_KEY_CHARS,
    MIN_IDEMPOTENCY_KEY_CHARS,
)
from parley.sessions.models import FeedbackRequest
from parley.settings import Settings
from parley.wiring import session_service

settings = Settings.from_env()
observability = Observability(settings)
endpoint = Endpoint(settings, observability, V1_STYLE)
service, idempotency = session_service(settings, aws.dynamodb(), record_name="submit_session_feedback")


def handle_submit_session_feedback(http: Request) -> Response:
    # An id no session can have (over 128 characters) is an unknown session, as the contract says.
    session_id = http.path_parameter("session_id")
    key = required_idempotency_key(http, MIN_IDEMPOTENCY_KEY_CHARS, MAX_IDEMPOTENCY_KEY_CHARS)
    request = parse_body(http.body, FeedbackRequest, max_bytes=MAX_BODY_BYTES)
    assert idempotency is not None
    idempotency.register_lambda_context(http.context)
    body = service.feedback(http.caller.tenant_id, session_id, key, request)
    observability.count("SessionFeedback", result=request.result)
    return json_response(StoredBody(body), http.request_id, status=202)


lambda_handler = observability.api_handler(endpoint(handle_submit_session_feedback))
