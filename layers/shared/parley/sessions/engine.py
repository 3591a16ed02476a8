"""A V1 session's use cases as pure functions of the configuration and the state: open it, take
a ``/next`` call (reduce, then decide), take an ``/events`` call (reduce only). Storage, idempotency
and learning are the service's (``parley.sessions.service``)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace

from parley.nbq.catalog import Question
from parley.nbq.learning import Stats
from parley.sessions.configuration import SessionConfiguration
from parley.sessions.models import (
    ConversationMessage,
    ConversationMessageDelta,
    NextRequest,
    SessionCreateRequest,
    SessionEventsRequest,
)
from parley.sessions.progress import ObjectiveState, progress_of
from parley.sessions.ranking import closed_targets, propose
from parley.sessions.reducer import Reduction, apply_client_updates, apply_context, apply_previous_turn
from parley.sessions.state import ACTIVE, COMPLETED, STOPPED, Pending, SessionState

MAX_TURNS_REACHED = "max_turns_reached"
NO_QUESTION_AVAILABLE = "no_question_available"


@dataclass(frozen=True, slots=True)
class Decision:
    """What ``/next`` answers besides the state."""

    decision_id: str | None
    questions: tuple[Question, ...]
    stop_reason: str | None
    warnings: tuple[str, ...]
    degraded_reasons: tuple[str, ...]

    @property
    def action(self) -> str:
        return "stop" if self.stop_reason is not None else "ask"


@dataclass(frozen=True, slots=True)
class Applied:
    state: SessionState
    asked: tuple[str, ...]  # questions asked in this call (credited by a later feedback)
    decision: Decision | None = None


def open_session(
    config: SessionConfiguration, session_id: str, request: SessionCreateRequest, now: str
) -> SessionState:
    """A new session; ``initial_history`` is read once into the state and not kept."""
    state = SessionState(
        session_id=session_id,
        configuration=config.id,
        max_turns=request.max_turns or config.catalog.objective.max_turns,
        created_at=now,
        client_reference=request.client_reference,
    )
    if request.initial_history:
        messages = [ConversationMessage.model_validate(m.model_dump()) for m in request.initial_history]
        delta = ConversationMessageDelta(mode="messages", messages=messages)
        reduction = apply_context(config, Reduction(state), delta, now, where=("initial_history",))
        state = reduction.state
    return _settled(config, state)


def take_next(
    config: SessionConfiguration, state: SessionState, request: NextRequest, stats: Stats, now: str
) -> Applied:
    if state.status == STOPPED:  # every call after max_turns answers the same stop, changing nothing
        stop = Decision(None, (), state.stop_reason or MAX_TURNS_REACHED, _stop_warnings(config, state), ())
        return Applied(state, (), stop)
    reduction = Reduction(state)
    if request.previous_turn is not None:
        reduction = apply_previous_turn(config, reduction, request.previous_turn, now)
    if request.context_update is not None:
        reduction = apply_context(config, reduction, request.context_update, now)
    if request.client_updates is not None:
        reduction = apply_client_updates(config, reduction, request.client_updates, now)
    state = _settled(config, reduction.state)
    reasons = tuple(reduction.degraded_reasons)
    version = state.state_version + 1
    if state.turn_count >= state.max_turns:
        state = replace(state, status=STOPPED, stop_reason=MAX_TURNS_REACHED, pending=None)
        decision = Decision(None, (), MAX_TURNS_REACHED, _stop_warnings(config, state), reasons)
    else:
        proposal = propose(config, state, request.selection, stats)
        warnings = (
            *(["objective_achieved"] if _objective(config, state).achieved else []),
            *proposal.warnings,
        )
        if proposal.empty:
            decision = Decision(None, (), NO_QUESTION_AVAILABLE, warnings, reasons)
            state = replace(state, pending=None)
        else:
            decision_id = _decision_id(state.session_id, version)
            ids = tuple(q.external_id for q in proposal.questions)
            decision = Decision(decision_id, proposal.questions, None, warnings, reasons)
            state = replace(state, pending=Pending(decision_id, ids))
    state = replace(state, state_version=version, degraded=bool(reasons))
    return Applied(state, tuple(reduction.asked), decision)


def take_events(
    config: SessionConfiguration, state: SessionState, request: SessionEventsRequest, now: str
) -> Applied:
    """The same reducer without a decision: the pending one stays pending."""
    reduction = Reduction(state)
    if request.context_update is not None:
        reduction = apply_context(config, reduction, request.context_update, now)
    if request.client_updates is not None:
        reduction = apply_client_updates(config, reduction, request.client_updates, now)
    state = _settled(config, reduction.state)
    degraded = bool(reduction.degraded_reasons)
    return Applied(replace(state, state_version=state.state_version + 1, degraded=degraded), ())


def objective_of(config: SessionConfiguration, state: SessionState) -> ObjectiveState:
    return _objective(config, state)


def _objective(config: SessionConfiguration, state: SessionState) -> ObjectiveState:
    return progress_of(config, state, closed_targets(config, state))


def _settled(config: SessionConfiguration, state: SessionState) -> SessionState:
    """``completed`` while the objective is achieved (questions are still proposed)."""
    if state.status == STOPPED:
        return state
    return replace(state, status=COMPLETED if _objective(config, state).achieved else ACTIVE)


def _stop_warnings(config: SessionConfiguration, state: SessionState) -> tuple[str, ...]:
    achieved = ["objective_achieved"] if _objective(config, state).achieved else []
    return (*achieved, MAX_TURNS_REACHED)


def _decision_id(session_id: str, version: int) -> str:
    return "dec_" + hashlib.sha256(f"{session_id}\x1f{version}".encode()).hexdigest()[:16]
