"""Usage-plan throttle (token bucket) and quota per API key, as API Gateway applies them."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from localgw.resources import UsagePlanLimits

_PERIOD_SECONDS = {"DAY": 86_400, "WEEK": 7 * 86_400, "MONTH": 30 * 86_400}


@dataclass
class _Bucket:
    tokens: float
    updated: float
    quota_used: int = 0
    quota_window: int = 0


@dataclass
class UsagePlanLimiter:
    """`check(key)` returns None, "THROTTLED" or "QUOTA_EXCEEDED" (a gateway response type)."""

    limits: UsagePlanLimits
    clock: Callable[[], float] = time.monotonic
    wall_clock: Callable[[], float] = time.time
    _buckets: dict[str, _Bucket] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def check(self, key: str) -> str | None:
        rate, burst = self.limits.rate_limit, self.limits.burst_limit
        now = self.clock()
        with self._lock:
            bucket = self._buckets.get(key)
            if bucket is None:
                bucket = self._buckets[key] = _Bucket(tokens=self._capacity(), updated=now)
            if rate is not None or burst is not None:
                bucket.tokens = min(self._capacity(), bucket.tokens + (now - bucket.updated) * (rate or 0.0))
                bucket.updated = now
                if bucket.tokens < 1.0:
                    return "THROTTLED"
            if self.limits.quota_limit is not None:
                window = int(
                    self.wall_clock() // _PERIOD_SECONDS.get(self.limits.quota_period or "DAY", 86_400)
                )
                if window != bucket.quota_window:
                    bucket.quota_window, bucket.quota_used = window, 0
                if bucket.quota_used >= self.limits.quota_limit:
                    return "QUOTA_EXCEEDED"
                bucket.quota_used += 1
            if rate is not None or burst is not None:
                bucket.tokens -= 1.0
            return None

    def _capacity(self) -> float:
        burst, rate = self.limits.burst_limit, self.limits.rate_limit
        return float(burst if burst is not None else max(rate or 1.0, 1.0))
