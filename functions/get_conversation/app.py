"""GET /api/v1/conversations/{id} — one conversation: transcript, messages and (by default) insights."""

from parley import aws
from parley.conversations.models import ConversationResponse, GetConversationQuery
from parley.conversations.repository import DynamoConversationRepository
from parley.conversations.service import ConversationService
from parley.http.bodies import parse_query
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


def handle_get_conversation(http: Request) -> Response:
    query = parse_query(http.query_parameters, GetConversationQuery)
    stored = conversations.get(http.caller.tenant_id, http.path_parameter("id"))
    observability.count("ConversationsRead")
    response = ConversationResponse.of(stored, include_insights=query.include_insights)
    return json_response(response, http.request_id)


lambda_handler = observability.api_handler(endpoint(handle_get_conversation))
