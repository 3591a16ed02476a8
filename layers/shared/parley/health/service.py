"""Health: one cheap GetItem per table (a key that never exists), cached for a few seconds so a
busy health probe does not turn into table traffic."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from parley.errors import Unavailable

_PROBE = "HEALTH#probe"
CACHE_SECONDS = 5.0


@dataclass(frozen=True, slots=True)
class TableProbe:
    table_name: str
    key: Mapping[str, Any]


def probe_for(table_name: str, key_attributes: tuple[str, ...]) -> TableProbe:
    return TableProbe(table_name, {attribute: {"S": _PROBE} for attribute in key_attributes})


@dataclass(frozen=True, slots=True)
class HealthReport:
    healthy: bool
    tables: dict[str, str]
    version: str = ""
    stage: str = ""

    def body(self) -> dict[str, Any]:
        return {"status": "ok", "version": self.version, "stage": self.stage, "tables": self.tables}


class HealthChecker:
    def __init__(
        self,
        client_factory: Callable[[], Any],
        probes: Mapping[str, TableProbe],
        clock: Callable[[], float] = time.monotonic,
        *,
        version: str = "",
        stage: str = "",
    ) -> None:
        self._version = version
        self._stage = stage
        self._client_factory = client_factory
        self._probes = dict(probes)
        self._clock = clock
        self._cached: tuple[float, HealthReport] | None = None
        self._lock = threading.Lock()

    def healthy_report(self) -> HealthReport:
        """The report; ``Unavailable`` (listing each table's state) when a table does not answer."""
        report = self.check()
        if not report.healthy:
            raise Unavailable(
                "One or more tables do not answer.",
                retry_after=5,
                details={"version": self._version, "tables": report.tables},
            )
        return report

    def check(self) -> HealthReport:
        now = self._clock()
        with self._lock:
            if self._cached is not None and self._cached[0] > now:
                return self._cached[1]
        client = self._client_factory()
        tables = {name: self._answers(client, probe) for name, probe in self._probes.items()}
        healthy = all(state == "ok" for state in tables.values())
        report = HealthReport(healthy, tables, self._version, self._stage)
        with self._lock:
            self._cached = (now + CACHE_SECONDS, report)
        return report

    @staticmethod
    def _answers(client: Any, probe: TableProbe) -> str:
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            client.get_item(
                TableName=probe.table_name,
                Key=dict(probe.key),
                ProjectionExpression="#k",
                ExpressionAttributeNames={"#k": next(iter(probe.key))},
            )
        except (ClientError, BotoCoreError):
            return "unavailable"
        return "ok"
