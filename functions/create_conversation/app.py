"""POST /api/v1/conversations — log a transcript (either content format); idempotent by key."""

from parley import aws
from parley.conversations.limits import MAX_BODY_BYTES
from parley.conversations.models import CreateConversationRequest, CreateConversationResponse
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


def handle_create_conversation(http: Request) -> Response:
    request = parse_body(http.body, CreateConversationRequest, max_bytes=MAX_BODY_BYTES)
    conversation, created = conversations.create(http.caller.tenant_id, request)
    if not created:
        observability.count("ConversationCreatesReplayed")
        headers = {"Idempotent-Replayed": "true"}
    else:
        observability.count("ConversationsCreated")
        if conversation.status == "completed":
            observability.count("ConversationsCompleted")
        headers = {}
    return json_response(CreateConversationResponse.of(conversation), http.request_id, headers=headers)


lambda_handler = observability.api_handler(endpoint(handle_create_conversation))
