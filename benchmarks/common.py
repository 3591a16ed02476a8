"""The small runner every section shares: context, result type, statistics and Markdown helpers."""

from __future__ import annotations

import logging
import math
import os
import platform
import statistics
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from localgw.template import SamTemplate

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_RUNS = 5


class BenchmarkError(RuntimeError):
    """A benchmark could not measure what it claims to (failed event, compiled module, …)."""


@dataclass
class BenchContext:
    """What every section may use; the template is parsed once, on first use."""

    root: Path = ROOT
    runs: int = DEFAULT_RUNS
    python: str = sys.executable

    @cached_property
    def template(self) -> SamTemplate:
        from localgw.template import load_template

        # SAM CLI warns (through logging) that local authorizers are not AWS's: noise here.
        samcli_log = logging.getLogger("samcli")
        level = samcli_log.level
        samcli_log.setLevel(logging.ERROR)
        try:
            return load_template(self.root / "template.yaml")
        finally:
            samcli_log.setLevel(level)


@dataclass
class SectionResult:
    title: str
    markdown: str
    data: dict[str, Any] = field(default_factory=dict)


class Section(Protocol):
    key: str
    title: str

    def run(self, context: BenchContext) -> SectionResult: ...


def runs_from_env() -> int:
    value = os.environ.get("BENCH_RUNS", str(DEFAULT_RUNS))
    runs = int(value)
    if runs < 1:
        raise BenchmarkError(f"BENCH_RUNS must be at least 1, got {value!r}")
    return runs


def machine() -> dict[str, Any]:
    return {
        "nproc": os.cpu_count(),
        "python": platform.python_version(),
        "implementation": platform.python_implementation(),
        "platform": platform.platform(),
        "machine": platform.machine(),
    }


@dataclass(frozen=True)
class Stats:
    """Summary of repeated measurements (any unit)."""

    n: int
    median: float
    minimum: float
    maximum: float
    q1: float
    q3: float

    @classmethod
    def of(cls, values: Sequence[float]) -> Stats:
        if not values:
            raise BenchmarkError("no measurement to summarise")
        ordered = sorted(values)
        if len(ordered) >= 2:
            q1, _, q3 = statistics.quantiles(ordered, n=4, method="inclusive")
        else:
            q1 = q3 = ordered[0]
        return cls(len(ordered), statistics.median(ordered), ordered[0], ordered[-1], q1, q3)

    def as_dict(self) -> dict[str, float]:
        return {
            "n": self.n,
            "median": self.median,
            "min": self.minimum,
            "max": self.maximum,
            "q1": self.q1,
            "q3": self.q3,
        }

    def spread(self, digits: int = 0) -> str:
        return f"{self.minimum:.{digits}f}\u2013{self.maximum:.{digits}f}"


def table(headers: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    """A GitHub Markdown table."""
    lines = ["| " + " | ".join(headers) + " |", "|" + "|".join("---" for _ in headers) + "|"]
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
    return "\n".join(lines)


def percentile(values: Sequence[float], fraction: float) -> float:
    """Nearest-rank percentile: the smallest value with at least ``fraction`` of the values at or
    below it (p99 of 100 values is the 99th smallest)."""
    if not values:
        raise BenchmarkError("no measurement to summarise")
    if not 0 < fraction <= 1:
        raise BenchmarkError(f"a percentile fraction is in (0, 1], got {fraction}")
    ordered = sorted(values)
    return ordered[max(1, math.ceil(round(fraction * len(ordered), 9))) - 1]
