"""POST /c/{deploymentKey}/{channelKey}/context — set session attributes between turns (NLX's
``sendContext()``); the conversation is named by the ``nlx-conversation-id`` header."""

from parley import aws
from parley.dialogue.context_update import HEADER, ContextService, conversation_named
from parley.dialogue.deployments import DeploymentCache
from parley.dialogue.limits import MAX_BODY_BYTES
from parley.dialogue.models import ContextRequest, ContextResponse
from parley.dialogue.repository import DynamoDeploymentRepository, DynamoTurnSessionRepository
from parley.http.bodies import parse_body
from parley.http.endpoint import Endpoint, Request, Response
from parley.http.problems import TURN_STYLE
from parley.http.responses import json_response
from parley.observability import Observability
from parley.settings import Settings

settings = Settings.from_env()
observability = Observability(settings)
endpoint = Endpoint(settings, observability, TURN_STYLE)
_dynamodb = aws.dynamodb()
service = ContextService(
    DeploymentCache(DynamoDeploymentRepository(_dynamodb, settings.tables.tenants)),
    DynamoTurnSessionRepository(_dynamodb, settings.tables.sessions),
)


def handle_update_context(http: Request) -> Response:
    deployment_key = http.path_parameter("deploymentKey")
    channel_key = http.path_parameter("channelKey")
    request = parse_body(http.body, ContextRequest, max_bytes=MAX_BODY_BYTES)
    conversation_id = conversation_named(http.header(HEADER), request.conversation_id)
    tenant_id = http.caller.tenant_id
    updated = service.update(
        tenant_id, deployment_key, channel_key, conversation_id, request.context, user_id=request.user_id
    )
    observability.count("ContextUpdates")
    return json_response(ContextResponse.of(updated), http.request_id)


lambda_handler = observability.api_handler(endpoint(handle_update_context))
