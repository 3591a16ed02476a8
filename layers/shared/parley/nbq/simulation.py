"""A learning simulation: does the engine learn which questions lead to purchases?

Synthetic sessions ask a few questions of one priority tier and then end; the chance of a
purchase rises with each "good" question that was asked. Outcomes are credited exactly as the
insights worker credits recorded conversions (served questions +1, converted +1 on a purchase),
and statistics reach the engine in batches, as they do through the queue and the cache TTL.
Compared with a random order and with the best fixed order (which knows the truth).
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from parley.nbq.catalog import Question, parse_catalog
from parley.nbq.learning import QuestionStats
from parley.nbq.selection import PreparedCatalog, select_next_question


@dataclass(frozen=True)
class Scenario:
    questions: int = 8
    good: dict[str, float] = field(default_factory=lambda: {"q3": 0.15, "q6": 0.12})
    base_rate: float = 0.08
    asked_per_session: int = 2
    stats_batch: int = 25


@dataclass
class Curve:
    policy: str
    conversions_per_window: list[float]
    overall: float


def scenario_catalog(scenario: Scenario) -> PreparedCatalog:
    names = [f"c{i}" for i in range(scenario.questions)]
    return PreparedCatalog.of(
        parse_catalog(
            {
                "version": "simulation",
                "categories": {name: {"detectors": [{"keywords": [f"topic{name}"]}]} for name in names},
                "questions": [
                    {"external_id": f"q{i}", "text": f"Question {i}?", "category": name, "priority": 1}
                    for i, name in enumerate(names)
                ],
            }
        )
    )


def _run(
    *,
    scenario: Scenario,
    sessions: int,
    window: int,
    seed: int,
    choose: Callable[[list[str], dict[str, QuestionStats], random.Random, str], str],
    policy: str,
) -> Curve:
    rng = random.Random(seed)  # noqa: S311 — a reproducible simulation, not a secret
    stats: dict[str, QuestionStats] = {}
    visible: dict[str, QuestionStats] = {}
    ids = [f"q{i}" for i in range(scenario.questions)]
    converted_total = 0
    per_window: list[float] = []
    window_converted = 0
    for n in range(1, sessions + 1):
        asked: list[str] = []
        for _ in range(scenario.asked_per_session):
            asked.append(choose([q for q in ids if q not in asked], visible, rng, f"session-{n}"))
        chance = scenario.base_rate + sum(scenario.good.get(q, 0.0) for q in asked)
        purchase = rng.random() < chance
        for q in asked:
            old = stats.get(q, QuestionStats())
            stats[q] = QuestionStats(old.served + 1, old.converted + int(purchase))
        converted_total += purchase
        window_converted += purchase
        if n % scenario.stats_batch == 0:
            visible = dict(stats)
        if n % window == 0:
            per_window.append(window_converted / window)
            window_converted = 0
    return Curve(policy, per_window, converted_total / sessions)


def simulate(scenario: Scenario, sessions: int = 4000, window: int = 500, seed: int = 7) -> list[Curve]:
    prepared = scenario_catalog(scenario)

    def engine(candidates: list[str], stats: dict[str, QuestionStats], _: random.Random, session: str) -> str:
        answered = [q.external_id for q in prepared.catalog.questions if q.external_id not in candidates]
        question: Question | None = select_next_question(
            prepared, [], "hello", answered, stats=stats, session_id=session
        )
        assert question is not None
        return question.external_id

    def shuffled(candidates: list[str], _: dict[str, QuestionStats], rng: random.Random, __: str) -> str:
        return rng.choice(candidates)

    best_order: Sequence[str] = sorted(candidates_of(scenario), key=lambda q: -scenario.good.get(q, 0.0))

    def best_fixed(candidates: list[str], _: dict[str, QuestionStats], __: random.Random, ___: str) -> str:
        return next(q for q in best_order if q in candidates)

    return [
        _run(scenario=scenario, sessions=sessions, window=window, seed=seed, choose=engine, policy="parley"),
        _run(
            scenario=scenario,
            sessions=sessions,
            window=window,
            seed=seed,
            choose=shuffled,
            policy="random order",
        ),
        _run(
            scenario=scenario,
            sessions=sessions,
            window=window,
            seed=seed,
            choose=best_fixed,
            policy="best fixed order",
        ),
    ]


def candidates_of(scenario: Scenario) -> list[str]:
    return [f"q{i}" for i in range(scenario.questions)]


def learned_first_questions(
    scenario: Scenario, sessions: int = 4000, seed: int = 7, probes: int = 200
) -> dict[str, float]:
    """After ``sessions`` simulated sessions, how often each question is asked first in a new
    session (over ``probes`` new session ids)."""
    prepared = scenario_catalog(scenario)
    rng = random.Random(seed)  # noqa: S311 — a reproducible simulation, not a secret
    stats: dict[str, QuestionStats] = {}
    visible: dict[str, QuestionStats] = {}
    for n in range(1, sessions + 1):
        asked: list[str] = []
        for _ in range(scenario.asked_per_session):
            question = select_next_question(
                prepared, [], "hello", asked, stats=visible, session_id=f"session-{n}"
            )
            assert question is not None
            asked.append(question.external_id)
        purchase = rng.random() < scenario.base_rate + sum(scenario.good.get(q, 0.0) for q in asked)
        for q in asked:
            old = stats.get(q, QuestionStats())
            stats[q] = QuestionStats(old.served + 1, old.converted + int(purchase))
        if n % scenario.stats_batch == 0:
            visible = dict(stats)
    firsts: dict[str, float] = {}
    for probe in range(probes):
        question = select_next_question(prepared, [], "hello", [], stats=stats, session_id=f"probe-{probe}")
        assert question is not None
        firsts[question.external_id] = firsts.get(question.external_id, 0.0) + 1.0 / probes
    return firsts
