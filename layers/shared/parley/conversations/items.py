"""The Conversations repository's item shapes: keys, the header item and its list-index keys, message
chunks, and the decoding of a header item as the table's stream carries it.

Only the repository (and the stream relay, through ``header_from_stream``) reads these shapes; the
domain sees ``Conversation``. Plain Python and the standard library: the stream relay imports this
without pydantic or boto3.
"""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from parley.conversations.entities import Conversation, ConversationSummary, ListFilters
from parley.conversations.limits import CHUNK_TARGET_BYTES
from parley.errors import Invalid

HEADER_SK = "HEADER"
INSIGHTS_SK = "INSIGHTS"
CHUNK_PREFIX = "MSG#"
COUNTER_SK = "COUNT"
IDEMPOTENCY_SK = "IDEM"
# An append's Idempotency-Key, in its conversation's partition (before HEADER: reads from HEADER on
# never see it).
APPEND_KEY_PREFIX = "APPEND#"
LIST_SK = "list_sk"
_OPTIONAL_TEXT = ("llm_model", "company_name", "title", "user_id", "completed_at", "outcome", "outcome_at")
# The conversations of a session: one item per (session, conversation), written with the
# conversation (and again when an append changes its metadata.sessionId).
SESSION_LINK_PREFIX = "C#"


@dataclass(frozen=True, slots=True)
class ListIndex:
    """One GSI: the filters it serves (``p`` prompt, ``s`` status, ``h`` has insights)."""

    dims: str

    @property
    def name(self) -> str:
        return f"list_t{self.dims}"

    @property
    def pk_attribute(self) -> str:
        return f"t{self.dims}_pk"

    def partition(
        self, tenant_id: str, prompt_id: str | None, status: str | None, insights: bool | None
    ) -> str:
        parts = [f"T#{escape(tenant_id)}"]
        if "p" in self.dims:
            parts.append(f"P#{escape(prompt_id or '')}")
        if "s" in self.dims:
            parts.append(f"S#{status}")
        if "h" in self.dims:
            parts.append(f"H#{1 if insights else 0}")
        return "#".join(parts)


LIST_INDEXES = tuple(ListIndex(dims) for dims in ("", "p", "s", "h", "ps", "ph", "sh", "psh"))


def index_for(filters: ListFilters) -> ListIndex:
    dims = (
        ("p" if filters.prompt_id is not None else "")
        + ("s" if filters.status is not None else "")
        + ("h" if filters.has_insights is not None else "")
    )
    return ListIndex(dims)


def escape(value: str) -> str:
    """Keep ``#`` in ids from forging another key's shape."""
    return value.replace("%", "%25").replace("#", "%23")


def conversation_pk(tenant_id: str, conversation_id: str) -> str:
    return f"T#{escape(tenant_id)}#C#{conversation_id}"


def session_link_pk(tenant_id: str, session_id: str) -> str:
    return f"T#{escape(tenant_id)}#S#{escape(session_id)}"


def session_link(conversation: Conversation) -> dict[str, Any]:
    """The item that lists ``conversation`` among its session's conversations."""
    return key(
        session_link_pk(conversation.tenant_id, conversation.session_id),
        SESSION_LINK_PREFIX + conversation.id,
    )


def idempotency_pk(tenant_id: str, idempotency_key: str) -> str:
    return f"T#{escape(tenant_id)}#IDEM#{idempotency_key}"


def key(pk: str, sk: str) -> dict[str, Any]:
    return {"pk": {"S": pk}, "sk": {"S": sk}}


def chunk_sk(position: int) -> str:
    return f"{CHUNK_PREFIX}{position:05d}"


