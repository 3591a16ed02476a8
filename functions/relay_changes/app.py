"""The stream relay: committed changes of the conversations and sessions tables → insights queue,
and new next-questions sessions → the tenants' daily usage counters (``parley.insights.relay``).

Lambda reads the tables' DynamoDB streams and hands this function batches of records in order; a
record reported in ``batchItemFailures`` (by its sequence number) makes Lambda retry the stream
from the first of them — so a completion or a conversion is queued as long as its write committed,
however long SQS is down (within the stream's 24 h).
"""

from typing import Any

from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.batch.types import PartialItemFailureResponse
from aws_lambda_powertools.utilities.data_classes.dynamo_db_stream_event import DynamoDBRecord

from parley import aws
from parley.insights.relay import StreamRelay
from parley.observability import Observability
from parley.queues.sqs import SqsQueue
from parley.settings import Settings
from parley.usage.repository import DynamoUsageRepository

settings = Settings.from_env()
observability = Observability(settings)
logger = observability.logger
# A batch whose records all failed is reported like a partial one (not raised): Lambda then
# retries from the first failed sequence number either way.
processor = BatchProcessor(event_type=EventType.DynamoDBStreams, raise_on_entire_batch_failure=False)


# The DynamoDB client is created on the first batch with a new session: a batch of conversation
# changes needs none.
usage = DynamoUsageRepository(aws.LazyClient("dynamodb"), settings.tables.tenants)
relay = StreamRelay(SqsQueue(aws.client("sqs"), settings.insights_queue_url), usage, logger)


class NotRelayed(Exception):
    """The record's messages were not all accepted by SQS, its new session was not counted (or the
    record could not be read)."""


@observability.worker_handler
def lambda_handler(event: dict[str, Any], context: Any) -> PartialItemFailureResponse:
    unsent = relay.relay(event.get("Records", []))
    observability.count("StreamRecordsRelayed", len(event.get("Records", [])) - len(unsent))
    if unsent:
        logger.warning("records not relayed; the stream retries them", extra={"count": len(unsent)})

    def handle_record(record: DynamoDBRecord) -> None:
        if record.dynamodb is not None and record.dynamodb.sequence_number in unsent:
            raise NotRelayed(record.dynamodb.sequence_number)

    return process_partial_response(
        event=event, record_handler=handle_record, processor=processor, context=context
    )
