"""POST /v1/configuration/publish — queue a compilation of the draft (202); one at a time."""

from parley import aws
from parley.configuration.limits import MAX_PUBLISH_BODY_BYTES as MAX_BODY_BYTES
from parley.configuration.models import PublishRequest
from parley.http.bodies import parse_body
from parley.http.endpoint import Endpoint, Request, Response
from parley.http.headers import required_idempotency_key
from parley.http.problems import V1_STYLE
from parley.http.responses import StoredBody, json_response
from parley.observability import Observability
from parley.sessions.limits import MAX_IDEMPOTENCY_KEY_CHARS, MIN_IDEMPOTENCY_KEY_CHARS
from parley.settings import Settings
from parley.wiring import configuration_service

settings = Settings.from_env()
observability = Observability(settings)
endpoint = Endpoint(settings, observability, V1_STYLE)
service, idempotency = configuration_service(
    settings, aws.dynamodb(), record_name="publish_configuration", queue_url=settings.compilations_queue_url
)


def handle_publish_configuration(http: Request) -> Response:
    key = required_idempotency_key(http, MIN_IDEMPOTENCY_KEY_CHARS, MAX_IDEMPOTENCY_KEY_CHARS)
    # The body is optional (the SDK sends {} without an expected revision).
    request = parse_body(http.body or "{}", PublishRequest, max_bytes=MAX_BODY_BYTES)
    assert idempotency is not None
    idempotency.register_lambda_context(http.context)
    body = service.publish(http.caller, key, request, http.request_id)
    observability.count("ConfigurationPublications")
    return json_response(StoredBody(body), http.request_id, status=202)


lambda_handler = observability.api_handler(endpoint(handle_publish_configuration))
