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

_MAX_ENTRIES = 10_000


def presented_key(headers: Mapping[str, str] | None) -> str | None:
    """The key in ``Authorization: Bearer <key>`` or ``nlx-api-key: <key>`` (names case-insensitive)."""
    if not headers:
        return None
    authorization = nlx_key = None
    for name, value in headers.items():
        lowered = name.lower()
        if lowered == "authorization":
            authorization = value
        elif lowered == "nlx-api-key":
            nlx_key = value
    if authorization:
        scheme, _, credentials = authorization.strip().partition(" ")
        if scheme.lower() == "bearer" and credentials.strip():
            return credentials.strip()
    if nlx_key and nlx_key.strip():
        return nlx_key.strip()
    return None


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
