"""POST /api/v1/runs — Converra's SDK logs a run (`send()`, and every wrapped LLM call): a conversation
of the Conversations API, answered in the `{data: …}` envelope."""

from parley import aws
from parley.conversations.limits import MAX_RUN_BODY_BYTES
from parley.conversations.repository import DynamoConversationRepository
from parley.conversations.run_models import CreateRunRequest, CreateRunResponse
from parley.conversations.runs import RunService
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
runs = RunService(
    ConversationService(DynamoConversationRepository(aws.dynamodb(), settings.tables.conversations))
)


def handle_create_run(http: Request) -> Response:
    request = parse_body(http.body, CreateRunRequest, max_bytes=MAX_RUN_BODY_BYTES)
    conversation, created = runs.create(http.caller.tenant_id, request)
    if not created:
        observability.count("RunCreatesReplayed")
        headers = {"Idempotent-Replayed": "true"}
    else:
        observability.count("RunsCreated")
        if conversation.status == "completed":
            observability.count("ConversationsCompleted")
        headers = {}
    return json_response(CreateRunResponse.of(conversation), http.request_id, headers=headers)


lambda_handler = observability.api_handler(endpoint(handle_create_run))
