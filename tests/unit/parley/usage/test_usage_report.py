"""The usage report's shape: thirty days, oldest first, quiet days included."""

from datetime import date

from parley.usage.service import UsageService
from tests.fakes import InMemoryUsageRepository


def test_usage_report_lists_thirty_days_oldest_first_with_zeros_for_quiet_days() -> None:
    repository = InMemoryUsageRepository()
    for day, sessions in {date(2026, 11, 23): 4, date(2026, 11, 1): 2, date(2026, 10, 24): 9}.items():
        repository.add_sessions("demo", day, sessions, now_epoch=1_795_000_000)

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
