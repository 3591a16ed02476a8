"""POST /v1/next-questions — the next best question to ask in a conversation."""

from parley import aws
from parley.http.endpoint import Endpoint, Request, Response
from parley.http.problems import PayloadTooLargeProblem
from parley.http.responses import json_response
from parley.nbq.models import NextQuestionRequest
from parley.nbq.service import NbqService
from parley.observability import Observability
from parley.settings import Settings

# 50 messages x 2,000 characters, 8,000 of context and 200 ids fit well below this, even with
# every character JSON-escaped; anything larger is refused before it is parsed.
MAX_BODY_BYTES = 1_048_576

settings = Settings.from_env()
observability = Observability(settings)
endpoint = Endpoint(settings, observability.logger)
_dynamodb = aws.dynamodb()
service = NbqService.for_tables(_dynamodb, settings.tables.tenants, settings.tables.sessions)


def handle_next_question(http: Request) -> Response:
    tenant_id = http.caller.tenant_id
    body = http.body or ""
    # Bytes, not characters: a body of multi-byte characters is larger than its length says.
    if len(body.encode()) > MAX_BODY_BYTES:
        raise PayloadTooLargeProblem(f"The request body exceeds {MAX_BODY_BYTES} bytes.")
    request = NextQuestionRequest.model_validate_json(body)
    result = service.next_question(tenant_id, request)
    question = result.question
    return json_response(
        {
            "next_question": {"external_id": question.external_id, "text": question.text}
            if question
            else None,
            "exhausted": question is None,
            "nbq_version": result.nbq_version,
        },
        http.request_id,
    )


lambda_handler = observability.api_handler(endpoint(handle_next_question))
