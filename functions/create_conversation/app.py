"""POST /api/v1/conversations — log a transcript (either content format); idempotent by key."""

from datetime import UTC, datetime

from parley import aws
from parley.conversations.models import MAX_BODY_BYTES, CreateConversationRequest, CreateConversationResponse
from parley.conversations.repository import DynamoConversationRepository
from parley.conversations.service import create_conversation
from parley.http.bodies import parse_body
from parley.http.endpoint import Endpoint, Request, Response
from parley.http.responses import json_response
from parley.observability import Observability
from parley.settings import Settings

settings = Settings.from_env()
observability = Observability(settings)
endpoint = Endpoint(settings, observability.logger, legacy_error_member=True)
conversations = DynamoConversationRepository(aws.dynamodb(), settings.tables.conversations)


def handle_create_conversation(http: Request) -> Response:
    caller = http.caller
    request = parse_body(http.body, CreateConversationRequest, max_bytes=MAX_BODY_BYTES)
    conversation, created = create_conversation(conversations, caller.tenant_id, request, datetime.now(UTC))
    body = CreateConversationResponse.of(conversation).model_dump(mode="json", by_alias=True)
    response = json_response(body, http.request_id)
    if not created:
        response.headers["Idempotent-Replayed"] = "true"
    return response


lambda_handler = observability.api_handler(endpoint(handle_create_conversation))
