"""The reducer shared by ``/next`` and ``/events``: what the client observed (the previous turn,
context that did not go through Parley, its own data and overrides) applied to the session state.

Understanding runs on Parley's language layer, offline (no model in the request path): the
question a reply answers is the pending decision's (rank 1, or the candidate the agent's wording
or the chosen choices point to); a reply is an answer when it names a choice, gives the question's
information, or — for an open question — says anything but "I don't know" or a refusal. The
categories the words reveal (``parley.nbq.detection``) become tentative targets. Explicit client
values always win over inference.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from parley.nbq.catalog import Question
from parley.nbq.objective import fits_schema
from parley.sessions.configuration import SessionConfiguration
from parley.sessions.errors import InvalidChoice, InvalidPreviousTurn
from parley.sessions.models import (
    ClearDimensionOverride,
    ClearObjectiveOverride,
    ClientUpdates,
    ConversationMessage,
    ConversationMessageDelta,
    ConversationSummary,
    ExcludeDimensionOverride,
    NotApplicableDataUpdate,
    PreviousTurn,
    SetDataUpdate,
    StructuredAnswer,
    UnsetDataUpdate,
)
from parley.sessions.reading import choices_named, is_refusal, is_unknown, likeness
from parley.sessions.state import (
    CONFIRMED,
    NOT_APPLICABLE,
    TENTATIVE,
    OutcomeRecord,
    Override,
    SessionState,
    Target,
)

ANSWERED, NO_ANSWER, REFUSED = "asked_answered", "asked_no_answer", "refused"
MAX_VALUE_CHARS = 500  # an open answer's words, kept as its target's value


@dataclass
class Reduction:
    """The state after a reduction, and what it noticed."""

    state: SessionState
    degraded_reasons: list[str] = field(default_factory=list)
    asked: list[str] = field(default_factory=list)  # questions asked in this call (for learning)

    def degrade(self, reason: str) -> None:
        if reason not in self.degraded_reasons:
            self.degraded_reasons.append(reason)


# ------------------------------------------------------------------------------------------------
# The previous turn
# ------------------------------------------------------------------------------------------------
def apply_previous_turn(
    config: SessionConfiguration, reduction: Reduction, turn: PreviousTurn, now: str
) -> Reduction:
    state = reduction.state
    question, decision_id = _resolved_question(config, state, turn)
    if question is None:
        reduction.degrade("unresolved_previous_turn")
        if turn.user_text:
            reduction.state = _observe_text(config, reduction.state, turn.user_text)
        return reduction
    if turn.structured_answer is not None:
        _check_choices(question, turn.structured_answer, "previous_turn")
    outcome, source = _outcome(question, turn)
    record = OutcomeRecord(question.external_id, decision_id, outcome, source, turn.message_id, now)
    state = replace(state, outcomes=(*state.outcomes, record), turn_count=state.turn_count + 1, pending=None)
    if outcome == ANSWERED:
        state = _answered(state, question, turn.structured_answer, turn.user_text)
    if turn.user_text:
        state = _observe_text(config, state, turn.user_text)
    elif turn.structured_answer is None and outcome == ANSWERED:
        reduction.degrade("missing_user_text")
    reduction.state = state
    reduction.asked.append(question.external_id)
    return reduction


def _resolved_question(
    config: SessionConfiguration, state: SessionState, turn: PreviousTurn
) -> tuple[Question | None, str | None]:
    """The question the turn answers and the decision it came from; ``invalid_previous_turn``
    when the client's ids contradict the pending decision."""
    pending = state.pending
    candidates = pending.question_ids if pending else ()
    if turn.decision_id is not None and (pending is None or turn.decision_id != pending.decision_id):
        raise _contradiction(state, turn, "decision_id is not the pending decision's.")
    if turn.question_id is not None:
        question = config.question(turn.question_id)
        if question is None:
            raise _contradiction(
                state, turn, f"question_id {turn.question_id!r} is not in this session's corpus."
            )
        if turn.decision_id is not None and turn.question_id not in candidates:
            raise _contradiction(state, turn, "question_id is not a candidate of the pending decision.")
        in_decision = pending is not None and turn.question_id in candidates
        return question, pending.decision_id if in_decision and pending else None
    if pending is None:
        return None, None
    questions = [q for q in (config.question(qid) for qid in candidates) if q is not None]
    return _likeliest(questions, turn), pending.decision_id


