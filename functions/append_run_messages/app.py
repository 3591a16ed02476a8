"""POST /api/v1/runs/{id}/messages — append turns to a run (`send(conversation_id=…)`); the
Conversations API's append: atomic, `completed` once, retry-safe with an `Idempotency-Key` header.
A top-level `sessionId` is stored as `metadata.sessionId`."""

from parley import aws
from parley.conversations.limits import MAX_LABEL_CHARS, MAX_RUN_BODY_BYTES
from parley.conversations.repository import DynamoConversationRepository
from parley.conversations.run_models import AppendRunRequest, RunResponse
from parley.conversations.runs import RunService
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
runs = RunService(
    ConversationService(DynamoConversationRepository(aws.dynamodb(), settings.tables.conversations))
)


def handle_append_run_messages(http: Request) -> Response:
    key = optional_idempotency_key(http, MAX_LABEL_CHARS)
    request = parse_body(http.body, AppendRunRequest, max_bytes=MAX_RUN_BODY_BYTES)
    appended = runs.append(http.caller.tenant_id, http.path_parameter("id"), request, idempotency_key=key)
    observability.count("MessagesAppended", 0 if appended.replayed else len(request.messages))
    if request.status == "completed" and not appended.replayed:
        observability.count("ConversationsCompleted")
    headers = {"Idempotent-Replayed": "true"} if appended.replayed else {}
    if appended.partial:
        headers["Parley-Partial-Messages"] = "true"
    response = RunResponse.of(appended.stored, partial=appended.partial)
    return json_response(response, http.request_id, headers=headers)


lambda_handler = observability.api_handler(endpoint(handle_append_run_messages))
