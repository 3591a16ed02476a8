"""The messages of Parley's queues: ids, never transcripts (an SQS message holds 256 KB).

The insights queue carries what the stream relay found in committed writes (a completion, an
update, a recorded conversion); the webhooks queue carries events to announce (``WebhookEvent``)
and, once fanned out, one delivery per endpoint (``WebhookDelivery``); the compilations queue carries
configuration publications to compile (``CompilationRequested``). Every message is a small
JSON object with a ``kind``; the consumer dispatches on it. Each carries the id of what it is
about, so it is processed at most once in effect.
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
    # The stream record's id: one per committed change, the same on every redelivery of it.
    change_id: str = ""

    @property
    def deduplication_id(self) -> str:
        change = self.change_id or self.occurred_at
        return f"{self.kind}:{self.tenant_id}:{self.conversation_id}:{change}"


@dataclass(frozen=True, slots=True)
class WebhookEvent:
    """An event to announce to the tenant's endpoints; the webhooks function fans it out."""

    kind: ClassVar[str] = "webhook.event"
    tenant_id: str
    event_id: str
    event_type: str
    data: dict[str, Any]
    created_at: str

    @property
    def deduplication_id(self) -> str:
        return f"{self.kind}:{self.tenant_id}:{self.event_id}"


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


@dataclass(frozen=True, slots=True)
class CompilationRequested:
    """A configuration publication to compile (``POST /v1/configuration/publish``)."""

    kind: ClassVar[str] = "configuration.compile"
    tenant_id: str
    compilation_id: str

    @property
    def deduplication_id(self) -> str:
        return f"{self.kind}:{self.tenant_id}:{self.compilation_id}"


QueueMessage = (
    ConversationCompleted
    | ConversionRecorded
    | ConversationUpdated
    | WebhookEvent
    | WebhookDelivery
    | CompilationRequested
)
_KINDS: dict[str, Any] = {
    WebhookEvent.kind: WebhookEvent,
    ConversationCompleted.kind: ConversationCompleted,
    ConversionRecorded.kind: ConversionRecorded,
    ConversationUpdated.kind: ConversationUpdated,
    WebhookDelivery.kind: WebhookDelivery,
    CompilationRequested.kind: CompilationRequested,
}


def encode(message: QueueMessage) -> str:
    return json.dumps({"kind": message.kind, **asdict(message)}, separators=(",", ":"))


def decode(body: str) -> QueueMessage:
    """Parse a queue body; raises ``ValueError`` for a body that is not a known message."""
    try:
        data: dict[str, Any] = json.loads(body)
        kind = data.pop("kind")
        if "changed_fields" in data:
            data["changed_fields"] = tuple(data["changed_fields"])
        message: QueueMessage = _KINDS[kind](**data)
        return message
    except (ValueError, KeyError, TypeError) as exc:
        raise ValueError(f"not a queue message: {exc}") from exc
