"""The usage report a tenant reads at ``GET /v1/usage``."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any, Protocol

REPORT_DAYS = 30


class UsageRepository(Protocol):
    def sessions_per_day(self, tenant_id: str, first: date, last: date) -> dict[date, int]: ...


def usage_report(repository: UsageRepository, tenant_id: str, key_prefix: str, today: date) -> dict[str, Any]:
    """Sessions per day for the last 30 days, today included, oldest first, days without use at 0."""
    first = today - timedelta(days=REPORT_DAYS - 1)
    counts = repository.sessions_per_day(tenant_id, first, today)
    days = [first + timedelta(days=offset) for offset in range(REPORT_DAYS)]
    per_day = [{"date": day.isoformat(), "sessions": counts.get(day, 0)} for day in days]
    return {
        "tenant_id": tenant_id,
        "key_prefix": key_prefix,
        "period": {"from": first.isoformat(), "to": today.isoformat(), "days": REPORT_DAYS},
        "total_sessions": sum(entry["sessions"] for entry in per_day),
        "sessions_per_day": per_day,
    }
