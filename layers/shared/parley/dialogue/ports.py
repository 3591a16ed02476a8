"""What turn processing needs from storage: deployments (tenants table) and dialogue sessions
(sessions table), as Protocols. ``DynamoDeploymentRepository`` and ``DynamoTurnSessionRepository``
implement them, and in-memory fakes do in the tests."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol


class SessionConflict(Exception):
    """Another turn on this conversation was applied since its state was read."""


@dataclass(frozen=True, slots=True)
class StoredDeployment:
    digest: str
    document: dict[str, Any]


@dataclass(frozen=True, slots=True)
class StoredSession:
    state: dict[str, Any]
    version: int
    idle_expires_at: int
    # The transcript the current task writes (None: the conversation's own id, as before segments).
    segment_id: str | None = None


class DeploymentRepository(Protocol):
    def put(self, tenant_id: str, document: dict[str, Any]) -> int:
        """Store a validated deployment document; its size in bytes."""
        ...

    def get(self, tenant_id: str, deployment_key: str) -> StoredDeployment | None: ...


@dataclass(frozen=True, slots=True)
class IdleSession:
    """A session whose open transcript nobody has written to since ``idle_expires_at``."""

    tenant_id: str
    conversation_id: str
    transcript_id: str
    version: int
    idle_expires_at: int
    idle_timeout_seconds: int


class TurnSessionRepository(Protocol):
    def get(self, tenant_id: str, conversation_id: str) -> StoredSession | None: ...

    def save(
        self,
        tenant_id: str,
        conversation_id: str,
        state: dict[str, Any],
        *,
        expected_version: int | None,
        idle_expires_at: int,
        open_transcript: str | None = None,
        idle_timeout_seconds: int = 0,
        segment_id: str | None = None,
    ) -> int:
        """Store the state as the next version (``expected_version=None`` creates the session);
        ``SessionConflict`` when another turn got there first. The new version. ``segment_id`` is
        the transcript the current task writes; with ``open_transcript`` (that transcript, still
        active) the session is listed for the idle sweep at ``idle_expires_at``."""
        ...

    def idle(self, now_epoch: int, limit: int) -> list[IdleSession]:
        """Sessions listed for the sweep whose idle time passed, oldest first (at most ``limit``)."""
        ...

    def unlist_idle(self, session: IdleSession) -> bool:
        """Take the session off the sweep's list, unless a turn changed it since it was read."""
        ...
