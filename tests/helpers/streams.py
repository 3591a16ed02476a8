"""Run the stream relay over moto's DynamoDB streams, as Lambda's event source would.

The request paths only write; their triggers reach the insights queue through the tables'
streams. A test that expects a queued message after a request calls ``StreamRelay.pump()`` first
(or ``drain``): it reads each stream from where the last pump stopped and invokes
``StreamRelayFunction`` with real stream events, honouring its ``batchItemFailures`` (the failed
record and those after it are delivered again by the next pump).
"""

from __future__ import annotations

from collections.abc import Callable
from types import ModuleType
from typing import Any

from localgw.resources import LocalResources
from localgw.stream_poller import StreamCursor, failed_from, stream_event
from parley import aws

STREAM_TABLES = ("ConversationsTable", "SessionsTable")


class StreamRelay:
    def __init__(
        self, resources: LocalResources, load_function: Callable[[str], ModuleType], context: Any
    ) -> None:
        self.resources = resources
        self._load = load_function
        self._context = context
        self._module: ModuleType | None = None
        client = aws.client("dynamodbstreams")
        self._cursors = {table: StreamCursor(client, resources.stream_arns[table]) for table in STREAM_TABLES}

    @property
    def module(self) -> ModuleType:
        if self._module is None:
            self._module = self._load("StreamRelayFunction")
        return self._module

    def pump(self, batch_size: int = 100) -> list[dict[str, Any]]:
        """Deliver every new record once; the function's answers. Records it reported failed stay
        for the next pump (one attempt per pump, so a test can watch a retry)."""
        answers = []
        for cursor in self._cursors.values():
            while found := cursor.read(batch_size):
                shard_id, records = found
                event = stream_event(records, cursor.stream_arn, self.resources.region)
                answer = self.module.lambda_handler(event, self._context)
                answers.append(answer)
                first_failed = failed_from(records, answer, False, report_failures=True)
                if cursor.checkpoint(shard_id, records, first_failed) < len(records):
                    break  # Lambda retries this shard later; so does the next pump
        return answers


def drain(stream_relay: StreamRelay, *, relay: bool = True, queue: str = "InsightsQueue") -> list[Any]:
    """What reached the insights queue (or ``queue``) — decoded, and deleted from it — once the
    stream relay carried the committed changes so far; ``relay=False`` only empties the queue."""
    from parley.queues.messages import decode

    if relay:
        stream_relay.pump()
    sqs, url = aws.client("sqs"), stream_relay.resources.queues[queue]
    messages = []
    while batch := sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", []):
        for message in batch:
            sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
            messages.append(decode(message["Body"]))
    return messages
