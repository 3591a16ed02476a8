"""``DeploymentRepository`` and ``TurnSessionRepository`` in memory, as the DynamoDB ones behave:

- a deployment is stored as sorted, compact JSON with its SHA-256 ``digest`` (so the deployment
  cache re-parses only a changed document) and refused above ``MAX_DEPLOYMENT_BYTES``;
- a session is saved as version ``expected_version + 1`` only if the stored version is
  ``expected_version`` (``None``: only if there is no session yet); otherwise ``SessionConflict``.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, replace
from typing import Any

from parley.dialogue.limits import MAX_DEPLOYMENT_BYTES
from parley.dialogue.ports import IdleSession, SessionConflict, StoredDeployment, StoredSession
from parley.errors import Limit, LimitExceeded
from tests.fakes.store import Interleaving, stored


class InMemoryDeploymentRepository:
    def __init__(self) -> None:
        self._bodies: dict[tuple[str, str], str] = {}
        self.reads = 0

    def put(self, tenant_id: str, document: dict[str, Any]) -> int:
        body = json.dumps(document, separators=(",", ":"), ensure_ascii=False, sort_keys=True)
        size = len(body.encode())
        if size > MAX_DEPLOYMENT_BYTES:
            raise LimitExceeded(
                f"deployment is {size} bytes; the maximum is {MAX_DEPLOYMENT_BYTES}",
                Limit("deployment", max_bytes=MAX_DEPLOYMENT_BYTES),
            )
        self._bodies[(tenant_id, document["deployment_key"])] = body
        return size

    def get(self, tenant_id: str, deployment_key: str) -> StoredDeployment | None:
        self.reads += 1
        body = self._bodies.get((tenant_id, deployment_key))
        if body is None:
            return None
        return StoredDeployment(hashlib.sha256(body.encode()).hexdigest(), json.loads(body))


@dataclass(frozen=True)
class _Session:
    state: dict[str, Any]
    version: int
    idle_expires_at: int
    open_transcript: str | None = None
    idle_timeout_seconds: int = 0
    segment_id: str | None = None


class InMemoryTurnSessionRepository(Interleaving):
    def __init__(self) -> None:
        super().__init__()
        self._sessions: dict[tuple[str, str], _Session] = {}

    def get(self, tenant_id: str, conversation_id: str) -> StoredSession | None:
        session = self._sessions.get((tenant_id, conversation_id))
        if session is None:
            return None
        return StoredSession(
            stored(session.state), session.version, session.idle_expires_at, session.segment_id
        )

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
        self._interleave()
        current = self._sessions.get((tenant_id, conversation_id))
        if expected_version is None:
            if current is not None:
                raise SessionConflict(conversation_id)
        elif current is None or current.version != expected_version:
            raise SessionConflict(conversation_id)
        version = (expected_version or 0) + 1
        self._sessions[(tenant_id, conversation_id)] = _Session(
            stored(state), version, idle_expires_at, open_transcript, idle_timeout_seconds, segment_id
        )
        return version

    def idle(self, now_epoch: int, limit: int) -> list[IdleSession]:
        due = [
            IdleSession(
                tenant, conversation, s.open_transcript, s.version, s.idle_expires_at, s.idle_timeout_seconds
            )
            for (tenant, conversation), s in self._sessions.items()
            if s.open_transcript is not None and s.idle_expires_at <= now_epoch
        ]
        return sorted(due, key=lambda session: session.idle_expires_at)[:limit]

    def unlist_idle(self, session: IdleSession) -> bool:
        self._interleave()
        current = self._sessions.get((session.tenant_id, session.conversation_id))
        if current is None or current.version != session.version:
            return False
        self._sessions[(session.tenant_id, session.conversation_id)] = replace(current, open_transcript=None)
        return True
