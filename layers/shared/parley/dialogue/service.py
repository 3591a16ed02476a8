"""process_turn: one user turn of a deployment's channel, from request to outcome.

1. Check what the client controls: the channel key's language suffix, the context's size, the
   conversation id's form (``Invalid``); the deployment and the channel must exist (``NotFound``).
2. A poll (``structured.poll``, sent by NLX's SDK) changes nothing and answers what is pending:
   Parley never leaves data pending, so nothing.
3. Open the session (``SessionOpener``): a new one, the one in progress, or — after a fulfilment,
   a hand-off or an idle timeout — a new task under the same conversation id.
4. Run the engine; the NBQ engine orders catalog questions (``NbqSlotOrder``).
5. Save the state on the condition of the version read. A turn that meets a concurrent one on the
   same conversation waits its turn and runs again on the new state (``parley.dialogue.contention``).
6. Append the turn to its task's transcript segment (``TurnTranscript``).
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from parley.conversations.service import ConversationService
from parley.dialogue.contention import ATTEMPTS, pause_after
from parley.dialogue.deployment import Deployment
from parley.dialogue.deployments import DeploymentCache
from parley.dialogue.engine import ACTIVE, SessionState, TurnInput, TurnResult, run_turn
from parley.dialogue.opening import OpenedSession, SessionOpener
from parley.dialogue.ordering import NbqSlotOrder
from parley.dialogue.ports import SessionConflict, TurnSessionRepository
from parley.dialogue.session_context import client_context, merged, require_language_suffix, visible
from parley.dialogue.transcript import OutgoingMessage, TurnTranscript
from parley.errors import Conflict, Invalid
from parley.ports import Log

if TYPE_CHECKING:
    from parley.dialogue.models import TurnRequest


@dataclass(frozen=True, slots=True)
class TurnOutcome:
    """What one turn produced, for the response."""

    conversation_id: str
    messages: list[OutgoingMessage]
    expires_at: datetime
    result: TurnResult
    deployment: Deployment

    @property
    def context(self) -> dict[str, Any]:
        return visible(self.result.state.context)


def message_id(conversation_id: str, turn: int, position: int, text: str) -> str:
    """Stable for the same message of the same turn: a retried computation gets the same id."""
    identity = json.dumps([conversation_id, turn, position, text], ensure_ascii=False)
    return hashlib.sha256(identity.encode()).hexdigest()


class TurnService:
    def __init__(
        self,
        deployments: DeploymentCache,
        sessions: TurnSessionRepository,
        conversations: ConversationService,
        order: NbqSlotOrder | None = None,
        *,
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
        sentiment: Callable[[str], float] | None = None,
        logger: Log | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._deployments = deployments
        self._sessions = sessions
        self._opener = SessionOpener(sessions, conversations)
        self._order = order or NbqSlotOrder(None, None)
        self._transcript = TurnTranscript(conversations, logger)
        self._now = now
        self._sentiment = sentiment or _vader
        self._sleep = sleep

    def process_turn(
        self, tenant_id: str, deployment_key: str, channel_key: str, request: TurnRequest
    ) -> TurnOutcome:
        language = require_language_suffix(channel_key)
        context = client_context(request.context)
        prepared = self._deployments.for_channel(tenant_id, deployment_key, channel_key)
        # The channel's language selects the deployment's content (its expired notice included).
        deployment = prepared.deployment.localized(language)
        if _is_poll(request):
            return self._poll(tenant_id, deployment, channel_key, request)
        for attempt in range(ATTEMPTS):
            now = self._now()
            epoch = int(now.timestamp())
            opened = self._opener.open(tenant_id, deployment, channel_key, request, epoch)
            state = _with_request(opened.state, request, context, channel_key)
            result = run_turn(
                deployment,
                prepared.matcher,
                state,
                _input_of(request),
                today=now.date(),
                choose_slot=self._order.chooser(tenant_id),
                sentiment=self._sentiment,
                notice=opened.notice,
                greet=opened.greet,
            )
            if self._saved(tenant_id, deployment, result, opened, epoch, last=attempt == ATTEMPTS - 1):
                break
            self._sleep(pause_after(attempt))
        self._order.record_served(tenant_id, deployment, state, result.state, epoch)
        messages = _outgoing(opened.segment_id, result)
        # Every turn is some task's (after a hand-off the next turn opens a new one).
        self._transcript.write(
            tenant_id,
            deployment,
            result,
            messages,
            now,
            segment_id=opened.segment_id,
            created=opened.new_segment,
        )
        if opened.closing_segment is not None:
            self._transcript.close_expired(tenant_id, opened.closing_segment, deployment, now)
        expires_at = now + timedelta(seconds=deployment.idle_timeout_seconds)
        return TurnOutcome(state.conversation_id, messages, expires_at, result, deployment)

    # ---------------------------------------------------------------------------------------
    def _poll(
        self, tenant_id: str, deployment: Deployment, channel_key: str, request: TurnRequest
    ) -> TurnOutcome:
        """Nothing is ever pending: the answer carries no message, and nothing is written."""
        conversation_id = request.conversation_id
        if conversation_id is None:
            raise Invalid.field(
                "A poll names the conversation it polls (conversationId).", ("body", "conversationId")
            )
        stored = self._sessions.get(tenant_id, conversation_id)
        state = (
            SessionState.from_json(stored.state)
            if stored is not None
            else SessionState(conversation_id, deployment.key, channel_key, request.user_id or "")
        )
        now = self._now()
        result = TurnResult((), state, state.intent_id, False, False, False, False, {}, False, None)
        expires_at = now + timedelta(seconds=deployment.idle_timeout_seconds)
        return TurnOutcome(conversation_id, [], expires_at, result, deployment)

    def _saved(
        self,
        tenant_id: str,
        deployment: Deployment,
        result: TurnResult,
        opened: OpenedSession,
        epoch: int,
        *,
        last: bool,
    ) -> bool:
        """Save the turn on the version read; False when another turn got there first (run again
        on the new state), ``Conflict`` when that keeps happening."""
        # A transcript still open is listed for the idle sweep, which closes it if nobody comes back.
        still_open = result.state.status == ACTIVE and not result.completes
        try:
            self._sessions.save(
                tenant_id,
                result.state.conversation_id,
                result.state.to_json(),
                expected_version=opened.expected_version,
                idle_expires_at=epoch + deployment.idle_timeout_seconds,
                open_transcript=opened.segment_id if still_open else None,
                idle_timeout_seconds=deployment.idle_timeout_seconds,
                segment_id=opened.segment_id,
            )
        except SessionConflict:
            if not last:
                return False
            raise Conflict(
                "Other turns on this conversation kept arriving at the same time; send this one again.",
                retry_after=1,
                details={"conversationId": result.state.conversation_id},
            ) from None
        return True


# ------------------------------------------------------------------------------------------------
# The request, checked and read
# ------------------------------------------------------------------------------------------------
def _with_request(
    state: SessionState, request: TurnRequest, context: dict[str, Any], channel_key: str
) -> SessionState:
    return replace(
        state,
        context=merged(state.context, context),
        environment=request.environment or state.environment,
        user_id=request.user_id or state.user_id,
        channel_key=channel_key,
    )


def _input_of(request: TurnRequest) -> TurnInput:
    unstructured = request.request.unstructured
    structured = request.request.structured
    if structured is None:
        return TurnInput(text=unstructured.text if unstructured else None)
    return TurnInput(
        text=unstructured.text if unstructured else None,
        intent_id=structured.intent_id,
        slots=tuple((s.slot_id, s.value) for s in (structured.slots or ()) if s.value is not None),
        choice_id=structured.choice_id,
        utterance=structured.utterance,
    )


def _outgoing(segment_id: str, result: TurnResult) -> list[OutgoingMessage]:
    """The turn's messages, each with an id stable for its text in its turn of its task."""
    turn = result.state.turn
    return [
        OutgoingMessage(message_id(segment_id, turn, position, message.text), message.text, message.choices)
        for position, message in enumerate(result.messages)
    ]


def _is_poll(request: TurnRequest) -> bool:
    structured = request.request.structured
    return structured is not None and structured.poll is True


def _vader(text: str) -> float:
    from parley.insights.sentiment import compound

    return compound(text)
