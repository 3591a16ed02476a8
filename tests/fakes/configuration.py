"""Configuration storage in memory, with the DynamoDB stores' semantics: drafts saved on the
revision read, one compilation holding the tenant's lock at a time (a stale lock is taken over),
the audit log read newest first."""

from __future__ import annotations

import base64
import copy
import json
from typing import Any

from parley.configuration.ports import TERMINAL, AuditPage, Compilation, CompilationBusy, Draft, DraftMoved
from tests.fakes.store import Interleaving

STALE_LOCK_SECONDS = 15 * 60


class InMemoryDraftStore(Interleaving):
    def __init__(self) -> None:
        super().__init__()
        self._drafts: dict[str, str] = {}

    def get(self, tenant_id: str) -> Draft | None:
        stored = self._drafts.get(tenant_id)
        if stored is None:
            return None
        data = json.loads(stored)
        return Draft(data["document"], data["revision"], data["updated_at"])

    def save(self, tenant_id: str, draft: Draft, expected_revision: int | None) -> None:
        self._interleave()
        current = self.get(tenant_id)
        if (current.revision if current else None) != expected_revision:
            raise DraftMoved(current.revision if current else None)
        self._drafts[tenant_id] = json.dumps(
            {"document": draft.document, "revision": draft.revision, "updated_at": draft.updated_at}
        )


class InMemoryCompilationStore:
    def __init__(self) -> None:
        self._compilations: dict[tuple[str, str], Compilation] = {}
        self._documents: dict[tuple[str, str], str] = {}
        self._locks: dict[str, tuple[str, str, int]] = {}  # tenant → (compilation id, status, since)

    def start(
        self, tenant_id: str, compilation: Compilation, document: dict[str, Any], now_epoch: int
    ) -> None:
        held = self._locks.get(tenant_id)
        if held is not None and held[2] >= now_epoch - STALE_LOCK_SECONDS:
            raise CompilationBusy(held[0], held[1])
        key = (tenant_id, compilation.compilation_id)
        self._compilations[key] = compilation
        self._documents[key] = json.dumps(document)
        self._locks[tenant_id] = (compilation.compilation_id, compilation.status, now_epoch)

    def get(self, tenant_id: str, compilation_id: str) -> Compilation | None:
        return self._compilations.get((tenant_id, compilation_id))

    def holder(self, tenant_id: str, now_epoch: int) -> CompilationBusy | None:
        held = self._locks.get(tenant_id)
        if held is None or held[2] < now_epoch - STALE_LOCK_SECONDS:
            return None
        return CompilationBusy(held[0], held[1])

    def document(self, tenant_id: str, compilation_id: str) -> dict[str, Any] | None:
        stored = self._documents.get((tenant_id, compilation_id))
        return None if stored is None else dict(json.loads(stored))

    def update(self, tenant_id: str, compilation: Compilation) -> None:
        self._compilations[(tenant_id, compilation.compilation_id)] = compilation
        held = self._locks.get(tenant_id)
        if held is not None and held[0] == compilation.compilation_id:
            if compilation.status in TERMINAL:
                del self._locks[tenant_id]
            else:
                self._locks[tenant_id] = (held[0], compilation.status, held[2])


class InMemoryAuditLog:
    def __init__(self) -> None:
        self._events: dict[str, list[dict[str, Any]]] = {}

    def record(self, tenant_id: str, events: list[dict[str, Any]], now_epoch: int) -> None:
        self._events.setdefault(tenant_id, []).extend(copy.deepcopy(events))

    def page(
        self, tenant_id: str, limit: int, cursor: str | None, action: str | None, resource_type: str | None
    ) -> AuditPage:
        # Newest first; within a millisecond, the later recorded first (as the store's sort key).
        recorded = list(enumerate(self._events.get(tenant_id, [])))
        ordered = [e for _, e in sorted(recorded, key=lambda p: (p[1]["occurred_at"], p[0]), reverse=True)]
        start = int(base64.urlsafe_b64decode(cursor).decode()) if cursor else 0
        window = ordered[start : start + limit]
        # Like DynamoDB: the limit applies before the filter.
        events = [
            e for e in window
            if (action is None or e["action"] == action)
            and (resource_type is None or e["resource"]["type"] == resource_type)
        ]  # fmt: skip
        end = start + len(window)
        next_cursor = base64.urlsafe_b64encode(str(end).encode()).decode() if end < len(ordered) else None
        return AuditPage(copy.deepcopy(events), next_cursor)
