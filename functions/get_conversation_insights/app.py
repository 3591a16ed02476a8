"""GET /api/v1/conversations/{id}/insights — sentiment, topics, summary, task completion, issues."""

from parley import aws
from parley.conversations.models import InsightsResponse
from parley.conversations.repository import DynamoConversationRepository
from parley.conversations.service import ConversationService
from parley.http.endpoint import Endpoint, Request, Response
from parley.http.problems import CONVERSATIONS_STYLE
from parley.http.responses import json_response
from parley.observability import Observability
from parley.settings import Settings

settings = Settings.from_env()
observability = Observability(settings)
endpoint = Endpoint(settings, observability, CONVERSATIONS_STYLE)
conversations = ConversationService(
    DynamoConversationRepository(aws.dynamodb(), settings.tables.conversations)
)


def handle_get_conversation_insights(http: Request) -> Response:
    conversation_id = http.path_parameter("id")
    insights = conversations.insights(http.caller.tenant_id, conversation_id)
    observability.count("InsightsRead")
    return json_response(InsightsResponse.of(conversation_id, insights), http.request_id)


lambda_handler = observability.api_handler(endpoint(handle_get_conversation_insights))
