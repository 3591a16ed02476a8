"""The Conversations API contract (``*Request`` / ``*Response``, camelCase on the wire) and the
insights the worker computes. The domain's entities are in ``entities``, its limits in ``limits``;
no DynamoDB shape ever leaves the repository.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import AliasChoices, BaseModel, ConfigDict, Field, field_validator, model_validator
from pydantic.alias_generators import to_camel

from parley.canonical import JsonObject, check
from parley.conversations.entities import Conversation, ConversationPage, StoredConversation
from parley.conversations.limits import (
    DEFAULT_PAGE_SIZE,
    MAX_CURSOR_CHARS,
    MAX_LABEL_CHARS,
    MAX_LIST_OFFSET,
    MAX_PAGE_SIZE,
)
from parley.errors import Invalid

ConversationStatus = Literal["completed", "abandoned", "in_progress", "active"]
AppendStatus = Literal["active", "completed"]
Role = Literal["user", "assistant", "system", "tool"]


class _ApiModel(BaseModel):
    # defer_build: a model's validator and serializer are built on its first use, not at import —
    # each function uses a few of these models, and building all of them cost ~40 ms of cold start.
    # No NaN or Infinity in any number (JSON has none; parley.canonical).
    model_config = ConfigDict(
        alias_generator=to_camel, populate_by_name=True, extra="ignore", defer_build=True, allow_inf_nan=False
    )

    def body(self) -> dict[str, Any]:
        """The JSON object a client receives (camelCase)."""
        return self.model_dump(mode="json", by_alias=True)


# --------------------------------------------------------------------------------------------
# Requests
# --------------------------------------------------------------------------------------------
class TokenUsage(_ApiModel):
    model_config = ConfigDict(
        alias_generator=to_camel, populate_by_name=True, extra="allow", defer_build=True, allow_inf_nan=False
    )

    prompt_tokens: int | None = Field(None, ge=0, description="Tokens in the prompt.")
    completion_tokens: int | None = Field(None, ge=0, description="Tokens in the completion.")

    @model_validator(mode="after")
    def _extras_are_canonical(self) -> TokenUsage:
        # Any other member a client sends is kept: it must obey the JSON rule too.
        try:
            check(self.model_extra or {}, (), depth=1)
        except Invalid as invalid:
            raise ValueError(invalid.detail) from None
        return self


class Message(_ApiModel):
    """One turn. Every optional field is stored and returned as sent."""

    model_config = ConfigDict(
        alias_generator=to_camel, populate_by_name=True, extra="ignore", defer_build=True
    )

    role: Role = Field(description="user, assistant, system or tool.")
    content: str = Field("", description="The text; may be empty only for tool messages.")
    timestamp: str | None = Field(None, description="ISO 8601 time of the turn.")
    model: str | None = Field(None, max_length=MAX_LABEL_CHARS, description="Model that produced this turn.")
    tokens: int | None = Field(None, ge=0, description="Token count of this turn.")
    tool_calls: list[JsonObject] | None = Field(None, description="Tool/function calls of this turn.")
    usage: TokenUsage | None = Field(None, description="Token usage of this turn.")
    latency_ms: int | float | None = Field(None, ge=0, description="Latency of this turn in ms.")
    metadata: JsonObject | None = Field(None, description="Free-form data kept with the turn.")

    @field_validator("timestamp")
    @classmethod
    def _iso_8601(cls, value: str | None) -> str | None:
        if value is not None:
            try:
                datetime.fromisoformat(value)
            except ValueError:
                raise ValueError("timestamp must be an ISO 8601 date-time") from None
        return value

    @model_validator(mode="after")
    def _content_unless_tool(self) -> Message:
        if self.role != "tool" and not self.content.strip():
            raise ValueError(f"content must not be empty for a {self.role} message")
        return self

    def stored(self) -> dict[str, Any]:
        """The message as it is stored and returned (camelCase, absent fields left out)."""
        return self.model_dump(mode="json", by_alias=True, exclude_none=True)


class CreateConversationRequest(_ApiModel):
    prompt_id: str = Field(min_length=1, max_length=MAX_LABEL_CHARS, description="Associated prompt ID.")
    content: str = Field(description="Transcript: JSON with `messages`, or text with role labels.")
    status: ConversationStatus = Field(
        "completed", description="completed (default), abandoned, in_progress or active."
    )
    llm_model: str | None = Field(None, max_length=MAX_LABEL_CHARS, description="Model used.")
    company_name: str | None = Field(None, max_length=MAX_LABEL_CHARS, description="Customer company name.")
    idempotency_key: str | None = Field(
        None,
        min_length=1,
        max_length=MAX_LABEL_CHARS,
        description="Same key within 24 h returns the same conversation.",
    )


class AppendMessagesRequest(_ApiModel):
    messages: list[Message] = Field(min_length=1, description="New turns to append. At least one.")
    status: AppendStatus = Field(
        "active", description='"active" (default, no change) or "completed" (triggers analysis).'
    )
    metadata: JsonObject | None = Field(None, description="Shallow-merged into the conversation's metadata.")
    session_id: str | None = Field(
        None,
        min_length=1,
        max_length=MAX_LABEL_CHARS,
        description="Stored as metadata.sessionId (over one in `metadata`): the conversation's session.",
    )


class ListConversationsQuery(_ApiModel):
    prompt_id: str | None = Field(
        None, min_length=1, max_length=MAX_LABEL_CHARS, description="Filter by prompt."
    )
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
    def _offset_or_cursor(self) -> ListConversationsQuery:
        if self.cursor is not None and self.offset:
            raise ValueError("give either offset or cursor, not both")
        return self


class GetConversationQuery(_ApiModel):
    include_insights: bool = Field(True, description="Include insights (default true).")


class Insights(_ApiModel):
    """What the insights worker computes for a completed conversation."""

    sentiment: str = Field(description="positive, neutral, negative or mixed.")
    sentiment_score: float | None = Field(None, description="-1 … 1.")
    task_completed: bool | None = Field(None, description="Whether the user's task was done.")
    topics: list[str] = Field(default_factory=list, description="Topics discussed.")
    summary: str = Field("", description="A short summary.")
    issues: list[Any] = Field(default_factory=list, description="Problems found in the conversation.")
    created_at: str = Field(description="When the analysis was made (ISO 8601).")


# --------------------------------------------------------------------------------------------
# Responses
# --------------------------------------------------------------------------------------------
class Link(_ApiModel):
    href: str
    method: str
    hint: str


class ConversationLinks(_ApiModel):
    append_messages: Link


def links_of(conversation_id: str) -> ConversationLinks:
    return ConversationLinks(
        append_messages=Link(
            href=f"/api/v1/conversations/{conversation_id}/messages",
            method="POST",
            hint=(
                "Append turns to this conversation. Send status: 'completed' on the final call "
                "to trigger analysis."
            ),
        )
    )


class CreateConversationResponse(_ApiModel):
    id: str = Field(description="Conversation ID.")
    prompt_id: str
    status: str
    created_at: str
    links: ConversationLinks = Field(
        validation_alias=AliasChoices("links", "_links"), serialization_alias="_links"
    )

    @classmethod
    def of(cls, conversation: Conversation) -> CreateConversationResponse:
        return cls(
            id=conversation.id,
            prompt_id=conversation.prompt_id,
            status=conversation.status,
            created_at=conversation.created_at,
            links=links_of(conversation.id),
        )


class ConversationResponse(_ApiModel):
    id: str
    prompt_id: str
    user_id: str | None = Field(None, description="metadata.userId of the conversation, if any.")
    title: str | None = Field(None, description="The first user turn, shortened.")
    content: str = Field(description="The transcript rendered from every message.")
    messages: list[dict[str, Any]] = Field(description="Every message, in order.")
    message_count: int
    status: str
    llm_model: str | None = None
    company_name: str | None = None
    metadata: dict[str, Any]
    has_insights: bool
    insights: Insights | None = None
    created_at: str
    updated_at: str
    completed_at: str | None = None
    outcome: str | None = Field(None, description="The latest outcome recorded for its session.")
    # Whether ``insights`` is part of the answer (``includeInsights``); never serialised itself.
    include_insights: bool = Field(True, exclude=True)

    @classmethod
    def of(
        cls, stored: StoredConversation, *, include_insights: bool = True, partial: bool = False
    ) -> ConversationResponse:
        """``partial``: ``messages`` holds only some of them (an append that could not read the rest
        back); ``messageCount`` is still the conversation's."""
        from parley.conversations.content import render_content

        conversation = stored.conversation
        return cls(
            id=conversation.id,
            prompt_id=conversation.prompt_id,
            user_id=conversation.user_id,
            title=conversation.title,
            content=render_content(stored.messages),
            messages=stored.messages,
            message_count=conversation.message_count if partial else len(stored.messages),
            status=conversation.status,
            llm_model=conversation.llm_model,
            company_name=conversation.company_name,
            metadata=conversation.metadata,
            has_insights=conversation.has_insights,
            insights=stored.insights,
            created_at=conversation.created_at,
            updated_at=conversation.updated_at,
            completed_at=conversation.completed_at,
            outcome=conversation.outcome,
            include_insights=include_insights,
        )

    def body(self) -> dict[str, Any]:
        exclude = None if self.include_insights else {"insights"}
        return self.model_dump(mode="json", by_alias=True, exclude=exclude)


