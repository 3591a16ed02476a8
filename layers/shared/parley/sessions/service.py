"""Zelinqa V1 session use cases: create, next, events, read, feedback.

Every mutation runs once per ``Idempotency-Key`` (per tenant, session and operation): a repeat
with the same body gets the first answer, byte for byte, without doing anything again; another
body is ``idempotency_key_reused``; a repeat while the first still runs is
``idempotency_contention`` (retry in a second). Mutations of a session are conditioned on its
``state_version``: a stale one, or a concurrent mutation that got there first, is
``state_version_conflict`` with both versions.

A session pins the configuration published when it was created and keeps it to the end. The
questions a ``/next`` resolves as asked are recorded on the NBQ session item of the same id, so
a feedback credits them exactly as a recorded conversion does (one statistics store).
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from parley.errors import IdempotencyKeyReused, RequestInProgress
from parley.nbq.ports import IdempotencyGuard, NbqConfigRepository, NbqSessionRepository
from parley.sessions.configuration import ConfigurationCache, SessionConfiguration
from parley.sessions.engine import open_session, take_events, take_next
from parley.sessions.errors import ConfigurationUnavailable, StaleStateVersion, UnknownSession
from parley.sessions.limits import MAX_ID_CHARS
from parley.sessions.ports import STARTED_BY_V1, SessionExists, SessionStore, VersionMoved
from parley.sessions.state import SessionState
from parley.sessions.views import next_response, state_response

if TYPE_CHECKING:
    from parley.nbq.service import TenantNbqCache
    from parley.sessions.models import (
        FeedbackRequest,
        NextRequest,
        SessionCreateRequest,
        SessionEventsRequest,
    )

RETRY_AFTER_SECONDS = 1


class SessionService:
    def __init__(
        self,
        sessions: SessionStore,
        catalogs: TenantNbqCache,
        configurations: NbqConfigRepository,
        learning: NbqSessionRepository,
        idempotency: IdempotencyGuard | None,
        *,
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
        new_id: Callable[[], str] = lambda: "ses_" + secrets.token_hex(12),
    ) -> None:
        self._sessions = sessions
        self._catalogs = catalogs
        self._configurations = configurations
        self._cache = ConfigurationCache()
        self._learning = learning
        self._idempotency = idempotency
        self._now = now
        self._new_id = new_id

    # --------------------------------------------------------------------------------------------
    def create(self, tenant_id: str, key: str, request: SessionCreateRequest) -> dict[str, Any]:
        def action() -> dict[str, Any]:
            # Read now, not from the container's cache: a session created after a publication
            # pins it at once.
            configuration_id = self._configurations.published_configuration(tenant_id)
            if configuration_id is None:
                raise ConfigurationUnavailable()
            config = self._configuration(tenant_id, configuration_id)
            moment = self._now()
            for _ in range(3):
                state = open_session(config, self._new_id(), request, _stamp(moment))
                try:
                    self._sessions.create(tenant_id, state, _epoch(moment))
                    break
                except SessionExists:
                    continue
            self._learning.touch(
                tenant_id,
                state.session_id,
                None,
                config.catalog.version,
                _epoch(moment),
                started_by=STARTED_BY_V1,
            )
            return state_response(config, state).body()

        scope = {"tenant_id": tenant_id, "session_id": "", "operation": "create", "idempotency_key": key}
        return self._once(scope, request.model_dump(mode="json"), action)

    def next(self, tenant_id: str, session_id: str, key: str, request: NextRequest) -> dict[str, Any]:
        def action() -> dict[str, Any]:
            state, config = self._current(tenant_id, session_id, request.state_version)
            _, stats = self._catalogs.published(tenant_id)
            moment = self._now()
            applied = take_next(config, state, request, stats, _stamp(moment))
            if applied.state is not state:
                self._save(tenant_id, applied.state, state.state_version, request.state_version, moment)
            for question_id in applied.asked:
                self._learning.touch(
                    tenant_id, session_id, question_id, config.catalog.version, _epoch(moment),
                    started_by=STARTED_BY_V1,
                )  # fmt: skip
            assert applied.decision is not None
            return next_response(config, applied.state, applied.decision).body()

        scope = {
            "tenant_id": tenant_id,
            "session_id": session_id,
            "operation": "next",
            "idempotency_key": key,
        }
        return self._once(scope, request.model_dump(mode="json"), action)

    def events(
        self, tenant_id: str, session_id: str, key: str, request: SessionEventsRequest
    ) -> dict[str, Any]:
        def action() -> dict[str, Any]:
            state, config = self._current(tenant_id, session_id, request.state_version)
            moment = self._now()
            applied = take_events(config, state, request, _stamp(moment))
            self._save(tenant_id, applied.state, state.state_version, request.state_version, moment)
            return state_response(config, applied.state).body()

        scope = {
            "tenant_id": tenant_id,
            "session_id": session_id,
            "operation": "events",
            "idempotency_key": key,
        }
        return self._once(scope, request.model_dump(mode="json"), action)

    def read(self, tenant_id: str, session_id: str) -> dict[str, Any]:
        state = self._stored(tenant_id, session_id)
        if state is None:
            raise UnknownSession(session_id)
        config = self._configuration(tenant_id, state.configuration, state.session_id)
        return state_response(config, state).body()

    def feedback(self, tenant_id: str, session_id: str, key: str, request: FeedbackRequest) -> dict[str, Any]:
        """The outcome is stored as a conversion of the session: the stream relay credits the
        questions asked in it (``success`` as a conversion, ``failure`` as a failure, ``partial``
        teaching nothing) and records it on the session's logged conversations. The session's
        state is not changed."""

        def action() -> dict[str, Any]:
            if self._stored(tenant_id, session_id) is None:
                raise UnknownSession(session_id)
            moment = self._now()
            feedback_id = feedback_id_for(tenant_id, session_id, key)
            metadata = dict(request.metadata or {})
            if request.label is not None:
                metadata = {**metadata, "label": request.label}
            recorded_at = _stamp(moment)
            self._learning.put_conversion(
                tenant_id=tenant_id,
                session_id=session_id,
                conversion_id=feedback_id,
                outcome=request.result,
                metadata=metadata or None,
                recorded_at=recorded_at,
                now_epoch=_epoch(moment),
            )
            return {
                "session_id": session_id,
                "feedback_id": feedback_id,
                "recorded_at": recorded_at,
            }

        scope = {
            "tenant_id": tenant_id,
            "session_id": session_id,
            "operation": "feedback",
            "idempotency_key": key,
        }
        return self._once(scope, request.model_dump(mode="json"), action)

    # --------------------------------------------------------------------------------------------
    def _once(
        self, scope: dict[str, str], payload: dict[str, Any], action: Callable[[], dict[str, Any]]
    ) -> dict[str, Any]:
        key = scope["idempotency_key"]
        if self._idempotency is None:
            raise RuntimeError("a session mutation needs an idempotency guard")
        try:
            return self._idempotency.run(scope, {"body": payload}, action)
        except RequestInProgress as exc:
            exc.details.update({"idempotency_key": key, "retry_after_seconds": RETRY_AFTER_SECONDS})
            raise
        except IdempotencyKeyReused as exc:
            exc.details.update({"idempotency_key": key})
            raise

    def _current(
        self, tenant_id: str, session_id: str, supplied_version: int
    ) -> tuple[SessionState, SessionConfiguration]:
        state = self._stored(tenant_id, session_id)
        if state is None:
            raise UnknownSession(session_id)
        if state.state_version != supplied_version:
            raise StaleStateVersion(supplied_version, state.state_version)
        return state, self._configuration(tenant_id, state.configuration, state.session_id)

    def _stored(self, tenant_id: str, session_id: str) -> SessionState | None:
        """The session, or None — without a read for an id no session can have."""
        if not 1 <= len(session_id) <= MAX_ID_CHARS:
            return None
        return self._sessions.get(tenant_id, session_id)

    def _save(
        self, tenant_id: str, state: SessionState, read_version: int, supplied_version: int, moment: datetime
    ) -> None:
        try:
            self._sessions.save(tenant_id, state, read_version, _epoch(moment))
        except VersionMoved as moved:
            raise StaleStateVersion(supplied_version, moved.current) from None

    def _configuration(
        self, tenant_id: str, configuration_id: str, session_id: str | None = None
    ) -> SessionConfiguration:
        cached = self._cache.get(tenant_id, configuration_id)
        if cached is not None:
            return cached
        document = self._configurations.load_configuration(tenant_id, configuration_id)
        if document is None:
            raise ConfigurationUnavailable(session_id)
        return self._cache.put(tenant_id, configuration_id, document)


def feedback_id_for(tenant_id: str, session_id: str, idempotency_key: str) -> str:
    """Derived from the key: a feedback that runs again (its idempotency record lost) finds the
    one it stored instead of recording a second."""
    digest = hashlib.sha256("\x1f".join(("feedback", tenant_id, session_id, idempotency_key)).encode())
    return "fbk_" + digest.hexdigest()[:24]


def _stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _epoch(moment: datetime) -> int:
    return int(moment.timestamp())
