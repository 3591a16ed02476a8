"""The NBQ API's contract (specs/nbq-*.md): request models (pydantic) and response bodies.

Responses are dataclasses with one serialiser (``body``): the next-questions hot path does not pay
for building and serialising a pydantic model it only writes once.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from parley.canonical import JsonObject
from parley.nbq.limits import (
    ANSWERED_ID_MAX_CHARS,
    ANSWERED_IDS_MAX,
    CONTEXT_MAX_CHARS,
    CONVERSION_METADATA_MAX_BYTES,
    HISTORY_MAX_MESSAGES,
    HISTORY_MESSAGE_MAX_CHARS,
    SESSION_ID_MAX_CHARS,
)

if TYPE_CHECKING:
    from parley.nbq.service import NextQuestionResult


class _Request(BaseModel):
    # Built on first use, not at import: a function validates one of these, and imports all.
    # No NaN or Infinity in any number (JSON has none; parley.canonical).
    model_config = ConfigDict(defer_build=True, allow_inf_nan=False)


class HistoryMessage(_Request):
    role: Literal["user", "assistant"] = Field(
        description="`user` for the end user, `assistant` for your application"
    )
    content: str = Field(
        min_length=1, max_length=HISTORY_MESSAGE_MAX_CHARS, description="The text of the message"
    )


class NextQuestionRequest(_Request):
    session_id: str = Field(
        min_length=1, max_length=SESSION_ID_MAX_CHARS, description="A stable identifier for the conversation."
    )
    conversation_history: list[HistoryMessage] | None = Field(
        default=None,
        max_length=HISTORY_MAX_MESSAGES,
        description="The conversation so far; the last message must be the user's.",
    )
    context: str | None = Field(
        default=None, max_length=CONTEXT_MAX_CHARS, description="A free-text summary of the conversation."
    )
    answered_question_ids: list[str] = Field(
        default_factory=list,
        max_length=ANSWERED_IDS_MAX,
        description="external_id values of questions already answered.",
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
        if any(not 1 <= len(qid) <= ANSWERED_ID_MAX_CHARS for qid in ids):
            raise ValueError(f"each answered question id must be 1 to {ANSWERED_ID_MAX_CHARS} characters")
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
    metadata: JsonObject | None = Field(
        default=None, description="Free-form details for your own use; at most 4096 bytes serialised."
    )

    @field_validator("metadata")
    @classmethod
    def _metadata_fits(cls, metadata: dict[str, Any] | None) -> dict[str, Any] | None:
        if metadata is not None:
            size = len(json.dumps(metadata, separators=(",", ":"), ensure_ascii=False).encode())
            if size > CONVERSION_METADATA_MAX_BYTES:
                raise ValueError(
                    f"metadata is {size} bytes serialised; the maximum is {CONVERSION_METADATA_MAX_BYTES}"
                )
        return metadata


@dataclass(frozen=True, slots=True)
class NextQuestionResponse:
    """``POST /v1/next-questions``: the question to ask, or ``exhausted``."""

    external_id: str | None
    text: str | None
    nbq_version: str

    @classmethod
    def of(cls, result: NextQuestionResult) -> NextQuestionResponse:
        question = result.question
        if question is None:
            return cls(None, None, result.nbq_version)
        return cls(question.external_id, question.text, result.nbq_version)

    def body(self) -> dict[str, Any]:
        question = (
            {"external_id": self.external_id, "text": self.text} if self.external_id is not None else None
        )
        return {"next_question": question, "exhausted": question is None, "nbq_version": self.nbq_version}


@dataclass(frozen=True, slots=True)
class ConversionResponse:
    """``POST /v1/sessions/{session_id}/conversion``: the id the conversion was recorded under."""

    conversion_id: str

    def body(self) -> dict[str, Any]:
        return {"conversion_id": self.conversion_id}
