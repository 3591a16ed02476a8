"""The runs API that Converra's SDK (``converra`` 0.5.x) speaks: requests, and responses in its
``{data: …}`` envelope (camelCase on the wire), over the same conversations as the Conversations API
(``models``). What maps to what is ``runs``; the v1 insights of a run are ``parley.insights.v1``.

The SDK's routes besides runs (``/sdk/config``, agent match, active variant) are answered here too:
Parley runs no prompt experiments, so every agent's assignment is the baseline.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator
from pydantic.alias_generators import to_camel

from parley.canonical import JsonObject
from parley.conversations.entities import Conversation, ConversationPage, StoredConversation
from parley.conversations.limits import (
    DEFAULT_PAGE_SIZE,
    MAX_CURSOR_CHARS,
    MAX_LABEL_CHARS,
    MAX_LIST_OFFSET,
    MAX_MESSAGE_BYTES,
    MAX_PAGE_SIZE,
)
from parley.conversations.models import (
    AppendStatus,
    ConversationStatus,
    ListConversationsQuery,
    Message,
    Pagination,
)

TrafficType = Literal["user", "background", "eval", "batch"]


class RunApiModel(BaseModel):
    # As the Conversations API's models: built on first use (cold start), finite numbers only.
    model_config = ConfigDict(
        alias_generator=to_camel, populate_by_name=True, extra="ignore", defer_build=True, allow_inf_nan=False
    )

    def body(self) -> dict[str, Any]:
        """The JSON object a client receives (camelCase)."""
        return self.model_dump(mode="json", by_alias=True)


def _label(description: str) -> Any:
    return Field(None, min_length=1, max_length=MAX_LABEL_CHARS, description=description)


# --------------------------------------------------------------------------------------------
# Requests
# --------------------------------------------------------------------------------------------
class RunMessage(Message):
    """One turn of a run: a Conversations API message, except that an assistant turn may be empty
    (an LLM call answered with tool calls only, as ``wrap()`` captures it)."""

    @model_validator(mode="after")
    def _content_unless_tool(self) -> RunMessage:
        if self.role in ("user", "system") and not self.content.strip():
            raise ValueError(f"content must not be empty for a {self.role} message")
        return self


class CreateRunRequest(RunApiModel):
    """``POST /runs``: what ``Converra.send()`` and the SDK's capture of a wrapped LLM call send."""

    agent_name: str | None = _label("The agent's name: the conversation's promptId (when no agentId).")
    agent_id: str | None = _label("The agent's id: the conversation's promptId.")
    messages: list[RunMessage] | None = Field(None, description="The turns, in order (used over content).")
    content: str | None = Field(
        None, description="A transcript in either Conversations API format, used when there are no messages."
    )
    status: ConversationStatus = Field(
        "completed", description="completed (default), abandoned, in_progress or active."
    )
    metadata: JsonObject | None = Field(None, description="Free-form data kept with the run.")
    session_id: str | None = _label("Stored as metadata.sessionId: the run's session.")
    user_id: str | None = _label("Stored as metadata.userId (also the run's userId).")
    title: str | None = _label("The run's title (default: the first user turn's first line).")
    trace_id: str | None = _label("Stored as metadata.traceId.")
    parent_trace_id: str | None = _label("Stored as metadata.parentTraceId.")
    tool_definitions: list[JsonObject] | None = Field(None, description="Stored as metadata.toolDefinitions.")
    llm_model: str | None = Field(None, max_length=MAX_LABEL_CHARS, description="Model used.")
    idempotency_key: str | None = _label("Same key within 24 h returns the same run.")


