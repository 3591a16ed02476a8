"""Lines a test adds to the end-of-run summary: what a scenario produced (status counts, how many
items landed), passed or failed, for the run's record.

They travel as a ``user_properties`` entry of the test's report, which pytest-xdist relays from its
workers to the terminal (a print past pytest's capture would be lost in a worker's output); the
``pytest_terminal_summary`` hook in ``tests/conftest.py`` prints them under "run log".
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

RUN_LOG_PROPERTY = "run_log"


class RunLog:
    def __init__(self, record_property: Callable[[str, object], None]) -> None:
        self._record = record_property

    def add(self, line: str) -> None:
        self._record(RUN_LOG_PROPERTY, line)


def run_log_lines(reports: Iterable[Any]) -> list[str]:
    """The lines of the call phase of these test reports, in report order."""
    return [
        str(value)
        for report in reports
        if getattr(report, "when", None) == "call"
        for name, value in getattr(report, "user_properties", ())
        if name == RUN_LOG_PROPERTY
    ]
