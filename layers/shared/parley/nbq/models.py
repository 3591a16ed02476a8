"""The NBQ API's request models (the contract of ../shared/specs/nbq-*.md).

Responses are plain dicts built in the handlers: the hot path does not pay for serialising a
model it only writes once.
"""

from __future__ import annotations

import json
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

METADATA_MAX_BYTES = 4096


class _Request(BaseModel):
    # Built on first use, not at import: a function validates one of these, and imports all.
    model_config = ConfigDict(defer_build=True)


class HistoryMessage(_Request):
    role: Literal["user", "assistant"] = Field(
        description="`user` for the end user, `assistant` for your application"
    )
    content: str = Field(min_length=1, max_length=2000, description="The text of the message")


class NextQuestionRequest(_Request):
    session_id: str = Field(
        min_length=1, max_length=128, description="A stable identifier for the conversation."
    )
    conversation_history: list[HistoryMessage] | None = Field(
        default=None,
        max_length=50,
        description="The conversation so far; the last message must be the user's.",
    )
    context: str | None = Field(
        default=None, max_length=8000, description="A free-text summary of the conversation."
    )
    answered_question_ids: list[str] = Field(
        default_factory=list, max_length=200, description="external_id values of questions already answered."
    )

    @field_validator("conversation_history")
    @classmethod
    def _last_message_is_the_users(cls, history: list[HistoryMessage] | None) -> list[HistoryMessage] | None:
        if history and history[-1].role != "user":
            raise ValueError(
                'invalid_request: the last message of conversation_history must have role "user"'
            )
        return history

    @field_validator("answered_question_ids")
    @classmethod
    def _ids_are_sane(cls, ids: list[str]) -> list[str]:
        if any(not 1 <= len(qid) <= 256 for qid in ids):
            raise ValueError("each answered question id must be 1 to 256 characters")
        return ids

    @model_validator(mode="after")
    def _history_or_context(self) -> NextQuestionRequest:
        if not self.conversation_history and not self.context:
            raise ValueError("invalid_request: provide conversation_history or context")
        return self


class ConversionRequest(_Request):
    outcome: Literal["purchase", "lead", "abandon", "other"] = Field(
        description="The outcome of the conversation."
    )
    metadata: dict[str, Any] | None = Field(
        default=None, description="Free-form details for your own use; at most 4096 bytes serialised."
    )

    @field_validator("metadata")
    @classmethod
    def _metadata_fits(cls, metadata: dict[str, Any] | None) -> dict[str, Any] | None:
        if metadata is not None:
            size = len(json.dumps(metadata, separators=(",", ":"), ensure_ascii=False).encode())
            if size > METADATA_MAX_BYTES:
                raise ValueError(f"metadata is {size} bytes serialised; the maximum is {METADATA_MAX_BYTES}")
        return metadata
