"""Learned value of a question: a Beta-Bernoulli posterior over "a session in which it was served
ended in a purchase or a lead".

Each question keeps two counts: sessions with a recorded outcome in which it was served, and how
many of those converted. The value used for ordering is an optimistic, deterministic score — the
posterior mean plus one posterior standard deviation — so a question with little evidence is
tried (its uncertainty is high) and evidence then settles the order. No randomness: the same
statistics and inputs always give the same order, so a retried request gets the same question.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

PRIOR_SUCCESSES = 1.0
PRIOR_FAILURES = 1.0
EXPLORATION = 1.0
CONVERTING_OUTCOMES = frozenset({"purchase", "lead"})
FAILED_OUTCOMES = frozenset({"abandon"})


@dataclass(frozen=True, slots=True)
class QuestionStats:
    served: int = 0
    converted: int = 0


Stats = Mapping[str, QuestionStats]


def learned_value(stats: QuestionStats | None) -> float:
    served, converted = (stats.served, stats.converted) if stats else (0, 0)
    a = PRIOR_SUCCESSES + converted
    b = PRIOR_FAILURES + max(served - converted, 0)
    total = a + b
    mean = a / total
    deviation = math.sqrt(a * b / (total * total * (total + 1.0)))
    return mean + EXPLORATION * deviation


def outcome_credit(outcome: str) -> bool | None:
    """True for a conversion, False for an abandon, None for an outcome that teaches nothing."""
    if outcome in CONVERTING_OUTCOMES:
        return True
    if outcome in FAILED_OUTCOMES:
        return False
    return None
