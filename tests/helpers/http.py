"""Reading a handler's proxy response."""

from __future__ import annotations

from typing import Any


def header(response: dict[str, Any], name: str) -> Any:
    """A header of a REST (payload v1) proxy response: Powertools writes multiValueHeaders."""
    if name in (response.get("headers") or {}):
        return response["headers"][name]
    return response["multiValueHeaders"][name][0]
