"""The turn API contract (``../shared/specs/turn.md``): camelCase on the wire, exactly the spec's names.

Requests are validated (a schema error is a 400 on this route family); responses are built from
the engine's result. Limits beyond the spec are named here.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

# Beyond the spec: an utterance of 4,000 characters is a long paragraph; bodies above 64 KiB are
# refused before parsing (413).
MAX_TEXT_CHARS = 4000
MAX_BODY_BYTES = 64 * 1024
MAX_CONTEXT_CHARS = 2000
MAX_SLOTS = 50
SlotValue = str | bool | int | float


class _Wire(BaseModel):
    # Built on first use, not at import (cold start): see parley.conversations.models._ApiModel.
    model_config = ConfigDict(populate_by_name=True, extra="ignore", defer_build=True)


class UnstructuredInput(_Wire):
    text: str = Field(max_length=MAX_TEXT_CHARS, description="The raw text of the user utterance.")


class SlotInput(_Wire):
    slot_id: str = Field(alias="slotId", min_length=1, max_length=64, description="The slot's id.")
    # bool before the numbers: pydantic's smart union keeps the JSON type either way.
    value: SlotValue | None = Field(None, description="The captured value of the slot.")
    top_values: list[SlotValue] | None = Field(None, alias="topValues", max_length=20)
    choice_payload: str | None = Field(None, alias="choicePayload", max_length=MAX_TEXT_CHARS)


class StructuredInput(_Wire):
    intent_id: str | None = Field(None, alias="intentId", max_length=64, description="Intent to start.")
    slots: list[SlotInput] | None = Field(None, max_length=MAX_SLOTS, description="Slots to fill.")
    choice_id: str | None = Field(None, alias="choiceId", max_length=64, description="The chosen option.")
    upload_ids: list[str] | None = Field(None, alias="uploadIds", max_length=20)
    utterance: str | None = Field(None, max_length=MAX_TEXT_CHARS, description="Text of the input.")


class RequestInput(_Wire):
    unstructured: UnstructuredInput | None = None
    structured: StructuredInput | None = None


class ConversationRequest(_Wire):
    request: RequestInput = Field(description="The payload containing the user's input data.")
    conversation_id: str | None = Field(
        None, alias="conversationId", max_length=64, description="Auto-generated if omitted."
    )
    user_id: str | None = Field(None, alias="userId", min_length=1, max_length=256)
    context: dict[str, Any] | None = Field(None, description="Session attributes (≤ 2000 chars serialised).")
    environment: Literal["development", "production"] | None = None


class MessageChoice(_Wire):
    choice_id: str = Field(alias="choiceId")
    choice_text: str = Field(alias="choiceText")


class ChoicesMetadata(_Wire):
    source: Literal["Local", "Variable"] = "Local"


class Message(_Wire):
    message_id: str = Field(alias="messageId", description="SHA-256 hex of the message's identity.")
    text: str
    type: Literal["text", "multichoice"] = "text"
    choices: list[MessageChoice] | None = None
    choices_metadata: ChoicesMetadata | None = Field(None, alias="choicesMetadata")


class ResponseMetadata(_Wire):
    multimodal_enabled: bool = Field(alias="multimodalEnabled")
    external_processing_enabled: bool = Field(alias="externalProcessingEnabled")
    has_pending_data_request: bool = Field(alias="hasPendingDataRequest")
    intent_id: str | None = Field(None, alias="intentId")
    escalation: bool
    frustration: bool
    incomprehension: bool
    is_generative: bool = Field(False, alias="isGenerative")
    escalation_channel: dict[str, Any] | None = Field(None, alias="escalationChannel")


class ConversationResponse(_Wire):
    messages: list[Message]
    conversation_id: str = Field(alias="conversationId")
    expiration_timestamp: str = Field(alias="expirationTimestamp")
    modalities: list[str]
    payload: dict[str, Any]
    metadata: ResponseMetadata
    context: dict[str, Any]

    def body(self) -> dict[str, Any]:
        return self.model_dump(mode="json", by_alias=True, exclude_none=True)
