"""POST /api/v1/conversations — log a transcript (either content format); idempotent by key."""

from datetime import UTC, datetime

from aws_lambda_powertools.event_handler import Response

from parley import aws
from parley.conversations.models import MAX_BODY_BYTES, CreateConversationRequest, CreateConversationResponse
from parley.conversations.repository import DynamoConversationRepository
from parley.conversations.service import create_conversation
from parley.http.bodies import parse_body
from parley.http.request_ids import request_id_for
from parley.http.resolver import rest_app
from parley.http.responses import json_response
from parley.http.tenancy import caller_of
from parley.observability import Observability
from parley.settings import Settings

settings = Settings.from_env()
observability = Observability(settings)
app = rest_app(settings, observability.logger, legacy_error_member=True)
conversations = DynamoConversationRepository(aws.dynamodb(), settings.tables.conversations)


@app.post("/api/v1/conversations")
def handle_create_conversation() -> Response:
    event = app.current_event
    caller = caller_of(event.raw_event)
    request = parse_body(event.decoded_body, CreateConversationRequest, max_bytes=MAX_BODY_BYTES)
    conversation, created = create_conversation(conversations, caller.tenant_id, request, datetime.now(UTC))
    body = CreateConversationResponse.of(conversation).model_dump(mode="json", by_alias=True)
    response = json_response(body, request_id_for(event.raw_event))
    if not created:
        response.headers["Idempotent-Replayed"] = "true"
    return response


@observability.api_handler
def lambda_handler(event: dict, context: object) -> dict:
    return app.resolve(event, context)
