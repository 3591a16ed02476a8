"""POST /api/v1/conversations/{id}/messages — append turns atomically; `completed` triggers analysis."""

from datetime import UTC, datetime

from parley import aws
from parley.conversations.models import MAX_BODY_BYTES, AppendMessagesRequest, ConversationResponse
from parley.conversations.repository import DynamoConversationRepository
from parley.conversations.service import append_messages
from parley.http.bodies import parse_body
from parley.http.endpoint import Endpoint, Request, Response
from parley.http.responses import json_response
from parley.observability import Observability
from parley.settings import Settings

settings = Settings.from_env()
observability = Observability(settings)
endpoint = Endpoint(settings, observability.logger, legacy_error_member=True)
conversations = DynamoConversationRepository(aws.dynamodb(), settings.tables.conversations)


def handle_append_messages(http: Request) -> Response:
    caller = http.caller
    conversation_id = http.path_parameter("id")
    request = parse_body(http.body, AppendMessagesRequest, max_bytes=MAX_BODY_BYTES)
    stored = append_messages(conversations, caller.tenant_id, conversation_id, request, now=datetime.now(UTC))
    body = ConversationResponse.of(stored).body(include_insights=False)
    return json_response(body, http.request_id)


lambda_handler = observability.api_handler(endpoint(handle_append_messages))
