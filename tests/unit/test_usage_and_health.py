"""The usage report's shape and the health checker's probes and cache."""

from datetime import date

from botocore.exceptions import ClientError

from parley.health.service import HealthChecker, probe_for
from parley.usage.service import UsageService


class FakeUsage:
    def __init__(self, counts: dict[date, int]) -> None:
        self.counts = counts
        self.asked: tuple[date, date] | None = None

    def sessions_per_day(self, tenant_id: str, first: date, last: date) -> dict[date, int]:
        self.asked = (first, last)
        return {day: n for day, n in self.counts.items() if first <= day <= last}


def test_usage_report_lists_thirty_days_oldest_first_with_zeros_for_quiet_days() -> None:
    repository = FakeUsage({date(2026, 11, 23): 4, date(2026, 11, 1): 2, date(2026, 10, 24): 9})

    report = UsageService(repository).report("demo", "pk_test_demoDEMO", today=date(2026, 11, 23)).body()

    assert repository.asked == (date(2026, 10, 25), date(2026, 11, 23))
    assert report["tenant_id"] == "demo"
    assert report["key_prefix"] == "pk_test_demoDEMO"
    assert report["period"] == {"from": "2026-10-25", "to": "2026-11-23", "days": 30}
    days = report["sessions_per_day"]
    assert len(days) == 30
    assert days[0] == {"date": "2026-10-25", "sessions": 0}
    assert days[-1] == {"date": "2026-11-23", "sessions": 4}
    assert {"date": "2026-11-01", "sessions": 2} in days
    assert report["total_sessions"] == 6  # the 24 October count is outside the window


class FakeDynamo:
    def __init__(self, failing: set[str]) -> None:
        self.failing = failing
        self.calls: list[str] = []

    def get_item(self, TableName: str, Key: dict, **_: object) -> dict:
        self.calls.append(TableName)
        if TableName in self.failing:
            raise ClientError({"Error": {"Code": "ResourceNotFoundException", "Message": "x"}}, "GetItem")
        return {}


class Clock:
    now = 0.0

    def __call__(self) -> float:
        return self.now


def test_health_reports_each_table_and_caches_for_a_few_seconds() -> None:
    client, clock = FakeDynamo(failing={"Conversations"}), Clock()
    checker = HealthChecker(
        lambda: client,
        {
            "tenants": probe_for("Tenants", ("pk", "sk")),
            "conversations": probe_for("Conversations", ("pk", "sk")),
        },
        clock=clock,
    )

    report = checker.check()
    checker.check()

    assert report.healthy is False
    assert report.tables == {"tenants": "ok", "conversations": "unavailable"}
    assert client.calls == ["Tenants", "Conversations"]

    clock.now += 6
    client.failing.clear()
    assert checker.check().healthy is True
    assert len(client.calls) == 4
