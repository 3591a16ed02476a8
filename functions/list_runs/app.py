"""GET /api/v1/runs — the tenant's runs (its conversations), newest first, filtered by agent."""

from parley import aws
from parley.conversations.repository import DynamoConversationRepository
from parley.conversations.run_models import ListRunsQuery, ListRunsResponse
from parley.conversations.runs import RunService
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
runs = RunService(
    ConversationService(DynamoConversationRepository(aws.dynamodb(), settings.tables.conversations))
)


def handle_list_runs(http: Request) -> Response:
    query = parse_query(http.query_parameters, ListRunsQuery)
    page = runs.page(http.caller.tenant_id, query)
    observability.count("RunListsRead")
    return json_response(ListRunsResponse.of(page, query), http.request_id)


lambda_handler = observability.api_handler(endpoint(handle_list_runs))
