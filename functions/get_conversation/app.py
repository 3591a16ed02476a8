"""GET /api/v1/conversations/{id} — one conversation: transcript, messages and (by default) insights."""

from parley import aws
from parley.conversations.models import ConversationResponse, GetConversationQuery
from parley.conversations.repository import DynamoConversationRepository
from parley.conversations.service import get_conversation
from parley.http.bodies import parse_query
from parley.http.endpoint import Endpoint, Request, Response
from parley.http.responses import json_response
from parley.observability import Observability
from parley.settings import Settings

settings = Settings.from_env()
observability = Observability(settings)
endpoint = Endpoint(settings, observability.logger, legacy_error_member=True)
conversations = DynamoConversationRepository(aws.dynamodb(), settings.tables.conversations)


def handle_get_conversation(http: Request) -> Response:
    caller = http.caller
    conversation_id = http.path_parameter("id")
    query = parse_query(http.query_parameters, GetConversationQuery)
    stored = get_conversation(conversations, caller.tenant_id, conversation_id)
    body = ConversationResponse.of(stored).body(include_insights=query.include_insights)
    return json_response(body, http.request_id)


lambda_handler = observability.api_handler(endpoint(handle_get_conversation))