def _likeliest(questions: list[Question], turn: PreviousTurn) -> Question | None:
    """The candidate the agent used: the one whose choices the structured answer names, else the
    one its (rephrased) wording resembles most, else rank 1."""
    if not questions:
        return None
    if turn.structured_answer is not None:
        chosen = set(turn.structured_answer.choice_ids)
        for question in questions:
            if chosen <= {option.id for option in question.options}:
                return question
    if turn.assistant_text:
        scored = [(likeness(turn.assistant_text, q.text), -rank, q) for rank, q in enumerate(questions)]
        best = max(scored, key=lambda item: (item[0], item[1]))
        if best[0] >= 0.2:
            return best[2]
    return questions[0]


def _contradiction(state: SessionState, turn: PreviousTurn, message: str) -> Exception:
    pending = state.pending
    return InvalidPreviousTurn.at(
        f"The ids sent do not match the pending decision: {message}",
        pending_decision_id=pending.decision_id if pending else None,
        supplied_decision_id=turn.decision_id,
        supplied_question_id=turn.question_id,
        candidate_question_ids=list(pending.question_ids) if pending else [],
    )


def _outcome(question: Question, turn: PreviousTurn) -> tuple[str, str]:
    text = (turn.user_text or "").strip()
    if turn.outcome is not None:
        if turn.outcome == ANSWERED and question.kind == "open" and not text:
            raise InvalidPreviousTurn.at(
                "An answered open question needs the person's words in previous_turn.user_text.", "user_text"
            )
        return turn.outcome, "client"
    if turn.structured_answer is not None:
        return ANSWERED, "inferred"
    if not text and question.kind == "open":
        raise InvalidPreviousTurn.at(
            "An open question needs the person's words in previous_turn.user_text, or an outcome "
            "asked_no_answer or refused.",
            "user_text",
        )
    return _reply_outcome(question, text), "inferred"


def _reply_outcome(question: Question, text: str) -> str:
    """What the words say about the question asked: a choice named answers it, whatever hedging
    surrounds it ("not sure, maybe 6"); then "I don't know", then a refusal."""
    if not text:
        return NO_ANSWER
    if question.options and choices_named(question, text):
        return ANSWERED
    if is_unknown(text):
        return NO_ANSWER
    if is_refusal(text):
        return REFUSED
    return ANSWERED if question.kind == "open" else NO_ANSWER


def _check_choices(question: Question, answer: StructuredAnswer, *loc: str) -> None:
    known = {option.id for option in question.options}
    unknown = [cid for cid in answer.choice_ids if cid not in known]
    if unknown or question.kind == "open":
        raise InvalidChoice.at(
            "A choice sent does not belong to the question it answers.",
            *loc, "structured_answer", "choice_ids",
            question_id=question.external_id, invalid_choice_ids=unknown or list(answer.choice_ids),
        )  # fmt: skip
    if len(answer.choice_ids) > 1 and question.selection_mode != "multiple":
        raise InvalidChoice.at(
            "This question takes one choice.",
            *loc, "structured_answer", "choice_ids",
            question_id=question.external_id, invalid_choice_ids=list(answer.choice_ids[1:]),
        )  # fmt: skip
    if answer.free_text is not None and question.kind != "semi_open":
        raise InvalidChoice.at(
            "free_text is only for a semi_open question.",
            *loc, "structured_answer", "free_text",
            question_id=question.external_id, invalid_choice_ids=[],
        )  # fmt: skip


def _answered(
    state: SessionState, question: Question, answer: StructuredAnswer | None, text: str | None
) -> SessionState:
    """The question's target, confirmed with the answer's value."""
    value: Any
    if answer is not None:
        chosen = [o for o in question.options if o.id in answer.choice_ids]
        values = [o.value for o in chosen]
        value = values if question.selection_mode == "multiple" else values[0]
        if answer.free_text and question.kind == "semi_open":
            value = {"choices": values, "free_text": answer.free_text[:MAX_VALUE_CHARS]}
    elif text and question.options:
        named = choices_named(question, text)
        if not named:
            return state.with_target(question.category, Target(TENTATIVE, None))
        values = [o.value for o in named]
        value = values if question.selection_mode == "multiple" else values[0]
    else:
        value = (text or "").strip()[:MAX_VALUE_CHARS] or None
    return state.with_target(question.category, Target(CONFIRMED, value))


def _observe_text(config: SessionConfiguration, state: SessionState, text: str) -> SessionState:
    """Categories the words reveal become tentative targets (never over a known one)."""
    for category in sorted(config.prepared.categories_in([text])):
        if category in config.catalog.categories and not state.target(category).known:
            state = state.with_target(category, Target(TENTATIVE, None))
    return state


