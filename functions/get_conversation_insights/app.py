"""GET /api/v1/conversations/{id}/insights — sentiment, topics, summary, task completion, issues."""

from parley import aws
from parley.conversations.models import InsightsResponse
from parley.conversations.repository import DynamoConversationRepository
from parley.conversations.service import get_insights
from parley.http.endpoint import Endpoint, Request, Response
from parley.http.responses import json_response
from parley.observability import Observability
from parley.settings import Settings

settings = Settings.from_env()
observability = Observability(settings)
endpoint = Endpoint(settings, observability.logger, legacy_error_member=True)
conversations = DynamoConversationRepository(aws.dynamodb(), settings.tables.conversations)


def handle_get_conversation_insights(http: Request) -> Response:
    caller = http.caller
    conversation_id = http.path_parameter("id")
    insights = get_insights(conversations, caller.tenant_id, conversation_id)
    body = InsightsResponse.of(conversation_id, insights).body()
    return json_response(body, http.request_id)


lambda_handler = observability.api_handler(endpoint(handle_get_conversation_insights))