class ConversationListItem(_ApiModel):
    id: str
    prompt_id: str
    status: str
    has_insights: bool
    created_at: str


class Pagination(_ApiModel):
    total: int = Field(description="Conversations matching the filters, exactly.")
    limit: int
    offset: int
    next_cursor: str | None = Field(
        None, description="Pass as `cursor` for the next page; absent on the last."
    )


class ListConversationsResponse(_ApiModel):
    data: list[ConversationListItem]
    pagination: Pagination

    def body(self) -> dict[str, Any]:
        return self.model_dump(mode="json", by_alias=True, exclude_none=True)

    @classmethod
    def of(cls, page: ConversationPage, query: ListConversationsQuery) -> ListConversationsResponse:
        return cls(
            data=[
                ConversationListItem.model_validate(summary, from_attributes=True) for summary in page.items
            ],
            pagination=Pagination(
                total=page.total, limit=query.limit, offset=query.offset, next_cursor=page.next_cursor
            ),
        )


class InsightsResponse(Insights):
    conversation_id: str

    @classmethod
    def of(cls, conversation_id: str, insights: Insights) -> InsightsResponse:
        return cls(conversation_id=conversation_id, **insights.model_dump())

    def body(self) -> dict[str, Any]:
        data = self.model_dump(mode="json", by_alias=True)
        # The spec lists conversationId first.
        return {"conversationId": data.pop("conversationId"), **data}
