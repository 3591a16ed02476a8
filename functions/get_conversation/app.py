"""GET /api/v1/conversations/{id} — one conversation: transcript, messages and (by default) insights."""

from aws_lambda_powertools.event_handler import APIGatewayRestResolver, Response

from parley import aws
from parley.conversations.models import ConversationResponse, GetConversationQuery
from parley.conversations.repository import DynamoConversationRepository
from parley.conversations.service import get_conversation
from parley.http.bodies import parse_query
from parley.http.problems import ProblemFormat, register_problem_handlers
from parley.http.request_ids import request_id_for
from parley.http.responses import json_response
from parley.http.tenancy import caller_of
from parley.observability import Observability
from parley.settings import Settings

settings = Settings.from_env()
observability = Observability(settings)
app = APIGatewayRestResolver()
register_problem_handlers(
    app, ProblemFormat(settings.problem_type_base, legacy_error_member=True), logger=observability.logger
)
conversations = DynamoConversationRepository(aws.dynamodb(), settings.tables.conversations)


@app.get("/api/v1/conversations/<conversation_id>")
def handle_get_conversation(conversation_id: str) -> Response:
    event = app.current_event
    caller = caller_of(event.raw_event)
    query = parse_query(event.query_string_parameters, GetConversationQuery)
    stored = get_conversation(conversations, caller.tenant_id, conversation_id)
    body = ConversationResponse.of(stored).body(include_insights=query.include_insights)
    return json_response(body, request_id_for(event.raw_event))


@observability.api_handler
def lambda_handler(event: dict, context: object) -> dict:
    return app.resolve(event, context)