def to_json(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def dims_of(conversation: Conversation) -> tuple[str, str, str, bool]:
    return conversation.tenant_id, conversation.prompt_id, conversation.status, conversation.has_insights


def header_item(conversation: Conversation, list_sk: str) -> dict[str, Any]:
    item: dict[str, Any] = {
        **key(conversation_pk(conversation.tenant_id, conversation.id), HEADER_SK),
        "conversation_id": {"S": conversation.id},
        "tenant_id": {"S": conversation.tenant_id},
        "prompt_id": {"S": conversation.prompt_id},
        "status": {"S": conversation.status},
        "created_at": {"S": conversation.created_at},
        "updated_at": {"S": conversation.updated_at},
        "message_count": {"N": str(conversation.message_count)},
        "content_bytes": {"N": str(conversation.content_bytes)},
        "metadata": {"S": to_json(conversation.metadata)},
        "has_insights": {"BOOL": conversation.has_insights},
        LIST_SK: {"S": list_sk},
    }
    for attribute in _OPTIONAL_TEXT:
        value = getattr(conversation, attribute)
        if value is not None:
            item[attribute] = {"S": value}
    for index in LIST_INDEXES:
        item[index.pk_attribute] = {"S": index.partition(*dims_of(conversation))}
    return item


def conversation_from_item(item: Mapping[str, Any]) -> Conversation:
    def text(name: str) -> str | None:
        return str(item[name]["S"]) if name in item else None

    return Conversation(
        tenant_id=item["tenant_id"]["S"],
        id=item["conversation_id"]["S"],
        prompt_id=item["prompt_id"]["S"],
        status=item["status"]["S"],
        created_at=item["created_at"]["S"],
        updated_at=item["updated_at"]["S"],
        message_count=int(item["message_count"]["N"]),
        content_bytes=int(item["content_bytes"]["N"]),
        llm_model=text("llm_model"),
        company_name=text("company_name"),
        title=text("title"),
        user_id=text("user_id"),
        metadata=json.loads(item["metadata"]["S"]) if "metadata" in item else {},
        has_insights=bool(item.get("has_insights", {}).get("BOOL", False)),
        completed_at=text("completed_at"),
        outcome=text("outcome"),
        outcome_at=text("outcome_at"),
    )


def summary_from_item(item: Mapping[str, Any]) -> ConversationSummary:
    return ConversationSummary(
        id=item["conversation_id"]["S"],
        prompt_id=item["prompt_id"]["S"],
        status=item["status"]["S"],
        has_insights=bool(item.get("has_insights", {}).get("BOOL", False)),
        created_at=item["created_at"]["S"],
    )


def chunk_messages(messages: Sequence[dict[str, Any]], first_position: int) -> list[tuple[int, str]]:
    """Consecutive messages packed into JSON arrays of at most ~``CHUNK_TARGET_BYTES``."""
    chunks: list[tuple[int, str]] = []
    current: list[str] = []
    size, start = 2, first_position
    for message in messages:
        encoded = json.dumps(message, separators=(",", ":"), ensure_ascii=False)
        length = len(encoded.encode()) + 1
        if current and size + length > CHUNK_TARGET_BYTES:
            chunks.append((start, "[" + ",".join(current) + "]"))
            start += len(current)
            current, size = [], 2
        current.append(encoded)
        size += length
    if current:
        chunks.append((start, "[" + ",".join(current) + "]"))
    return chunks


def is_header_key(keys: Mapping[str, Any]) -> bool:
    """Whether a stream record's ``Keys`` are a conversation header's."""
    sk = keys.get("sk")
    return isinstance(sk, Mapping) and sk.get("S") == HEADER_SK


_STREAM_REQUIRED = ("tenant_id", "conversation_id", "updated_at")
# What an image may lack and still be read (an image written by an older release, or a test's).
_STREAM_DEFAULTS = {
    "prompt_id": {"S": ""},
    "status": {"S": ""},
    "created_at": {"S": ""},
    "message_count": {"N": "0"},
    "content_bytes": {"N": "0"},
}


def header_from_stream(image: Mapping[str, Any]) -> Conversation | None:
    """A header item's stream image (``NewImage`` / ``OldImage``) as a ``Conversation``; None for an
    empty image. ``ValueError`` when it lacks the ids and time every header has."""
    if not image:
        return None
    for name in _STREAM_REQUIRED:
        value = image.get(name)
        if not isinstance(value, Mapping) or "S" not in value:
            raise ValueError(f"stream image lacks {name}")
    try:
        return conversation_from_item({**_STREAM_DEFAULTS, **image})
    except (KeyError, TypeError, ValueError) as exc:
        raise ValueError(f"not a conversation header image: {exc}") from exc


_LIST_POSITION = re.compile(r"[0-9]{17}#conv_[0-9a-f]{24}")


def cursor_for(list_sk: str) -> str:
    """An opaque cursor for the position after a listed conversation (its ``list_sk``)."""
    return base64.urlsafe_b64encode(list_sk.encode()).decode().rstrip("=")


def cursor_position(cursor: str) -> str:
    """The ``list_sk`` a cursor stands for; ``Invalid`` for anything a list did not hand out."""
    try:
        position = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
    except (ValueError, UnicodeDecodeError):
        position = ""
    if not _LIST_POSITION.fullmatch(position):
        raise Invalid.field("cursor is not one a list of this API returned", ("query", "cursor"))
    return position
