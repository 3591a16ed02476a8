"""Learned value of a question: a Beta-Bernoulli posterior over "a session in which it was served
ended in a purchase or a lead".

Each question keeps two counts: sessions with a recorded outcome in which it was served, and how
many of those converted. Ordering within a priority tier uses Thompson sampling: a draw from each
question's posterior, so a question with little evidence still gets asked and evidence then
settles the order. The draw is deterministic — its randomness comes from a hash of the session
and the question — so a retried request gets the same question, while different sessions try
different orders (which is what lets credit reach the right questions when several are asked in
one session).
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Mapping
from dataclasses import dataclass

PRIOR_SUCCESSES = 1.0
PRIOR_FAILURES = 1.0
# The beta conversion outcomes, and a V1 session feedback's results (``partial`` teaches nothing).
CONVERTING_OUTCOMES = frozenset({"purchase", "lead", "success"})
FAILED_OUTCOMES = frozenset({"abandon", "failure"})
_SQRT3 = math.sqrt(3.0)


@dataclass(frozen=True, slots=True)
class QuestionStats:
    served: int = 0
    converted: int = 0


Stats = Mapping[str, QuestionStats]


def posterior(stats: QuestionStats | None) -> tuple[float, float]:
    """Mean and standard deviation of the Beta posterior."""
    served, converted = (stats.served, stats.converted) if stats else (0, 0)
    a = PRIOR_SUCCESSES + converted
    b = PRIOR_FAILURES + max(served - converted, 0)
    total = a + b
    return a / total, math.sqrt(a * b / (total * total * (total + 1.0)))


def _standard_draw(session_id: str, external_id: str) -> float:
    """A deterministic, approximately standard-normal number for this session and question
    (Irwin-Hall: four uniforms from a hash; bounded at ±3.46, cheap, no random state)."""
    digest = hashlib.blake2b(f"{session_id}\x1f{external_id}".encode(), digest_size=8).digest()
    total = sum(int.from_bytes(digest[i : i + 2], "big") for i in (0, 2, 4, 6)) / 65535.0
    return (total - 2.0) * _SQRT3


def sampled_value(stats: QuestionStats | None, session_id: str, external_id: str) -> float:
    """A draw from (a normal approximation of) the posterior, kept within [0, 1] like a Beta draw."""
    mean, deviation = posterior(stats)
    return min(1.0, max(0.0, mean + _standard_draw(session_id, external_id) * deviation))


def outcome_credit(outcome: str) -> bool | None:
    """True for a conversion, False for an abandon, None for an outcome that teaches nothing."""
    if outcome in CONVERTING_OUTCOMES:
        return True
    if outcome in FAILED_OUTCOMES:
        return False
    return None
