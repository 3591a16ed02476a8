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


InsightsMessage = ConversationCompleted | ConversionRecorded
_KINDS: dict[str, type[ConversationCompleted] | type[ConversionRecorded]] = {
    ConversationCompleted.kind: ConversationCompleted,
    ConversionRecorded.kind: ConversionRecorded,
}


def encode(message: InsightsMessage) -> str:
    return json.dumps({"kind": message.kind, **asdict(message)}, separators=(",", ":"))


def decode(body: str) -> InsightsMessage:
    """Parse a queue body; raises ``ValueError`` for a body that is not a known message."""
    try:
        data: dict[str, Any] = json.loads(body)
        kind = data.pop("kind")
        return _KINDS[kind](**data)
    except (ValueError, KeyError, TypeError) as exc:
        raise ValueError(f"not an insights message: {exc}") from exc
