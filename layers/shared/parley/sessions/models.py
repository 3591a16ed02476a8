"""Zelinqa API V1 session bodies, as the contract and its SDK (``zelinqa`` 1.0.1, whose own
models are the executable form of the contract) define them. Requests are strict (unknown fields
are refused, as ``additionalProperties: false`` says); responses carry every required field."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from parley.sessions.limits import (
    MAX_CANDIDATES,
    MAX_CHOICE_IDS,
    MAX_EXCLUDED_QUESTIONS,
    MAX_FREE_TEXT_CHARS,
    MAX_ID_CHARS,
    MAX_MESSAGES,
    MAX_METADATA_BYTES,
    MAX_METADATA_ENTRIES,
    MAX_METADATA_STRING_CHARS,
    MAX_SUMMARY_CHARS,
    MAX_TEXT_CHARS,
    MAX_TURNS,
    MAX_UPDATES,
)

Id = Annotated[str, Field(min_length=1, max_length=MAX_ID_CHARS)]
Text = Annotated[str, Field(min_length=1, max_length=MAX_TEXT_CHARS)]
Role = Literal["user", "assistant"]
QuestionType = Literal["open", "single_choice", "multiple_choice", "semi_open"]
QuestionOutcome = Literal["asked_answered", "asked_no_answer", "refused"]
Scalar = bool | int | float | str
DataValue = Scalar | list[Scalar]
MetadataValue = Annotated[str, Field(max_length=MAX_METADATA_STRING_CHARS)] | bool | int | float | None


class _Request(BaseModel):
    # Built on first use, not at import (cold start).
    model_config = ConfigDict(extra="forbid", defer_build=True, allow_inf_nan=False)


class StructuredAnswer(_Request):
    choice_ids: list[Id] = Field(min_length=1, max_length=MAX_CHOICE_IDS)
    free_text: str | None = Field(None, min_length=1, max_length=MAX_FREE_TEXT_CHARS)

    @model_validator(mode="after")
    def _unique(self) -> StructuredAnswer:
        if len(set(self.choice_ids)) != len(self.choice_ids):
            raise ValueError("choice_ids must be unique")
        return self


class _Message(_Request):
    role: Role
    message_id: Id | None = None
    question_id: Id | None = None
    text: Text | None = None
    structured_answer: StructuredAnswer | None = None
    occurred_at: datetime | None = None

    @model_validator(mode="after")
    def _text_or_answer(self) -> _Message:
        if self.text is None and self.structured_answer is None:
            raise ValueError("provide text or structured_answer")
        return self


class InitialHistoryItem(_Message):
    pass


class ConversationMessage(_Message):
    pass


class SessionCreateRequest(_Request):
    client_reference: Id | None = None
    max_turns: int | None = Field(None, ge=1, le=MAX_TURNS)
    initial_history: list[InitialHistoryItem] | None = Field(None, max_length=MAX_MESSAGES)


class PreviousTurn(_Request):
    decision_id: Id | None = None
    question_id: Id | None = None
    outcome: QuestionOutcome | None = None
    assistant_text: Text | None = None
    user_text: Text | None = None
    structured_answer: StructuredAnswer | None = None
    message_id: Id | None = None

    @model_validator(mode="after")
    def _not_empty(self) -> PreviousTurn:
        if not self.model_dump(exclude_none=True):
            raise ValueError("previous_turn must carry at least one field")
        return self


class ConversationSummary(_Request):
    mode: Literal["summary"]
    text: str = Field(min_length=1, max_length=MAX_SUMMARY_CHARS)


class ConversationMessageDelta(_Request):
    mode: Literal["messages"]
    messages: list[ConversationMessage] = Field(min_length=1, max_length=MAX_MESSAGES)


ContextUpdate = Annotated[ConversationSummary | ConversationMessageDelta, Field(discriminator="mode")]


class SetDataUpdate(_Request):
    id: Id
    operation: Literal["set"] = "set"
    value: DataValue


class UnsetDataUpdate(_Request):
    id: Id
    operation: Literal["unset"]


class NotApplicableDataUpdate(_Request):
    id: Id
    operation: Literal["not_applicable"]


DataUpdate = SetDataUpdate | UnsetDataUpdate | NotApplicableDataUpdate


class SetDimensionOverride(_Request):
    id: Id
    operation: Literal["set"]
    status: Literal["achieved", "not_achieved"]


class ExcludeDimensionOverride(_Request):
    id: Id
    operation: Literal["exclude"]


class ClearDimensionOverride(_Request):
    id: Id
    operation: Literal["clear"]


DimensionUpdate = Annotated[
    SetDimensionOverride | ExcludeDimensionOverride | ClearDimensionOverride, Field(discriminator="operation")
]


class SetObjectiveOverride(_Request):
    operation: Literal["set"]
    status: Literal["achieved", "not_achieved"]


class ClearObjectiveOverride(_Request):
    operation: Literal["clear"]


ObjectiveUpdate = Annotated[SetObjectiveOverride | ClearObjectiveOverride, Field(discriminator="operation")]


class ClientUpdates(_Request):
    data: list[DataUpdate] | None = Field(None, max_length=MAX_UPDATES)
    dimensions: list[DimensionUpdate] | None = Field(None, max_length=MAX_UPDATES)
    objective: ObjectiveUpdate | None = None

    @model_validator(mode="after")
    def _not_empty(self) -> ClientUpdates:
        if self.data is None and self.dimensions is None and self.objective is None:
            raise ValueError("client_updates must carry at least one field")
        return self


class DimensionSelection(_Request):
    ids: list[Id] = Field(min_length=1, max_length=MAX_UPDATES)
    mode: Literal["restrict", "prefer"]


class SelectionOptions(_Request):
    candidate_count: int | None = Field(None, ge=1, le=MAX_CANDIDATES)
    dimensions: DimensionSelection | None = None
    allowed_question_types: list[QuestionType] | None = Field(None, min_length=1)
    required_target_ids: list[Id] | None = Field(None, min_length=1, max_length=MAX_UPDATES)
    excluded_question_ids: list[Id] | None = Field(None, max_length=MAX_EXCLUDED_QUESTIONS)


class NextRequest(_Request):
    state_version: int = Field(ge=0)
    previous_turn: PreviousTurn | None = None
    context_update: ContextUpdate | None = None
    client_updates: ClientUpdates | None = None
    selection: SelectionOptions | None = None


class SessionEventsRequest(_Request):
    state_version: int = Field(ge=0)
    context_update: ContextUpdate | None = None
    client_updates: ClientUpdates | None = None

    @model_validator(mode="after")
    def _something(self) -> SessionEventsRequest:
        if self.context_update is None and self.client_updates is None:
            raise ValueError("provide context_update or client_updates")
        return self


class FeedbackRequest(_Request):
    result: Literal["success", "partial", "failure"]
    label: Id | None = None
    metadata: dict[str, MetadataValue] | None = Field(None, max_length=MAX_METADATA_ENTRIES)

    @model_validator(mode="after")
    def _small_metadata(self) -> FeedbackRequest:
        if self.metadata is not None:
            size = len(json.dumps(self.metadata, separators=(",", ":"), ensure_ascii=False).encode())
            if size > MAX_METADATA_BYTES:
                raise ValueError(f"metadata is limited to {MAX_METADATA_BYTES} bytes serialised")
        return self


# ------------------------------------------------------------------------------------------------
# Responses (``request_id`` is added by ``parley.http.responses.json_response``)
# ------------------------------------------------------------------------------------------------
class _Response(BaseModel):
    model_config = ConfigDict(defer_build=True)

    def body(self) -> dict[str, Any]:
        return self.model_dump(mode="json")


class CandidateChoice(_Response):
    choice_id: str
    label: str


class Candidate(_Response):
    rank: int
    question_id: str
    text: str
    type: QuestionType
    choices: list[CandidateChoice]
    target_ids: list[str]
    # Present for a semi_open question only (absent, not null, otherwise).
    selection_mode: Literal["single", "multiple"] | None = Field(None, exclude_if=lambda value: value is None)


class VersionInfo(_Response):
    state_version: int
    engine_version: str
    api_version: str


class OverrideView(_Response):
    status: str
    updated_at: str | None = None


class ObjectiveProgress(_Response):
    computed_status: str
    progress: float
    client_override: OverrideView | None
    effective_status: str


class DimensionProgress(_Response):
    id: str
    order_position: int
    completion_role: str
    computed_status: str
    progress: float
    client_override: OverrideView | None
    effective_status: str


class ProgressView(_Response):
    objective: ObjectiveProgress
    dimensions: list[DimensionProgress]


class QuestionOutcomeRecord(_Response):
    question_id: str
    decision_id: str | None
    outcome: QuestionOutcome
    source: Literal["client", "inferred"]
    message_id: str | None = None
    occurred_at: str | None = None


class PublicQuestionState(_Response):
    outcomes: list[QuestionOutcomeRecord]


class PublicTargetState(_Response):
    kind: Literal["data", "exploration"]
    status: str | None = None
    value: Any = None
    coverage: float


class PendingDecisionView(_Response):
    decision_id: str
    candidates: list[Candidate]


class SessionStateResponse(_Response):
    session_id: str
    client_reference: str | None
    status: str
    turn_count: int
    max_turns: int
    turns_remaining: int
    question_state: PublicQuestionState
    targets: dict[str, PublicTargetState]
    progress: ProgressView
    pending_decision: PendingDecisionView | None
    degraded: bool
    versions: VersionInfo


class NextResponse(_Response):
    session_id: str
    decision_id: str | None
    action: Literal["ask", "stop"]
    stop_reason: str | None
    candidates: list[Candidate]
    progress: ProgressView
    turn_count: int
    turns_remaining: int
    warnings: list[str]
    degraded: bool
    degraded_reasons: list[str]
    versions: VersionInfo


class FeedbackResponse(_Response):
    session_id: str
    feedback_id: str
    recorded_at: str
