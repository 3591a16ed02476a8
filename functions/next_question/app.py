"""POST /v1/next-questions — the next best question to ask in a conversation."""

from aws_lambda_powertools.event_handler import Response

from parley import aws
from parley.http.problems import PayloadTooLargeProblem
from parley.http.request_ids import request_id_for
from parley.http.resolver import rest_app
from parley.http.responses import json_response
from parley.http.tenancy import caller_of
from parley.nbq.models import NextQuestionRequest
from parley.nbq.service import NbqService
from parley.observability import Observability
from parley.settings import Settings

# 50 messages x 2,000 characters, 8,000 of context and 200 ids fit well below this, even with
# every character JSON-escaped; anything larger is refused before it is parsed.
MAX_BODY_BYTES = 1_048_576

settings = Settings.from_env()
observability = Observability(settings)
app = rest_app(settings, observability.logger)
_dynamodb = aws.dynamodb()
service = NbqService.for_tables(_dynamodb, settings.tables.tenants, settings.tables.sessions)


@app.post("/v1/next-questions")
def handle_next_question() -> Response:
    event = app.current_event
    caller = caller_of(event.raw_event)
    body = event.decoded_body or ""
    # Bytes, not characters: a body of multi-byte characters is larger than its length says.
    if len(body.encode()) > MAX_BODY_BYTES:
        raise PayloadTooLargeProblem(f"The request body exceeds {MAX_BODY_BYTES} bytes.")
    request = NextQuestionRequest.model_validate_json(body)
    result = service.next_question(caller.tenant_id, request)
    question = result.question
    return json_response(
        {
            "next_question": {"external_id": question.external_id, "text": question.text}
            if question
            else None,
            "exhausted": question is None,
            "nbq_version": result.nbq_version,
        },
        request_id_for(event.raw_event),
    )


@observability.api_handler
def lambda_handler(event: dict, context: object) -> dict:
    return app.resolve(event, context)
