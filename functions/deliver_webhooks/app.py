"""The webhooks function: SQS batches from the webhooks queue, with partial batch responses.

A ``WebhookEvent`` is fanned out into one delivery message per subscribed endpoint; a
``WebhookDelivery`` is one signed POST under a wall-clock deadline, retried through the queue with
backoff and dead-lettered after its last attempt (``parley.webhooks.service``). Records are taken
only while a whole delivery still fits in the invocation's remaining time; the rest are handed back
as batch item failures and delivered again.
"""

from typing import Any

from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.batch.types import PartialItemFailureResponse
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord

from parley import aws
from parley.observability import Observability
from parley.queues.budget import TimeBudget
from parley.queues.messages import WebhookDelivery, WebhookEvent, decode
from parley.queues.sqs import SqsQueue
from parley.settings import Settings
from parley.webhooks.delivery import DELIVERY_DEADLINE_SECONDS
from parley.webhooks.repository import DynamoWebhookRepository
from parley.webhooks.service import WebhookService

# A record is started only with a whole delivery's deadline (and a margin to answer) left.
RESERVE_MS = int(DELIVERY_DEADLINE_SECONDS * 1000) + 2000

settings = Settings.from_env()
observability = Observability(settings)
logger = observability.logger
# A batch whose every record failed (or was handed back for lack of time) is answered like a
# partial one, not raised: the records come back the same way, without an invocation error.
processor = BatchProcessor(event_type=EventType.SQS, raise_on_entire_batch_failure=False)
_sqs = aws.client("sqs")
queue = SqsQueue(_sqs, settings.webhooks_queue_url)
dead_letters = SqsQueue(_sqs, settings.webhooks_dead_letter_queue_url)
webhooks = WebhookService(
    DynamoWebhookRepository(aws.dynamodb(), settings.tables.webhooks, settings.tables.tenants),
    allow_private=settings.webhooks_allow_private,
    logger=logger,
)


def handle(record: SQSRecord, budget: TimeBudget) -> str:
    budget.check()
    message = decode(record.body)
    if not isinstance(message, WebhookEvent | WebhookDelivery):
        raise ValueError(f"{message.kind} does not belong on the webhooks queue")
    result = webhooks.handle(message, queue, dead_letters)
    observability.count_each("WebhookMessagesProcessed", kind=message.kind, result=result)
    return result


@observability.worker_handler
def lambda_handler(event: dict[str, Any], context: Any) -> PartialItemFailureResponse:
    observability.count("WebhookBatches")
    budget = TimeBudget(context.get_remaining_time_in_millis, RESERVE_MS)
    return process_partial_response(
        event=event,
        record_handler=lambda record: handle(record, budget),
        processor=processor,
        context=context,
    )
