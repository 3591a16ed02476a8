"""process_turn: one user turn of a deployment's channel, from request to outcome.

1. Check what the client controls: the channel key's language suffix, the context's size, the
   conversation id's form (``Invalid``); the deployment and the channel must exist (``NotFound``).
2. Load the session (one consistent GetItem). A session idle past the deployment's timeout, or
   one whose intent was fulfilled, continues as a new conversation (a new ``conversationId``;
   after a timeout the bot says so and the old transcript is completed).
3. Run the engine; the NBQ engine orders catalog questions (``NbqSlotOrder``).
4. Save the state on the condition of the version read: of two concurrent turns on one
   conversation exactly one applies, the other is a ``Conflict`` to send again.
5. Append the turn to the Conversations-API conversation of the same id (``TurnTranscript``).
"""

from __future__ import annotations

import hashlib
import json
import secrets
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from parley.conversations.service import ConversationService, is_conversation_id, new_conversation_id
from parley.dialogue.deployment import Deployment, language_of
from parley.dialogue.deployments import DeploymentCache, PreparedDeployment
from parley.dialogue.engine import ACTIVE, FULFILLED, HANDOFF, SessionState, TurnInput, TurnResult, run_turn
from parley.dialogue.limits import MAX_CONTEXT_CHARS
from parley.dialogue.ordering import NbqSlotOrder
from parley.dialogue.ports import SessionConflict, TurnSessionRepository
from parley.dialogue.transcript import OutgoingMessage, TurnTranscript
from parley.errors import Conflict, Invalid, NotFound
from parley.ports import Log

if TYPE_CHECKING:
    from parley.dialogue.models import TurnRequest

# Keys the platform sets: never stored from, nor returned in, the client's context.
SYSTEM_KEYS = frozenset(
    {"userId", "conversationId", "deploymentKey", "channelKey", "languageCode", "environment"}
)


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
        return {k: v for k, v in self.result.state.context.items() if k not in SYSTEM_KEYS}


@dataclass(frozen=True, slots=True)
class _OpenedSession:
    """The state a turn starts from, and how it was found."""

    state: SessionState
    expected_version: int | None  # None: the turn creates the session
    notice: str | None = None  # said first (e.g. that an expired conversation started over)
    greet: bool = True
    expired: SessionState | None = None  # an expired session whose transcript the turn closes


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
    ) -> None:
        self._deployments = deployments
        self._sessions = sessions
        self._conversations = conversations
        self._order = order or NbqSlotOrder(None, None)
        self._transcript = TurnTranscript(conversations, logger)
        self._now = now
        self._sentiment = sentiment or _vader

    def process_turn(
        self, tenant_id: str, deployment_key: str, channel_key: str, request: TurnRequest
    ) -> TurnOutcome:
        context = _client_context(channel_key, request)
        prepared = self._deployment(tenant_id, deployment_key, channel_key)
        deployment = prepared.deployment
        now = self._now()
        epoch = int(now.timestamp())
        opened = self._open(tenant_id, deployment, channel_key, request, epoch)
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
        self._save(tenant_id, deployment, result, opened.expected_version, epoch)
        self._order.record_served(tenant_id, deployment, state, result.state, epoch)
        messages = _outgoing(state.conversation_id, result)
        if state.status != HANDOFF:  # a handed-off conversation is completed: its transcript is final
            created = opened.expected_version is None
            self._transcript.write(tenant_id, deployment, result, messages, now, created=created)
        if opened.expired is not None and opened.expired.status == ACTIVE:
            self._transcript.close_expired(tenant_id, opened.expired, deployment, now)
        expires_at = now + timedelta(seconds=deployment.idle_timeout_seconds)
        return TurnOutcome(state.conversation_id, messages, expires_at, result, deployment)

    # ---------------------------------------------------------------------------------------
    def _deployment(self, tenant_id: str, deployment_key: str, channel_key: str) -> PreparedDeployment:
        prepared = self._deployments.get(tenant_id, deployment_key)
        if prepared is None:
            raise NotFound(f"No deployment {deployment_key!r} exists.")
        if channel_key not in prepared.deployment.channels:
            raise NotFound(f"The deployment has no channel {channel_key!r}.")
        return prepared

    def _open(
        self,
        tenant_id: str,
        deployment: Deployment,
        channel_key: str,
        request: TurnRequest,
        epoch: int,
    ) -> _OpenedSession:
        conversation_id = request.conversation_id
        carried: SessionState | None = None
        notice: str | None = None
        expired: SessionState | None = None
        if conversation_id is not None:
            stored = self._sessions.get(tenant_id, conversation_id)
            if stored is not None:
                current = SessionState.from_json(stored.state)
                if current.deployment_key != deployment.key:
                    raise Conflict(
                        "This conversation belongs to another deployment.",
                        details={"conversationId": conversation_id},
                    )
                if stored.idle_expires_at <= epoch:
                    carried, expired, notice = current, current, deployment.expired
                elif current.status == FULFILLED:
                    carried = current
                else:
                    return _OpenedSession(current, stored.version)
                conversation_id = None
            elif self._conversations.exists(tenant_id, conversation_id):
                # A transcript without a session: the session's TTL passed long ago.
                conversation_id, notice = None, deployment.expired
        state = SessionState(
            conversation_id=conversation_id or new_conversation_id(),
            deployment_key=deployment.key,
            channel_key=channel_key,
            user_id=(carried.user_id if carried else None)
            or request.user_id
            or "user_" + secrets.token_hex(8),
            environment=carried.environment if carried else None,
            context=dict(carried.context) if carried else {},
        )
        # After a fulfilment the next request simply starts a new conversation: no second welcome.
        greet = carried is None or expired is not None
        return _OpenedSession(state, None, notice, greet, expired)

    def _save(
        self, tenant_id: str, deployment: Deployment, result: TurnResult, expected: int | None, epoch: int
    ) -> None:
        # A transcript still open is listed for the idle sweep, which closes it if nobody comes back.
        still_open = result.state.status == ACTIVE and not result.completes
        open_transcript = result.state.conversation_id if still_open else None
        try:
            self._sessions.save(
                tenant_id,
                result.state.conversation_id,
                result.state.to_json(),
                expected_version=expected,
                idle_expires_at=epoch + deployment.idle_timeout_seconds,
                open_transcript=open_transcript,
                idle_timeout_seconds=deployment.idle_timeout_seconds,
            )
        except SessionConflict:
            raise Conflict(
                "Another turn on this conversation was processed at the same time; send this one again.",
                retry_after=1,
                details={"conversationId": result.state.conversation_id},
            ) from None


