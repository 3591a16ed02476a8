"""POST /c/{deploymentKey}/{channelKey} — one turn of a deployment's dialogue (text or structured)."""

from aws_lambda_powertools.event_handler import Response

from parley import aws
from parley.conversations.repository import DynamoConversationRepository
from parley.dialogue.models import MAX_BODY_BYTES, ConversationRequest
from parley.dialogue.repository import DynamoDeploymentRepository, DynamoTurnSessionRepository
from parley.dialogue.service import DeploymentCache, TurnService
from parley.http.bodies import parse_body
from parley.http.problems import ValidationProblem
from parley.http.request_ids import request_id_for
from parley.http.resolver import rest_app
from parley.http.responses import json_response
from parley.http.tenancy import caller_of
from parley.nbq.repository import DynamoNbqConfigRepository, DynamoNbqSessionRepository
from parley.nbq.service import TenantNbqCache
from parley.observability import Observability
from parley.settings import Settings

settings = Settings.from_env()
observability = Observability(settings)
# The turn API's spec answers schema errors with 400.
app = rest_app(settings, observability.logger, validation_status=400)
_dynamodb = aws.dynamodb()
service = TurnService(
    DeploymentCache(DynamoDeploymentRepository(_dynamodb, settings.tables.tenants)),
    DynamoTurnSessionRepository(_dynamodb, settings.tables.sessions),
    DynamoConversationRepository(_dynamodb, settings.tables.conversations),
    TenantNbqCache(DynamoNbqConfigRepository(_dynamodb, settings.tables.tenants)),
    nbq_sessions=DynamoNbqSessionRepository(_dynamodb, settings.tables.sessions, settings.tables.tenants),
    logger=observability.logger,
)


@app.post("/c/<deployment_key>/<channel_key>")
def handle_process_turn(deployment_key: str, channel_key: str) -> Response:
    event = app.current_event
    caller = caller_of(event.raw_event)
    try:
        request = parse_body(event.decoded_body, ConversationRequest, max_bytes=MAX_BODY_BYTES)
    except ValidationProblem as problem:
        problem.status = 400  # the turn API's spec: schema errors are 400
        raise
    body = service.process_turn(caller.tenant_id, deployment_key, channel_key, request)
    return json_response(body, request_id_for(event.raw_event))


@observability.api_handler
def lambda_handler(event: dict, context: object) -> dict:
    return app.resolve(event, context)
