"""Outcomes that arrive after a conversation: a conversion (or feedback) is recorded on every
conversation of its session whenever it arrives — before the conversation completed or long after —
and a conversation that has insights already gets its ``taskCompleted`` brought up to date, so
webhooks tell receivers of the change.

Which conversations: those whose ``metadata.sessionId`` is the session (the conversations
repository keeps a link per session), and the conversation whose id is the session's (a turn
conversation's). A conversation whose session changed since is left alone; an older outcome never
replaces a newer one.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

from parley.conversations.ports import ConversationRepository
from parley.conversations.service import is_conversation_id

# What a recorded outcome says of the user's task; "other" says nothing.
TASK_COMPLETED: dict[str, bool] = {
    "purchase": True,
    "lead": True,
    "abandon": False,
    "success": True,  # a V1 session's feedback
    "failure": False,
}

Emit = Callable[[str, str, dict[str, Any], str], None]


class RecordedOutcome(Protocol):
    @property
    def tenant_id(self) -> str: ...
    @property
    def session_id(self) -> str: ...
    @property
    def conversion_id(self) -> str: ...
    @property
    def outcome(self) -> str: ...
    @property
    def occurred_at(self) -> str: ...


class OutcomeRecorder:
    def __init__(
        self, conversations: ConversationRepository, emit: Emit, event_id: Callable[..., str]
    ) -> None:
        self._conversations = conversations
        self._emit = emit
        self._event_id = event_id

    def record(self, outcome: RecordedOutcome) -> int:
        """Record the outcome on its session's conversations; how many changed."""
        tenant_id, session_id = outcome.tenant_id, outcome.session_id
        candidates = set(self._conversations.conversations_of_session(tenant_id, session_id))
        if is_conversation_id(session_id):
            candidates.add(session_id)
        return sum(
            self._record_on(tenant_id, conversation_id, outcome) for conversation_id in sorted(candidates)
        )

    def _record_on(self, tenant_id: str, conversation_id: str, outcome: RecordedOutcome) -> bool:
        stored = self._conversations.get(tenant_id, conversation_id, messages=False)
        if stored is None or stored.conversation.session_id != outcome.session_id:
            return False
        insights = stored.insights
        completed = TASK_COMPLETED.get(outcome.outcome)
        updated = None
        if insights is not None and completed is not None and insights.task_completed != completed:
            updated = insights.model_copy(update={"task_completed": completed})
        if not self._conversations.record_outcome(
            tenant_id, conversation_id, outcome.outcome, outcome.occurred_at, updated
        ):
            return False
        ids = (tenant_id, conversation_id, outcome.conversion_id)
        self._emit(
            tenant_id,
            "conversation.updated",
            {"conversation_id": conversation_id, "changed_fields": ["outcome"], "outcome": outcome.outcome},
            self._event_id("conversation.outcome", *ids),
        )
        if updated is not None:
            self._emit(
                tenant_id,
                "insights.updated",
                {
                    "conversation_id": conversation_id,
                    "insights": updated.model_dump(mode="json", by_alias=True),
                },
                self._event_id("insights.updated", *ids),
            )
        return True
