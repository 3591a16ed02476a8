"""Which questions to propose next, best first.

Eligible: an active question of the pinned configuration, not answered or refused already (one
asked without an answer may be asked once more), whose target is not known yet, whose dimension
the client did not exclude or declare achieved, and whose required categories are known. The
call's constraints (question types, dimensions to restrict to, targets to serve, questions to
leave out) are strict: they never widen. Order: the objective's ``order_strength`` blends the
dimension order (1: dimension first) with the catalog's priorities (0: priority alone); learned
value (``parley.nbq.learning``, per-session Thompson draw) breaks near-ties. Candidates serve
distinct targets: two ways of asking the same thing are never proposed together.

Soft stops never stop: with nothing normally eligible, a question whose target is only tentative
(or asked without an answer before) is proposed with ``eligibility_exhausted_fallback``; a
``prefer`` dimension list ranks its questions first and, when they do not fill the candidates,
others follow with ``constraints_relaxed``; an achieved
objective adds ``objective_achieved``. ``stop`` (``no_question_available``) only when no question
remains at all; strict constraints that match nothing the session could still ask are a 422
``constraint_no_match``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from parley.nbq.catalog import Question
from parley.nbq.learning import Stats, sampled_value
from parley.sessions.configuration import SessionConfiguration
from parley.sessions.errors import ConstraintNoMatch
from parley.sessions.models import SelectionOptions
from parley.sessions.state import CONFIRMED, NOT_APPLICABLE, OutcomeRecord, SessionState

LEARNED_WEIGHT = 0.05


@dataclass(frozen=True, slots=True)
class Proposal:
    questions: tuple[Question, ...]
    warnings: tuple[str, ...]

    @property
    def empty(self) -> bool:
        return not self.questions


def closed_targets(config: SessionConfiguration, state: SessionState) -> set[str]:
    """Targets still unknown that no active question can ask for any more."""
    done = _done_questions(config, state)
    askable = {q.category for q in config.catalog.questions if q.active and q.external_id not in done}
    return {
        name for name in config.catalog.categories if not state.target(name).known and name not in askable
    }


def propose(
    config: SessionConfiguration,
    state: SessionState,
    selection: SelectionOptions | None,
    stats: Stats,
) -> Proposal:
    catalog = config.catalog
    count = (selection.candidate_count if selection else None) or catalog.objective.candidates_per_call
    hard = _hard_filter(config, state, selection)
    strict = _strict_filter(config, selection)
    warnings: list[str] = []
    eligible = [
        q for q in catalog.questions if hard(q) and _normally_eligible(config, state, q) and strict(q)
    ]
    if not eligible:
        eligible = [q for q in catalog.questions if hard(q) and _fallback_eligible(state, q) and strict(q)]
        if eligible:
            warnings.append("eligibility_exhausted_fallback")
        elif (
            selection is not None
            and _constrained(selection)
            and any(hard(q) and _fallback_eligible(state, q) for q in catalog.questions)
        ):
            raise ConstraintNoMatch.at(
                "No question the session can still ask satisfies this call's constraints.",
                **_constraint_details(selection),
            )
    preferred = _preferred(selection)
    if preferred is None:
        ranked = _ranked(config, eligible, stats, state.session_id)
    else:
        # Preferred dimensions first; the others only fill what they leave (constraints_relaxed).
        inside = [q for q in eligible if config.dimension_of(q).id in preferred]
        outside = [q for q in eligible if config.dimension_of(q).id not in preferred]
        ranked = _ranked(config, inside, stats, state.session_id) + _ranked(
            config, outside, stats, state.session_id
        )
    chosen: list[Question] = []
    for question in ranked:
        if len(chosen) == count:
            break
        if all(question.category != other.category for other in chosen):
            chosen.append(question)
    if preferred is not None and any(config.dimension_of(q).id not in preferred for q in chosen):
        warnings.append("constraints_relaxed")
    return Proposal(tuple(chosen), tuple(warnings))


def _done_questions(config: SessionConfiguration, state: SessionState) -> set[str]:
    """Questions answered or refused, and those asked twice without an answer — counting only
    what happened since the client last unset the question's target."""

    def counts(outcome: OutcomeRecord) -> bool:
        question = config.question(outcome.question_id)
        reopened = state.reopened.get(question.category) if question else None
        # An outcome without a time (stored before times were kept) predates any unset.
        return reopened is None or (outcome.occurred_at or "") > reopened

    outcomes = [o for o in state.outcomes if counts(o)]
    no_answer = Counter(o.question_id for o in outcomes if o.outcome == "asked_no_answer")
    done = {o.question_id for o in outcomes if o.outcome in ("asked_answered", "refused")}
    return done | {qid for qid, n in no_answer.items() if n >= 2}


