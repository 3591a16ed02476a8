"""NBQ use cases: pick the next question for a session, record a conversion, credit it.

A container keeps each tenant's prepared catalog (with its detection index) and statistics in
memory: statistics are re-read every ``STATS_TTL_SECONDS`` (one GetItem), the catalog every
``CATALOG_TTL_SECONDS`` (one BatchGetItem with the statistics; the index is rebuilt only when the
version changed). In the steady state a call therefore costs one write (the session) and no read;
the first call of a session too: it is counted as usage off the request path, by the stream relay
(``parley.insights.relay``) from the session item's INSERT.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Protocol

from parley.errors import NotFound
from parley.nbq.catalog import Question, parse_catalog
from parley.nbq.learning import QuestionStats, outcome_credit
from parley.nbq.ports import (
    STARTED_BY_NEXT_QUESTIONS,
    IdempotencyGuard,
    NbqConfigRepository,
    NbqSessionRepository,
)
from parley.nbq.selection import PreparedCatalog, Turn, select_next_question

if TYPE_CHECKING:
    # Annotations only: the handlers validate with these models; the service (also imported by the
    # insights worker and the turn function) does not need pydantic or the queue's messages.
    from parley.nbq.models import ConversionRequest, NextQuestionRequest

STATS_TTL_SECONDS = 10.0
CATALOG_TTL_SECONDS = 60.0


@dataclass
class _TenantState:
    prepared: PreparedCatalog
    stats: dict[str, QuestionStats]
    catalog_checked: float
    stats_checked: float
    configuration: str | None = None  # the published configuration's id (what V1 sessions pin)


class TenantNbqCache:
    """Per-container cache of each tenant's prepared catalog and statistics."""

    def __init__(self, config: NbqConfigRepository, clock: Callable[[], float] = time.monotonic) -> None:
        self._config = config
        self._clock = clock
        self._states: dict[str, _TenantState] = {}
        self._lock = threading.Lock()

    def get(self, tenant_id: str) -> tuple[PreparedCatalog, dict[str, QuestionStats]]:
        state = self._state(tenant_id)
        return state.prepared, state.stats

    def published(self, tenant_id: str) -> tuple[str, dict[str, QuestionStats]]:
        """The id of the configuration published now, and the statistics."""
        state = self._state(tenant_id)
        if state.configuration is None:
            raise NotFound("No question catalog is loaded for this tenant.")
        return state.configuration, state.stats

    def _state(self, tenant_id: str) -> _TenantState:
        now = self._clock()
        with self._lock:
            state = self._states.get(tenant_id)
        if state is None or now - state.catalog_checked >= CATALOG_TTL_SECONDS:
            loaded = self._config.load_state(tenant_id)
            if loaded.version is None or loaded.document is None:
                raise NotFound("No question catalog is loaded for this tenant.")
            if state is not None and state.prepared.catalog.version == loaded.version:
                prepared = state.prepared  # same version: keep the index built for it
            else:
                prepared = PreparedCatalog.of(parse_catalog(loaded.document))
            state = _TenantState(prepared, loaded.stats, now, now, loaded.configuration)
        elif now - state.stats_checked >= STATS_TTL_SECONDS:
            stats = self._config.stats(tenant_id)
            state = _TenantState(state.prepared, stats, state.catalog_checked, now, state.configuration)
        else:
            return state
        with self._lock:
            self._states[tenant_id] = state
        return state


@dataclass(frozen=True)
class NextQuestionResult:
    question: Question | None
    nbq_version: str


class NbqService:
    def __init__(
        self,
        catalogs: TenantNbqCache,
        sessions: NbqSessionRepository,
        idempotency: IdempotencyGuard | None = None,
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self._catalogs = catalogs
        self._sessions = sessions
        self._idempotency = idempotency
        self._now = now

    def next_question(self, tenant_id: str, request: NextQuestionRequest) -> NextQuestionResult:
        prepared, stats = self._catalogs.get(tenant_id)
        history = [Turn(m.role, m.content) for m in request.conversation_history or ()]
        question = select_next_question(
            prepared,
            history,
            request.context,
            request.answered_question_ids,
            stats=stats,
            session_id=request.session_id,
        )
        # The only write: the stream relay counts the session's first call (the item's INSERT).
        self._sessions.touch(
            tenant_id,
            request.session_id,
            question.external_id if question else None,
            prepared.catalog.version,
            int(self._now().timestamp()),
            started_by=STARTED_BY_NEXT_QUESTIONS,
        )
        return NextQuestionResult(question, prepared.catalog.version)

    def record_conversion(
        self, tenant_id: str, session_id: str, idempotency_key: str, request: ConversionRequest
    ) -> str:
        """Store the outcome on the session, once per idempotency key; the conversion id (the first
        call's, on a repeat). Its crediting is queued by the sessions table's stream
        (``parley.insights.relay``) once the item is committed.

        An unknown session is accepted too (its outcome is kept; no question gets credit)."""
        if self._idempotency is None:
            raise RuntimeError("record_conversion needs an idempotency guard")
        key = {"tenant_id": tenant_id, "session_id": session_id, "idempotency_key": idempotency_key}
        payload = {"outcome": request.outcome, "metadata": request.metadata}
        # The id is derived from the key, so the write itself is idempotent too: a call that runs
        # again (its idempotency record lost, or expired) finds the conversion it stored.
        conversion_id = conversion_id_for(tenant_id, session_id, idempotency_key)
        result = self._idempotency.run(
            key,
            payload,
            lambda: {"conversion_id": self._put_conversion(tenant_id, session_id, conversion_id, request)},
        )
        return str(result["conversion_id"])

    def _put_conversion(
        self, tenant_id: str, session_id: str, conversion_id: str, request: ConversionRequest
    ) -> str:
        now = self._now()
        self._sessions.put_conversion(
            tenant_id=tenant_id,
            session_id=session_id,
            conversion_id=conversion_id,
            outcome=request.outcome,
            metadata=request.metadata,
            recorded_at=now.strftime("%Y-%m-%dT%H:%M:%SZ"),
            now_epoch=int(now.timestamp()),
        )
        return conversion_id


def conversion_id_for(tenant_id: str, session_id: str, idempotency_key: str) -> str:
    digest = hashlib.sha256("\x1f".join((tenant_id, session_id, idempotency_key)).encode()).hexdigest()
    return "cv_" + digest[:24]


class RecordedOutcome(Protocol):
    """A recorded conversion (a queue message has these attributes)."""

    @property
    def tenant_id(self) -> str: ...
    @property
    def session_id(self) -> str: ...
    @property
    def conversion_id(self) -> str: ...
    @property
    def outcome(self) -> str: ...


def credit_conversion(sessions: NbqSessionRepository, message: RecordedOutcome) -> bool:
    """Credit the questions served in the session with this outcome, at most once per conversion.

    purchase and lead count as conversions, abandon as a failure, other teaches nothing (the
    conversion is still marked credited). Returns False for a conversion credited before."""
    served = sessions.served_questions(message.tenant_id, message.session_id)
    return sessions.credit(
        message.tenant_id, message.session_id, message.conversion_id, served, outcome_credit(message.outcome)
    )
