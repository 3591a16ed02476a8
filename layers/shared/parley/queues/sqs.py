"""Sending queue messages with SQS (one message, or batches of ten)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from parley.queues.messages import QueueMessage, encode
from parley.store import translated_errors

SQS_BATCH_LIMIT = 10


class SqsQueue:
    def __init__(self, client: Any, queue_url: str) -> None:
        self._client = client
        self._queue_url = queue_url

    def send(self, message: QueueMessage, delay_seconds: int = 0) -> None:
        with translated_errors("SendMessage insights"):
            self._client.send_message(
                QueueUrl=self._queue_url,
                MessageBody=encode(message),
                DelaySeconds=min(max(delay_seconds, 0), 900),  # SQS allows at most 15 minutes
                MessageAttributes={"kind": {"DataType": "String", "StringValue": message.kind}},
            )

    def send_batch(self, messages: Sequence[QueueMessage]) -> set[int]:
        """Send with SendMessageBatch (10 per call); returns the positions of messages not sent.

        A refused entry or a failed call never raises: the caller decides what to retry.
        """
        failed: set[int] = set()
        for start in range(0, len(messages), SQS_BATCH_LIMIT):
            chunk = messages[start : start + SQS_BATCH_LIMIT]
            entries = [
                {
                    "Id": str(start + offset),
                    "MessageBody": encode(message),
                    "MessageAttributes": {"kind": {"DataType": "String", "StringValue": message.kind}},
                }
                for offset, message in enumerate(chunk)
            ]
            try:
                response = self._client.send_message_batch(QueueUrl=self._queue_url, Entries=entries)
            except Exception:  # throttled, unreachable, refused: all retried the same way
                failed.update(range(start, start + len(chunk)))
                continue
            failed.update(int(entry["Id"]) for entry in response.get("Failed", []))
        return failed