def _hard_filter(
    config: SessionConfiguration, state: SessionState, selection: SelectionOptions | None
) -> Callable[[Question], bool]:
    done = _done_questions(config, state)
    closed_dimensions = {
        dimension_id
        for dimension_id, override in state.dimension_overrides.items()
        if override.status in ("excluded", "achieved")
    }
    excluded = set(selection.excluded_question_ids or ()) if selection else set()

    def allowed(question: Question) -> bool:
        return (
            question.active
            and question.external_id not in done
            and question.external_id not in excluded
            and config.dimension_of(question).id not in closed_dimensions
        )

    return allowed


def _strict_filter(
    config: SessionConfiguration, selection: SelectionOptions | None
) -> Callable[[Question], bool]:
    types = set(selection.allowed_question_types or ()) if selection else set()
    targets = set(selection.required_target_ids or ()) if selection else set()
    restrict = (
        set(selection.dimensions.ids)
        if selection and selection.dimensions and selection.dimensions.mode == "restrict"
        else set()
    )

    def allowed(question: Question) -> bool:
        return (
            (not types or question.kind in types)
            and (not targets or question.category in targets)
            and (not restrict or config.dimension_of(question).id in restrict)
        )

    return allowed


def _normally_eligible(config: SessionConfiguration, state: SessionState, question: Question) -> bool:
    if state.target(question.category).known:
        return False
    asked_before = any(o.question_id == question.external_id for o in state.outcomes)
    requirements_met = all(state.target(name).known for name in question.requires_categories)
    return requirements_met and not asked_before


def _fallback_eligible(state: SessionState, question: Question) -> bool:
    return state.target(question.category).status not in (CONFIRMED, NOT_APPLICABLE)


def _constrained(selection: SelectionOptions) -> bool:
    restricted = selection.dimensions is not None and selection.dimensions.mode == "restrict"
    return bool(selection.allowed_question_types or selection.required_target_ids or restricted)


def _constraint_details(selection: SelectionOptions) -> dict[str, object]:
    details: dict[str, object] = {}
    if selection.allowed_question_types:
        details["allowed_question_types"] = list(selection.allowed_question_types)
    if selection.required_target_ids:
        details["required_target_ids"] = list(selection.required_target_ids)
    if selection.dimensions is not None and selection.dimensions.mode == "restrict":
        details["dimension_ids"] = list(selection.dimensions.ids)
    return details


def _preferred(selection: SelectionOptions | None) -> set[str] | None:
    if selection is None or selection.dimensions is None or selection.dimensions.mode != "prefer":
        return None
    return set(selection.dimensions.ids)


def _ranked(
    config: SessionConfiguration, questions: Iterable[Question], stats: Stats, session_id: str
) -> list[Question]:
    catalog = config.catalog
    strength = catalog.objective.order_strength
    priorities = [q.priority for q in catalog.questions]
    low, high = min(priorities), max(priorities)
    positions = {d.id: d.order_position for d in catalog.dimensions}
    last = max(len(catalog.dimensions) - 1, 1)

    def score(question: Question) -> tuple[float, int]:
        dimension_rank = 1.0 - positions[config.dimension_of(question).id] / last
        priority = (question.priority - low) / (high - low) if high > low else 1.0
        learned = (
            sampled_value(stats.get(question.external_id), session_id, question.external_id) if stats else 0.0
        )
        return strength * dimension_rank + (
            1 - strength
        ) * priority + LEARNED_WEIGHT * learned, -question.position

    return sorted(questions, key=score, reverse=True)
