"""POST /v1/sessions/{session_id}/conversion — record how a conversation ended.

Safe to retry: the NBQ service records a conversion once per tenant, session and Idempotency-Key
(Powertools Idempotency behind ``parley.idempotency``). A replay returns the first answer; the same
key with another body is a 422; a duplicate still in progress is a 409 to retry.
"""

from parley import aws
from parley.http.bodies import parse_body
from parley.http.endpoint import Endpoint, Request, Response
from parley.http.headers import uuid_idempotency_key
from parley.http.responses import json_response
from parley.idempotency import PowertoolsIdempotency
from parley.nbq.limits import CONVERSION_MAX_BODY_BYTES, SESSION_ID_MAX_CHARS
from parley.nbq.models import ConversionRequest, ConversionResponse
from parley.nbq.repository import DynamoNbqConfigRepository, DynamoNbqSessionRepository
from parley.nbq.service import NbqService, TenantNbqCache
from parley.observability import Observability
from parley.settings import Settings

settings = Settings.from_env()
observability = Observability(settings)
endpoint = Endpoint(settings, observability)
_dynamodb = aws.dynamodb()
idempotency = PowertoolsIdempotency(
    settings.tables.idempotency,
    _dynamodb,
    key_fields=("tenant_id", "session_id", "idempotency_key"),
    payload_fields=("outcome", "metadata"),
    what="conversion",
    record_name="record_conversion",
)
service = NbqService(
    TenantNbqCache(DynamoNbqConfigRepository(_dynamodb, settings.tables.tenants)),
    DynamoNbqSessionRepository(_dynamodb, settings.tables.sessions, settings.tables.tenants),
    idempotency,
)


def handle_record_conversion(http: Request) -> Response:
    session_id = http.path_parameter("session_id", max_chars=SESSION_ID_MAX_CHARS)
    key = uuid_idempotency_key(http)
    request = parse_body(http.body, ConversionRequest, max_bytes=CONVERSION_MAX_BODY_BYTES)
    idempotency.register_lambda_context(http.context)
    conversion_id = service.record_conversion(http.caller.tenant_id, session_id, key, request)
    observability.count("ConversionsRecorded", outcome=request.outcome)
    return json_response(ConversionResponse(conversion_id), http.request_id, status=202)


lambda_handler = observability.api_handler(endpoint(handle_record_conversion))
