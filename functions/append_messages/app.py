"""POST /api/v1/conversations/{id}/messages — append turns atomically; `completed` triggers analysis."""

from parley import aws
from parley.conversations.limits import MAX_BODY_BYTES
from parley.conversations.models import AppendMessagesRequest, ConversationResponse
from parley.conversations.repository import DynamoConversationRepository
from parley.conversations.service import ConversationService
from parley.http.bodies import parse_body
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


def handle_append_messages(http: Request) -> Response:
    request = parse_body(http.body, AppendMessagesRequest, max_bytes=MAX_BODY_BYTES)
    stored = conversations.append(http.caller.tenant_id, http.path_parameter("id"), request)
    observability.count("MessagesAppended", len(request.messages))
    if request.status == "completed":
        observability.count("ConversationsCompleted")
    return json_response(ConversationResponse.of(stored, include_insights=False), http.request_id)


lambda_handler = observability.api_handler(endpoint(handle_append_messages))
