"""What the Conversations service needs from storage: one Protocol, implemented by
``DynamoConversationRepository`` (and by an in-memory fake in the tests)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Protocol

from parley.conversations.entities import (
    AppendKey,
    Conversation,
    ConversationPage,
    ListFilters,
    StoredConversation,
)

if TYPE_CHECKING:
    from parley.conversations.models import Insights


class ConversationRepository(Protocol):
    def create(
        self,
        conversation: Conversation,
        messages: Sequence[dict[str, Any]],
        list_sk: str,
        idempotency_key: str | None,
        now_epoch: int,
    ) -> tuple[Conversation, bool]:
        """Store a new conversation, or return the one ``idempotency_key`` created in the last
        24 h; and whether this call created it."""
        ...

    def append(
        self,
        before: Conversation,
        after: Conversation,
        messages: Sequence[dict[str, Any]],
        key: AppendKey | None = None,
        now_epoch: int = 0,
    ) -> None:
        """Add ``messages`` at ``before.message_count`` and store ``after``; ``ConcurrentUpdate``
        when the stored header is no longer ``before``; ``AppendKeyUsed`` when ``key`` was used in
        the last 24 h (then nothing is written)."""
        ...

    def append_key(self, tenant_id: str, conversation_id: str, key: str, now_epoch: int) -> AppendKey | None:
        """What the append with this key did, if one committed in the last 24 h."""
        ...

    def get_header(self, tenant_id: str, conversation_id: str) -> Conversation | None: ...

    def get(
        self, tenant_id: str, conversation_id: str, *, messages: bool = True
    ) -> StoredConversation | None: ...

    def messages_before(self, tenant_id: str, conversation_id: str, count: int) -> list[dict[str, Any]]: ...

    def page(
        self, tenant_id: str, filters: ListFilters, limit: int, offset: int, cursor: str | None = None
    ) -> ConversationPage:
        """A page newest first: from ``offset``, or after ``cursor`` (a ``next_cursor`` it returned)."""
        ...

    def put_insights(
        self, tenant_id: str, conversation_id: str, insights: Insights, outcome_at: str | None = None
    ) -> bool:
        """Store (or replace) the insights of an analysis that read the outcome recorded at
        ``outcome_at``: ``OutcomeChanged`` when another was recorded since; False when the
        conversation does not exist."""
        ...

    def record_outcome(
        self, tenant_id: str, conversation_id: str, outcome: str, recorded_at: str, insights: Insights | None
    ) -> bool:
        """Record an outcome (and replace the insights brought up to date with it, when given),
        unless a later one is recorded; False when nothing was written."""
        ...

    def conversations_of_session(self, tenant_id: str, session_id: str) -> list[str]:
        """The ids of the conversations whose ``metadata.sessionId`` is (or was) ``session_id``."""
        ...
