"""The NBQ ports in memory, as the DynamoDB repositories and Powertools Idempotency behave.

- ``InMemoryNbqConfigRepository``: the active catalog (refused above ``MAX_CATALOG_BYTES``
  compressed, like the Dynamo item) and the learned statistics, which the session repository's
  ``credit`` adds to (in DynamoDB both live in the tenants table).
- ``InMemoryNbqSessionRepository``: one session per (tenant, session id) — the first call's
  ``first_seen`` and ``started_by`` are kept, ``calls`` counts, ``served`` accumulates — and its
  recorded conversions; ``credit`` adds an outcome to the statistics at most once per conversion.
- ``InMemoryIdempotencyGuard``: the first call with a key runs; a repeat with the same payload gets
  the first answer; the same key with another payload is ``IdempotencyKeyReused``; a repeat while
  the first is still running is ``Conflict`` (retry after 1 s); an action that raises leaves the
  key free (Powertools deletes its record); a record expires after ``ttl_seconds``.
"""

from __future__ import annotations

import json
import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from parley.errors import IdempotencyKeyReused, Limit, LimitExceeded, RequestInProgress
from parley.nbq.learning import QuestionStats
from parley.nbq.limits import MAX_CATALOG_BYTES
from parley.nbq.ports import NbqState, configuration_id
from tests.fakes.store import Interleaving, StoreConflict, stored


class InMemoryNbqConfigRepository:
    def __init__(self) -> None:
        self._catalogs: dict[str, tuple[str, bytes]] = {}
        self._configurations: dict[tuple[str, str], bytes] = {}
        self._published_at: dict[str, str | None] = {}
        self._served: dict[str, dict[str, int]] = {}
        self._converted: dict[str, dict[str, int]] = {}
        self.state_reads = 0

    def put_catalog(
        self, tenant_id: str, version: str, document: dict[str, Any], *, published_at: str | None = None
    ) -> int:
        body = zlib.compress(json.dumps(document, separators=(",", ":")).encode(), 6)
        if len(body) > MAX_CATALOG_BYTES:
            raise LimitExceeded(
                f"catalog is {len(body)} bytes compressed; the maximum is {MAX_CATALOG_BYTES}",
                Limit("catalog", max_bytes=MAX_CATALOG_BYTES),
            )
        self._catalogs[tenant_id] = (version, body)
        self._published_at[tenant_id] = published_at
        self._configurations[(tenant_id, configuration_id(document))] = body
        return len(body)

    def load_state(self, tenant_id: str) -> NbqState:
        self.state_reads += 1
        catalog = self._catalogs.get(tenant_id)
        if catalog is None:
            return NbqState(None, None, {})
        version, body = catalog
        document = json.loads(zlib.decompress(body))
        configuration = configuration_id(document)
        return NbqState(
            version, document, self.stats(tenant_id), configuration, self._published_at.get(tenant_id)
        )

    def published_configuration(self, tenant_id: str) -> str | None:
        return self.load_state(tenant_id).configuration

    def load_configuration(self, tenant_id: str, configuration: str) -> dict[str, Any] | None:
        body = self._configurations.get((tenant_id, configuration))
        return None if body is None else dict(json.loads(zlib.decompress(body)))

    def stats(self, tenant_id: str) -> dict[str, QuestionStats]:
        served = self._served.get(tenant_id, {})
        converted = self._converted.get(tenant_id, {})
        return {qid: QuestionStats(served=n, converted=converted.get(qid, 0)) for qid, n in served.items()}

    def add_outcome(self, tenant_id: str, served: set[str], converted: bool) -> None:
        """What ``credit`` adds to the statistics (``ADD s#<id> :one`` and, on a conversion,
        ``c#<id> :one``)."""
        for qid in served:
            counts = self._served.setdefault(tenant_id, {})
            counts[qid] = counts.get(qid, 0) + 1
            if converted:
                wins = self._converted.setdefault(tenant_id, {})
                wins[qid] = wins.get(qid, 0) + 1


