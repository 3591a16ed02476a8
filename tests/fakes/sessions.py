"""V1 session state in memory, with the DynamoDB store's semantics: a create refuses a taken id,
a save is conditioned on the version read, reads are copies."""

from __future__ import annotations

import json

from parley.sessions.ports import SessionExists, VersionMoved
from parley.sessions.state import SessionState
from tests.fakes.store import Interleaving


class InMemorySessionStore(Interleaving):
    def __init__(self) -> None:
        super().__init__()
        self._items: dict[tuple[str, str], str] = {}
        self.writes = 0

    def create(self, tenant_id: str, session: SessionState, now_epoch: int) -> None:
        self._interleave()
        key = (tenant_id, session.session_id)
        if key in self._items:
            raise SessionExists(session.session_id)
        self._items[key] = json.dumps(session.to_json())
        self.writes += 1

    def get(self, tenant_id: str, session_id: str) -> SessionState | None:
        stored = self._items.get((tenant_id, session_id))
        return None if stored is None else SessionState.from_json(json.loads(stored))

    def save(self, tenant_id: str, session: SessionState, expected_version: int, now_epoch: int) -> None:
        self._interleave()
        key = (tenant_id, session.session_id)
        current = self.get(tenant_id, session.session_id)
        if current is None or current.state_version != expected_version:
            raise VersionMoved(current.state_version if current is not None else expected_version)
        self._items[key] = json.dumps(session.to_json())
        self.writes += 1
