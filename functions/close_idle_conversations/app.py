"""Every minute (an EventBridge schedule): close the turn conversations idle past their deployment's
timeout, so they get insights and webhooks like completed ones (``parley.dialogue.idle``)."""

from typing import Any

from parley import aws
from parley.conversations.repository import DynamoConversationRepository
from parley.conversations.service import ConversationService
from parley.dialogue.idle import IdleSweeper
from parley.dialogue.repository import DynamoTurnSessionRepository
from parley.observability import Observability
from parley.settings import Settings

# A conversation is closed only with this much of the invocation left (its append and unlisting).
RESERVE_MS = 5_000

settings = Settings.from_env()
observability = Observability(settings)
_dynamodb = aws.dynamodb()
sweeper = IdleSweeper(
    DynamoTurnSessionRepository(_dynamodb, settings.tables.sessions),
    ConversationService(DynamoConversationRepository(_dynamodb, settings.tables.conversations)),
    logger=observability.logger,
)


@observability.worker_handler
def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, int]:
    closed = sweeper.sweep(lambda: context.get_remaining_time_in_millis() > RESERVE_MS)
    observability.count("ConversationsTimedOut", closed)
    return {"closed": closed}
