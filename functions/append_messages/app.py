"""POST /api/v1/conversations/{id}/messages — append turns atomically; `completed` triggers analysis.

An optional `Idempotency-Key` header makes a retry safe: the same key answers as the first call did
(`Idempotent-Replayed: true`), for 24 hours.
"""

from parley import aws
from parley.conversations.limits import MAX_BODY_BYTES, MAX_LABEL_CHARS
from parley.conversations.models import AppendMessagesRequest, ConversationResponse
from parley.conversations.repository import DynamoConversationRepository
from parley.conversations.service import ConversationService
from parley.http.bodies import parse_body
from parley.http.endpoint import Endpoint, Request, Response
from parley.http.headers import optional_idempotency_key
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
    key = optional_idempotency_key(http, MAX_LABEL_CHARS)
    request = parse_body(http.body, AppendMessagesRequest, max_bytes=MAX_BODY_BYTES)
    appended = conversations.append(
        http.caller.tenant_id, http.path_parameter("id"), request, idempotency_key=key
    )
    observability.count("MessagesAppended", 0 if appended.replayed else len(request.messages))
    if request.status == "completed" and not appended.replayed:
        observability.count("ConversationsCompleted")
    headers = {"Idempotent-Replayed": "true"} if appended.replayed else {}
    if appended.partial:
        headers["Parley-Partial-Messages"] = "true"
    response = ConversationResponse.of(appended.stored, include_insights=False, partial=appended.partial)
    return json_response(response, http.request_id, headers=headers)


lambda_handler = observability.api_handler(endpoint(handle_append_messages))
