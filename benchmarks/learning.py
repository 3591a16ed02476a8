"""Section: does the engine learn? ``parley.nbq.simulation`` — Parley's ordering against a random
order and the best fixed order (which knows the truth), conversion rate per window of sessions."""

from __future__ import annotations

import statistics
from typing import Any

from benchmarks.common import BenchContext, SectionResult, table

SESSIONS = 4000
WINDOW = 250
SEEDS = (1, 2, 3, 4, 5)
DASH = "\u2013"
POLICIES = ("parley", "random order", "best fixed order")


def mean_curves(curves_by_seed: list[list[Any]]) -> dict[str, list[float]]:
    """Per policy, the conversion rate of each window averaged over the seeds."""
    result: dict[str, list[float]] = {}
    for policy in POLICIES:
        per_seed = [
            next(c for c in curves if c.policy == policy).conversions_per_window for curves in curves_by_seed
        ]
        result[policy] = [statistics.fmean(values) for values in zip(*per_seed, strict=True)]
    return result


class LearningSection:
    key = "learning"
    title = "Learning (simulation)"

    def run(self, context: BenchContext) -> SectionResult:
        from parley.nbq.simulation import Scenario, learned_first_questions, simulate

        scenario = Scenario()
        curves_by_seed = [simulate(scenario, SESSIONS, WINDOW, seed) for seed in SEEDS]
        means = mean_curves(curves_by_seed)
        overall = {
            policy: statistics.fmean(
                next(c for c in curves if c.policy == policy).overall for curves in curves_by_seed
            )
            for policy in POLICIES
        }
        firsts = learned_first_questions(scenario, SESSIONS, SEEDS[0])
        rows = []
        for n, values in enumerate(zip(*(means[p] for p in POLICIES), strict=True), start=1):
            parley, shuffled, best = values
            rows.append(
                (
                    f"{(n - 1) * WINDOW + 1}{DASH}{n * WINDOW}",
                    f"{parley:.1%}",
                    f"{shuffled:.1%}",
                    f"{best:.1%}",
                    f"{parley / best:.0%}" if best else "—",
                )
            )
        rows.append(
            (
                "**all sessions**",
                f"**{overall['parley']:.1%}**",
                f"**{overall['random order']:.1%}**",
                f"**{overall['best fixed order']:.1%}**",
                f"**{overall['parley'] / overall['best fixed order']:.0%}**",
            )
        )
        good = ", ".join(f"`{q}` +{lift:.0%}" for q, lift in scenario.good.items())
        markdown = "\n".join(
            [
                f"`parley.nbq.simulation.simulate`: {scenario.questions} questions in one priority tier, "
                f"{scenario.asked_per_session} asked per session, base purchase rate "
                f"{scenario.base_rate:.0%}, two questions that raise it ({good}); outcomes credited as "
                f"the insights worker credits them, statistics visible to the engine every "
                f"{scenario.stats_batch} sessions (queue + cache TTL). {SESSIONS:,} sessions per run, "
                f"windows of {WINDOW}, mean over seeds {', '.join(map(str, SEEDS))}.",
                "",
                table(
                    (
                        "sessions",
                        "Parley",
                        "random order",
                        "best fixed order (knows the truth)",
                        "Parley / best",
                    ),
                    rows,
                ),
                "",
                f"After {SESSIONS:,} sessions (seed {SEEDS[0]}), the first question of a new session: "
                + ", ".join(f"`{q}` {share:.0%}" for q, share in sorted(firsts.items(), key=lambda i: -i[1]))
                + f" (the good ones are {', '.join(f'`{q}`' for q in scenario.good)}).",
            ]
        )
        data = {
            "sessions": SESSIONS,
            "window": WINDOW,
            "seeds": list(SEEDS),
            "mean_conversion_per_window": means,
            "overall": overall,
            "first_question_share": firsts,
            "per_seed": {
                str(seed): {c.policy: c.conversions_per_window for c in curves}
                for seed, curves in zip(SEEDS, curves_by_seed, strict=True)
            },
        }
        return SectionResult(self.title, markdown, data)
