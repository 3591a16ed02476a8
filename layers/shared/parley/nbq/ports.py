"""What the NBQ domain needs from storage, as Protocols: the tenant's configuration (catalog and
learned statistics) and its sessions. ``DynamoNbqConfigRepository`` and
``DynamoNbqSessionRepository`` implement them, and in-memory fakes do in the tests."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from parley.nbq.learning import QuestionStats

# ``started_by`` of a session item: which endpoint's call created it. Only next-questions sessions
# are usage (the spec counts usage by its ``session_id``); a turn records its questions too.
STARTED_BY_NEXT_QUESTIONS = "next-questions"
STARTED_BY_TURN = "turn"


@dataclass(frozen=True)
class NbqState:
    """A tenant's active catalog (``None`` when none is loaded) and its statistics."""

    version: str | None
    document: dict[str, Any] | None
    stats: dict[str, QuestionStats]
    # The published configuration's id (a digest of the document): what a V1 session pins.
    configuration: str | None = None
    published_at: str | None = None


def configuration_id(document: dict[str, Any]) -> str:
    """The id of a published configuration: the same document always has the same id."""
    canonical = json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return "cfg_" + hashlib.sha256(canonical.encode()).hexdigest()[:16]


class NbqConfigRepository(Protocol):
    def put_catalog(
        self, tenant_id: str, version: str, document: dict[str, Any], *, published_at: str | None = None
    ) -> int:
        """Publish the document: it becomes the active catalog, and stays readable by its
        configuration id for the sessions that pin it. Its compressed size."""
        ...

    def load_state(self, tenant_id: str) -> NbqState: ...

    def load_configuration(self, tenant_id: str, configuration: str) -> dict[str, Any] | None:
        """A published configuration by its id (``None`` when it is not stored)."""
        ...

    def published_configuration(self, tenant_id: str) -> str | None:
        """The id of the configuration published now (one small read; ``None``: none is)."""
        ...

    def stats(self, tenant_id: str) -> dict[str, QuestionStats]: ...


class NbqSessionRepository(Protocol):
    def touch(
        self,
        tenant_id: str,
        session_id: str,
        served_id: str | None,
        version: str,
        now_epoch: int,
        *,
        started_by: str,
    ) -> None:
        """Record one call on the session (creating it on its first call), and the question served."""
        ...

    def put_conversion(
        self,
        *,
        tenant_id: str,
        session_id: str,
        conversion_id: str,
        outcome: str,
        metadata: dict[str, Any] | None,
        recorded_at: str,
        now_epoch: int,
    ) -> bool:
        """Store a conversion; False when one with this id is stored already (nothing written)."""
        ...

    def latest_outcome(self, tenant_id: str, session_id: str) -> str | None: ...

    def served_questions(self, tenant_id: str, session_id: str) -> set[str]: ...

    def credit(
        self, tenant_id: str, session_id: str, conversion_id: str, served: set[str], converted: bool | None
    ) -> bool:
        """Add one outcome to the served questions' statistics, at most once per conversion."""
        ...


class IdempotencyGuard(Protocol):
    """Runs an action once per key: a repeat of the same key and payload returns the first answer.

    Raises ``Conflict`` (with ``retry_after``) while the first call is still in progress,
    ``IdempotencyKeyReused`` when the key was used with another payload, ``Unavailable`` when the
    guard's store cannot be reached (nothing was done).
    """

    def run(
        self, key: dict[str, str], payload: dict[str, Any], action: Callable[[], dict[str, Any]]
    ) -> dict[str, Any]: ...
