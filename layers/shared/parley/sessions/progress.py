"""Progress towards the objective, per dimension and overall.

A target's ``coverage`` measures advancement (1 confirmed or not applicable, an intermediate value
when tentative, 0 otherwise) and ranks questions; completion is decided from ``status`` only:
a dimension is covered when every target in it is confirmed or not applicable. The objective is
covered when every blocking dimension is, and — by the objective's qualification level — the
contributing dimensions' share of settled targets (confirmed or not applicable: a tentative one
never counts) reaches 0.80 (balanced) or 1.00 (deep); ``essential`` asks for the blocking ones
only. Excluded dimensions leave every denominator.
"""

from __future__ import annotations

from dataclasses import dataclass

from parley.nbq.objective import Dimension
from parley.sessions.configuration import SessionConfiguration
from parley.sessions.state import CONFIRMED, COVERAGE, NOT_APPLICABLE, Override, SessionState

NOT_STARTED, IN_PROGRESS, COVERED, BLOCKED, EXCLUDED = (
    "not_started",
    "in_progress",
    "covered",
    "blocked",
    "excluded",
)
ROLE_WEIGHT = {"blocking": 1.0, "contributing": 0.5, "optional": 0.25}
LEVEL_THRESHOLD = {"essential": None, "balanced": 0.8, "deep": 1.0}
DONE = (CONFIRMED, NOT_APPLICABLE)


@dataclass(frozen=True, slots=True)
class DimensionState:
    dimension: Dimension
    computed_status: str
    progress: float
    override: Override | None
    effective_status: str
    settled: float = 0.0  # the share of its targets confirmed or not applicable

    @property
    def effective_progress(self) -> float:
        return 1.0 if self.effective_status == COVERED else self.progress

    @property
    def effective_settled(self) -> float:
        return 1.0 if self.effective_status == COVERED else self.settled


@dataclass(frozen=True, slots=True)
class ObjectiveState:
    computed_status: str
    progress: float
    override: Override | None
    effective_status: str
    dimensions: tuple[DimensionState, ...]

    @property
    def achieved(self) -> bool:
        return self.effective_status == COVERED


def progress_of(config: SessionConfiguration, state: SessionState, blocked: set[str]) -> ObjectiveState:
    """``blocked``: targets still unknown that no question can ask for any more."""
    dimensions = tuple(_dimension(config, state, dimension, blocked) for dimension in config.dimensions)
    counted = [d for d in dimensions if d.effective_status != EXCLUDED]
    weight = sum(ROLE_WEIGHT[d.dimension.completion_role] for d in counted)
    progress = (
        sum(ROLE_WEIGHT[d.dimension.completion_role] * d.effective_progress for d in counted) / weight
        if weight
        else 1.0
    )
    computed = _objective_status(config, counted, progress)
    override = state.objective_override
    effective = _overridden(computed, override)
    return ObjectiveState(computed, round(progress, 4), override, effective, dimensions)


def _dimension(
    config: SessionConfiguration, state: SessionState, dimension: Dimension, blocked: set[str]
) -> DimensionState:
    names = config.deciding_targets(dimension)
    statuses = [state.target(target_id).status for target_id in names]
    done = sum(status in DONE for status in statuses)
    coverage = sum(COVERAGE.get(status or "", 0.0) for status in statuses) / len(names) if names else 1.0
    settled = done / len(names) if names else 1.0
    if names and done == len(names):
        computed = COVERED
    elif not blocked.isdisjoint(names):
        computed = BLOCKED
    elif coverage > 0 or any(statuses):
        computed = IN_PROGRESS
    else:
        computed = NOT_STARTED
    override = state.dimension_overrides.get(dimension.id)
    effective = (
        EXCLUDED if override is not None and override.status == EXCLUDED else _overridden(computed, override)
    )
    return DimensionState(dimension, computed, round(coverage, 4), override, effective, settled)


def _overridden(computed: str, override: Override | None) -> str:
    if override is None:
        return computed
    if override.status == "achieved":
        return COVERED
    if override.status == "not_achieved" and computed == COVERED:
        return IN_PROGRESS
    return computed


def _objective_status(config: SessionConfiguration, counted: list[DimensionState], progress: float) -> str:
    blocking = [d for d in counted if d.dimension.completion_role == "blocking"]
    contributing = [d for d in counted if d.dimension.completion_role == "contributing"]
    threshold = LEVEL_THRESHOLD.get(config.catalog.objective.qualification_level)
    enough = (
        threshold is None
        or not contributing
        or (sum(d.effective_settled for d in contributing) / len(contributing) >= threshold)
    )
    if all(d.effective_status == COVERED for d in blocking) and enough:
        return COVERED
    if any(d.effective_status == BLOCKED for d in blocking):
        return BLOCKED
    return IN_PROGRESS if progress > 0 else NOT_STARTED