# ------------------------------------------------------------------------------------------------
# The request, checked and read
# ------------------------------------------------------------------------------------------------
def _client_context(channel_key: str, request: TurnRequest) -> dict[str, Any]:
    """The context the client may set; ``Invalid`` for what the client controls and got wrong."""
    if language_of(channel_key) is None:
        raise Invalid.field(
            f"The channel key {channel_key!r} must end with a language suffix such as -en-US.",
            ("path", "channelKey"),
        )
    if _serialised_size(request.context or {}) > MAX_CONTEXT_CHARS:
        raise Invalid.field(
            f"context is limited to {MAX_CONTEXT_CHARS} characters serialised as JSON.", ("body", "context")
        )
    if request.conversation_id is not None and not is_conversation_id(request.conversation_id):
        raise Invalid.field(
            "conversationId must be one this API issued (conv_ followed by 24 hex digits); "
            "omit it to start a conversation.",
            ("body", "conversationId"),
        )
    return {k: v for k, v in (request.context or {}).items() if k not in SYSTEM_KEYS}


def _with_request(
    state: SessionState, request: TurnRequest, context: dict[str, Any], channel_key: str
) -> SessionState:
    merged = {**state.context, **context}
    if _serialised_size(merged) > MAX_CONTEXT_CHARS:
        raise Invalid.field(
            f"The session's context would exceed {MAX_CONTEXT_CHARS} characters serialised as JSON.",
            ("body", "context"),
        )
    return replace(
        state,
        context=merged,
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


def _outgoing(conversation_id: str, result: TurnResult) -> list[OutgoingMessage]:
    turn = result.state.turn
    return [
        OutgoingMessage(
            message_id(conversation_id, turn, position, message.text), message.text, message.choices
        )
        for position, message in enumerate(result.messages)
    ]


def _serialised_size(context: dict[str, Any]) -> int:
    return len(json.dumps(context, separators=(",", ":"), ensure_ascii=False))


def _vader(text: str) -> float:
    from parley.insights.sentiment import compound

    return compound(text)
