"""GET /api/v1/runs/{id}/insights — a run's insights in Converra's v1 shape (title, executive
summary, issues, next steps, keywords, metrics), computed from Parley's analysis; before they
exist, a `pending` lifecycle object (200, as the SDK reads it)."""

from parley import aws
from parley.conversations.repository import DynamoConversationRepository
from parley.conversations.runs import RunService
from parley.conversations.service import ConversationService
from parley.http.endpoint import Endpoint, Request, Response
from parley.http.problems import CONVERSATIONS_STYLE
from parley.http.responses import json_response
from parley.insights.v1 import RunInsightsPending, RunInsightsResponse, run_insights
from parley.observability import Observability
from parley.settings import Settings

# Seconds after which a completed run's insights are worth asking for again.
RETRY_AFTER_SECONDS = 30

settings = Settings.from_env()
observability = Observability(settings)
endpoint = Endpoint(settings, observability, CONVERSATIONS_STYLE)
runs = RunService(
    ConversationService(DynamoConversationRepository(aws.dynamodb(), settings.tables.conversations))
)


def handle_get_run_insights(http: Request) -> Response:
    stored = runs.get(http.caller.tenant_id, http.path_parameter("id"), messages=False)
    insights = run_insights(stored)
    headers = {}
    if isinstance(insights, RunInsightsPending):
        observability.count("RunInsightsPending")
        if insights.reason == "analysis_queued":
            headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    else:
        observability.count("InsightsRead")
    return json_response(RunInsightsResponse(data=insights), http.request_id, headers=headers)


lambda_handler = observability.api_handler(endpoint(handle_get_run_insights))
