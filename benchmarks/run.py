"""`make bench`: run every section, write benchmarks/results.md and benchmarks/results.json."""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

from benchmarks.aws_calls import AwsCallsSection
from benchmarks.cold_start import ColdStartSection
from benchmarks.common import BenchContext, Section, SectionResult, machine, runs_from_env
from benchmarks.dependencies import DependenciesSection
from benchmarks.learning import LearningSection
from benchmarks.local_growth import LocalGrowthSection
from benchmarks.nbq_selection import NbqSelectionSection
from benchmarks.recognition import RecognitionSection
from benchmarks.scripts import ConversationsSection, TurnLatencySection
from benchmarks.throughput import ThroughputSection
from benchmarks.understanding import UnderstandingSection
from benchmarks.warm import WarmSection

HERE = Path(__file__).resolve().parent
SECTIONS: tuple[Section, ...] = (
    ColdStartSection(),
    WarmSection(),
    AwsCallsSection(),
    ConversationsSection,
    TurnLatencySection,
    NbqSelectionSection(),
    LearningSection(),
    ThroughputSection(),
    LocalGrowthSection(),
    UnderstandingSection(),
    RecognitionSection(),
    DependenciesSection(),
)


def render(
    started: datetime,
    seconds: float,
    context: BenchContext,
    results: list[SectionResult],
    durations: Sequence[float] = (),
) -> str:
    info = machine()
    lines = [
        "# Parley benchmarks",
        "",
        f"- Date: {started:%Y-%m-%d %H:%M} UTC; `make bench` took {seconds:.0f} s",
        f"- Machine: nproc {info['nproc']}, {info['implementation']} {info['python']}, {info['platform']}",
        f"- Runs per function (cold start): {context.runs} (`BENCH_RUNS`); other knobs: "
        "`BENCH_WARM_ITERATIONS`, `BENCH_NBQ_ITERATIONS`, `BENCH_GATEWAY_REQUESTS`, `BENCH_GROWTH_APPENDS`",
        "- Backing: moto (no AWS account): latencies of AWS calls are local HTTP or in-process, "
        "not AWS's; compare functions with each other and with the floor, not with production.",
    ]
    if durations:
        lines.append(
            "- Seconds per section (the 10-minute budget): "
            + ", ".join(f"{n}. {s:.0f}" for n, s in enumerate(durations, start=1))
        )
    for number, result in enumerate(results, start=1):
        lines += ["", f"## {number}. {result.title}", "", result.markdown]
    return "\n".join(lines) + "\n"


def build_parser() -> argparse.ArgumentParser:
    return argparse.ArgumentParser(
        prog="python -m benchmarks.run",
        description=__doc__,
        epilog="Knobs (environment): BENCH_RUNS, BENCH_WARM_ITERATIONS, BENCH_NBQ_ITERATIONS, "
        "BENCH_GATEWAY_REQUESTS, BENCH_GROWTH_APPENDS.",
    )


def main(argv: Sequence[str] | None = None) -> int:
    build_parser().parse_args(argv)
    started = datetime.now(UTC)
    clock = time.perf_counter()
    context = BenchContext(runs=runs_from_env())
    results = []
    durations = []
    for section in SECTIONS:
        section_clock = time.perf_counter()
        print(f"bench: {section.title} …", flush=True)
        results.append(section.run(context))
        durations.append(time.perf_counter() - section_clock)
        print(f"bench: {section.title} done in {durations[-1]:.1f} s", flush=True)
    seconds = time.perf_counter() - clock
    (HERE / "results.md").write_text(render(started, seconds, context, results, durations))
    payload = {
        "date": started.isoformat(),
        "seconds": seconds,
        "machine": machine(),
        "runs": context.runs,
        "section_seconds": {section.key: d for section, d in zip(SECTIONS, durations, strict=True)},
        "sections": {section.key: result.data for section, result in zip(SECTIONS, results, strict=True)},
    }
    (HERE / "results.json").write_text(json.dumps(payload, indent=2) + "\n")
    print(f"bench: wrote {HERE / 'results.md'} and results.json in {seconds:.0f} s", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
