"""A turn conversation's transcript: every turn of a task appended to a Conversations-API
conversation — its segment (created on the task's first turn with ``promptId`` = the deployment key
and ``metadata.sessionId`` = the conversation id the client holds), completed on fulfilment or
hand-off, so turn conversations get insights, webhooks and learning like any logged conversation.

The turn is already applied when its transcript is written: a failure here is logged, never turned
into an error that would make the client send the turn again.
"""

from __future__ import annotations

import json
from contextlib import suppress
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from parley.conversations.service import ConversationService
from parley.dialogue.deployment import Deployment
from parley.dialogue.engine import TurnResult
from parley.errors import DomainError, NotFound
from parley.ports import Log


@dataclass(frozen=True, slots=True)
class OutgoingMessage:
    """One bot message of a turn, as the client and the transcript see it."""

    message_id: str
    text: str
    choices: tuple[tuple[str, str], ...] = ()  # (choiceId, choiceText)

    @property
    def kind(self) -> str:
        return "multichoice" if self.choices else "text"


def timeout_note(idle_timeout_seconds: int) -> str:
    """What a transcript closed for idleness ends with."""
    return f"The conversation timed out after {idle_timeout_seconds} s without a turn."


class TurnTranscript:
    def __init__(self, conversations: ConversationService, logger: Log | None = None) -> None:
        self._conversations = conversations
        self._logger = logger

    def write(
        self,
        tenant_id: str,
        deployment: Deployment,
        result: TurnResult,
        messages: list[OutgoingMessage],
        now: datetime,
        *,
        segment_id: str,
        created: bool,
    ) -> None:
        from parley.conversations.models import AppendMessagesRequest, CreateConversationRequest

        turn = _transcript_lines(result, messages, _timestamp(now))
        status = "completed" if result.completes else "active"
        conversation_id = segment_id
        try:
            if not created:
                appended = AppendMessagesRequest.model_validate({"messages": turn, "status": status})
                try:
                    self._conversations.append(tenant_id, conversation_id, appended, read_back=False, now=now)
                    return
                except NotFound:
                    # Its creation failed on an earlier turn (the turn itself was applied): start
                    # the transcript here rather than lose every later turn too.
                    pass
            metadata = {
                "userId": result.state.user_id,
                "deploymentKey": deployment.key,
                "channelKey": result.state.channel_key,
                "sessionId": result.state.conversation_id,
            }
            content = json.dumps({"messages": turn, "metadata": metadata}, ensure_ascii=False)
            request = CreateConversationRequest.model_validate(
                {"promptId": deployment.key, "content": content, "status": status}
            )
            self._conversations.create(tenant_id, request, conversation_id=conversation_id, now=now)
        except Exception:
            if self._logger is not None:
                self._logger.exception(
                    "turn transcript not written", extra={"conversation_id": conversation_id}
                )

    def close_expired(self, tenant_id: str, segment_id: str, deployment: Deployment, now: datetime) -> None:
        """Complete the transcript of a task whose session timed out."""
        from parley.conversations.models import AppendMessagesRequest

        note = timeout_note(deployment.idle_timeout_seconds)
        closing = AppendMessagesRequest.model_validate(
            {"messages": [{"role": "system", "content": note}], "status": "completed"}
        )
        with suppress(DomainError):  # already completed, or never written: nothing to close
            self._conversations.append(tenant_id, segment_id, closing, read_back=False, now=now)


def _transcript_lines(
    result: TurnResult, messages: list[OutgoingMessage], stamp: str
) -> list[dict[str, Any]]:
    lines: list[dict[str, Any]] = []
    if result.user_text:
        lines.append({"role": "user", "content": result.user_text, "timestamp": stamp})
    for message in messages:
        extra: dict[str, Any] = {"messageId": message.message_id, "type": message.kind}
        if message.choices:
            extra["choices"] = [{"choiceId": cid, "choiceText": text} for cid, text in message.choices]
        lines.append({"role": "assistant", "content": message.text, "timestamp": stamp, "metadata": extra})
    return lines


def _timestamp(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")
