"""GET /api/v1/sdk/config — what Converra's SDK reads in `init()`: capture on, no prompt experiments
(Parley runs none), no agent registry. The same for every tenant; no storage is read."""

from parley.conversations.run_models import SdkConfigResponse
from parley.http.endpoint import Endpoint, Request, Response
from parley.http.problems import CONVERSATIONS_STYLE
from parley.http.responses import json_response
from parley.observability import Observability
from parley.settings import Settings

settings = Settings.from_env()
observability = Observability(settings)
endpoint = Endpoint(settings, observability, CONVERSATIONS_STYLE)


def handle_get_sdk_config(http: Request) -> Response:
    # Authorization is the authorizer's; the caller is read so a request without a tenant is refused.
    _ = http.caller.tenant_id
    observability.count("SdkConfigsRead")
    return json_response(SdkConfigResponse.parley(), http.request_id)


lambda_handler = observability.api_handler(endpoint(handle_get_sdk_config))
