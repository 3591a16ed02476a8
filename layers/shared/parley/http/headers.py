"""Request headers with rules of their own."""

from __future__ import annotations

import re

from parley.errors import Invalid
from parley.http.endpoint import Request

IDEMPOTENCY_HEADER = "Idempotency-Key"
_UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")


def uuid_idempotency_key(request: Request) -> str:
    """The required ``Idempotency-Key`` header, a UUID (lower-cased, so its case never matters)."""
    value = request.header(IDEMPOTENCY_HEADER)
    if value is None:
        raise Invalid.field("Idempotency-Key header is required", ("header", IDEMPOTENCY_HEADER), "missing")
    if not _UUID.fullmatch(value.strip()):
        raise Invalid.field("Idempotency-Key must be a UUID", ("header", IDEMPOTENCY_HEADER), "uuid_parsing")
    return value.strip().lower()


def optional_idempotency_key(request: Request, max_chars: int) -> str | None:
    """The ``Idempotency-Key`` header when sent: 1 to ``max_chars`` visible ASCII characters."""
    value = request.header(IDEMPOTENCY_HEADER)
    if value is None:
        return None
    key = value.strip()
    if not 1 <= len(key) <= max_chars or not all("!" <= ch <= "~" for ch in key):
        raise Invalid.field(
            f"Idempotency-Key must be 1 to {max_chars} visible ASCII characters",
            ("header", IDEMPOTENCY_HEADER),
            "string_pattern_mismatch",
        )
    return key


def required_idempotency_key(request: Request, min_chars: int, max_chars: int) -> str:
    """The required ``Idempotency-Key`` header: ``min_chars`` to ``max_chars`` visible ASCII
    characters (Zelinqa V1: 8 to 128), kept as sent."""
    value = request.header(IDEMPOTENCY_HEADER)
    if value is None:
        raise Invalid.field(
            "Idempotency-Key header is required on every mutation", ("header", IDEMPOTENCY_HEADER), "missing"
        )
    key = value.strip()
    if not min_chars <= len(key) <= max_chars or not all("!" <= ch <= "~" for ch in key):
        raise Invalid.field(
            f"Idempotency-Key must be {min_chars} to {max_chars} visible ASCII characters",
            ("header", IDEMPOTENCY_HEADER),
            "string_pattern_mismatch",
        )
    return key
