"""POST /c/{deploymentKey}/{channelKey} — one turn of a deployment's dialogue (text or structured)."""

from parley import aws
from parley.conversations.repository import DynamoConversationRepository
from parley.dialogue.models import MAX_BODY_BYTES, ConversationRequest
from parley.dialogue.repository import DynamoDeploymentRepository, DynamoTurnSessionRepository
from parley.dialogue.service import DeploymentCache, TurnService
from parley.http.bodies import parse_body
from parley.http.endpoint import Endpoint, Request, Response
from parley.http.problems import ValidationProblem
from parley.http.responses import json_response
from parley.nbq.repository import DynamoNbqConfigRepository, DynamoNbqSessionRepository
from parley.nbq.service import TenantNbqCache
from parley.observability import Observability
from parley.settings import Settings

settings = Settings.from_env()
observability = Observability(settings)
# The turn API's spec answers schema errors with 400.
endpoint = Endpoint(settings, observability.logger, validation_status=400)
_dynamodb = aws.dynamodb()
service = TurnService(
    DeploymentCache(DynamoDeploymentRepository(_dynamodb, settings.tables.tenants)),
    DynamoTurnSessionRepository(_dynamodb, settings.tables.sessions),
    DynamoConversationRepository(_dynamodb, settings.tables.conversations),
    TenantNbqCache(DynamoNbqConfigRepository(_dynamodb, settings.tables.tenants)),
    nbq_sessions=DynamoNbqSessionRepository(_dynamodb, settings.tables.sessions, settings.tables.tenants),
    logger=observability.logger,
)


def handle_process_turn(http: Request) -> Response:
    caller = http.caller
    deployment_key = http.path_parameter("deploymentKey")
    channel_key = http.path_parameter("channelKey")
    try:
        request = parse_body(http.body, ConversationRequest, max_bytes=MAX_BODY_BYTES)
    except ValidationProblem as problem:
        problem.status = 400  # the turn API's spec: schema errors are 400
        raise
    body = service.process_turn(caller.tenant_id, deployment_key, channel_key, request)
    return json_response(body, http.request_id)


lambda_handler = observability.api_handler(endpoint(handle_process_turn))
