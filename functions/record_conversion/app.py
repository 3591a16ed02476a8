"""POST /v1/sessions/{session_id}/conversion — record how a conversation ended.

Safe to retry: Powertools Idempotency keys each call by tenant, session and the Idempotency-Key
header (read and validated here, case-insensitively — never left to a JMESPath over headers,
which lets a missing header collide with another client's). A replay returns the first answer;
the same key with another body is a 422; a duplicate still in progress is a 409 to retry.
"""

import re
from typing import Any

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
from parley.http.endpoint import Endpoint, Request, Response
from parley.http.problems import (
    ConflictProblem,
    IdempotencyConflictProblem,
    PayloadTooLargeProblem,
    ServiceUnavailableProblem,
    ValidationProblem,
)
from parley.http.responses import json_response
from parley.nbq.models import ConversionRequest
from parley.nbq.service import NbqService
from parley.observability import Observability
from parley.settings import Settings

MAX_BODY_BYTES = 16_384
UUID_PATTERN = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
IDEMPOTENCY_HEADER = "idempotency-key"

settings = Settings.from_env()
observability = Observability(settings)
endpoint = Endpoint(settings, observability.logger)
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


def _idempotency_key(value: str | None) -> str:
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


def handle_record_conversion(http: Request) -> Response:
    caller = http.caller
    session_id = http.path_parameter("session_id")
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
    key = _idempotency_key(http.header(IDEMPOTENCY_HEADER))
    body = http.body or ""
    # Bytes, not characters: a body of multi-byte characters is larger than its length says.
    if len(body.encode()) > MAX_BODY_BYTES:
        raise PayloadTooLargeProblem(f"The request body exceeds {MAX_BODY_BYTES} bytes.")
    request = ConversionRequest.model_validate_json(body)
    idempotency.register_lambda_context(http.context)
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
    return json_response(result, http.request_id, status=202)


lambda_handler = observability.api_handler(endpoint(handle_record_conversion))
