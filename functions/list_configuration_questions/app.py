"""GET /v1/configuration/questions — one page of the question corpus (JSON), or every matching
question as CSV (``?format=csv``)."""

from parley import aws
from parley.configuration.models import QuestionsQuery
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


def handle_list_configuration_questions(http: Request) -> Response:
    query = parse_query(http.query_parameters, QuestionsQuery)
    listed = service.questions(http.caller, query)
    observability.count("ConfigurationQuestionLists", format=query.format)
    if isinstance(listed, str):
        return Response(200, listed, content_type="text/csv; charset=utf-8")
    return json_response(StoredBody(listed), http.request_id)


lambda_handler = observability.api_handler(endpoint(handle_list_configuration_questions))
