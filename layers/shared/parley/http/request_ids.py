"""Request ids: ``req_`` + 16 hex characters, in every response body and header.

The id is derived from API Gateway's own request id (a UUID), so the id a client quotes can be
matched with API Gateway's logs and with gateway-generated errors, which carry the full UUID.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Mapping
from typing import Any

REQUEST_ID_HEADER = "X-Request-Id"
_HEX = frozenset("0123456789abcdef")


def request_id_from_gateway_id(gateway_request_id: str | None) -> str:
    if not gateway_request_id:
        return "req_" + secrets.token_hex(8)
    compact = gateway_request_id.replace("-", "").lower()
    if len(compact) >= 16 and _HEX.issuperset(compact):
        return "req_" + compact[:16]
    return "req_" + hashlib.sha256(gateway_request_id.encode()).hexdigest()[:16]


def request_id_for(event: Mapping[str, Any]) -> str:
    """The request id of an API Gateway REST proxy event (random when the event has none)."""
    context = event.get("requestContext") or {}
    return request_id_from_gateway_id(context.get("requestId"))
