"""Who is calling: an API key presented in a header → its active key record, or nothing.

Lookups are cached in the container for a short TTL (hits and misses alike), so a warm authorizer
answers most requests without DynamoDB; a revoked key stops working within that TTL.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping

from parley.tenants.keys import hash_key, is_well_formed
from parley.tenants.models import ApiKey
from parley.tenants.repository import TenantRepository
from parley.tenants.scopes import AUTHORIZATION, KeyHeader

_MAX_ENTRIES = 10_000


def presented_key(headers: Mapping[str, str] | None, header: KeyHeader) -> str | None:
    """The key in the route's own header — ``Authorization: Bearer <key>`` or ``nlx-api-key: <key>``
    (names case-insensitive); a key in the other header is not looked at."""
    value = next((v for name, v in (headers or {}).items() if name.lower() == header), None)
    if value is None:
        return None
    if header == AUTHORIZATION:
        scheme, _, value = value.strip().partition(" ")
        if scheme.lower() != "bearer":
            return None
    return value.strip() or None


class KeyAuthenticator:
    def __init__(
        self,
        repository: TenantRepository,
        ttl_seconds: float,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._repository = repository
        self._ttl = ttl_seconds
        self._clock = clock
        self._cache: dict[str, tuple[float, ApiKey | None]] = {}
        self._lock = threading.Lock()

    def authenticate(self, key: str | None) -> ApiKey | None:
        """The active key record for ``key``; ``None`` for a missing, malformed, unknown or revoked key."""
        if not key or not is_well_formed(key):
            return None
        key_hash = hash_key(key)
        now = self._clock()
        with self._lock:
            cached = self._cache.get(key_hash)
        if cached is not None and cached[0] > now:
            record = cached[1]
        else:
            record = self._repository.get_api_key(key_hash)
            with self._lock:
                if len(self._cache) >= _MAX_ENTRIES:
                    self._cache.clear()
                self._cache[key_hash] = (now + self._ttl, record)
        return record if record is not None and record.active else None
