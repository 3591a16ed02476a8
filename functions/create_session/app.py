"""POST /v1/sessions — start a Zelinqa V1 session, pinned to the configuration published now (201)."""

from parley import aws
from parley.http.bodies import parse_body
from parley.http.endpoint import Endpoint, Request, Response
from parley.http.headers import required_idempotency_key
from parley.http.problems import V1_STYLE
from parley.http.responses import StoredBody, json_response
from parley.observability import Observability
from parley.sessions.limits import MAX_BODY_BYTES, MAX_IDEMPOTENCY_KEY_CHARS, MIN_IDEMPOTENCY_KEY_CHARS
from parley.sessions.models import SessionCreateRequest
from parley.settings import Settings
from parley.wiring import session_service

settings = Settings.from_env()
observability = Observability(settings)
endpoint = Endpoint(settings, observability, V1_STYLE)
service, idempotency = session_service(settings, aws.dynamodb(), record_name="create_session")


def handle_create_session(http: Request) -> Response:
    key = required_idempotency_key(http, MIN_IDEMPOTENCY_KEY_CHARS, MAX_IDEMPOTENCY_KEY_CHARS)
    request = parse_body(http.body, SessionCreateRequest, max_bytes=MAX_BODY_BYTES)
    assert idempotency is not None
    idempotency.register_lambda_context(http.context)
    body = service.create(http.caller.tenant_id, key, request)
    observability.count("SessionsCreated")
    return json_response(StoredBody(body), http.request_id, status=201)


lambda_handler = observability.api_handler(endpoint(handle_create_session))
