"""The stream relay: committed changes of the conversations and sessions tables → insights queue.

Lambda reads the tables' DynamoDB streams and hands this function batches of records in order.
Each record's messages (``parley.insights.relay``) are sent with SendMessageBatch; a record whose
messages SQS refused is reported in ``batchItemFailures`` by its sequence number, and Lambda
retries the stream from the first of them — so a completion or a conversion is queued as long as
its write committed, however long SQS is down (within the stream's 24 h). Records after a failed
one are sent again on that retry: the worker has at most one effect per message and webhook
events keep their ids, so a duplicate is harmless.
"""

from typing import Any

from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.data_classes.dynamo_db_stream_event import DynamoDBRecord

from parley import aws
from parley.insights.messages import InsightsMessage
from parley.insights.queue import SqsInsightsQueue
from parley.insights.relay import messages_for
from parley.observability import Observability
from parley.settings import Settings

settings = Settings.from_env()
observability = Observability(settings)
logger = observability.logger
# A batch whose records all failed is reported like a partial one (not raised): Lambda then
# retries from the first failed sequence number either way.
processor = BatchProcessor(event_type=EventType.DynamoDBStreams, raise_on_entire_batch_failure=False)
queue = SqsInsightsQueue(aws.client("sqs"), settings.insights_queue_url)


class NotRelayed(Exception):
    """The record's messages were not all accepted by SQS (or the record could not be read)."""


def relay(records: list[dict[str, Any]]) -> set[str]:
    """Send every record's messages; the sequence numbers of the records to retry."""
    unsent: set[str] = set()
    messages: list[InsightsMessage] = []
    owners: list[str] = []
    for record in records:
        sequence_number = record["dynamodb"]["SequenceNumber"]
        try:
            found = messages_for(record)
        except (ValueError, KeyError, TypeError):
            logger.exception("unreadable stream record", extra={"sequence_number": sequence_number})
            unsent.add(sequence_number)
            continue
        messages += found
        owners += [sequence_number] * len(found)
    for position in queue.send_batch(messages):
        unsent.add(owners[position])
    return unsent


@observability.worker_handler
def lambda_handler(event: dict, context: Any) -> dict:
    unsent = relay(event.get("Records", []))
    if unsent:
        logger.warning("records not relayed; the stream retries them", extra={"count": len(unsent)})

    def handle_record(record: DynamoDBRecord) -> None:
        if record.dynamodb is not None and record.dynamodb.sequence_number in unsent:
            raise NotRelayed(record.dynamodb.sequence_number)

    return process_partial_response(
        event=event, record_handler=handle_record, processor=processor, context=context
    )
