"""The insights worker's use cases, one per queue message kind.

Every message is processed at most once in effect: a conversation that already has insights is
not analysed again (a redelivered message, or a conversation completed twice), and a conversion
is credited under a condition that holds once (see ``NbqSessionRepository.credit``).
Webhooks are at-least-once: each event has a deterministic id (the ``Parley-Delivery`` header),
so a receiver can drop a repeat.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Protocol

from parley.conversations.models import Insights
from parley.conversations.ports import ConversationRepository
from parley.errors import NotFound
from parley.insights.outcomes import OutcomeRecorder
from parley.insights.providers import InsightsProvider
from parley.insights.transcript import Transcript, Turn
from parley.nbq.detection import known_categories, tokens_of
from parley.nbq.ports import NbqSessionRepository
from parley.nbq.service import TenantNbqCache, credit_conversion
from parley.queues.messages import (
    ConversationCompleted,
    ConversationUpdated,
    ConversionRecorded,
    QueueMessage,
    WebhookDelivery,
    WebhookEvent,
)


class Webhooks(Protocol):
    def emit(self, tenant_id: str, event_type: str, payload: dict[str, Any], event_id: str) -> int: ...
    def forward(self, message: WebhookDelivery) -> str: ...


class MessageQueue(Protocol):
    def send(self, message: QueueMessage, delay_seconds: int = 0) -> None: ...


@dataclass(frozen=True, slots=True)
class Processed:
    """What the worker did with a message: a low-cardinality ``result`` (a metric dimension) and a
    ``detail`` for the logs."""

    result: str
    detail: str = ""

    def __post_init__(self) -> None:
        if not self.detail:
            object.__setattr__(self, "detail", self.result)


def event_id(*parts: str) -> str:
    return "evt_" + hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:24]


class InsightsWorker:
    def __init__(
        self,
        conversations: ConversationRepository,
        nbq: TenantNbqCache,
        sessions: NbqSessionRepository,
        provider: InsightsProvider,
        webhooks: Webhooks | None = None,
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self._conversations = conversations
        self._nbq = nbq
        self._sessions = sessions
        self._provider = provider
        self._webhooks = webhooks
        self._now = now

    def handle(self, message: QueueMessage) -> Processed:
        """Process one message; returns what was done (for the logs)."""
        if isinstance(message, ConversationCompleted):
            return self._completed(message)
        if isinstance(message, ConversionRecorded):
            credited = credit_conversion(self._sessions, message)
            self._emit(
                message.tenant_id,
                "conversion.recorded",
                {
                    "session_id": message.session_id,
                    "conversion_id": message.conversion_id,
                    "outcome": message.outcome,
                },
                event_id("conversion.recorded", message.tenant_id, message.conversion_id),
            )
            recorded = OutcomeRecorder(self._conversations, self._emit, event_id).record(message)
            detail = (
                f"{'credited' if credited else 'already credited'}, outcome on {recorded} conversation(s)"
            )
            return Processed("credited" if credited else "already_credited", detail)
        if isinstance(message, ConversationUpdated):
            self._emit(
                message.tenant_id,
                "conversation.updated",
                {"conversation_id": message.conversation_id, "changed_fields": list(message.changed_fields)},
                # One id per committed change (the stream record's), the same on every redelivery.
                event_id(
                    "conversation.updated",
                    message.tenant_id,
                    message.conversation_id,
                    message.change_id or message.occurred_at,
                ),
            )
            return Processed("notified")
        if isinstance(message, WebhookDelivery | WebhookEvent):
            if self._webhooks is None:
                return Processed("webhooks_disabled")
            if isinstance(message, WebhookEvent):
                raise ValueError("webhook events belong on the webhooks queue")
            return Processed(self._webhooks.forward(message))
        raise ValueError(f"no handler for {message.kind}")

    def _emit(self, tenant_id: str, event_type: str, payload: dict[str, Any], id_: str) -> None:
        if self._webhooks is not None:
            self._webhooks.emit(tenant_id, event_type, payload, id_)

    def _completed(self, message: ConversationCompleted) -> Processed:
        tenant_id, conversation_id = message.tenant_id, message.conversation_id
        stored = self._conversations.get(tenant_id, conversation_id)
        if stored is None:
            return Processed("conversation_not_found")
        self._emit(
            tenant_id,
            "conversation.completed",
            {"conversation_id": conversation_id, "prompt_id": stored.conversation.prompt_id},
            event_id("conversation.completed", tenant_id, conversation_id),
        )
        if stored.insights is not None:
            return Processed("already_analysed")
        transcript = self._transcript(tenant_id, stored)
        analysis = self._provider.analyze(transcript)
        # Analysed with the outcome recorded at this time: if another arrives meanwhile, the
        # write refuses (OutcomeChanged) and the message is analysed again on its redelivery.
        outcome_at = stored.conversation.outcome_at
        insights = Insights(
            sentiment=analysis.sentiment,
            sentiment_score=analysis.sentiment_score,
            task_completed=analysis.task_completed,
            topics=analysis.topics,
            summary=analysis.summary,
            issues=analysis.issues,
            created_at=self._now().strftime("%Y-%m-%dT%H:%M:%SZ"),
        )
        if not self._conversations.put_insights(tenant_id, conversation_id, insights, outcome_at):
            return Processed("conversation_not_found")
        self._emit(
            tenant_id,
            "insights.generated",
            {"conversation_id": conversation_id, "insights": insights.model_dump(mode="json", by_alias=True)},
            event_id("insights.generated", tenant_id, conversation_id),
        )
        return Processed("analysed", f"analysed ({self._provider.name})")

    def _transcript(self, tenant_id: str, stored: Any) -> Transcript:
        turns = tuple(Turn(str(m.get("role", "")), str(m.get("content") or "")) for m in stored.messages)
        user_tokens = [tokens_of(t.content) for t in turns if t.role == "user"]
        try:
            prepared, _ = self._nbq.get(tenant_id)
            known = known_categories(prepared.index, user_tokens)
            covered = tuple(c for c in prepared.catalog.categories if c in known)
        except NotFound:
            covered = ()
        # The outcome recorded on the conversation, else its session's latest (a conversation is
        # linked to a session by metadata.sessionId, else by sharing its id, as turn ones do).
        header = stored.conversation
        outcome = header.outcome or self._sessions.latest_outcome(tenant_id, header.session_id)
        return Transcript(turns, covered, outcome)


class QueuedWebhookEvents:
    """Webhooks through their own queue: each event is one ``WebhookEvent`` message, fanned out and
    delivered by the webhooks function, so no receiver can delay this worker."""

    def __init__(
        self, queue: MessageQueue, clock: Callable[[], datetime] = lambda: datetime.now(UTC)
    ) -> None:
        self._queue = queue
        self._clock = clock

    def emit(self, tenant_id: str, event_type: str, payload: dict[str, Any], event_id: str) -> int:
        created_at = self._clock().strftime("%Y-%m-%dT%H:%M:%SZ")
        self._queue.send(WebhookEvent(tenant_id, event_id, event_type, payload, created_at))
        return 1

    def forward(self, message: WebhookDelivery) -> str:
        """A delivery left on the insights queue by an earlier release goes to its own queue."""
        self._queue.send(message)
        return "forwarded"
