"""Conversations nobody ends: a scheduled sweep closes the transcript of every turn conversation
idle past its deployment's timeout, so it gets insights, webhooks and learning like one that was
completed — whether or not the user ever comes back.

A session whose transcript is open is listed (a sparse index) at its idle expiry; the sweep reads
that list a little after it (``GRACE_SECONDS``: a turn that read the session just before its expiry
has time to write), completes each transcript with a note that it timed out, then takes the session
off the list on the condition that no turn changed it since. Completing is idempotent (an already
completed transcript refuses the note), so a sweep that dies half-way is finished by the next one.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import suppress
from datetime import UTC, datetime

from parley.conversations.service import ConversationService
from parley.dialogue.ports import IdleSession, TurnSessionRepository
from parley.dialogue.transcript import timeout_note
from parley.errors import Conflict, NotFound
from parley.ports import Log

GRACE_SECONDS = 30
BATCH = 100


class IdleSweeper:
    def __init__(
        self,
        sessions: TurnSessionRepository,
        conversations: ConversationService,
        *,
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
        logger: Log | None = None,
    ) -> None:
        self._sessions = sessions
        self._conversations = conversations
        self._now = now
        self._logger = logger

    def sweep(self, has_time: Callable[[], bool] = lambda: True) -> int:
        """Close what is idle (up to one batch, while ``has_time``); how many were closed."""
        now = self._now()
        closed = 0
        for session in self._sessions.idle(int(now.timestamp()) - GRACE_SECONDS, BATCH):
            if not has_time():
                break
            self._close(session, now)
            if self._sessions.unlist_idle(session):
                closed += 1
        return closed

    def _close(self, session: IdleSession, now: datetime) -> None:
        from parley.conversations.models import AppendMessagesRequest

        closing = AppendMessagesRequest.model_validate(
            {
                "messages": [{"role": "system", "content": timeout_note(session.idle_timeout_seconds)}],
                "status": "completed",
            }
        )
        with suppress(Conflict, NotFound):  # completed already, or never written: nothing to close
            self._conversations.append(
                session.tenant_id, session.transcript_id, closing, read_back=False, now=now
            )
        if self._logger is not None:
            self._logger.info("idle conversation closed", extra={"conversation_id": session.transcript_id})
