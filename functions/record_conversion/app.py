"""POST /v1/sessions/{session_id}/conversion — record how a conversation ended.

Safe to retry: Powertools Idempotency keys each call by tenant, session and the Idempotency-Key
header (read and validated here, case-insensitively — never left to a JMESPath over headers,
which lets a missing header collide with another client's). A replay returns the first answer;
the same key with another body is a 422; a duplicate still in progress is a 409 to retry.
"""

import re
from typing import Any

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.utilities.idempotency import (
    DynamoDBPersistenceLayer,
    IdempotencyConfig,
    idempotent_function,
)
from aws_lambda_powertools.utilities.idempotency.exceptions import (
    IdempotencyAlreadyInProgressError,
    IdempotencyPersistenceLayerError,
    IdempotencyValidationError,
)

from parley import aws
from parley.http.problems import (
    ConflictProblem,
    IdempotencyConflictProblem,
    PayloadTooLargeProblem,
    ServiceUnavailableProblem,
    ValidationProblem,
)
from parley.http.request_ids import request_id_for
from parley.http.resolver import rest_app
from parley.http.responses import json_response
from parley.http.tenancy import caller_of
from parley.nbq.models import ConversionRequest
from parley.nbq.service import NbqService
from parley.observability import Observability
from parley.settings import Settings

MAX_BODY_BYTES = 16_384
UUID_PATTERN = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
IDEMPOTENCY_HEADER = "idempotency-key"

settings = Settings.from_env()
observability = Observability(settings)
app = rest_app(settings, observability.logger)


@app.not_found
def _unroutable_session_id(_exc: Exception) -> Response:
    # API Gateway routes only this one path here, so a path the resolver cannot match means a
    # session_id with characters its router refuses (control characters, some symbols): that is
    # the client's bad parameter, not a missing route.
    raise ValidationProblem(
        "session_id contains characters that are not allowed",
        errors=[
            {
                "loc": ["path", "session_id"],
                "msg": "characters not allowed",
                "type": "string_pattern_mismatch",
            }
        ],
    )


_dynamodb = aws.dynamodb()
service = NbqService.for_tables(_dynamodb, settings.tables.tenants, settings.tables.sessions)
idempotency = IdempotencyConfig(
    event_key_jmespath="[tenant_id, session_id, idempotency_key]",
    payload_validation_jmespath="[outcome, metadata]",
    expires_after_seconds=24 * 3600,
    raise_on_no_idempotency_key=True,
)
persistence = DynamoDBPersistenceLayer(table_name=settings.tables.idempotency, boto3_client=_dynamodb)


@idempotent_function(data_keyword_argument="call", config=idempotency, persistence_store=persistence)
def record_conversion(call: dict[str, Any]) -> dict[str, str]:
    request = ConversionRequest(outcome=call["outcome"], metadata=call["metadata"])
    return service.record_conversion(call["tenant_id"], call["session_id"], request)


def _idempotency_key(headers: dict[str, str] | None) -> str:
    value = next((v for k, v in (headers or {}).items() if k.lower() == IDEMPOTENCY_HEADER), None)
    if value is None or not UUID_PATTERN.fullmatch(value.strip()):
        message = "Idempotency-Key header is required" if value is None else "Idempotency-Key must be a UUID"
        raise ValidationProblem(
            message,
            errors=[
                {
                    "loc": ["header", "Idempotency-Key"],
                    "msg": message,
                    "type": "missing" if value is None else "uuid_parsing",
                }
            ],
        )
    return value.strip().lower()


@app.post("/v1/sessions/<session_id>/conversion")
def handle_record_conversion(session_id: str) -> Response:
    event = app.current_event
    caller = caller_of(event.raw_event)
    if not 1 <= len(session_id) <= 128:
        raise ValidationProblem(
            "session_id must be 1 to 128 characters",
            errors=[
                {
                    "loc": ["path", "session_id"],
                    "msg": "session_id must be 1 to 128 characters",
                    "type": "string_too_long",
                }
            ],
        )
    key = _idempotency_key(event.headers)
    body = event.decoded_body or ""
    # Bytes, not characters: a body of multi-byte characters is larger than its length says.
    if len(body.encode()) > MAX_BODY_BYTES:
        raise PayloadTooLargeProblem(f"The request body exceeds {MAX_BODY_BYTES} bytes.")
    request = ConversionRequest.model_validate_json(body)
    idempotency.register_lambda_context(app.lambda_context)
    call = {
        "tenant_id": caller.tenant_id,
        "session_id": session_id,
        "idempotency_key": key,
        "outcome": request.outcome,
        "metadata": request.metadata,
    }
    try:
        result = record_conversion(call=call)
    except IdempotencyAlreadyInProgressError:
        raise ConflictProblem(
            "A request with this Idempotency-Key is still in progress; retry shortly.",
            headers={"Retry-After": "1"},
        ) from None
    except IdempotencyValidationError:
        raise IdempotencyConflictProblem(
            "This Idempotency-Key was already used with a different request body."
        ) from None
    except IdempotencyPersistenceLayerError:
        # The idempotency table is throttling or unreachable (after the SDK's retries): nothing
        # was recorded, and the same key is safe to retry.
        raise ServiceUnavailableProblem("The conversion could not be recorded now; retry shortly.") from None
    return json_response(result, request_id_for(event.raw_event), status=202)


@observability.api_handler
def lambda_handler(event: dict, context: object) -> dict:
    return app.resolve(event, context)
