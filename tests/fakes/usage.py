"""``UsageRepository`` in memory: one counter per tenant and UTC day, added to atomically."""

from __future__ import annotations

from collections import Counter
from datetime import date


class InMemoryUsageRepository:
    def __init__(self) -> None:
        self._counts: Counter[tuple[str, date]] = Counter()
        # The window the last report asked for (first, last), for tests of the report's period.
        self.asked: tuple[date, date] | None = None

    def add_sessions(self, tenant_id: str, day: date, count: int, now_epoch: int) -> None:
        self._counts[(tenant_id, day)] += count

    def sessions_per_day(self, tenant_id: str, first: date, last: date) -> dict[date, int]:
        self.asked = (first, last)
        return {
            day: count
            for (tenant, day), count in self._counts.items()
            if tenant == tenant_id and first <= day <= last
        }
