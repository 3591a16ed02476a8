"""The usage report a tenant reads at ``GET /v1/usage``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, Protocol

REPORT_DAYS = 30


class UsageRepository(Protocol):
    def sessions_per_day(self, tenant_id: str, first: date, last: date) -> dict[date, int]: ...

    def add_sessions(self, tenant_id: str, day: date, count: int, now_epoch: int) -> None: ...


@dataclass(frozen=True, slots=True)
class UsageReport:
    """Sessions per day for the last ``REPORT_DAYS`` days, today included, oldest first."""

    tenant_id: str
    key_prefix: str
    first: date
    last: date
    per_day: tuple[tuple[date, int], ...]

    @property
    def total(self) -> int:
        return sum(count for _, count in self.per_day)

    def body(self) -> dict[str, Any]:
        return {
            "tenant_id": self.tenant_id,
            "key_prefix": self.key_prefix,
            "period": {"from": self.first.isoformat(), "to": self.last.isoformat(), "days": REPORT_DAYS},
            "total_sessions": self.total,
            "sessions_per_day": [{"date": day.isoformat(), "sessions": count} for day, count in self.per_day],
        }


class UsageService:
    def __init__(self, repository: UsageRepository) -> None:
        self._repository = repository

    def report(self, tenant_id: str, key_prefix: str, today: date) -> UsageReport:
        """Days without use count 0."""
        first = today - timedelta(days=REPORT_DAYS - 1)
        counts = self._repository.sessions_per_day(tenant_id, first, today)
        days = [first + timedelta(days=offset) for offset in range(REPORT_DAYS)]
        return UsageReport(
            tenant_id, key_prefix, first, today, tuple((day, counts.get(day, 0)) for day in days)
        )
