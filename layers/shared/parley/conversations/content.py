"""The two content formats of the Conversations API, and the transcript text rebuilt from messages.

``content`` arrives either as a JSON string ``{"messages": [...], "metadata": {...}}`` or as plain
text with role labels (``User:``/``Assistant:``, ``Human:``/``AI:``, ``Customer:``/``Agent:``; a
message runs until the next labelled line, so it may span several lines). Both become the same
list of messages. The ``content`` a client reads back is always rendered from the messages with
the canonical labels (``User``, ``Assistant``, ``System``, ``Tool``): after an append it is the
one transcript of every turn, and a text transcript written with those labels reads back byte for
byte.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from parley.canonical import loads

# Labels a text transcript may use, and the role each one means. ``System`` and ``Tool`` are
# accepted too, so a rendered transcript parses back into the same roles.
_LABEL_ROLES = {
    "user": "user",
    "human": "user",
    "customer": "user",
    "assistant": "assistant",
    "ai": "assistant",
    "agent": "assistant",
    "system": "system",
    "tool": "tool",
}
_ROLE_LABELS = {"user": "User", "assistant": "Assistant", "system": "System", "tool": "Tool"}
_LABEL_LINE = re.compile(r"^(" + "|".join(_LABEL_ROLES) + r")[ \t]*:[ \t]?(.*)$", re.IGNORECASE)
SEPARATOR = "\n"


class ContentFormatError(ValueError):
    """``content`` is neither structured JSON with ``messages`` nor text with role labels."""


@dataclass(frozen=True, slots=True)
class ParsedContent:
    messages: list[dict[str, Any]]
    metadata: dict[str, Any] | None
    structured: bool


def parse_content(content: str) -> ParsedContent:
    """Messages (as JSON-shaped dicts, not yet validated) and the metadata of either format."""
    stripped = content.strip()
    if stripped.startswith("{"):
        structured = _structured(stripped)
        if structured is not None:
            return structured
    return ParsedContent(messages=_labelled(content), metadata=None, structured=False)


def _structured(text: str) -> ParsedContent | None:
    """The content as structured JSON; None when it is not JSON at all (then it is text). JSON that
    breaks Parley's rule (too deep, lone surrogates, NaN) is refused, not read as text."""
    try:
        data = loads(text, ("body", "content"))
    except ValueError:
        return None
    if not isinstance(data, dict) or "messages" not in data:
        return None
    messages, metadata = data["messages"], data.get("metadata")
    if not isinstance(messages, list) or not all(isinstance(m, dict) for m in messages):
        raise ContentFormatError("content.messages must be an array of message objects")
    if metadata is not None and not isinstance(metadata, dict):
        raise ContentFormatError("content.metadata must be an object")
    return ParsedContent(messages=messages, metadata=metadata, structured=True)


def _labelled(text: str) -> list[dict[str, Any]]:
    messages: list[dict[str, Any]] = []
    lines: list[str] = []
    role: str | None = None
    for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        match = _LABEL_LINE.match(line)
        if match:
            if role is not None:
                messages.append({"role": role, "content": SEPARATOR.join(lines).strip()})
            role, lines = _LABEL_ROLES[match.group(1).lower()], [match.group(2)]
        elif role is not None:
            lines.append(line)
        elif line.strip():
            raise ContentFormatError(
                "content must be a JSON object with `messages` or text whose first line starts "
                "with a role label (User:, Assistant:, Human:, AI:, Customer:, Agent:)"
            )
    if role is None:
        raise ContentFormatError("content holds no message")
    messages.append({"role": role, "content": SEPARATOR.join(lines).strip()})
    return messages


def render_line(message: Mapping[str, Any]) -> str:
    return f"{_ROLE_LABELS[message['role']]}: {message.get('content', '')}"


def render_content(messages: Iterable[Mapping[str, Any]]) -> str:
    return SEPARATOR.join(render_line(message) for message in messages)


def rendered_size(messages: Iterable[Mapping[str, Any]], existing_count: int = 0) -> int:
    """UTF-8 bytes these messages add to the rendered transcript of ``existing_count`` messages."""
    size = 0
    for position, message in enumerate(messages, start=existing_count):
        size += len(render_line(message).encode()) + (len(SEPARATOR) if position else 0)
    return size
