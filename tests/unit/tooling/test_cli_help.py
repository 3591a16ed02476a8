"""Every command-line entry point answers --help (and -h) with its usage, and does nothing else."""

from __future__ import annotations

import subprocess
import sys
import time

import pytest

from tests.helpers.paths import ROOT

TIMEOUT_SECONDS = 60
# Imports only (SAM CLI's and moto's are the slowest, about a second): a benchmark, the gateway
# or the template checks take far longer than this.
QUICK_SECONDS = 10

ENTRY_POINTS = [
    "localgw",
    "tools.template_checks",
    "benchmarks.run",
    "benchmarks.child",
    "benchmarks.cold_start",
    "benchmarks.turn_latency",
    "benchmarks.insights_throughput",
    "benchmarks.conversations_calls",
    "benchmarks.understanding",
    "benchmarks.recognition",
    "benchmarks.dependencies",
    "benchmarks.local_growth",
    "tests.helpers.fuzzing",
    "tools.limits_table",
    "tools.operations_template",
    "parley.admin",
]


@pytest.mark.parametrize("flag", ["--help", "-h"])
@pytest.mark.parametrize("module", ENTRY_POINTS)
def test_help_prints_usage_and_does_no_work(module: str, flag: str) -> None:
    # Given an entry point run as `python -m module`, from the repository root
    command = [sys.executable, "-m", module, flag]

    # When it is asked for help
    started = time.perf_counter()
    completed = subprocess.run(  # noqa: S603 - our own interpreter and module
        command, cwd=ROOT, capture_output=True, text=True, timeout=TIMEOUT_SECONDS, check=False
    )
    seconds = time.perf_counter() - started

    # Then it prints its usage, succeeds, and returns before doing any work
    assert completed.returncode == 0, completed.stderr
    assert "usage:" in completed.stdout
    assert seconds < QUICK_SECONDS, f"{module} {flag} took {seconds:.1f} s: it did more than print help"
