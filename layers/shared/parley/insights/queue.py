"""Sending work to the insights queue."""

from __future__ import annotations

from typing import Any

from parley.insights.messages import InsightsMessage, encode
from parley.store import translated_errors


class SqsInsightsQueue:
    def __init__(self, client: Any, queue_url: str) -> None:
        self._client = client
        self._queue_url = queue_url

    def send(self, message: InsightsMessage) -> None:
        with translated_errors("SendMessage insights"):
            self._client.send_message(
                QueueUrl=self._queue_url,
                MessageBody=encode(message),
                MessageAttributes={"kind": {"DataType": "String", "StringValue": message.kind}},
            )
