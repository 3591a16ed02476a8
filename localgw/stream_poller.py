"""DynamoDB stream event source mapping: read a local table's stream, invoke the function with
batches in order, checkpoint what succeeded.

Lambda's rules for a stream are kept: records reach the function in sequence order; a batch
that raised is retried whole; with ``ReportBatchItemFailures`` the checkpoint moves to just
before the first reported sequence number, so that record and everything after it come again.
FilterCriteria are not applied here (the relay ignores the records they would drop).
"""

from __future__ import annotations

import base64
import logging
import threading
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

LOG = logging.getLogger("localgw.streams")


@dataclass(frozen=True)
class StreamMapping:
    function_name: str
    stream_arn: str
    batch_size: int = 100
    report_batch_item_failures: bool = False


def stream_event(records: list[dict[str, Any]], stream_arn: str, region: str) -> dict[str, Any]:
    """The event Lambda's stream poller hands a function (JSON-ready: binary values base64)."""
    return {
        "Records": [
            {
                "eventID": record.get("eventID", record["dynamodb"]["SequenceNumber"]),
                "eventName": record["eventName"],
                "eventVersion": record.get("eventVersion", "1.1"),
                "eventSource": "aws:dynamodb",
                "awsRegion": region,
                "dynamodb": _json_ready(record["dynamodb"]),
                "eventSourceARN": stream_arn,
            }
            for record in records
        ]
    }


def failed_from(
    records: list[dict[str, Any]], payload: Any, error: bool, report_failures: bool
) -> int | None:
    """Position of the first record to deliver again (None: the whole batch succeeded).

    An error, or a failure report that names a record not in the batch, retries it all, as on AWS.
    """
    if error:
        return 0
    if not report_failures or not isinstance(payload, dict) or not payload.get("batchItemFailures"):
        return None
    positions = {record["dynamodb"]["SequenceNumber"]: n for n, record in enumerate(records)}
    failed = []
    for item in payload["batchItemFailures"]:
        identifier = item.get("itemIdentifier") if isinstance(item, dict) else None
        if identifier not in positions:
            return 0
        failed.append(positions[identifier])
    return min(failed)


@dataclass
class StreamCursor:
    """Where a consumer is in each shard of one stream: after its last checkpointed record."""

    client: Any
    stream_arn: str
    checkpoints: dict[str, str | None] = field(default_factory=dict)
    shard_ids: list[str] = field(default_factory=list)

    def read(self, limit: int) -> tuple[str, list[dict[str, Any]]] | None:
        """The next records of the first shard that has any, from its checkpoint (not moved)."""
        if not self.shard_ids:  # a local table's stream keeps its one shard: describe it once
            shards = self.client.describe_stream(StreamArn=self.stream_arn)["StreamDescription"]["Shards"]
            self.shard_ids = [shard["ShardId"] for shard in shards]
        for shard_id in self.shard_ids:
            after = self.checkpoints.get(shard_id)
            position: dict[str, Any] = (
                {"ShardIteratorType": "AFTER_SEQUENCE_NUMBER", "SequenceNumber": after}
                if after
                else {"ShardIteratorType": "TRIM_HORIZON"}
            )
            iterator = self.client.get_shard_iterator(StreamArn=self.stream_arn, ShardId=shard_id, **position)
            records = self.client.get_records(ShardIterator=iterator["ShardIterator"], Limit=limit)["Records"]
            if records:
                return shard_id, records
        return None

    def checkpoint(self, shard_id: str, records: list[dict[str, Any]], first_failed: int | None) -> int:
        """Move past the records before ``first_failed`` (all of them when None); how many."""
        done = len(records) if first_failed is None else first_failed
        if done:
            self.checkpoints[shard_id] = records[done - 1]["dynamodb"]["SequenceNumber"]
        return done


class StreamPoller(threading.Thread):
    def __init__(self, mapping: StreamMapping, runner: Any, streams_client: Any, region: str) -> None:
        super().__init__(name=f"stream-{mapping.function_name}", daemon=True)
        self.mapping = mapping
        self.runner = runner
        self.cursor = StreamCursor(streams_client, mapping.stream_arn)
        self.region = region
        self.stopping = threading.Event()

    def stop(self) -> None:
        self.stopping.set()

    def run(self) -> None:
        while not self.stopping.is_set():
            try:
                delivered = self.poll_once()
            except Exception:
                if self.stopping.is_set():
                    return
                LOG.exception("polling %s failed", self.mapping.stream_arn)
                delivered = None
            if delivered == 0:
                self.stopping.wait(1)  # a batch to retry: Lambda also backs off before retrying
            elif delivered is None:
                # Nothing new yet. Every poll is two calls per table to the moto server, which
                # shares this process (and its GIL) with every function: poll twice a second.
                self.stopping.wait(0.5)

    def poll_once(self) -> int | None:
        """Deliver one batch; how many records were checkpointed (None: nothing to read)."""
        found = self.cursor.read(self.mapping.batch_size)
        if found is None:
            return None
        shard_id, records = found
        result = self.runner.invoke_event(
            self.mapping.function_name, stream_event(records, self.mapping.stream_arn, self.region)
        )
        first_failed = failed_from(
            records, result.payload, result.error is not None, self.mapping.report_batch_item_failures
        )
        done = self.cursor.checkpoint(shard_id, records, first_failed)
        LOG.info(
            "stream %s -> %s: %d ok, %d retried",
            self.mapping.stream_arn.rsplit("/", 3)[-3],
            self.mapping.function_name,
            done,
            len(records) - done,
        )
        return done


def _json_ready(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _json_ready(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_json_ready(item) for item in value]
    if isinstance(value, bytes | bytearray):
        return base64.b64encode(value).decode("ascii")
    if isinstance(value, datetime):
        return int(value.timestamp())  # Lambda gives ApproximateCreationDateTime in epoch seconds
    return value
