"""From committed writes to queue messages: the DynamoDB stream relay's pure half.

The request paths only write; the tables' streams carry every change, and the relay turns the
ones that mean work into insights-queue messages. A trigger therefore exists exactly when its
write committed — no write without its message (the old send-after-write lost it when SQS
failed), no message for a write that did not happen. The messages equal what the request paths
sent before (same fields, same ``occurred_at``), so webhook event ids are unchanged.

Records are in Lambda's DynamoDB stream event shape (``eventName``, ``dynamodb.NewImage`` /
``OldImage`` as attribute values).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from parley.insights.messages import (
    ConversationCompleted,
    ConversationUpdated,
    ConversionRecorded,
    InsightsMessage,
)

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
