"""Zelinqa API V1 configuration bodies, as its SDK (``zelinqa`` 1.0.1: models.py,
configuration.py) sends and reads them. Requests are strict; ``request_id`` is added to every
answer by ``parley.http.responses.json_response``."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from parley.configuration.limits import (
    DEFAULT_PAGE,
    MAX_CHANGES,
    MAX_CHOICE_LABEL_CHARS,
    MAX_CHOICES,
    MAX_DESCRIPTION_CHARS,
    MAX_ID_CHARS,
    MAX_NAME_CHARS,
    MAX_PAGE,
    MAX_QUESTION_TEXT_CHARS,
)

Id = Annotated[str, Field(min_length=1, max_length=MAX_ID_CHARS)]
QuestionType = Literal["open", "single_choice", "multiple_choice", "semi_open"]
CompletionRole = Literal["blocking", "contributing", "optional"]
ChangeOperation = Literal["create", "update", "delete"]


class _Request(BaseModel):
    model_config = ConfigDict(extra="forbid", defer_build=True, allow_inf_nan=False, populate_by_name=True)


class ObjectivePatch(_Request):
    name: str | None = Field(None, min_length=1, max_length=MAX_NAME_CHARS)
    description: str | None = Field(None, max_length=MAX_DESCRIPTION_CHARS)
    qualification_level: Literal["essential", "balanced", "deep"] | None = None
    max_turns: int | None = Field(None, ge=1, le=100)
    candidates_per_call: int | None = Field(None, ge=1, le=10)
    order_strength: float | None = Field(None, ge=0, le=1)

    @model_validator(mode="after")
    def _not_empty(self) -> ObjectivePatch:
        if not self.model_dump(exclude_none=True):
            raise ValueError("objective must carry at least one field")
        return self


class ObjectiveChange(_Request):
    entity: Literal["objective"]
    operation: Literal["update"] = "update"
    objective: ObjectivePatch


class DimensionPatch(_Request):
    id: Id
    name: str | None = Field(None, min_length=1, max_length=MAX_NAME_CHARS)
    order_position: int | None = Field(None, ge=0)
    completion_role: CompletionRole | None = None


class DimensionChange(_Request):
    entity: Literal["dimension"]
    operation: ChangeOperation
    dimension: DimensionPatch


class SuccessInformationPatch(_Request):
    id: Id
    label: str | None = Field(None, min_length=1, max_length=MAX_NAME_CHARS)
    json_schema: dict[str, Any] | None = Field(None, alias="schema")
    primary_question_id: Id | None = None


class SuccessInformationChange(_Request):
    entity: Literal["success_information"]
    operation: ChangeOperation
    success_information: SuccessInformationPatch


class ConfiguredChoice(_Request):
    id: Id
    label: str = Field(min_length=1, max_length=MAX_CHOICE_LABEL_CHARS)
    maps_to_value: Any = None


class QuestionPatch(_Request):
    id: Id
    text: str | None = Field(None, min_length=1, max_length=MAX_QUESTION_TEXT_CHARS)
    type: QuestionType | None = None
    selection_mode: Literal["single", "multiple"] | None = None
    source: Literal["user", "llm_generated"] | None = None
    choices: list[ConfiguredChoice] | None = Field(None, max_length=MAX_CHOICES)
    dimension_id: Id | None = None
    active: bool | None = None


class QuestionChange(_Request):
    entity: Literal["question"]
    operation: ChangeOperation
    question: QuestionPatch


ConfigurationChange = Annotated[
    ObjectiveChange | DimensionChange | SuccessInformationChange | QuestionChange,
    Field(discriminator="entity"),
]


class ConfigurationChangesRequest(_Request):
    expected_draft_revision: int | None = Field(None, ge=0)
    changes: list[ConfigurationChange] = Field(min_length=1, max_length=MAX_CHANGES)


class PublishRequest(_Request):
    expected_draft_revision: int | None = Field(None, ge=0)


class QuestionsQuery(BaseModel):
    model_config = ConfigDict(extra="forbid", defer_build=True)

    state: Literal["published", "draft"] = "published"
    dimension_id: Id | None = None
    active: bool | None = None
    type: QuestionType | None = None
    search: str | None = Field(None, min_length=1, max_length=MAX_NAME_CHARS)
    limit: int = Field(DEFAULT_PAGE, ge=1, le=MAX_PAGE)
    cursor: str | None = Field(None, min_length=1, max_length=512)
    format: Literal["json", "csv"] = "json"


class ConfigurationQuery(BaseModel):
    model_config = ConfigDict(extra="forbid", defer_build=True)

    state: Literal["published", "draft"] = "published"


class AuditQuery(BaseModel):
    model_config = ConfigDict(extra="forbid", defer_build=True)

    limit: int = Field(DEFAULT_PAGE, ge=1, le=MAX_PAGE)
    cursor: str | None = Field(None, min_length=1, max_length=512)
    action: str | None = Field(None, min_length=1, max_length=160)
    resource_type: (
        Literal[
            "objective", "dimension", "success_information", "question", "configuration", "api_key", "domain"
        ]
        | None
    ) = None
