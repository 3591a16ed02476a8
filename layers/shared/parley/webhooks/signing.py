"""Webhook signatures, the scheme Stripe made familiar.

Every delivery carries ``Parley-Signature: t=<unix seconds>,v1=<hex>`` where ``v1`` is the
HMAC-SHA256, keyed with the endpoint's secret (``whsec_…``), of ``f"{t}.{raw body}"``. Signing the
timestamp with the body lets a receiver refuse a captured request replayed later: it recomputes
the HMAC over the raw body it received (before any JSON parsing), compares in constant time, and
rejects a ``t`` further than a tolerance (5 minutes) from its clock. A header may carry several
``v1`` values (e.g. while a secret is rotated); one match is enough.
"""

from __future__ import annotations

import hashlib
import hmac
import time

SIGNATURE_HEADER = "Parley-Signature"
DEFAULT_TOLERANCE_SECONDS = 300


def _as_bytes(value: str | bytes) -> bytes:
    return value.encode("utf-8") if isinstance(value, str) else value


def sign(secret: str, timestamp: int, body: str | bytes) -> str:
    """Hex HMAC-SHA256 of ``f"{timestamp}.{body}"`` keyed with ``secret``."""
    message = f"{int(timestamp)}.".encode() + _as_bytes(body)
    return hmac.new(_as_bytes(secret), message, hashlib.sha256).hexdigest()


def signature_header(secret: str, timestamp: int, body: str | bytes) -> str:
    """The ``Parley-Signature`` header value for ``body`` sent at ``timestamp``."""
    return f"t={int(timestamp)},v1={sign(secret, timestamp, body)}"


def verify(
    secret: str,
    header: str | None,
    body: str | bytes,
    tolerance_seconds: int = DEFAULT_TOLERANCE_SECONDS,
    now: float | None = None,
) -> bool:
    """Whether ``header`` is a valid signature of ``body`` (the raw bytes received) by ``secret``,
    made within ``tolerance_seconds`` of ``now``. Never raises for a malformed header."""
    if not header:
        return False
    timestamp: int | None = None
    candidates: list[str] = []
    for part in header.split(","):
        name, _, value = part.strip().partition("=")
        if name == "t":
            try:
                timestamp = int(value)
            except ValueError:
                return False
        elif name == "v1" and value:
            candidates.append(value)
    if timestamp is None or not candidates:
        return False
    current = time.time() if now is None else now
    if abs(current - timestamp) > tolerance_seconds:
        return False
    expected = sign(secret, timestamp, body)
    # Every candidate is compared (no early exit), so timing says nothing about which one matched.
    matched = False
    for candidate in candidates:
        matched |= hmac.compare_digest(expected.encode(), candidate.encode())
    return matched
