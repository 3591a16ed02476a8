"""``ConversationRepository`` in memory, with ``DynamoConversationRepository``'s semantics:

- ``create`` stores a new conversation; with an idempotency key used in the last 24 h (the key's
  item has not expired: ``expires_at >= now``) it returns the conversation that key created and
  ``created=False``. An existing id is ``StoreConflict`` (the Dynamo transaction is cancelled).
- ``append`` applies only when the stored header's ``message_count``, ``status`` and
  ``has_insights`` are still ``before``'s; otherwise ``ConcurrentUpdate`` carrying the current
  header (``None`` when the conversation does not exist). Like the Dynamo update it sets only
  status, times, counts, metadata, and title / user id / completion time when given.
- ``page`` lists newest first by the list sort key, filtered on prompt, status and insights, with
  the exact total; ``put_insights`` stores (or replaces) them and lists the conversation under
  ``hasInsights=true``.
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from parley.conversations.entities import (
    AppendKey,
    AppendKeyUsed,
    ConcurrentUpdate,
    Conversation,
    ConversationPage,
    ConversationSummary,
    ListFilters,
    OutcomeChanged,
    StoredConversation,
)
from parley.conversations.items import cursor_for, cursor_position
from parley.conversations.repository import IDEMPOTENCY_TTL_SECONDS
from tests.fakes.store import Interleaving, StoreConflict, stored

if TYPE_CHECKING:
    from parley.conversations.models import Insights


@dataclass
class _Record:
    header: Conversation
    list_sk: str
    messages: list[dict[str, Any]] = field(default_factory=list)
    insights_json: str | None = None
    # Every session the conversation has belonged to (the links the Dynamo repository writes).
    sessions: set[str] = field(default_factory=set)


class InMemoryConversationRepository(Interleaving):
    def __init__(self) -> None:
        super().__init__()
        self._records: dict[tuple[str, str], _Record] = {}
        # (tenant, idempotency key) -> (conversation id, expires_at epoch)
        self._keys: dict[tuple[str, str], tuple[str, int]] = {}
        # (tenant, conversation id, append's Idempotency-Key) -> what that append did
        self._append_keys: dict[tuple[str, str, str], AppendKey] = {}

    # ------------------------------------------------------------------------------------------
    # Writes
    # ------------------------------------------------------------------------------------------
    def create(
        self,
        conversation: Conversation,
        messages: Sequence[dict[str, Any]],
        list_sk: str,
        idempotency_key: str | None,
        now_epoch: int,
    ) -> tuple[Conversation, bool]:
        self._interleave()
        tenant = conversation.tenant_id
        if idempotency_key is not None:
            known = self._keys.get((tenant, idempotency_key))
            if known is not None and not known[1] < now_epoch:
                existing = self.get_header(tenant, known[0])
                if existing is not None:
                    return existing, False
                raise StoreConflict(f"idempotency key {idempotency_key!r} names a missing conversation")
        if (tenant, conversation.id) in self._records:
            raise StoreConflict(f"conversation {conversation.id} exists")
        self._records[(tenant, conversation.id)] = _Record(
            header=_copy(conversation),
            list_sk=list_sk,
            messages=stored(list(messages)),
            sessions={conversation.session_id},
        )
        if idempotency_key is not None:
            self._keys[(tenant, idempotency_key)] = (conversation.id, now_epoch + IDEMPOTENCY_TTL_SECONDS)
        return _copy(conversation), True

    def append(
        self,
        before: Conversation,
        after: Conversation,
        messages: Sequence[dict[str, Any]],
        key: AppendKey | None = None,
        now_epoch: int = 0,
    ) -> None:
        self._interleave()
        if key is not None:
            used = self.append_key(before.tenant_id, before.id, key.key, now_epoch)
            if used is not None:
                raise AppendKeyUsed(used)
        record = self._records.get((before.tenant_id, before.id))
        if record is None:
            raise ConcurrentUpdate(None)  # the condition on a missing header fails without an item
        current = record.header
        if (current.message_count, current.status, current.has_insights) != (
            before.message_count,
            before.status,
            before.has_insights,
        ):
            raise ConcurrentUpdate(_copy(current))
        completed_now = after.completed_at is not None and before.completed_at is None
        record.sessions.add(after.session_id)
        record.header = replace(
            current,
            status=after.status,
            updated_at=after.updated_at,
            message_count=after.message_count,
            content_bytes=after.content_bytes,
            metadata=stored(after.metadata),
            title=after.title if after.title is not None else current.title,
            user_id=after.user_id if after.user_id is not None else current.user_id,
            completed_at=after.completed_at if completed_now else current.completed_at,
        )
        # Messages land at position ``before.message_count``: right after the ones stored.
        record.messages.extend(stored(list(messages)))
        if key is not None:
            self._append_keys[(before.tenant_id, before.id, key.key)] = AppendKey(
                key.key, key.request_hash, after.message_count, now_epoch + IDEMPOTENCY_TTL_SECONDS
            )

    def append_key(self, tenant_id: str, conversation_id: str, key: str, now_epoch: int) -> AppendKey | None:
        used = self._append_keys.get((tenant_id, conversation_id, key))
        return used if used is not None and used.expires_at >= now_epoch else None

    def put_insights(
        self, tenant_id: str, conversation_id: str, insights: Insights, outcome_at: str | None = None
    ) -> bool:
        self._interleave()
        record = self._records.get((tenant_id, conversation_id))
        if record is None:
            return False
        if record.header.outcome_at != outcome_at:
            raise OutcomeChanged(conversation_id)
        record.insights_json = insights.model_dump_json(by_alias=True)
        record.header = replace(record.header, has_insights=True)
        return True

    def record_outcome(
        self, tenant_id: str, conversation_id: str, outcome: str, recorded_at: str, insights: Insights | None
    ) -> bool:
        self._interleave()
        record = self._records.get((tenant_id, conversation_id))
        if record is None:
            return False
        header = record.header
        if header.outcome_at is not None and header.outcome_at >= recorded_at:
            return False
        if insights is not None:
            if not header.has_insights:
                return False
            record.insights_json = insights.model_dump_json(by_alias=True)
        record.header = replace(header, outcome=outcome, outcome_at=recorded_at)
        return True

    def conversations_of_session(self, tenant_id: str, session_id: str) -> list[str]:
        return sorted(
            conversation_id
            for (tenant, conversation_id), record in self._records.items()
            if tenant == tenant_id and session_id in record.sessions
        )

    # ------------------------------------------------------------------------------------------
    # Reads
    # ------------------------------------------------------------------------------------------
    def get_header(self, tenant_id: str, conversation_id: str) -> Conversation | None:
        record = self._records.get((tenant_id, conversation_id))
        return _copy(record.header) if record else None

    def get(
        self, tenant_id: str, conversation_id: str, *, messages: bool = True
    ) -> StoredConversation | None:
        record = self._records.get((tenant_id, conversation_id))
        if record is None:
            return None
        insights = None
        if record.insights_json is not None:
            from parley.conversations.models import Insights

            insights = Insights.model_validate_json(record.insights_json)
        return StoredConversation(_copy(record.header), stored(record.messages) if messages else [], insights)

    def messages_before(self, tenant_id: str, conversation_id: str, count: int) -> list[dict[str, Any]]:
        record = self._records.get((tenant_id, conversation_id))
        if record is None or count <= 0:
            return []
        first: list[dict[str, Any]] = stored(record.messages[:count])
        return first

    def page(
        self, tenant_id: str, filters: ListFilters, limit: int, offset: int, cursor: str | None = None
    ) -> ConversationPage:
        matching = sorted(
            (
                record
                for (tenant, _), record in self._records.items()
                if tenant == tenant_id and _matches(record.header, filters)
            ),
            key=lambda record: record.list_sk,
            reverse=True,
        )
        if cursor is not None:
            after = cursor_position(cursor)
            offset = next(
                (n + 1 for n, record in enumerate(matching) if record.list_sk == after), len(matching)
            )
            offset = len([r for r in matching if r.list_sk > after]) if offset == len(matching) else offset
        chosen = matching[offset : offset + limit]
        more = offset + len(chosen) < len(matching)
        next_cursor = cursor_for(chosen[-1].list_sk) if chosen and more else None
        return ConversationPage([_summary(record.header) for record in chosen], len(matching), next_cursor)


def _matches(header: Conversation, filters: ListFilters) -> bool:
    return (
        (filters.prompt_id is None or header.prompt_id == filters.prompt_id)
        and (filters.status is None or header.status == filters.status)
        and (filters.has_insights is None or header.has_insights == filters.has_insights)
    )


def _summary(header: Conversation) -> ConversationSummary:
    return ConversationSummary(
        id=header.id,
        prompt_id=header.prompt_id,
        status=header.status,
        has_insights=header.has_insights,
        created_at=header.created_at,
    )


def _copy(conversation: Conversation) -> Conversation:
    return replace(conversation, metadata=copy.deepcopy(conversation.metadata))
