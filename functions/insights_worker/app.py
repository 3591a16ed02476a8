"""The insights worker: SQS batches from the insights queue, with partial batch responses.

A record that fails (an unreadable body, a storage error) is reported alone in
``batchItemFailures``; SQS retries it and, after the queue's maxReceiveCount, moves it to the
dead-letter queue — the rest of its batch is committed either way. Records are taken only while
one more analysis fits in the invocation's remaining time; the rest are handed back the same way.
Webhooks leave through their own queue (``WebhookEvent``), so no receiver can slow this worker.
"""

from typing import Any

from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.batch.types import PartialItemFailureResponse
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord

from parley import aws
from parley.conversations.repository import DynamoConversationRepository
from parley.insights.providers import provider_for
from parley.insights.worker import InsightsWorker, QueuedWebhookEvents
from parley.nbq.repository import DynamoNbqConfigRepository, DynamoNbqSessionRepository
from parley.nbq.service import TenantNbqCache
from parley.observability import Observability
from parley.queues.budget import TimeBudget
from parley.queues.messages import decode
from parley.queues.sqs import SqsQueue
from parley.settings import Settings

# A record is started only with this much of the invocation left: an analysis by Bedrock (when
# configured) may take its model call's read timeout, and the answer must still be sent.
RESERVE_MS = 15_000

settings = Settings.from_env()
observability = Observability(settings)
logger = observability.logger
# A batch whose every record failed (or was handed back for lack of time) is answered like a
# partial one, not raised: the records come back the same way, without an invocation error.
processor = BatchProcessor(event_type=EventType.SQS, raise_on_entire_batch_failure=False)
_dynamodb = aws.dynamodb()
_sqs = aws.client("sqs")
webhooks = QueuedWebhookEvents(SqsQueue(_sqs, settings.webhooks_queue_url))
worker = InsightsWorker(
    conversations=DynamoConversationRepository(_dynamodb, settings.tables.conversations),
    nbq=TenantNbqCache(DynamoNbqConfigRepository(_dynamodb, settings.tables.tenants)),
    sessions=DynamoNbqSessionRepository(_dynamodb, settings.tables.sessions, settings.tables.tenants),
    provider=provider_for(settings.insights_provider, settings.bedrock_model_id, aws.client, logger),
    webhooks=webhooks,
)


def handle_record(record: SQSRecord, budget: TimeBudget) -> str:
    budget.check()
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
    budget = TimeBudget(context.get_remaining_time_in_millis, RESERVE_MS)
    return process_partial_response(
        event=event,
        record_handler=lambda record: handle_record(record, budget),
        processor=processor,
        context=context,
    )
