"""The stream relay: committed changes of the conversations and sessions tables → insights queue,
and new next-questions sessions → the tenants' daily usage counters.

Lambda reads the tables' DynamoDB streams and hands this function batches of records in order.
Each record's messages (``parley.insights.relay``) are sent with SendMessageBatch; a record whose
messages SQS refused is reported in ``batchItemFailures`` by its sequence number, and Lambda
retries the stream from the first of them — so a completion or a conversion is queued as long as
its write committed, however long SQS is down (within the stream's 24 h). Records after a failed
one are sent again on that retry: the worker has at most one effect per message and webhook
events keep their ids, so a duplicate is harmless.

A counter increment is not harmless twice, so usage is counted after the sends and only for the
records before the first one reported: those are never delivered again, and the ones from it on
are counted on the retry that delivers them. The new sessions of that prefix are added with one
UpdateItem per (tenant, UTC day of the session's first call). If one fails, the first record of
its sessions is reported too and the remaining increments are not attempted: the stream delivers
that record and everything after it again. Counting is thus at least once, and exactly once
unless an increment fails after another one of the same batch succeeded (the succeeded one's
sessions at or after the reported record count again) or the function dies between an increment
and its answer (Lambda retries the whole batch). A session is lost only with its batch, when the
stream gives up (20 attempts; the batch is then described to the insights dead-letter queue).
"""

from functools import cache
from typing import Any

from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.data_classes.dynamo_db_stream_event import DynamoDBRecord

from parley import aws
from parley.insights.messages import InsightsMessage
from parley.insights.queue import SqsInsightsQueue
from parley.insights.relay import SessionStart, messages_for, session_started, sessions_per_day
from parley.observability import Observability
from parley.settings import Settings
from parley.usage.repository import DynamoUsageRepository

settings = Settings.from_env()
observability = Observability(settings)
logger = observability.logger
# A batch whose records all failed is reported like a partial one (not raised): Lambda then
# retries from the first failed sequence number either way.
processor = BatchProcessor(event_type=EventType.DynamoDBStreams, raise_on_entire_batch_failure=False)
queue = SqsInsightsQueue(aws.client("sqs"), settings.insights_queue_url)


@cache
def usage() -> DynamoUsageRepository:
    """Created on the first batch with a new session: a batch of conversation changes needs no
    DynamoDB client (and the import stays as light as before)."""
    return DynamoUsageRepository(aws.dynamodb(), settings.tables.tenants)


class NotRelayed(Exception):
    """The record's messages were not all accepted by SQS, its new session was not counted (or the
    record could not be read)."""


def relay(records: list[dict[str, Any]]) -> set[str]:
    """Send every record's messages, then count the new sessions; the sequence numbers of the
    records to retry."""
    unsent: set[str] = set()
    messages: list[InsightsMessage] = []
    owners: list[str] = []
    starts: list[tuple[int, str, SessionStart]] = []
    for position, record in enumerate(records):
        sequence_number = record["dynamodb"]["SequenceNumber"]
        try:
            found = messages_for(record)
            started = session_started(record)
        except (ValueError, KeyError, TypeError):
            logger.exception("unreadable stream record", extra={"sequence_number": sequence_number})
            unsent.add(sequence_number)
            continue
        messages += found
        owners += [sequence_number] * len(found)
        if started is not None:
            starts.append((position, sequence_number, started))
    for position in queue.send_batch(messages):
        unsent.add(owners[position])
    return unsent | count_sessions(records, starts, unsent)


def count_sessions(
    records: list[dict[str, Any]], starts: list[tuple[int, str, SessionStart]], unsent: set[str]
) -> set[str]:
    """Add the new sessions before the first record to retry to the usage counters (one
    UpdateItem per tenant and day); the sequence number to retry from when one failed."""
    retried_from = next(
        (n for n, record in enumerate(records) if record["dynamodb"]["SequenceNumber"] in unsent),
        len(records),
    )
    counts = sessions_per_day(
        (sequence_number, start) for n, sequence_number, start in starts if n < retried_from
    )
    for count in counts:
        try:
            usage().add_sessions(count.tenant_id, count.day, count.sessions, count.first_seen)
        except Exception:
            logger.exception(
                "sessions not counted; the stream retries them",
                extra={"sequence_number": count.first_record, "day": count.day.isoformat()},
            )
            return {count.first_record}
    return set()


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
