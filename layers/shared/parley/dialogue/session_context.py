"""The session context a client sets (on a turn, or with ``POST …/context``): what it may hold and
how it grows. The platform's own keys are never taken from, nor returned to, the client; the
context a session keeps is limited to 2,000 characters serialised as JSON, the spec's rule, checked
on what the client sends and on what the session would hold."""

from __future__ import annotations

import json
from typing import Any

from parley.dialogue.deployment import language_of
from parley.dialogue.limits import MAX_CONTEXT_CHARS
from parley.errors import Invalid

# Keys the platform sets: never stored from, nor returned in, the client's context.
SYSTEM_KEYS = frozenset(
    {"userId", "conversationId", "deploymentKey", "channelKey", "languageCode", "environment"}
)


def require_language_suffix(channel_key: str) -> str:
    """The channel key's language (``web-en-US`` → ``en-US``); ``Invalid`` without one."""
    language = language_of(channel_key)
    if language is None:
        raise Invalid.field(
            f"The channel key {channel_key!r} must end with a language suffix such as -en-US.",
            ("path", "channelKey"),
        )
    return language


def client_context(context: dict[str, Any] | None) -> dict[str, Any]:
    """What the client may set of ``context``; ``Invalid`` when it is over the limit as sent."""
    if serialised_size(context or {}) > MAX_CONTEXT_CHARS:
        raise Invalid.field(
            f"context is limited to {MAX_CONTEXT_CHARS} characters serialised as JSON.", ("body", "context")
        )
    return visible(context or {})


def merged(stored: dict[str, Any], update: dict[str, Any]) -> dict[str, Any]:
    """The session's context with ``update`` applied; ``Invalid`` when it would outgrow the limit."""
    combined = {**stored, **update}
    if serialised_size(combined) > MAX_CONTEXT_CHARS:
        raise Invalid.field(
            f"The session's context would exceed {MAX_CONTEXT_CHARS} characters serialised as JSON.",
            ("body", "context"),
        )
    return combined


def visible(context: dict[str, Any]) -> dict[str, Any]:
    """The context without the platform's keys: what the client sees."""
    return {key: value for key, value in context.items() if key not in SYSTEM_KEYS}


def serialised_size(context: dict[str, Any]) -> int:
    return len(json.dumps(context, separators=(",", ":"), ensure_ascii=False))
