"""The local gateway runs a function's Schedule events like EventBridge rules."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import Any

import pytest

from localgw.runner import FunctionSpec, InProcessRunner
from localgw.scheduler import Schedule, Scheduler, rate_seconds, scheduled_event
from tests.helpers.paths import ROOT


@pytest.mark.parametrize(
    ("expression", "seconds"),
    [("rate(1 minute)", 60), ("rate(5 minutes)", 300), ("rate(2 hours)", 7200), ("rate(1 day)", 86400)],
)
def test_rates_are_periods(expression: str, seconds: int) -> None:
    assert rate_seconds(expression) == seconds


def test_cron_is_not_run_locally() -> None:
    assert rate_seconds("cron(0 12 * * ? *)") is None


def test_a_scheduler_invokes_its_function_with_eventbridges_scheduled_event() -> None:
    received: list[dict[str, Any]] = []
    runner = InProcessRunner({"Sweep": FunctionSpec("Sweep", ROOT, "app.lambda_handler")}, "us-east-1", [])
    runner.handler = lambda name: lambda event, context: received.append(event)  # type: ignore[method-assign]
    scheduler = Scheduler(Schedule("Sweep", "Sweep-EveryMinute", 0.05), runner, "us-east-1")

    scheduler.start()
    deadline = time.monotonic() + 5
    while len(received) < 2 and time.monotonic() < deadline:
        time.sleep(0.02)
    scheduler.stop()
    scheduler.join(timeout=5)

    assert len(received) >= 2
    assert received[0]["detail-type"] == "Scheduled Event" and received[0]["source"] == "aws.events"
    assert received[0]["resources"] == ["arn:aws:events:us-east-1:123456789012:rule/Sweep-EveryMinute"]


def test_the_event_has_the_fields_a_handler_reads() -> None:
    event = scheduled_event("arn:rule", "eu-west-1", datetime(2026, 11, 23, 10, 15, tzinfo=UTC))

    assert (event["time"], event["region"], event["detail"]) == ("2026-11-23T10:15:00Z", "eu-west-1", {})
