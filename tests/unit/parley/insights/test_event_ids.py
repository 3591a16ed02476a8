"""Webhook event ids: one per committed change, the same on every redelivery of that change —
never one per second (two appends in one second are two events)."""

from __future__ import annotations

from typing import Any

from parley.insights.relay import messages_for
from parley.insights.worker import InsightsWorker
from parley.queues.messages import ConversationUpdated


def _append(count: int, event_id_: str) -> dict[str, Any]:
    def header(messages: int) -> dict[str, Any]:
        return {
            "pk": {"S": "T#demo#C#conv_1"},
            "sk": {"S": "HEADER"},
            "tenant_id": {"S": "demo"},
            "conversation_id": {"S": "conv_1"},
            "status": {"S": "active"},
            "message_count": {"N": str(messages)},
            "updated_at": {"S": "2026-11-23T10:00:00Z"},  # both appends within the same second
        }

    return {
        "eventID": event_id_,
        "eventName": "MODIFY",
        "dynamodb": {
            "Keys": {"pk": {"S": "T#demo#C#conv_1"}, "sk": {"S": "HEADER"}},
            "OldImage": header(count),
            "NewImage": header(count + 2),
            "SequenceNumber": event_id_,
        },
    }


class _Recorder:
    def __init__(self) -> None:
        self.ids: list[str] = []

    def emit(self, tenant_id: str, event_type: str, payload: dict[str, Any], event_id: str) -> int:
        self.ids.append(event_id)
        return 1

    def forward(self, message: Any) -> str:
        raise AssertionError("no delivery here")


def _webhook_id(message: ConversationUpdated) -> str:
    """The id the worker gives the conversation.updated event of this message."""
    webhooks = _Recorder()
    worker = InsightsWorker(None, None, None, None, webhooks)  # type: ignore[arg-type]
    worker.handle(message)
    [announced] = webhooks.ids
    return announced


def test_two_appends_in_one_second_are_two_events_and_a_redelivery_is_the_same_one() -> None:
    [first] = messages_for(_append(2, "a1b2c3"))
    [second] = messages_for(_append(4, "d4e5f6"))
    [first_again] = messages_for(_append(2, "a1b2c3"))

    assert isinstance(first, ConversationUpdated) and isinstance(second, ConversationUpdated)
    assert first.occurred_at == second.occurred_at
    assert _webhook_id(first) != _webhook_id(second)
    assert first_again == first and _webhook_id(first_again) == _webhook_id(first)