class AppendRunRequest(RunApiModel):
    """``POST /runs/{id}/messages``: ``Converra.send(conversation_id=…)``."""

    messages: list[RunMessage] = Field(min_length=1, description="New turns to append. At least one.")
    status: AppendStatus = Field(
        "active", description='"active" (default, no change) or "completed" (triggers analysis).'
    )
    session_id: str | None = _label("Stored as metadata.sessionId (over one in `metadata`).")
    metadata: JsonObject | None = Field(None, description="Shallow-merged into the run's metadata.")
    tool_definitions: list[JsonObject] | None = Field(None, description="Stored as metadata.toolDefinitions.")


class ListRunsQuery(RunApiModel):
    agent_id: str | None = _label("Filter by agent (the conversations' promptId).")
    status: ConversationStatus | None = Field(None, description="Filter by status.")
    has_insights: bool | None = Field(None, description="Filter by whether insights exist.")
    limit: int = Field(DEFAULT_PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE, description="Max results (1-100).")
    offset: int = Field(
        0, ge=0, le=MAX_LIST_OFFSET, description="Pagination offset (at most 1000; deeper: `cursor`)."
    )
    cursor: str | None = Field(
        None,
        min_length=1,
        max_length=MAX_CURSOR_CHARS,
        description="Where the page starts: a `pagination.nextCursor` a list returned (instead of offset).",
    )

    @model_validator(mode="after")
    def _offset_or_cursor(self) -> ListRunsQuery:
        if self.cursor is not None and self.offset:
            raise ValueError("give either offset or cursor, not both")
        return self

    def conversations_query(self) -> ListConversationsQuery:
        """The same list on the Conversations API (agentId is promptId)."""
        return ListConversationsQuery.model_validate(
            {
                "prompt_id": self.agent_id,
                "status": self.status,
                "has_insights": self.has_insights,
                "limit": self.limit,
                "offset": self.offset,
                "cursor": self.cursor,
            }
        )


class MatchAgentRequest(RunApiModel):
    """``POST /sdk/agents/match``: a system prompt the SDK saw for the first time."""

    content: str = Field(max_length=MAX_MESSAGE_BYTES, description="The system prompt's text.")


class ActiveVariantQuery(RunApiModel):
    traffic_type: TrafficType = Field("user", description="user (default), background, eval or batch.")
    session_id: str | None = _label("The session the call serves.")


# --------------------------------------------------------------------------------------------
# Responses
# --------------------------------------------------------------------------------------------
def _session_of(conversation: Conversation) -> str | None:
    linked = conversation.metadata.get("sessionId")
    return linked if isinstance(linked, str) else None


class RunCreated(RunApiModel):
    id: str = Field(description="The run's id: its conversation's (`conv_` + 24 hex digits).")
    agent_id: str = Field(description="The conversation's promptId.")
    status: str
    title: str | None
    session_id: str | None = Field(description="metadata.sessionId, if any.")
    created_at: str


class CreateRunResponse(RunApiModel):
    data: RunCreated

    @classmethod
    def of(cls, conversation: Conversation) -> CreateRunResponse:
        return cls(
            data=RunCreated(
                id=conversation.id,
                agent_id=conversation.prompt_id,
                status=conversation.status,
                title=conversation.title,
                session_id=_session_of(conversation),
                created_at=conversation.created_at,
            )
        )


class Run(RunApiModel):
    id: str
    agent_id: str = Field(description="The conversation's promptId.")
    status: str
    title: str | None = Field(description="The title sent, else the first user turn's first line.")
    content: str = Field(description="The transcript rendered from every message.")
    messages: list[dict[str, Any]] = Field(description="Every message, in order.")
    message_count: int
    user_id: str | None = Field(description="metadata.userId, if any.")
    session_id: str | None = Field(description="metadata.sessionId, if any.")
    llm_model: str | None
    metadata: dict[str, Any]
    has_insights: bool
    outcome: str | None = Field(description="The latest outcome recorded for its session.")
    created_at: str
    updated_at: str
    completed_at: str | None


