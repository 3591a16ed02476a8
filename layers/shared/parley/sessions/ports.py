"""What V1 sessions need from storage: their own state (one item per session, written on the
condition of the version read), as a Protocol. ``DynamoSessionStore`` implements it; an in-memory
fake does in the tests. Configurations, statistics and the served questions learning credits come
from the NBQ domain's ports (``parley.nbq.ports``): a session is a session."""

from __future__ import annotations

from typing import Protocol

from parley.sessions.state import SessionState

STARTED_BY_V1 = "v1-sessions"  # ``started_by`` of the NBQ session item a V1 session creates


class VersionMoved(Exception):
    """The session's stored version is not the one the write was conditioned on."""

    def __init__(self, current: int) -> None:
        super().__init__(f"the session is at version {current}")
        self.current = current


class SessionExists(Exception):
    """A session with this id is stored already (ids are random: practically never)."""


class SessionStore(Protocol):
    def create(self, tenant_id: str, session: SessionState, now_epoch: int) -> None:
        """Store a new session; ``SessionExists`` when its id is taken."""
        ...

    def get(self, tenant_id: str, session_id: str) -> SessionState | None: ...

    def save(self, tenant_id: str, session: SessionState, expected_version: int, now_epoch: int) -> None:
        """Store the session's new state if the stored one is at ``expected_version``; else
        ``VersionMoved`` with the stored version (nothing written)."""
        ...
