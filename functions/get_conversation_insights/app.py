"""GET /api/v1/conversations/{id}/insights — sentiment, topics, summary, task completion, issues."""

from aws_lambda_powertools.event_handler import Response

from parley import aws
from parley.conversations.models import InsightsResponse
from parley.conversations.repository import DynamoConversationRepository
from parley.conversations.service import get_insights
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


@app.get("/api/v1/conversations/<conversation_id>/insights")
def handle_get_conversation_insights(conversation_id: str) -> Response:
    event = app.current_event
    caller = caller_of(event.raw_event)
    insights = get_insights(conversations, caller.tenant_id, conversation_id)
    body = InsightsResponse.of(conversation_id, insights).body()
    return json_response(body, request_id_for(event.raw_event))


@observability.api_handler
def lambda_handler(event: dict, context: object) -> dict:
    return app.resolve(event, context)
