"""GET /api/v1/sdk/agents/{id}/active-variant — Converra's SDK asks which prompt variant a call
should use: always the baseline, since Parley runs no prompt experiments (the prompt is never
swapped). No storage is read."""

from parley.conversations.limits import MAX_LABEL_CHARS
from parley.conversations.run_models import ActiveVariantQuery, ActiveVariantResponse
from parley.http.bodies import parse_query
from parley.http.endpoint import Endpoint, Request, Response
from parley.http.problems import CONVERSATIONS_STYLE
from parley.http.responses import json_response
from parley.observability import Observability
from parley.settings import Settings

settings = Settings.from_env()
observability = Observability(settings)
endpoint = Endpoint(settings, observability, CONVERSATIONS_STYLE)


def handle_get_active_variant(http: Request) -> Response:
    _ = http.caller.tenant_id
    http.path_parameter("id", max_chars=MAX_LABEL_CHARS)
    parse_query(http.query_parameters, ActiveVariantQuery)
    observability.count("VariantsAssigned")
    return json_response(ActiveVariantResponse.baseline(), http.request_id)


lambda_handler = observability.api_handler(endpoint(handle_get_active_variant))
