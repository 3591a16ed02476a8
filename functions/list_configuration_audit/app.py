"""GET /v1/configuration/audit — the configuration's audit log, newest first."""

from parley import aws
from parley.configuration.models import AuditQuery
from parley.http.bodies import parse_query
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


def handle_list_configuration_audit(http: Request) -> Response:
    query = parse_query(http.query_parameters, AuditQuery)
    body = service.audit(http.caller.tenant_id, query)
    observability.count("ConfigurationAuditReads")
    return json_response(StoredBody(body), http.request_id)


lambda_handler = observability.api_handler(endpoint(handle_list_configuration_audit))
