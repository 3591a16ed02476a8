"""SQS event source mapping: poll a local queue, invoke the function, delete what succeeded."""

from __future__ import annotations

import base64
import hashlib
import logging
import threading
from dataclasses import dataclass
from typing import Any

from localgw.runner import InProcessRunner

LOG = logging.getLogger("localgw.sqs")


@dataclass(frozen=True)
class SqsMapping:
    function_name: str
    queue_url: str
    queue_arn: str
    batch_size: int = 10
    report_batch_item_failures: bool = False


def sqs_event(messages: list[dict[str, Any]], queue_arn: str, region: str) -> dict[str, Any]:
    """The event Lambda's SQS poller hands a function (records in receive order)."""
    return {
        "Records": [
            {
                "messageId": message["MessageId"],
                "receiptHandle": message["ReceiptHandle"],
                "body": message["Body"],
                "attributes": dict(message.get("Attributes", {})),
                "messageAttributes": {
                    name: _lambda_attribute(value)
                    for name, value in message.get("MessageAttributes", {}).items()
                },
                # MD5 is what SQS itself reports for the body, not a security measure.
                "md5OfBody": message.get("MD5OfBody") or hashlib.md5(message["Body"].encode()).hexdigest(),  # noqa: S324
                "eventSource": "aws:sqs",
                "eventSourceARN": queue_arn,
                "awsRegion": region,
            }
            for message in messages
        ]
    }


def records_to_delete(
    messages: list[dict[str, Any]], payload: Any, report_failures: bool
) -> list[dict[str, Any]]:
    """Lambda's rule for a batch that returned: all of it, or all but the reported failures.

    An unusable failure report fails the whole batch, as on AWS.
    """
    if not report_failures or not isinstance(payload, dict) or not payload.get("batchItemFailures"):
        return messages
    ids = {message["MessageId"] for message in messages}
    failed: set[str] = set()
    for item in payload["batchItemFailures"]:
        identifier = item.get("itemIdentifier") if isinstance(item, dict) else None
        if not identifier or identifier not in ids:
            return []
        failed.add(identifier)
    return [message for message in messages if message["MessageId"] not in failed]


class SqsPoller(threading.Thread):
    def __init__(self, mapping: SqsMapping, runner: InProcessRunner, sqs_client: Any, region: str) -> None:
        super().__init__(name=f"sqs-{mapping.function_name}", daemon=True)
        self.mapping = mapping
        self.runner = runner
        self.sqs = sqs_client
        self.region = region
        self.stopping = threading.Event()

    def stop(self) -> None:
        self.stopping.set()

    def run(self) -> None:
        while not self.stopping.is_set():
            try:
                self.poll_once()
            except Exception:
                if self.stopping.is_set():
                    return
                LOG.exception("polling %s failed", self.mapping.queue_url)
                self.stopping.wait(1)

    def poll_once(self) -> int:
        """Receive one batch and process it; returns how many messages were received."""
        mapping = self.mapping
        messages = self.sqs.receive_message(
            QueueUrl=mapping.queue_url,
            MaxNumberOfMessages=min(mapping.batch_size, 10),
            WaitTimeSeconds=1,
            AttributeNames=["All"],
            MessageAttributeNames=["All"],
        ).get("Messages", [])
        if not messages:
            return 0
        result = self.runner.invoke_event(
            mapping.function_name, sqs_event(messages, mapping.queue_arn, self.region)
        )
        if result.error is not None:
            LOG.warning(
                "%s failed a batch of %d: %s", mapping.function_name, len(messages), result.error["errorType"]
            )
            return len(messages)
        done = records_to_delete(messages, result.payload, mapping.report_batch_item_failures)
        if done:
            self.sqs.delete_message_batch(
                QueueUrl=mapping.queue_url,
                Entries=[{"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(done)],
            )
        LOG.info(
            "sqs %s -> %s: %d ok, %d retried",
            mapping.queue_url.rsplit("/", 1)[-1],
            mapping.function_name,
            len(done),
            len(messages) - len(done),
        )
        return len(messages)


def _lambda_attribute(value: dict[str, Any]) -> dict[str, Any]:
    """SQS message attribute -> the camelCase shape of a Lambda SQS record."""
    return {
        "stringValue": value.get("StringValue"),
        "binaryValue": _b64(value.get("BinaryValue")),
        "stringListValues": value.get("StringListValues", []),
        "binaryListValues": [_b64(item) for item in value.get("BinaryListValues", [])],
        "dataType": value.get("DataType"),
    }


def _b64(value: bytes | None) -> str | None:
    return base64.b64encode(value).decode("ascii") if value is not None else None
