"""The NBQ repositories' item shapes that other code reads from the sessions table's stream: a
recorded conversion, and a session item's creation (usage). Plain standard library: the stream
relay imports this without boto3.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

SESSION_SK = "SESSION"
CONVERSION_PREFIX = "CONVERSION#"


@dataclass(frozen=True, slots=True)
class RecordedConversion:
    tenant_id: str
    session_id: str
    conversion_id: str
    outcome: str
    recorded_at: str


@dataclass(frozen=True, slots=True)
class CreatedSession:
    tenant_id: str
    started_by: str | None
    first_seen: int  # epoch seconds of the session's first call


def session_pk(tenant_id: str, session_id: str) -> dict[str, str]:
    return {"S": f"TENANT#{tenant_id}#NBQ#{session_id}"}


def sort_key(keys: Mapping[str, Any]) -> str | None:
    value = keys.get("sk")
    return value.get("S") if isinstance(value, Mapping) else None


def conversion_from_stream(keys: Mapping[str, Any], image: Mapping[str, Any]) -> RecordedConversion | None:
    """A conversion item's image, or None for any other item; ``ValueError`` when it lacks a field."""
    sk = sort_key(keys)
    if sk is None or not sk.startswith(CONVERSION_PREFIX):
        return None
    return RecordedConversion(
        tenant_id=_required(image, "tenant_id"),
        session_id=_required(image, "session_id"),
        conversion_id=sk.removeprefix(CONVERSION_PREFIX),
        outcome=_required(image, "outcome"),
        recorded_at=_required(image, "recorded_at"),
    )


def session_from_stream(keys: Mapping[str, Any], image: Mapping[str, Any]) -> CreatedSession | None:
    """A session item's image, or None for any other item; ``ValueError`` when it lacks a field."""
    if sort_key(keys) != SESSION_SK:
        return None
    started_by = _text(image, "started_by")
    if started_by is None:
        return CreatedSession(_text(image, "tenant_id") or "", None, 0)
    first_seen = image.get("first_seen")
    if not isinstance(first_seen, Mapping) or "N" not in first_seen:
        raise ValueError("stream image lacks first_seen")
    return CreatedSession(_required(image, "tenant_id"), started_by, int(first_seen["N"]))


def _text(image: Mapping[str, Any], name: str) -> str | None:
    value = image.get(name)
    return value.get("S") if isinstance(value, Mapping) else None


def _required(image: Mapping[str, Any], name: str) -> str:
    value = _text(image, name)
    if value is None:
        raise ValueError(f"stream image lacks {name}")
    return value
