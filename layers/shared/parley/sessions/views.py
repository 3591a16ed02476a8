"""The public views of a session: what the contract lets a client see — never the pinned
configuration id, the state's internals, nor any text of the conversation but an open answer's
words kept as its target's value."""

from __future__ import annotations

from parley.nbq.catalog import Question
from parley.sessions.configuration import SessionConfiguration
from parley.sessions.engine import Decision, objective_of
from parley.sessions.models import (
    Candidate,
    CandidateChoice,
    DimensionProgress,
    NextResponse,
    ObjectiveProgress,
    OverrideView,
    PendingDecisionView,
    ProgressView,
    PublicQuestionState,
    PublicTargetState,
    QuestionOutcomeRecord,
    SessionStateResponse,
    VersionInfo,
)
from parley.sessions.state import Override, SessionState

ENGINE_VERSION = "parley-sessions-1"
API_VERSION = "1.0"


def candidates(questions: tuple[Question, ...] | list[Question]) -> list[Candidate]:
    return [
        Candidate(
            rank=rank,
            question_id=question.external_id,
            text=question.text,
            type=question.kind,  # type: ignore[arg-type]
            choices=[CandidateChoice(choice_id=o.id, label=o.label) for o in question.options],
            target_ids=[question.category],
            selection_mode=question.selection_mode if question.kind == "semi_open" else None,  # type: ignore[arg-type]
        )
        for rank, question in enumerate(questions, start=1)
    ]


def progress(config: SessionConfiguration, state: SessionState) -> ProgressView:
    objective = objective_of(config, state)
    return ProgressView(
        objective=ObjectiveProgress(
            computed_status=objective.computed_status,
            progress=objective.progress,
            client_override=_override(objective.override),
            effective_status=objective.effective_status,
        ),
        dimensions=[
            DimensionProgress(
                id=d.dimension.id,
                order_position=d.dimension.order_position,
                completion_role=d.dimension.completion_role,
                computed_status=d.computed_status,
                progress=d.progress,
                client_override=_override(d.override),
                effective_status=d.effective_status,
            )
            for d in objective.dimensions
        ],
    )


def versions(state: SessionState) -> VersionInfo:
    return VersionInfo(
        state_version=state.state_version, engine_version=ENGINE_VERSION, api_version=API_VERSION
    )


def state_response(config: SessionConfiguration, state: SessionState) -> SessionStateResponse:
    pending = None
    if state.pending is not None:
        questions = [q for q in (config.question(i) for i in state.pending.question_ids) if q is not None]
        pending = PendingDecisionView(decision_id=state.pending.decision_id, candidates=candidates(questions))
    return SessionStateResponse(
        session_id=state.session_id,
        client_reference=state.client_reference,
        status=state.status,
        turn_count=state.turn_count,
        max_turns=state.max_turns,
        turns_remaining=state.turns_remaining,
        question_state=PublicQuestionState(
            outcomes=[
                QuestionOutcomeRecord(
                    question_id=o.question_id,
                    decision_id=o.decision_id,
                    outcome=o.outcome,  # type: ignore[arg-type]
                    source=o.source,  # type: ignore[arg-type]
                    message_id=o.message_id,
                    occurred_at=o.occurred_at,
                )
                for o in state.outcomes
            ]
        ),
        targets={
            target_id: _target_view(config, target_id, t.status, t.value, t.coverage)
            for target_id, t in state.targets.items()
        },
        progress=progress(config, state),
        pending_decision=pending,
        degraded=state.degraded,
        versions=versions(state),
    )


def next_response(config: SessionConfiguration, state: SessionState, decision: Decision) -> NextResponse:
    return NextResponse(
        session_id=state.session_id,
        decision_id=decision.decision_id,
        action=decision.action,  # type: ignore[arg-type]
        stop_reason=decision.stop_reason,
        candidates=candidates(decision.questions),
        progress=progress(config, state),
        turn_count=state.turn_count,
        turns_remaining=state.turns_remaining,
        warnings=list(dict.fromkeys(decision.warnings)),
        degraded=bool(decision.degraded_reasons),
        degraded_reasons=list(decision.degraded_reasons),
        versions=versions(state),
    )


def _target_view(
    config: SessionConfiguration, target_id: str, status: str | None, value: object, coverage: float
) -> PublicTargetState:
    if config.kind_of(target_id) == "exploration":  # no status nor value: only what was covered
        return PublicTargetState(kind="exploration", coverage=coverage if status else 0.0)
    return PublicTargetState(kind="data", status=status, value=value, coverage=coverage)


def _override(override: Override | None) -> OverrideView | None:
    return None if override is None else OverrideView(status=override.status, updated_at=override.updated_at)
