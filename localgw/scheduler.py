"""EventBridge schedules (a function's `Schedule` events): invoke the function at its rate with the
event EventBridge sends ("Scheduled Event"). `rate(N minute|minutes|hour|hours|day|days)` is
honoured; `--schedule-interval` shortens every period for tests and demos."""

from __future__ import annotations

import logging
import re
import threading
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from localgw.runner import InProcessRunner

LOG = logging.getLogger("localgw.schedule")
_RATE = re.compile(r"rate\(\s*(\d+)\s+(minute|minutes|hour|hours|day|days)\s*\)")
_UNIT_SECONDS = {"minute": 60, "hour": 3600, "day": 86400}


def rate_seconds(expression: str) -> float | None:
    """The period of a `rate(...)` expression; None for what the local gateway does not run (cron)."""
    match = _RATE.fullmatch(expression.strip())
    if match is None:
        return None
    return int(match.group(1)) * _UNIT_SECONDS[match.group(2).removesuffix("s")]


def scheduled_event(rule_arn: str, region: str, now: datetime) -> dict[str, Any]:
    """The event EventBridge hands a scheduled function."""
    return {
        "version": "0",
        "id": str(uuid.uuid4()),
        "detail-type": "Scheduled Event",
        "source": "aws.events",
        "account": "123456789012",
        "time": now.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "region": region,
        "resources": [rule_arn],
        "detail": {},
    }


@dataclass(frozen=True)
class Schedule:
    function_name: str
    rule_name: str
    period_seconds: float


class Scheduler(threading.Thread):
    def __init__(self, schedule: Schedule, runner: InProcessRunner, region: str) -> None:
        super().__init__(name=f"schedule-{schedule.function_name}", daemon=True)
        self.schedule = schedule
        self.runner = runner
        self.region = region
        self.stopping = threading.Event()
        self.runs = 0

    def stop(self) -> None:
        self.stopping.set()

    def run(self) -> None:
        rule_arn = f"arn:aws:events:{self.region}:123456789012:rule/{self.schedule.rule_name}"
        while not self.stopping.wait(self.schedule.period_seconds):
            event = scheduled_event(rule_arn, self.region, datetime.now(UTC))
            result = self.runner.invoke_event(self.schedule.function_name, event)
            self.runs += 1
            if result.error is not None:
                LOG.warning(
                    "scheduled %s failed: %s", self.schedule.function_name, result.error.get("errorMessage")
                )
