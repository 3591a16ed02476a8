"""GET /api/v1/conversations/{id} — one conversation: transcript, messages and (by default) insights."""

from aws_lambda_powertools.event_handler import Response

from parley import aws
from parley.conversations.models import ConversationResponse, GetConversationQuery
from parley.conversations.repository import DynamoConversationRepository
from parley.conversations.service import get_conversation
from parley.http.bodies import parse_query
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


@app.get("/api/v1/conversations/<conversation_id>")
def handle_get_conversation(conversation_id: str) -> Response:
    event = app.current_event
    caller = caller_of(event.raw_event)
    query = parse_query(event.query_string_parameters, GetConversationQuery)
    stored = get_conversation(conversations, caller.tenant_id, conversation_id)
    body = ConversationResponse.of(stored).body(include_insights=query.include_insights)
    return json_response(body, request_id_for(event.raw_event))


@observability.api_handler
def lambda_handler(event: dict, context: object) -> dict:
    return app.resolve(event, context)
