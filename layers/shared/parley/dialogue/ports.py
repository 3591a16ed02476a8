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


class DeploymentRepository(Protocol):
    def put(self, tenant_id: str, document: dict[str, Any]) -> int:
        """Store a validated deployment document; its size in bytes."""
        ...

    def get(self, tenant_id: str, deployment_key: str) -> StoredDeployment | None: ...


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
    ) -> int:
        """Store the state as the next version (``expected_version=None`` creates the session);
        ``SessionConflict`` when another turn got there first. The new version."""
        ...
