"""Converra's runs over Parley's conversations: a run is a conversation — the same record, the same
id (``conv_…``) on ``/api/v1/runs`` and ``/api/v1/conversations`` — and everything the
Conversations API guarantees (limits, atomic and retry-safe appends, one completion, insights,
outcomes) holds for it.

The mapping (docs/api/runs.md):

- the agent is the prompt: ``agentId`` is the conversation's ``promptId``; without one ``agentName``
  is; with neither, the agent of the run's system prompt (its first message, when that is a system
  message: the id ``/sdk/agents/match`` gives it, so a capture whose match timed out in the SDK
  still lands under its agent), else ``unassigned``. When both are sent, ``agentName`` is kept as
  ``metadata.agentName``;
- ``messages`` are stored as sent (``content``, the SDK's own rendering of them, is read only when
  there are none), and the transcript rendered from them obeys the content limit;
- the top-level ``sessionId``, ``userId``, ``traceId``, ``parentTraceId`` and ``toolDefinitions``
  are stored under those names in ``metadata`` (over the same keys of ``metadata``);
- an agent the SDK matches by its system prompt gets the id ``agent_`` + the first 24 hex digits
  of the SHA-256 of the prompt normalised as the SDK does, so the same prompt is the same agent for
  every process and every tenant, with no registry.

No HTTP here (``functions/*_run*`` and ``functions/*sdk*`` are the edges).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from parley.conversations.entities import (
    Appended,
    Conversation,
    ConversationPage,
    NewConversation,
    StoredConversation,
)
from parley.conversations.service import ConversationService, messages_of_content
from parley.errors import FieldError, Invalid

if TYPE_CHECKING:
    from parley.conversations.models import Message
    from parley.conversations.run_models import AppendRunRequest, CreateRunRequest, ListRunsQuery

UNASSIGNED_AGENT = "unassigned"
AGENT_ID_PREFIX = "agent_"
AGENT_ID_HEX_DIGITS = 24
# Top-level fields of a run stored in its metadata, under the same names.
_METADATA_FIELDS = ("session_id", "user_id", "trace_id", "parent_trace_id", "tool_definitions")
_WHITESPACE = re.compile(r"\s+")


def agent_of(agent_id: str | None, agent_name: str | None, messages: Sequence[Message] = ()) -> str:
    """The conversation's ``promptId`` for a run of this agent and these messages."""
    if agent_id:
        return agent_id
    if agent_name:
        return agent_name
    if messages and messages[0].role == "system" and messages[0].content.strip():
        return agent_id_for(prompt_hash(messages[0].content))
    return UNASSIGNED_AGENT


def normalized_prompt(content: str) -> str:
    """A system prompt as the SDK hashes it (``converra._hasher``): trimmed, each run of whitespace
    one space."""
    return _WHITESPACE.sub(" ", content.strip())


def prompt_hash(content: str) -> str:
    return hashlib.sha256(normalized_prompt(content).encode()).hexdigest()


def agent_id_for(content_hash: str) -> str:
    return AGENT_ID_PREFIX + content_hash[:AGENT_ID_HEX_DIGITS]


def _top_level_metadata(request: CreateRunRequest | AppendRunRequest) -> dict[str, Any]:
    """The fields of ``_METADATA_FIELDS`` that were sent, under their wire names."""
    values = request.model_dump(mode="json", by_alias=True, include=set(_METADATA_FIELDS))
    return {key: value for key, value in values.items() if value is not None}


class RunService:
    """The runs API's rules, delegating storage and every Conversations rule to the service."""

    def __init__(self, conversations: ConversationService) -> None:
        self._conversations = conversations

    def create(self, tenant_id: str, request: CreateRunRequest) -> tuple[Conversation, bool]:
        """A new run (or the one its ``idempotencyKey`` created in the last 24 h) and whether this
        call created it."""
        content_metadata: dict[str, Any] = {}
        messages: list[Message]
        if request.messages:
            messages = list(request.messages)
        elif request.content is not None and request.content.strip():
            messages, content_metadata = messages_of_content(request.content)
        else:
            raise Invalid(
                "Invalid request body",
                [FieldError(("body", "messages"), "A run needs messages (or content)", "missing")],
            )
        metadata = {**content_metadata, **(request.metadata or {}), **_top_level_metadata(request)}
        if request.agent_id and request.agent_name:
            metadata["agentName"] = request.agent_name
        new = NewConversation(
            prompt_id=agent_of(request.agent_id, request.agent_name, messages),
            status=request.status,
            messages=messages,
            metadata=metadata,
            llm_model=request.llm_model,
            idempotency_key=request.idempotency_key,
            title=request.title,
        )
        return self._conversations.create_new(tenant_id, new, limit_transcript=True)

    def append(
        self, tenant_id: str, run_id: str, request: AppendRunRequest, *, idempotency_key: str | None = None
    ) -> Appended:
        """The Conversations API's append (atomic, one completion, retry-safe with a key)."""
        from parley.conversations.models import AppendMessagesRequest

        metadata = {**(request.metadata or {}), **_top_level_metadata(request)}
        appended = AppendMessagesRequest.model_validate(
            {
                "messages": list(request.messages),
                "status": request.status,
                "metadata": metadata or None,
                "session_id": request.session_id,
            }
        )
        return self._conversations.append(tenant_id, run_id, appended, idempotency_key=idempotency_key)

    def get(self, tenant_id: str, run_id: str, *, messages: bool = True) -> StoredConversation:
        return self._conversations.get(tenant_id, run_id, messages=messages)

    def page(self, tenant_id: str, query: ListRunsQuery) -> ConversationPage:
        return self._conversations.page(tenant_id, query.conversations_query())
