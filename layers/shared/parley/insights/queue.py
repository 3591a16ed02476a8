"""Sending work to the insights queue."""

from __future__ import annotations

from typing import Any

from parley.insights.messages import InsightsMessage, encode
from parley.store import translated_errors


class SqsInsightsQueue:
    def __init__(self, client: Any, queue_url: str) -> None:
        self._client = client
        self._queue_url = queue_url

    def send(self, message: InsightsMessage, delay_seconds: int = 0) -> None:
        with translated_errors("SendMessage insights"):
            self._client.send_message(
                QueueUrl=self._queue_url,
                MessageBody=encode(message),
                DelaySeconds=min(max(delay_seconds, 0), 900),  # SQS allows at most 15 minutes
                MessageAttributes={"kind": {"DataType": "String", "StringValue": message.kind}},
            )
