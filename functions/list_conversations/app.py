"""GET /api/v1/conversations — the tenant's conversations, newest first, filtered, with an exact total."""

from parley import aws
from parley.conversations.models import ListConversationsQuery, ListConversationsResponse
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


def handle_list_conversations(http: Request) -> Response:
    query = parse_query(http.query_parameters, ListConversationsQuery)
    page = conversations.page(http.caller.tenant_id, query)
    observability.count("ConversationListsRead")
    return json_response(ListConversationsResponse.of(page, query), http.request_id)


lambda_handler = observability.api_handler(endpoint(handle_list_conversations))
