"""localgw.throttle: token bucket and quota per usage key."""

from __future__ import annotations

from localgw.resources import UsagePlanLimits
from localgw.throttle import UsagePlanLimiter


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_burst_then_steady_rate() -> None:
    clock = Clock()
    limiter = UsagePlanLimiter(UsagePlanLimits(rate_limit=1, burst_limit=2), clock=clock)

    assert [limiter.check("k") for _ in range(3)] == [None, None, "THROTTLED"]
    clock.now += 1.0
    assert limiter.check("k") is None
    assert limiter.check("k") == "THROTTLED"


def test_keys_have_their_own_buckets() -> None:
    limiter = UsagePlanLimiter(UsagePlanLimits(rate_limit=1, burst_limit=1), clock=Clock())

    assert limiter.check("a") is None
    assert limiter.check("a") == "THROTTLED"
    assert limiter.check("b") is None


def test_daily_quota_resets_with_the_day() -> None:
    wall = Clock()
    limiter = UsagePlanLimiter(UsagePlanLimits(quota_limit=2, quota_period="DAY"), wall_clock=wall)

    assert [limiter.check("k") for _ in range(3)] == [None, None, "QUOTA_EXCEEDED"]
    wall.now += 86_400
    assert limiter.check("k") is None


def test_throttled_requests_do_not_use_quota() -> None:
    clock = Clock()
    limiter = UsagePlanLimiter(
        UsagePlanLimits(rate_limit=1, burst_limit=1, quota_limit=2, quota_period="DAY"), clock=clock
    )

    assert [limiter.check("k") for _ in range(3)] == [None, "THROTTLED", "THROTTLED"]
    clock.now += 1
    assert limiter.check("k") is None
    clock.now += 1
    assert limiter.check("k") == "QUOTA_EXCEEDED"


def test_no_limits_never_limits() -> None:
    limiter = UsagePlanLimiter(UsagePlanLimits())

    assert all(limiter.check("k") is None for _ in range(100))
