"""Which state a turn starts from: the conversation id a client holds stays valid for its whole chat.

- No ``conversationId``: Parley mints one (``conv_…``), which is also the id of its transcript.
- An id Parley has not seen (NLX's SDK mints its own UUIDs): a conversation starts under that id,
  scoped to the tenant (two tenants' identical ids never meet).
- A session in progress continues; one that only a context update created (``POST …/context``)
  is taken up by its first turn.
- After a fulfilment or a hand-off, or once the session has been idle past the deployment's
  timeout, the next turn continues under the same id as a new task: after a fulfilment or a
  hand-off without a second welcome; after a timeout the bot says it started over and welcomes
  again, and the idle task's transcript is completed.

Each task writes its own transcript segment: a Conversations-API conversation (``conv_…``) whose
``metadata.sessionId`` is the client's id, so insights, outcomes and learning follow the session.
The client never sees a segment id it did not ask for.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import TYPE_CHECKING

from parley.conversations.service import ConversationService, is_conversation_id, new_conversation_id
from parley.dialogue.deployment import Deployment
from parley.dialogue.engine import ACTIVE, FULFILLED, SessionState
from parley.dialogue.ports import TurnSessionRepository
from parley.errors import Conflict

if TYPE_CHECKING:
    from parley.dialogue.models import TurnRequest


@dataclass(frozen=True, slots=True)
class OpenedSession:
    """The state a turn starts from, and how it was found."""

    state: SessionState
    expected_version: int | None  # None: the turn creates the session
    segment_id: str  # the transcript this turn writes
    new_segment: bool  # the turn starts that transcript
    notice: str | None = None  # said first (e.g. that an idle conversation started over)
    greet: bool = True
    closing_segment: str | None = None  # an idle task's transcript the turn completes


class SessionOpener:
    def __init__(self, sessions: TurnSessionRepository, conversations: ConversationService) -> None:
        self._sessions = sessions
        self._conversations = conversations

    def open(
        self, tenant_id: str, deployment: Deployment, channel_key: str, request: TurnRequest, epoch: int
    ) -> OpenedSession:
        conversation_id = request.conversation_id
        if conversation_id is None:
            minted = new_conversation_id()
            return OpenedSession(self._fresh(minted, deployment, channel_key, request), None, minted, True)
        stored = self._sessions.get(tenant_id, conversation_id)
        if stored is None:
            return self._first_turn(tenant_id, conversation_id, deployment, channel_key, request)
        current = SessionState.from_json(stored.state)
        if current.deployment_key != deployment.key:
            raise Conflict(
                "This conversation belongs to another deployment.",
                details={"conversationId": conversation_id},
            )
        if current.turn == 0:  # only its context was set (POST …/context): this turn starts it
            segment, notice = self._first_segment(tenant_id, conversation_id, deployment)
            return OpenedSession(current, stored.version, segment, True, notice=notice)
        segment = stored.segment_id or conversation_id
        if stored.idle_expires_at <= epoch:
            closing = segment if current.status == ACTIVE else None
            return OpenedSession(
                next_task(current), stored.version, new_conversation_id(), True,
                notice=deployment.expired, closing_segment=closing,
            )  # fmt: skip
        if current.status != ACTIVE:  # fulfilled, or handed off: the chat goes on with a new task
            return OpenedSession(
                next_task(current, keep_last=True), stored.version, new_conversation_id(), True, greet=False
            )
        return OpenedSession(current, stored.version, segment, False)

    def _first_turn(
        self,
        tenant_id: str,
        conversation_id: str,
        deployment: Deployment,
        channel_key: str,
        request: TurnRequest,
    ) -> OpenedSession:
        state = self._fresh(conversation_id, deployment, channel_key, request)
        segment, notice = self._first_segment(tenant_id, conversation_id, deployment)
        return OpenedSession(state, None, segment, True, notice=notice)

    def _first_segment(
        self, tenant_id: str, conversation_id: str, deployment: Deployment
    ) -> tuple[str, str | None]:
        """The transcript a conversation's first turn starts, and what it says first."""
        if not is_conversation_id(conversation_id):
            return new_conversation_id(), None
        if self._conversations.exists(tenant_id, conversation_id):
            # A Parley id whose session expired long ago (its transcript is still there).
            return new_conversation_id(), deployment.expired
        return conversation_id, None

    @staticmethod
    def _fresh(
        conversation_id: str, deployment: Deployment, channel_key: str, request: TurnRequest
    ) -> SessionState:
        return SessionState(
            conversation_id=conversation_id,
            deployment_key=deployment.key,
            channel_key=channel_key,
            user_id=request.user_id or "user_" + secrets.token_hex(8),
        )


def next_task(current: SessionState, *, keep_last: bool = False) -> SessionState:
    """The same chat, a new task: who the user is and the context stay; the task starts over. With
    ``keep_last``, a task just fulfilled is remembered, so that a correction of it does it again."""
    fulfilled = keep_last and current.status == FULFILLED and current.intent_id is not None
    return SessionState(
        conversation_id=current.conversation_id,
        deployment_key=current.deployment_key,
        channel_key=current.channel_key,
        user_id=current.user_id,
        environment=current.environment,
        context=dict(current.context),
        previous=(
            {"intentId": current.intent_id, "slots": dict(current.slots), "lastSlot": current.last_slot}
            if fulfilled
            else None
        ),
    )
