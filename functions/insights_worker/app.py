"""The insights worker: SQS batches from the insights queue, with partial batch responses.

A record that fails (an unreadable body, a storage error) is reported alone in
``batchItemFailures``; SQS retries it and, after the queue's maxReceiveCount, moves it to the
dead-letter queue — the rest of its batch is committed either way.
"""

from typing import Any

from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.batch.types import PartialItemFailureResponse
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord

from parley import aws
from parley.conversations.repository import DynamoConversationRepository
from parley.insights.providers import provider_for
from parley.insights.worker import InsightsWorker, QueuedWebhooks
from parley.nbq.repository import DynamoNbqConfigRepository, DynamoNbqSessionRepository
from parley.nbq.service import TenantNbqCache
from parley.observability import Observability
from parley.queues.messages import decode
from parley.queues.sqs import SqsQueue
from parley.settings import Settings
from parley.webhooks.repository import DynamoWebhookRepository
from parley.webhooks.service import WebhookService

settings = Settings.from_env()
observability = Observability(settings)
logger = observability.logger
processor = BatchProcessor(event_type=EventType.SQS)
_dynamodb = aws.dynamodb()
_sqs = aws.client("sqs")
webhooks = QueuedWebhooks(
    WebhookService(
        DynamoWebhookRepository(_dynamodb, settings.tables.tenants),
        allow_private=settings.webhooks_allow_private,
        logger=logger,
    ),
    SqsQueue(_sqs, settings.insights_queue_url),
    SqsQueue(_sqs, settings.dead_letter_queue_url),
)
worker = InsightsWorker(
    conversations=DynamoConversationRepository(_dynamodb, settings.tables.conversations),
    nbq=TenantNbqCache(DynamoNbqConfigRepository(_dynamodb, settings.tables.tenants)),
    sessions=DynamoNbqSessionRepository(_dynamodb, settings.tables.sessions, settings.tables.tenants),
    provider=provider_for(settings.insights_provider, settings.bedrock_model_id, aws.client, logger),
    webhooks=webhooks,
)


def handle_record(record: SQSRecord) -> str:
    message = decode(record.body)
    outcome = worker.handle(message)
    observability.count_each("InsightsMessagesProcessed", kind=message.kind, result=outcome.result)
    logger.info(
        "message processed",
        extra={"kind": message.kind, "outcome": outcome.detail, "message_id": record.message_id},
    )
    return outcome.detail


@observability.worker_handler
def lambda_handler(event: dict[str, Any], context: Any) -> PartialItemFailureResponse:
    observability.count("InsightsBatches")
    return process_partial_response(
        event=event, record_handler=handle_record, processor=processor, context=context
    )