# ------------------------------------------------------------------------------------------------
# Context that did not go through Parley
# ------------------------------------------------------------------------------------------------
def apply_context(
    config: SessionConfiguration,
    reduction: Reduction,
    update: ConversationSummary | ConversationMessageDelta,
    now: str,
    where: tuple[str, ...] = ("context_update", "messages"),
) -> Reduction:
    """``where``: the messages' place in the request body, which its errors name."""
    if isinstance(update, ConversationSummary):
        reduction.state = _observe_text(config, reduction.state, update.text)
        reduction.degrade("summary_only_context")
        return reduction
    asked: Question | None = None
    for index, message in enumerate(update.messages):
        asked = _apply_message(config, reduction, message, asked, (*where, str(index)), now)
    return reduction


def _apply_message(
    config: SessionConfiguration,
    reduction: Reduction,
    message: ConversationMessage,
    asked: Question | None,
    loc: tuple[str, ...],
    now: str,
) -> Question | None:
    """One message; the question an assistant message asked (answered by the user's next one)."""
    question = config.question(message.question_id) if message.question_id else None
    if message.question_id is not None and question is None:
        raise InvalidPreviousTurn.field(
            f"question_id {message.question_id!r} is not in this session's corpus.",
            ("body", *loc, "question_id"),
        )
    if message.role == "assistant":
        return question
    if message.structured_answer is not None:
        if question is None:
            raise InvalidPreviousTurn.field(
                "A structured answer in a context message needs its question_id.",
                ("body", *loc, "question_id"),
            )
        _check_choices(question, message.structured_answer, *loc)
    answering = question or asked
    state = reduction.state
    if answering is not None and (message.structured_answer is not None or message.text):
        turn = PreviousTurn(user_text=message.text, structured_answer=message.structured_answer)
        outcome, _ = _outcome(answering, turn)
        source = "client" if message.structured_answer is not None else "inferred"
        record = OutcomeRecord(answering.external_id, None, outcome, source, message.message_id, now)
        state = replace(state, outcomes=(*state.outcomes, record))
        if outcome == ANSWERED:
            state = _answered(state, answering, message.structured_answer, message.text)
    if message.text:
        state = _observe_text(config, state, message.text)
    reduction.state = state
    return None


# ------------------------------------------------------------------------------------------------
# The client's own data and overrides (they win over inference)
# ------------------------------------------------------------------------------------------------
def apply_client_updates(
    config: SessionConfiguration, reduction: Reduction, updates: ClientUpdates, now: str
) -> Reduction:
    state = reduction.state
    for index, data in enumerate(updates.data or ()):
        state = _apply_data(config, state, data, index, now)
    for index, dimension in enumerate(updates.dimensions or ()):
        if not any(d.id == dimension.id for d in config.dimensions):
            raise InvalidChoice.at(
                f"No dimension {dimension.id!r} in this session's configuration.",
                "client_updates", "dimensions", str(index), "id",
                dimension_id=dimension.id,
            )  # fmt: skip
        overrides = dict(state.dimension_overrides)
        if isinstance(dimension, ClearDimensionOverride):
            overrides.pop(dimension.id, None)
        elif isinstance(dimension, ExcludeDimensionOverride):
            overrides[dimension.id] = Override("excluded", now)
        else:
            overrides[dimension.id] = Override(dimension.status, now)
        state = replace(state, dimension_overrides=overrides)
    if updates.objective is not None:
        objective = updates.objective
        cleared = isinstance(objective, ClearObjectiveOverride)
        state = replace(state, objective_override=None if cleared else Override(objective.status, now))  # type: ignore[union-attr]
    reduction.state = state
    return reduction


def _apply_data(
    config: SessionConfiguration,
    state: SessionState,
    data: SetDataUpdate | UnsetDataUpdate | NotApplicableDataUpdate,
    index: int,
    now: str,
) -> SessionState:
    category = config.catalog.categories.get(data.id)
    if category is None:
        raise InvalidChoice.at(
            f"No success information {data.id!r} in this session's configuration.",
            "client_updates", "data", str(index), "id",
            data_id=data.id,
        )  # fmt: skip
    if isinstance(data, UnsetDataUpdate):
        # Unknown again: the questions that asked for it before may ask again.
        reopened = replace(state, reopened={**state.reopened, data.id: now})
        return reopened.with_target(data.id, Target())
    if isinstance(data, NotApplicableDataUpdate):
        return state.with_target(data.id, Target(NOT_APPLICABLE, None))
    if not fits_schema(data.value, category.schema):
        raise InvalidChoice.at(
            f"The value does not fit {data.id!r}'s schema.",
            "client_updates", "data", str(index), "value",
            data_id=data.id, invalid_value=data.value,
        )  # fmt: skip
    return state.with_target(data.id, Target(CONFIRMED, data.value))
