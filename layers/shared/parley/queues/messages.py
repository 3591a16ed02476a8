"""The messages of the insights queue: ids, never transcripts (an SQS message holds 256 KB).

Every message is a small JSON object with a ``kind``; the worker dispatches on it. Each carries
the id of what it is about, so the worker can process it at most once in effect.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from typing import Any, ClassVar


@dataclass(frozen=True, slots=True)
class ConversationCompleted:
    kind: ClassVar[str] = "conversation.completed"
    tenant_id: str
    conversation_id: str
    occurred_at: str

    @property
    def deduplication_id(self) -> str:
        return f"{self.kind}:{self.tenant_id}:{self.conversation_id}"


@dataclass(frozen=True, slots=True)
class ConversionRecorded:
    kind: ClassVar[str] = "conversion.recorded"
    tenant_id: str
    session_id: str
    conversion_id: str
    outcome: str
    occurred_at: str

    @property
    def deduplication_id(self) -> str:
        return f"{self.kind}:{self.tenant_id}:{self.conversion_id}"


@dataclass(frozen=True, slots=True)
class ConversationUpdated:
    """An append changed a conversation (for ``conversation.updated`` webhooks)."""

    kind: ClassVar[str] = "conversation.updated"
    tenant_id: str
    conversation_id: str
    changed_fields: tuple[str, ...]
    occurred_at: str

    @property
    def deduplication_id(self) -> str:
        return f"{self.kind}:{self.tenant_id}:{self.conversation_id}:{self.occurred_at}"


@dataclass(frozen=True, slots=True)
class WebhookDelivery:
    """One signed POST of one event to one endpoint; re-sent with a delay until it succeeds or
    its last attempt fails (then it goes to the dead-letter queue)."""

    kind: ClassVar[str] = "webhook.delivery"
    tenant_id: str
    webhook_id: str
    event_id: str
    event_type: str
    payload: dict[str, Any]
    attempt: int = 1

    @property
    def deduplication_id(self) -> str:
        return f"{self.kind}:{self.tenant_id}:{self.webhook_id}:{self.event_id}"


InsightsMessage = ConversationCompleted | ConversionRecorded | ConversationUpdated | WebhookDelivery
_KINDS: dict[str, Any] = {
    ConversationCompleted.kind: ConversationCompleted,
    ConversionRecorded.kind: ConversionRecorded,
    ConversationUpdated.kind: ConversationUpdated,
    WebhookDelivery.kind: WebhookDelivery,
}


def encode(message: InsightsMessage) -> str:
    return json.dumps({"kind": message.kind, **asdict(message)}, separators=(",", ":"))


def decode(body: str) -> InsightsMessage:
    """Parse a queue body; raises ``ValueError`` for a body that is not a known message."""
    try:
        data: dict[str, Any] = json.loads(body)
        kind = data.pop("kind")
        if "changed_fields" in data:
            data["changed_fields"] = tuple(data["changed_fields"])
        message: InsightsMessage = _KINDS[kind](**data)
        return message
    except (ValueError, KeyError, TypeError) as exc:
        raise ValueError(f"not an insights message: {exc}") from exc
