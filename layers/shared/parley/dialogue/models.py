"""The turn API contract (``specs/turn.md``): camelCase on the wire, exactly the spec's names.

Requests are validated (a schema error is a 400 on this route family); the response is built from
the turn's outcome. Limits are in ``parley.dialogue.limits``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from parley.canonical import JsonObject
from parley.dialogue.limits import (
    CONVERSATION_ID,
    MAX_CONVERSATION_ID_CHARS,
    MAX_ID_CHARS,
    MAX_SLOTS,
    MAX_TEXT_CHARS,
    MAX_TOP_VALUES,
    MAX_UPLOAD_IDS,
    MAX_USER_ID_CHARS,
)

if TYPE_CHECKING:
    from parley.dialogue.context_update import ContextUpdated
    from parley.dialogue.service import TurnOutcome

SlotValue = str | bool | int | float
# The response's rich modalities: none (the spec's list, empty; NLX's widget reads it as a mapping
# and warns about a modality named "0" for every item — see docs/decisions.md).
MODALITIES: tuple[str, ...] = ()


class _Wire(BaseModel):
    # Built on first use, not at import (cold start): see parley.conversations.models._ApiModel.
    model_config = ConfigDict(populate_by_name=True, extra="ignore", defer_build=True, allow_inf_nan=False)


class UnstructuredInput(_Wire):
    text: str = Field(max_length=MAX_TEXT_CHARS, description="The raw text of the user utterance.")


class SlotInput(_Wire):
    slot_id: str = Field(alias="slotId", min_length=1, max_length=MAX_ID_CHARS, description="The slot's id.")
    # bool before the numbers: pydantic's smart union keeps the JSON type either way.
    value: SlotValue | None = Field(None, description="The captured value of the slot.")
    top_values: list[SlotValue] | None = Field(None, alias="topValues", max_length=MAX_TOP_VALUES)
    choice_payload: str | None = Field(None, alias="choicePayload", max_length=MAX_TEXT_CHARS)


class StructuredInput(_Wire):
    intent_id: str | None = Field(
        None, alias="intentId", max_length=MAX_ID_CHARS, description="Intent to start."
    )
    slots: list[SlotInput] | None = Field(None, max_length=MAX_SLOTS, description="Slots to fill.")
    choice_id: str | None = Field(
        None, alias="choiceId", max_length=MAX_ID_CHARS, description="The chosen option."
    )
    upload_ids: list[str] | None = Field(None, alias="uploadIds", max_length=MAX_UPLOAD_IDS)
    # NLX's SDK asks again for data a response said was pending; Parley never leaves any pending.
    poll: bool | None = Field(None, description="A poll for pending data: changes nothing.")
    utterance: str | None = Field(None, max_length=MAX_TEXT_CHARS, description="Text of the input.")


class RequestInput(_Wire):
    unstructured: UnstructuredInput | None = None
    structured: StructuredInput | None = None


def _whole_conversation_id(value: str) -> str:
    # Matched whole: a trailing newline (which the pattern's `$` would accept) is no id.
    if not CONVERSATION_ID.fullmatch(value):
        raise ValueError(
            f"conversationId must be 1 to {MAX_CONVERSATION_ID_CHARS} characters of letters, digits, "
            "'.', '_', ':' and '-', starting with a letter or digit"
        )
    return value


# A conversation id a client may choose (NLX's SDK mints UUIDs), or one Parley minted.
ClientConversationId = Annotated[
    str,
    Field(min_length=1, max_length=MAX_CONVERSATION_ID_CHARS, pattern=f"^{CONVERSATION_ID.pattern}$"),
    AfterValidator(_whole_conversation_id),
]


class TurnRequest(_Wire):
    request: RequestInput = Field(description="The payload containing the user's input data.")
    conversation_id: ClientConversationId | None = Field(
        None,
        alias="conversationId",
        description="Auto-generated if omitted; a client's own id (1-128 of A-Z a-z 0-9 . _ : -) is kept.",
    )
    user_id: str | None = Field(None, alias="userId", min_length=1, max_length=MAX_USER_ID_CHARS)
    context: JsonObject | None = Field(None, description="Session attributes (≤ 2000 chars serialised).")
    environment: Literal["development", "production"] | None = None


class ContextRequest(_Wire):
    """``POST …/context`` as NLX's ``sendContext()`` sends it."""

    context: JsonObject = Field(description="Session attributes to set (≤ 2000 chars serialised).")
    conversation_id: ClientConversationId | None = Field(
        None, alias="conversationId", description="The conversation (the nlx-conversation-id header wins)."
    )
    user_id: str | None = Field(None, alias="userId", min_length=1, max_length=MAX_USER_ID_CHARS)
    language_code: str | None = Field(
        None,
        alias="languageCode",
        max_length=35,
        description="Informative: the channel key's suffix rules.",
    )


class ContextResponse(_Wire):
    conversation_id: str = Field(alias="conversationId")
    context: dict[str, Any]

    @classmethod
    def of(cls, updated: ContextUpdated) -> ContextResponse:
        return cls(conversation_id=updated.conversation_id, context=updated.context)

    def body(self) -> dict[str, Any]:
        return self.model_dump(mode="json", by_alias=True)


class MessageChoice(_Wire):
    choice_id: str = Field(alias="choiceId")
    choice_text: str = Field(alias="choiceText")


class ChoicesMetadata(_Wire):
    source: Literal["Local", "Variable"] = "Local"


class TurnMessage(_Wire):
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


class TurnResponse(_Wire):
    messages: list[TurnMessage]
    conversation_id: str = Field(alias="conversationId")
    expiration_timestamp: str = Field(alias="expirationTimestamp")
    modalities: list[str]
    payload: dict[str, Any]
    metadata: ResponseMetadata
    context: dict[str, Any]

    @classmethod
    def of(cls, outcome: TurnOutcome) -> TurnResponse:
        result, deployment = outcome.result, outcome.deployment
        metadata = ResponseMetadata(
            multimodal_enabled=deployment.multimodal_enabled,
            external_processing_enabled=deployment.external_processing_enabled,
            # No flow waits on asynchronous data: NLX's SDK polls while this is true.
            has_pending_data_request=False,
            intent_id=result.intent_id,
            escalation=result.escalation,
            frustration=result.frustration,
            incomprehension=result.incomprehension,
            escalation_channel=dict(deployment.escalation_channel) if result.escalation else None,
        )
        messages = [
            TurnMessage(
                message_id=message.message_id,
                text=message.text,
                type="multichoice" if message.choices else "text",
                choices=[MessageChoice(choice_id=cid, choice_text=text) for cid, text in message.choices]
                if message.choices
                else None,
                choices_metadata=ChoicesMetadata() if message.choices else None,
            )
            for message in outcome.messages
        ]
        return cls(
            messages=messages,
            conversation_id=outcome.conversation_id,
            expiration_timestamp=outcome.expires_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
            modalities=list(MODALITIES),
            payload=result.payload,
            metadata=metadata,
            context=outcome.context,
        )

    def body(self) -> dict[str, Any]:
        return self.model_dump(mode="json", by_alias=True, exclude_none=True)
