"""POST /v1/next-questions — the next best question to ask in a conversation."""

from parley import aws
from parley.http.bodies import parse_body
from parley.http.endpoint import Endpoint, Request, Response
from parley.http.responses import json_response
from parley.nbq.limits import NEXT_QUESTION_MAX_BODY_BYTES
from parley.nbq.models import NextQuestionRequest, NextQuestionResponse
from parley.nbq.repository import DynamoNbqConfigRepository, DynamoNbqSessionRepository
from parley.nbq.service import NbqService, TenantNbqCache
from parley.observability import Observability
from parley.settings import Settings

settings = Settings.from_env()
observability = Observability(settings)
endpoint = Endpoint(settings, observability)
_dynamodb = aws.dynamodb()
service = NbqService(
    TenantNbqCache(DynamoNbqConfigRepository(_dynamodb, settings.tables.tenants)),
    DynamoNbqSessionRepository(_dynamodb, settings.tables.sessions, settings.tables.tenants),
)


def handle_next_question(http: Request) -> Response:
    request = parse_body(http.body, NextQuestionRequest, max_bytes=NEXT_QUESTION_MAX_BODY_BYTES)
    result = service.next_question(http.caller.tenant_id, request)
    observability.count("QuestionsServed" if result.question else "QuestionsExhausted")
    return json_response(NextQuestionResponse.of(result), http.request_id)


lambda_handler = observability.api_handler(endpoint(handle_next_question))
