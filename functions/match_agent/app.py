"""POST /api/v1/sdk/agents/match — the agent of a system prompt Converra's SDK has not seen yet:
`agent_` + the first 24 hex digits of the prompt's hash (normalised as the SDK does), so a wrapped
LLM call is captured as a run of that agent. Computed; no storage is read."""

from parley.conversations.limits import MAX_BODY_BYTES
from parley.conversations.run_models import MatchAgentRequest, MatchAgentResponse
from parley.conversations.runs import agent_id_for, prompt_hash
from parley.http.bodies import parse_body
from parley.http.endpoint import Endpoint, Request, Response
from parley.http.problems import CONVERSATIONS_STYLE
from parley.http.responses import json_response
from parley.observability import Observability
from parley.settings import Settings

settings = Settings.from_env()
observability = Observability(settings)
endpoint = Endpoint(settings, observability, CONVERSATIONS_STYLE)


def handle_match_agent(http: Request) -> Response:
    _ = http.caller.tenant_id
    request = parse_body(http.body, MatchAgentRequest, max_bytes=MAX_BODY_BYTES)
    content_hash = prompt_hash(request.content)
    observability.count("AgentsMatched")
    return json_response(MatchAgentResponse.of(agent_id_for(content_hash), content_hash), http.request_id)


lambda_handler = observability.api_handler(endpoint(handle_match_agent))
