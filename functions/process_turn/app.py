"""POST /c/{deploymentKey}/{channelKey} — one turn of a deployment's dialogue (text or structured)."""

from parley import aws
from parley.conversations.repository import DynamoConversationRepository
from parley.conversations.service import ConversationService
from parley.dialogue.deployments import DeploymentCache
from parley.dialogue.limits import MAX_BODY_BYTES
from parley.dialogue.models import TurnRequest, TurnResponse
from parley.dialogue.ordering import NbqSlotOrder
from parley.dialogue.repository import DynamoDeploymentRepository, DynamoTurnSessionRepository
from parley.dialogue.service import TurnService
from parley.http.bodies import parse_body
from parley.http.endpoint import Endpoint, Request, Response
from parley.http.problems import TURN_STYLE
from parley.http.responses import json_response
from parley.nbq.repository import DynamoNbqConfigRepository, DynamoNbqSessionRepository
from parley.nbq.service import TenantNbqCache
from parley.observability import Observability
from parley.settings import Settings

settings = Settings.from_env()
observability = Observability(settings)
endpoint = Endpoint(settings, observability, TURN_STYLE)
_dynamodb = aws.dynamodb()
service = TurnService(
    DeploymentCache(DynamoDeploymentRepository(_dynamodb, settings.tables.tenants)),
    DynamoTurnSessionRepository(_dynamodb, settings.tables.sessions),
    ConversationService(DynamoConversationRepository(_dynamodb, settings.tables.conversations)),
    NbqSlotOrder(
        TenantNbqCache(DynamoNbqConfigRepository(_dynamodb, settings.tables.tenants)),
        DynamoNbqSessionRepository(_dynamodb, settings.tables.sessions, settings.tables.tenants),
        observability.logger,
    ),
    logger=observability.logger,
)


def handle_process_turn(http: Request) -> Response:
    deployment_key = http.path_parameter("deploymentKey")
    channel_key = http.path_parameter("channelKey")
    request = parse_body(http.body, TurnRequest, max_bytes=MAX_BODY_BYTES)
    outcome = service.process_turn(http.caller.tenant_id, deployment_key, channel_key, request)
    observability.count("TurnsProcessed", result=outcome.result.understanding)
    return json_response(TurnResponse.of(outcome), http.request_id)


lambda_handler = observability.api_handler(endpoint(handle_process_turn))
