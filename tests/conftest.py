"""Fixtures and hooks for every rung of the tests (shared code lives in ``tests.helpers``).

Under pytest-xdist (``-n``, on by default: see pyproject.toml) the e2e tests form one group, which
``--dist loadgroup`` runs on one worker: they drive local gateways, processes of their own, so at
most one gateway is busy at a time while the other workers run unit and integration tests, and the
default gateway (a session fixture) is started once rather than once per worker.
"""

from __future__ import annotations

import pytest

from tests.helpers.run_log import RunLog, run_log_lines

E2E_GROUP = "e2e"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if item.get_closest_marker("e2e") is not None and item.get_closest_marker("xdist_group") is None:
            item.add_marker(pytest.mark.xdist_group(E2E_GROUP))


@pytest.fixture
def run_log(record_property: pytest.RecordProperty) -> RunLog:
    """``run_log.add(line)``: a line for the end-of-run summary (``tests/helpers/run_log.py``)."""
    return RunLog(record_property)


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    lines = run_log_lines(report for reports in terminalreporter.stats.values() for report in reports)
    if lines:
        terminalreporter.section("run log")
        for line in lines:
            terminalreporter.write_line(line)
