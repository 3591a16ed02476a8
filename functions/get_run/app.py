"""GET /api/v1/runs/{id} — one run (its conversation): transcript, messages, agent, session."""

from parley import aws
from parley.conversations.repository import DynamoConversationRepository
from parley.conversations.run_models import RunResponse
from parley.conversations.runs import RunService
from parley.conversations.service import ConversationService
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


def handle_get_run(http: Request) -> Response:
    stored = runs.get(http.caller.tenant_id, http.path_parameter("id"))
    observability.count("RunsRead")
    return json_response(RunResponse.of(stored), http.request_id)


lambda_handler = observability.api_handler(endpoint(handle_get_run))
