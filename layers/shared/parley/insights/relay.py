"""From committed writes to queue messages: the DynamoDB stream relay's pure half.

The request paths only write; the tables' streams carry every change, and the relay turns the
ones that mean work into insights-queue messages. A trigger therefore exists exactly when its
write committed — no write without its message (the old send-after-write lost it when SQS
failed), no message for a write that did not happen. The messages equal what the request paths
sent before (same fields, same ``occurred_at``), so webhook event ids are unchanged.

The same stream also carries usage: the INSERT of a session item started by next-questions is one
new session of its tenant (``session_started``), counted on the UTC day of the item's
``first_seen`` — the time of the session's first call, not the relay's clock, so a batch delivered
late (or retried past midnight) still counts the right day. ``sessions_per_day`` folds a batch's
new sessions into one counter increment per tenant and day.

Records are in Lambda's DynamoDB stream event shape (``eventName``, ``dynamodb.NewImage`` /
``OldImage`` as attribute values).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from parley.insights.messages import (
    ConversationCompleted,
    ConversationUpdated,
    ConversionRecorded,
    InsightsMessage,
)
from parley.nbq.repository import SESSION_SK, STARTED_BY_NEXT_QUESTIONS

COMPLETED = "completed"
_HEADER_SK = "HEADER"  # parley.conversations.repository.HEADER_SK (not imported: no pydantic here)
_CONVERSION_PREFIX = "CONVERSION#"
# Header attributes whose change is a conversation.updated, with the API's names. An append always
# moves message_count (so messages, content and updatedAt change together, as the API reports).
_WATCHED = (("status", "status"), ("metadata", "metadata"), ("title", "title"), ("user_id", "userId"))


def messages_for(record: Mapping[str, Any]) -> list[InsightsMessage]:
    """The messages one stream record calls for (none for most: chunks, counters, sessions…)."""
    change = record.get("dynamodb", {})
    keys = change.get("Keys", {})
    sk = _text(keys, "sk")
    event = record.get("eventName")
    new, old = change.get("NewImage") or {}, change.get("OldImage") or {}
    if sk == _HEADER_SK and event in ("INSERT", "MODIFY"):
        return _header_messages(event, old, new)
    if sk is not None and sk.startswith(_CONVERSION_PREFIX) and event == "INSERT":
        return [
            ConversionRecorded(
                tenant_id=_required(new, "tenant_id"),
                session_id=_required(new, "session_id"),
                conversion_id=sk.removeprefix(_CONVERSION_PREFIX),
                outcome=_required(new, "outcome"),
                occurred_at=_required(new, "recorded_at"),
            )
        ]
    return []


@dataclass(frozen=True, slots=True)
class SessionStart:
    """A new next-questions session: one session of usage for ``tenant_id`` on ``day`` (UTC)."""

    tenant_id: str
    day: date
    first_seen: int  # epoch seconds of the session's first call


@dataclass(frozen=True, slots=True)
class SessionCount:
    """A batch's new sessions of one tenant on one day: one counter increment."""

    tenant_id: str
    day: date
    sessions: int
    first_seen: int  # the earliest of them (the counter item's TTL is reckoned from it)
    first_record: str  # the sequence number of the first of their records


def session_started(record: Mapping[str, Any]) -> SessionStart | None:
    """The session one stream record starts, if any: the INSERT of a session item whose creating
    call was a next-questions call. MODIFY (a later call), REMOVE (TTL), a session started by a turn
    and any other item start none. An item without ``started_by`` is not counted either: it was
    written before the relay counted sessions, by code that counted it on the request path."""
    change = record.get("dynamodb", {})
    if record.get("eventName") != "INSERT" or _text(change.get("Keys", {}), "sk") != SESSION_SK:
        return None
    new = change.get("NewImage") or {}
    if _text(new, "started_by") != STARTED_BY_NEXT_QUESTIONS:
        return None
    first_seen = _number(new, "first_seen")
    if first_seen is None:
        raise ValueError("stream image lacks first_seen")
    day = datetime.fromtimestamp(first_seen, UTC).date()
    return SessionStart(_required(new, "tenant_id"), day, first_seen)


def sessions_per_day(starts: Iterable[tuple[str, SessionStart]]) -> list[SessionCount]:
    """(sequence number, start) pairs in stream order → one count per (tenant, day), in the order
    of each one's first record."""
    counts: dict[tuple[str, date], SessionCount] = {}
    for sequence_number, start in starts:
        key = (start.tenant_id, start.day)
        seen = counts.get(key)
        if seen is None:
            counts[key] = SessionCount(start.tenant_id, start.day, 1, start.first_seen, sequence_number)
        else:
            counts[key] = SessionCount(
                seen.tenant_id,
                seen.day,
                seen.sessions + 1,
                min(seen.first_seen, start.first_seen),
                seen.first_record,
            )
    return list(counts.values())


def _header_messages(event: str, old: Mapping[str, Any], new: Mapping[str, Any]) -> list[InsightsMessage]:
    tenant_id, conversation_id = _required(new, "tenant_id"), _required(new, "conversation_id")
    updated_at = _required(new, "updated_at")
    messages: list[InsightsMessage] = []
    if event == "MODIFY":
        changed = _changed_fields(old, new)
        if changed:
            messages.append(ConversationUpdated(tenant_id, conversation_id, changed, updated_at))
    was_completed = event == "MODIFY" and _text(old, "status") == COMPLETED
    if _text(new, "status") == COMPLETED and not was_completed:
        messages.append(ConversationCompleted(tenant_id, conversation_id, updated_at))
    return messages


def _changed_fields(old: Mapping[str, Any], new: Mapping[str, Any]) -> tuple[str, ...]:
    """What ``conversations.service`` reports for an append; () for other header writes (insights
    stored, list keys moved), which are not conversation.updated events."""
    appended = _number(old, "message_count") != _number(new, "message_count")
    watched = [api for attribute, api in _WATCHED if _value(old, attribute) != _value(new, attribute)]
    if not appended and not watched:
        return ()
    return (*(("messages", "content") if appended else ()), "updatedAt", *watched)


def _value(image: Mapping[str, Any], name: str) -> Any:
    value = _text(image, name)
    if name == "metadata" and value is not None:
        return json.loads(value)  # compared as data: equal JSON may be serialised differently
    return value


def _text(image: Mapping[str, Any], name: str) -> str | None:
    value = image.get(name)
    return value.get("S") if isinstance(value, Mapping) else None


def _number(image: Mapping[str, Any], name: str) -> int | None:
    value = image.get(name)
    return int(value["N"]) if isinstance(value, Mapping) and "N" in value else None


def _required(image: Mapping[str, Any], name: str) -> str:
    value = _text(image, name)
    if value is None:
        raise ValueError(f"stream image lacks {name}")
    return value