class RunResponse(RunApiModel):
    data: Run

    @classmethod
    def of(cls, stored: StoredConversation, *, partial: bool = False) -> RunResponse:
        """``partial``: ``messages`` holds only this append's (see ``ConversationResponse.of``)."""
        from parley.conversations.content import render_content

        conversation = stored.conversation
        return cls(
            data=Run(
                id=conversation.id,
                agent_id=conversation.prompt_id,
                status=conversation.status,
                title=conversation.title,
                content=render_content(stored.messages),
                messages=stored.messages,
                message_count=conversation.message_count if partial else len(stored.messages),
                user_id=conversation.user_id,
                session_id=_session_of(conversation),
                llm_model=conversation.llm_model,
                metadata=conversation.metadata,
                has_insights=conversation.has_insights,
                outcome=conversation.outcome,
                created_at=conversation.created_at,
                updated_at=conversation.updated_at,
                completed_at=conversation.completed_at,
            )
        )


class RunListItem(RunApiModel):
    id: str
    agent_id: str
    status: str
    has_insights: bool
    created_at: str


class ListRunsResponse(RunApiModel):
    data: list[RunListItem]
    pagination: Pagination

    def body(self) -> dict[str, Any]:
        return self.model_dump(mode="json", by_alias=True, exclude_none=True)

    @classmethod
    def of(cls, page: ConversationPage, query: ListRunsQuery) -> ListRunsResponse:
        return cls(
            data=[
                RunListItem(
                    id=item.id,
                    agent_id=item.prompt_id,
                    status=item.status,
                    has_insights=item.has_insights,
                    created_at=item.created_at,
                )
                for item in page.items
            ],
            pagination=Pagination(
                total=page.total, limit=query.limit, offset=query.offset, next_cursor=page.next_cursor
            ),
        )


class SdkConfig(RunApiModel):
    testing_mode: Literal["simulation"] = Field(
        description="simulation: the SDK never asks for a variant on live calls (Parley runs no experiments)."
    )
    capture_enabled: bool = Field(description="Always true: wrapped LLM calls are captured as runs.")
    active_optimizations: list[dict[str, Any]] = Field(description="Always empty.")
    agent_hashes: dict[str, str] = Field(
        description="Always empty: Parley keeps no agent registry; the SDK matches each prompt once."
    )


class SdkConfigResponse(RunApiModel):
    data: SdkConfig

    @classmethod
    def parley(cls) -> SdkConfigResponse:
        """Every tenant's configuration: capture on, no experiments, no agent registry."""
        return cls(
            data=SdkConfig(
                testing_mode="simulation", capture_enabled=True, active_optimizations=[], agent_hashes={}
            )
        )


class MatchedAgent(RunApiModel):
    agent_id: str = Field(description="`agent_` + the first 24 hex digits of contentHash.")
    prompt_id: str = Field(description="The same id (the SDK's legacy name for it).")
    name: str = Field(description="The same id: Parley keeps no agent names.")
    content_hash: str = Field(description="SHA-256 (hex) of the normalised prompt, as the SDK computes it.")
    matched: bool = Field(description="Always true: every prompt is an agent.")


class MatchAgentResponse(RunApiModel):
    data: MatchedAgent

    @classmethod
    def of(cls, agent_id: str, content_hash: str) -> MatchAgentResponse:
        return cls(
            data=MatchedAgent(
                agent_id=agent_id, prompt_id=agent_id, name=agent_id, content_hash=content_hash, matched=True
            )
        )


class Assignment(RunApiModel):
    has_active_variant: bool = Field(description="Always false.")
    assignment: Literal["baseline"] = Field(description="Always baseline.")
    in_test: bool = Field(description="Always false.")


class ActiveVariantResponse(RunApiModel):
    data: Assignment

    @classmethod
    def baseline(cls) -> ActiveVariantResponse:
        """Parley runs no prompt experiments: every call of every agent is the baseline."""
        return cls(data=Assignment(has_active_variant=False, assignment="baseline", in_test=False))
