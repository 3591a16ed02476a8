"""What configuration needs from storage, as Protocols: the draft (versioned by revision), the
compilations (with the lock that allows one at a time), and the audit log. The published catalog
itself is the NBQ domain's (``parley.nbq.ports.NbqConfigRepository``): one catalog for the beta
routes, V1 sessions, turns and this API."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

QUEUED, RUNNING, SUCCEEDED, FAILED = "queued", "running", "succeeded", "failed"
TERMINAL = frozenset({SUCCEEDED, FAILED})


@dataclass(frozen=True, slots=True)
class Draft:
    document: dict[str, Any]
    revision: int
    updated_at: str


class DraftMoved(Exception):
    def __init__(self, current: int | None) -> None:
        super().__init__(f"the draft is at revision {current}")
        self.current = current


@dataclass(frozen=True, slots=True)
class Compilation:
    compilation_id: str
    status: str
    draft_revision: int
    created_at: str
    updated_at: str
    progress: float = 0.0
    error: dict[str, Any] | None = None
    configuration_version: str | None = None
    # Who asked for it (the audit actor's id and the request), for the published event; not shown.
    requested_by: str | None = None
    request_id: str | None = None


class CompilationBusy(Exception):
    """Another compilation holds the tenant's lock."""

    def __init__(self, compilation_id: str, status: str) -> None:
        super().__init__(f"compilation {compilation_id} is {status}")
        self.compilation_id = compilation_id
        self.status = status


@dataclass(frozen=True, slots=True)
class AuditPage:
    events: list[dict[str, Any]]
    next_cursor: str | None


class DraftStore(Protocol):
    def get(self, tenant_id: str) -> Draft | None: ...

    def save(self, tenant_id: str, draft: Draft, expected_revision: int | None) -> None:
        """Store the draft if the stored one is at ``expected_revision`` (None: none is stored);
        else ``DraftMoved`` with the stored revision."""
        ...


class CompilationStore(Protocol):
    def start(
        self, tenant_id: str, compilation: Compilation, document: dict[str, Any], now_epoch: int
    ) -> None:
        """Store a queued compilation of ``document`` and take the tenant's lock, together;
        ``CompilationBusy`` when another holds it."""
        ...

    def get(self, tenant_id: str, compilation_id: str) -> Compilation | None: ...

    def holder(self, tenant_id: str, now_epoch: int) -> CompilationBusy | None:
        """The compilation holding the tenant's lock (not a stale one), if any."""
        ...

    def document(self, tenant_id: str, compilation_id: str) -> dict[str, Any] | None: ...

    def update(self, tenant_id: str, compilation: Compilation) -> None:
        """Store the compilation's progress; a terminal status also releases the lock."""
        ...


class AuditLog(Protocol):
    def record(self, tenant_id: str, events: list[dict[str, Any]], now_epoch: int) -> None: ...

    def page(
        self, tenant_id: str, limit: int, cursor: str | None, action: str | None, resource_type: str | None
    ) -> AuditPage:
        """Newest first, filtered; ``next_cursor`` None on the last page."""
        ...
