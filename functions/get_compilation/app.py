"""GET /v1/configuration/compilations/{compilation_id} — a publication's progress."""

from parley import aws
from parley.http.endpoint import Endpoint, Request, Response
from parley.http.problems import V1_STYLE
from parley.http.responses import StoredBody, json_response
from parley.observability import Observability
from parley.settings import Settings
from parley.wiring import configuration_service

settings = Settings.from_env()
observability = Observability(settings)
endpoint = Endpoint(settings, observability, V1_STYLE)
service, _ = configuration_service(settings, aws.dynamodb())


def handle_get_compilation(http: Request) -> Response:
    body = service.compilation(http.caller.tenant_id, http.path_parameter("compilation_id"))
    observability.count("CompilationReads", status=str(body["status"]))
    return json_response(StoredBody(body), http.request_id)


lambda_handler = observability.api_handler(endpoint(handle_get_compilation))
