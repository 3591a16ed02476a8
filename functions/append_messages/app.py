"""POST /api/v1/conversations/{id}/messages — append turns atomically; `completed` triggers analysis."""

from datetime import UTC, datetime

from aws_lambda_powertools.event_handler import Response

from parley import aws
from parley.conversations.models import MAX_BODY_BYTES, AppendMessagesRequest, ConversationResponse
from parley.conversations.repository import DynamoConversationRepository
from parley.conversations.service import append_messages
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


@app.post("/api/v1/conversations/<conversation_id>/messages")
def handle_append_messages(conversation_id: str) -> Response:
    event = app.current_event
    caller = caller_of(event.raw_event)
    request = parse_body(event.decoded_body, AppendMessagesRequest, max_bytes=MAX_BODY_BYTES)
    stored = append_messages(conversations, caller.tenant_id, conversation_id, request, now=datetime.now(UTC))
    body = ConversationResponse.of(stored).body(include_insights=False)
    return json_response(body, request_id_for(event.raw_event))


@observability.api_handler
def lambda_handler(event: dict, context: object) -> dict:
    return app.resolve(event, context)