@dataclass
class NbqSessionRecord:
    """A session as the sessions table holds it."""

    first_seen: int
    last_seen: int
    catalog_version: str
    started_by: str
    calls: int = 0
    served: set[str] = field(default_factory=set)


@dataclass
class RecordedConversion:
    outcome: str
    metadata: dict[str, Any] | None
    recorded_at: str
    credited: bool = False


class InMemoryNbqSessionRepository(Interleaving):
    def __init__(self, config: InMemoryNbqConfigRepository | None = None) -> None:
        super().__init__()
        self._config = config or InMemoryNbqConfigRepository()
        self._sessions: dict[tuple[str, str], NbqSessionRecord] = {}
        self._conversions: dict[tuple[str, str], dict[str, RecordedConversion]] = {}

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
        self._interleave()
        record = self._sessions.setdefault(
            (tenant_id, session_id), NbqSessionRecord(now_epoch, now_epoch, version, started_by)
        )
        record.last_seen = now_epoch
        record.catalog_version = version
        record.calls += 1
        if served_id is not None:
            record.served.add(served_id)

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
    ) -> None:
        self._interleave()
        conversions = self._conversions.setdefault((tenant_id, session_id), {})
        if conversion_id in conversions:
            raise StoreConflict(f"conversion {conversion_id} exists")
        conversions[conversion_id] = RecordedConversion(
            outcome, stored(metadata) if metadata is not None else None, recorded_at
        )

    def latest_outcome(self, tenant_id: str, session_id: str) -> str | None:
        conversions = self._conversions.get((tenant_id, session_id), {}).values()
        latest = max(((c.recorded_at, c.outcome) for c in conversions), default=None)
        return latest[1] if latest else None

    def served_questions(self, tenant_id: str, session_id: str) -> set[str]:
        record = self._sessions.get((tenant_id, session_id))
        return set(record.served) if record else set()

    def credit(
        self, tenant_id: str, session_id: str, conversion_id: str, served: set[str], converted: bool | None
    ) -> bool:
        self._interleave()
        conversion = self._conversions.get((tenant_id, session_id), {}).get(conversion_id)
        if conversion is None or conversion.credited:
            return False
        if converted is not None and served:
            self._config.add_outcome(tenant_id, served, converted)
        conversion.credited = True
        return True

    # What a test reads back (the sessions table's items) -----------------------------------------
    def session(self, tenant_id: str, session_id: str) -> NbqSessionRecord | None:
        return self._sessions.get((tenant_id, session_id))

    def conversions(self, tenant_id: str, session_id: str) -> dict[str, RecordedConversion]:
        return dict(self._conversions.get((tenant_id, session_id), {}))


@dataclass
class _IdempotencyRecord:
    payload: str
    expires_at: float
    result: str | None = None  # None: in progress


class InMemoryIdempotencyGuard:
    def __init__(self, ttl_seconds: int = 24 * 3600, clock: Callable[[], float] = time.time) -> None:
        self._ttl = ttl_seconds
        self._clock = clock
        self._records: dict[str, _IdempotencyRecord] = {}
        self.runs = 0

    def run(
        self, key: dict[str, str], payload: dict[str, Any], action: Callable[[], dict[str, Any]]
    ) -> dict[str, Any]:
        identity = json.dumps(key, sort_keys=True)
        fingerprint = json.dumps(payload, sort_keys=True, ensure_ascii=False)
        record = self._records.get(identity)
        if record is not None and record.expires_at > self._clock():
            if record.payload != fingerprint:
                raise IdempotencyKeyReused(
                    "This Idempotency-Key was already used with a different request body."
                )
            if record.result is None:
                raise RequestInProgress(
                    "A request with this Idempotency-Key is still in progress; retry shortly.", retry_after=1
                )
            first: dict[str, Any] = json.loads(record.result)
            return first
        self._records[identity] = _IdempotencyRecord(fingerprint, self._clock() + self._ttl)
        self.runs += 1
        try:
            result = action()
        except Exception:
            del self._records[identity]  # the key is free again: nothing was done
            raise  # (a BaseException, like the runtime stopping the function, leaves it in progress)
        self._records[identity].result = json.dumps(result)
        return stored(result)
