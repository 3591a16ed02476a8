"""``POST /c/{deploymentKey}/{channelKey}/context``: the client sets session attributes between turns
(NLX's ``sendContext()``), under the same 2,000-character rule as a turn's ``context``.

The conversation is named by the ``nlx-conversation-id`` header (or the body's ``conversationId``).
A conversation no turn has reached yet is created with that context, so a page can set it before
the first message; its first turn then starts the transcript. An update changes nothing else: no
transcript line, and the idle timer keeps running (only a turn is activity). Concurrent with a
turn, it waits its turn like one (``parley.dialogue.contention``).
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

from parley.dialogue.contention import ATTEMPTS, pause_after
from parley.dialogue.deployments import DeploymentCache
from parley.dialogue.engine import ACTIVE, SessionState
from parley.dialogue.limits import CONVERSATION_ID, MAX_CONVERSATION_ID_CHARS
from parley.dialogue.ports import SessionConflict, StoredSession, TurnSessionRepository
from parley.dialogue.session_context import client_context, merged, require_language_suffix, visible
from parley.errors import Conflict, Invalid

HEADER = "nlx-conversation-id"


@dataclass(frozen=True, slots=True)
class ContextUpdated:
    conversation_id: str
    context: dict[str, Any]  # what the session now holds, as the client sees it


def conversation_named(header: str | None, body: str | None) -> str:
    """The conversation a context update is for; ``Invalid`` when none is named, the two names
    differ, or the header's is not an id a client may choose (the body's is checked by its model)."""
    if header is not None and not CONVERSATION_ID.fullmatch(header):
        raise Invalid.field(
            f"{HEADER} must be 1 to {MAX_CONVERSATION_ID_CHARS} characters of letters, digits, "
            "'.', '_', ':' and '-', starting with a letter or digit.",
            ("header", HEADER),
        )
    if header is not None and body is not None and header != body:
        raise Invalid.field(f"{HEADER} and conversationId name different conversations.", ("header", HEADER))
    named = header if header is not None else body
    if named is None:
        raise Invalid.field(f"Name the conversation in the {HEADER} header.", ("header", HEADER))
    return named


class ContextService:
    def __init__(
        self,
        deployments: DeploymentCache,
        sessions: TurnSessionRepository,
        *,
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._deployments = deployments
        self._sessions = sessions
        self._now = now
        self._sleep = sleep

    def update(
        self,
        tenant_id: str,
        deployment_key: str,
        channel_key: str,
        conversation_id: str,
        context: dict[str, Any] | None,
        *,
        user_id: str | None = None,
    ) -> ContextUpdated:
        require_language_suffix(channel_key)
        update = client_context(context)
        deployment = self._deployments.for_channel(tenant_id, deployment_key, channel_key).deployment
        for attempt in range(ATTEMPTS):
            stored = self._sessions.get(tenant_id, conversation_id)
            if stored is None:
                state = SessionState(
                    conversation_id=conversation_id,
                    deployment_key=deployment.key,
                    channel_key=channel_key,
                    user_id=user_id or "user_" + secrets.token_hex(8),
                    context=merged({}, update),
                )
                idle_expires_at = int(self._now().timestamp()) + deployment.idle_timeout_seconds
            else:
                state = self._updated(stored, deployment.key, update, user_id)
                idle_expires_at = stored.idle_expires_at
            if self._saved(tenant_id, state, stored, idle_expires_at, deployment.idle_timeout_seconds):
                return ContextUpdated(conversation_id, visible(state.context))
            if attempt < ATTEMPTS - 1:
                self._sleep(pause_after(attempt))
        raise Conflict(
            "Turns on this conversation kept arriving at the same time; send the context again.",
            retry_after=1,
            details={"conversationId": conversation_id},
        )

    @staticmethod
    def _updated(
        stored: StoredSession, deployment_key: str, update: dict[str, Any], user_id: str | None
    ) -> SessionState:
        current = SessionState.from_json(stored.state)
        if current.deployment_key != deployment_key:
            raise Conflict(
                "This conversation belongs to another deployment.",
                details={"conversationId": current.conversation_id},
            )
        return replace(current, context=merged(current.context, update), user_id=user_id or current.user_id)

    def _saved(
        self,
        tenant_id: str,
        state: SessionState,
        stored: StoredSession | None,
        idle_expires_at: int,
        idle_timeout_seconds: int,
    ) -> bool:
        segment = stored.segment_id if stored is not None else None
        # A transcript in progress stays listed for the idle sweep, as the last turn left it.
        still_open = stored is not None and state.status == ACTIVE and state.turn > 0
        try:
            self._sessions.save(
                tenant_id,
                state.conversation_id,
                state.to_json(),
                expected_version=stored.version if stored is not None else None,
                idle_expires_at=idle_expires_at,
                open_transcript=(segment or state.conversation_id) if still_open else None,
                idle_timeout_seconds=idle_timeout_seconds,
                segment_id=segment,
            )
        except SessionConflict:
            return False
        return True
