"""GET /v1/sessions/{session_id} — a session's full resumable state (pending decision included)."""

from parley import aws
from parley.http.endpoint import Endpoint, Request, Response
from parley.http.problems import V1_STYLE
from parley.http.responses import StoredBody, json_response
from parley.observability import Observability
from parley.settings import Settings
from parley.wiring import session_service

settings = Settings.from_env()
observability = Observability(settings)
endpoint = Endpoint(settings, observability, V1_STYLE)
service, _ = session_service(settings, aws.dynamodb(), record_name=None)


def handle_get_session(http: Request) -> Response:
    # An id no session can have (over 128 characters) is an unknown session, as the contract says.
    session_id = http.path_parameter("session_id")
    body = service.read(http.caller.tenant_id, session_id)
    observability.count("SessionsRead")
    return json_response(StoredBody(body), http.request_id)


lambda_handler = observability.api_handler(endpoint(handle_get_session))
