"""The rules of the Conversations API: create, append, list, get and insights.

No HTTP and no boto3 here: a repository stores. Nothing is queued from here: the table's stream
carries every committed change to the insights queue (``parley.insights.relay``), so a completion
is analysed exactly when its write committed.
Errors a client can act on are raised as the layer's problems (404, 409, 413, 422, 503).
"""

from __future__ import annotations

import json
import random
import re
import secrets
import time
from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime
from typing import Any, Protocol

from parley.conversations.content import ContentFormatError, parse_content, rendered_size
from parley.conversations.models import (
    COMPLETED,
    MAX_CONTENT_BYTES,
    MAX_MESSAGE_BYTES,
    MAX_MESSAGE_EXTRAS_BYTES,
    MAX_MESSAGES,
    MAX_METADATA_BYTES,
    AppendMessagesRequest,
    ConcurrentUpdate,
    Conversation,
    ConversationSummary,
    CreateConversationRequest,
    Insights,
    ListConversationsQuery,
    ListFilters,
    Message,
    StoredConversation,
)
from parley.http.problems import (
    ConflictProblem,
    NotFoundProblem,
    PayloadTooLargeProblem,
    ServiceUnavailableProblem,
    ValidationProblem,
    validation_errors,
)

# Each failed attempt means another append landed first, so N concurrent appenders need at most
# N attempts: 64 covers the 50 concurrent appends to one conversation that the e2e concurrency test
# sends (with 40, the last of 50 writers was refused). Beyond this the caller gets a retryable 503
# rather than a long wait; the jitter is capped at 50 ms, so that is at most ~3 s of sleeping.
MAX_APPEND_ATTEMPTS = 64
TITLE_LENGTH = 80
NOT_FOUND_DETAIL = "Conversation not found"
_ID_PATTERN = re.compile(r"^conv_[0-9a-f]{24}$")
# Retry jitter drawn from the OS on every call: the `random` module's generator, seeded at import,
# would be part of a SnapStart snapshot and repeat the same sequence in every restored environment.
_jitter = random.SystemRandom()


class ConversationRepository(Protocol):
    def create(
        self,
        conversation: Conversation,
        messages: Sequence[dict[str, Any]],
        list_sk: str,
        idempotency_key: str | None,
        now_epoch: int,
    ) -> tuple[Conversation, bool]: ...

    def append(
        self, before: Conversation, after: Conversation, messages: Sequence[dict[str, Any]]
    ) -> None: ...

    def get_header(self, tenant_id: str, conversation_id: str) -> Conversation | None: ...

    def get(
        self, tenant_id: str, conversation_id: str, *, messages: bool = True
    ) -> StoredConversation | None: ...

    def messages_before(self, tenant_id: str, conversation_id: str, count: int) -> list[dict[str, Any]]: ...

    def list(
        self, tenant_id: str, filters: ListFilters, limit: int, offset: int
    ) -> tuple[list[ConversationSummary], int]: ...


# ------------------------------------------------------------------------------------------------
# Create
# ------------------------------------------------------------------------------------------------
def create_conversation(
    repository: ConversationRepository,
    tenant_id: str,
    request: CreateConversationRequest,
    now: datetime,
    *,
    conversation_id: str | None = None,
) -> tuple[Conversation, bool]:
    """A new conversation, or the one an idempotency key of the last 24 h already created.

    Returns the conversation and whether this call created it. ``conversation_id`` (``conv_`` +
    24 hex) lets the turn API keep one id for its session and its transcript.
    """
    if len(request.content.encode()) > MAX_CONTENT_BYTES:
        raise PayloadTooLargeProblem(
            f"content is larger than {MAX_CONTENT_BYTES} bytes (512 KB).",
            extra={"limit": {"name": "content", "maxBytes": MAX_CONTENT_BYTES}},
        )
    try:
        parsed = parse_content(request.content)
    except ContentFormatError as exc:
        raise _invalid([{"loc": ("body", "content"), "msg": str(exc), "type": "value_error"}]) from None
    if len(parsed.messages) > MAX_MESSAGES:
        raise _too_many_messages(len(parsed.messages))
    messages = _validated(parsed.messages, ("body", "content", "messages"))
    stored = [message.stored() for message in messages]
    metadata = parsed.metadata or {}
    _check_metadata(metadata)

    conversation_id = conversation_id or new_conversation_id()
    stamp = _timestamp(now)
    conversation = Conversation(
        tenant_id=tenant_id,
        id=conversation_id,
        prompt_id=request.prompt_id,
        status=request.status,
        created_at=stamp,
        updated_at=stamp,
        message_count=len(stored),
        content_bytes=rendered_size(stored),
        llm_model=request.llm_model,
        company_name=request.company_name,
        title=_title(stored),
        user_id=_user_id(metadata),
        metadata=metadata,
        completed_at=stamp if request.status == COMPLETED else None,
    )
    # Microseconds then the id: newest first, and unique even within one second.
    list_sk = f"{int(now.timestamp() * 1_000_000):017d}#{conversation_id}"
    return repository.create(conversation, stored, list_sk, request.idempotency_key, int(now.timestamp()))


def new_conversation_id() -> str:
    return "conv_" + secrets.token_hex(12)


def is_conversation_id(value: str) -> bool:
    return _ID_PATTERN.match(value) is not None


# ------------------------------------------------------------------------------------------------
# Append
# ------------------------------------------------------------------------------------------------
def append_messages(
    repository: ConversationRepository,
    tenant_id: str,
    conversation_id: str,
    request: AppendMessagesRequest,
    *,
    now: datetime,
    read_back: bool = True,
) -> StoredConversation:
    """Append turns atomically; the conversation with every message up to this call's last.

    A conversation that is already completed takes no more turns (409): its analysis is of the
    transcript it had, and a retried final call cannot add its messages twice. ``read_back=False``
    skips reading the messages back (the turn API never shows them), saving a Query.
    """
    stored = [message.stored() for message in request.messages]
    if len(stored) > MAX_MESSAGES:
        raise _too_many_messages(len(stored))
    _check_messages(request.messages)
    current = _header_or_404(repository, tenant_id, conversation_id)
    for attempt in range(MAX_APPEND_ATTEMPTS):
        if current.status == COMPLETED:
            raise ConflictProblem(
                "The conversation is completed; it takes no more messages and is analyzed once.",
                extra={"conversationId": conversation_id, "conversationStatus": current.status},
            )
        after = _appended(current, stored, request, now)
        try:
            repository.append(current, after, stored)
        except ConcurrentUpdate as changed:
            current = changed.current or _header_or_404(repository, tenant_id, conversation_id)
            time.sleep(_jitter.uniform(0, min(0.05, 0.002 * 2**attempt)))
            continue
        if not read_back:
            return StoredConversation(after, [], None)
        messages = repository.messages_before(tenant_id, conversation_id, after.message_count)
        return StoredConversation(after, messages, None)
    raise ServiceUnavailableProblem("Too many concurrent appends to this conversation; retry shortly.")


def _appended(
    current: Conversation, stored: list[dict[str, Any]], request: AppendMessagesRequest, now: datetime
) -> Conversation:
    count = current.message_count + len(stored)
    if count > MAX_MESSAGES:
        raise _too_many_messages(count)
    content_bytes = current.content_bytes + rendered_size(stored, current.message_count)
    if content_bytes > MAX_CONTENT_BYTES:
        raise PayloadTooLargeProblem(
            f"The conversation's content would reach {content_bytes} bytes; the limit is "
            f"{MAX_CONTENT_BYTES} bytes (512 KB).",
            extra={"limit": {"name": "content", "maxBytes": MAX_CONTENT_BYTES}},
        )
    metadata = {**current.metadata, **(request.metadata or {})}
    _check_metadata(metadata)
    stamp = _timestamp(now)
    completing = request.status == COMPLETED
    return replace(
        current,
        status=COMPLETED if completing else current.status,
        updated_at=stamp,
        message_count=count,
        content_bytes=content_bytes,
        metadata=metadata,
        title=current.title or _title(stored),
        user_id=_user_id(metadata) or current.user_id,
        completed_at=stamp if completing else current.completed_at,
    )


# ------------------------------------------------------------------------------------------------
# Read
# ------------------------------------------------------------------------------------------------
def list_conversations(
    repository: ConversationRepository, tenant_id: str, query: ListConversationsQuery
) -> tuple[list[ConversationSummary], int]:
    filters = ListFilters(prompt_id=query.prompt_id, status=query.status, has_insights=query.has_insights)
    return repository.list(tenant_id, filters, query.limit, query.offset)


def get_conversation(
    repository: ConversationRepository, tenant_id: str, conversation_id: str
) -> StoredConversation:
    stored = repository.get(tenant_id, conversation_id) if _ID_PATTERN.match(conversation_id) else None
    if stored is None:
        raise NotFoundProblem(NOT_FOUND_DETAIL)
    return stored


def get_insights(repository: ConversationRepository, tenant_id: str, conversation_id: str) -> Insights:
    """The insights; 404 while there are none, saying whether they are still to come."""
    stored = (
        repository.get(tenant_id, conversation_id, messages=False)
        if _ID_PATTERN.match(conversation_id)
        else None
    )
    if stored is None:
        raise NotFoundProblem(NOT_FOUND_DETAIL)
    if stored.insights is not None:
        return stored.insights
    if stored.conversation.status == COMPLETED:
        raise NotFoundProblem(
            "Insights for this conversation are not ready yet; they are computed shortly after it completes.",
            title="Insights not ready",
            headers={"Retry-After": "30"},
            extra={"conversationId": conversation_id, "insightsStatus": "pending"},
        )
    raise NotFoundProblem(
        "This conversation has no insights: they are computed when it is completed.",
        title="Insights not available",
        extra={"conversationId": conversation_id, "insightsStatus": "not_requested"},
    )


# ------------------------------------------------------------------------------------------------
# Helpers
# ------------------------------------------------------------------------------------------------
def _header_or_404(repository: ConversationRepository, tenant_id: str, conversation_id: str) -> Conversation:
    known = _ID_PATTERN.match(conversation_id)
    current = repository.get_header(tenant_id, conversation_id) if known else None
    if current is None:
        raise NotFoundProblem(NOT_FOUND_DETAIL)
    return current


def _validated(raw_messages: list[dict[str, Any]], prefix: tuple[str, ...]) -> list[Message]:
    from pydantic import ValidationError

    messages, errors = [], []
    for position, raw in enumerate(raw_messages):
        try:
            messages.append(Message.model_validate(raw))
        except ValidationError as exc:
            for error in exc.errors(include_url=False, include_context=False, include_input=False):
                errors.append({**error, "loc": (*prefix, position, *error["loc"])})
    if errors:
        raise _invalid(errors)
    _check_messages(messages)
    return messages


def _check_messages(messages: Sequence[Message]) -> None:
    for position, message in enumerate(messages):
        size = len(message.content.encode())
        if size > MAX_MESSAGE_BYTES:
            raise PayloadTooLargeProblem(
                f"Message {position} has {size} bytes of content; the limit is {MAX_MESSAGE_BYTES} "
                "bytes (100 KB).",
                extra={"limit": {"name": "message", "maxBytes": MAX_MESSAGE_BYTES, "index": position}},
            )
        extras = message.model_dump(mode="json", by_alias=True, exclude_none=True, exclude={"content"})
        if len(json.dumps(extras, separators=(",", ":")).encode()) > MAX_MESSAGE_EXTRAS_BYTES:
            raise PayloadTooLargeProblem(
                f"Message {position} carries more than {MAX_MESSAGE_EXTRAS_BYTES} bytes besides its "
                "content (toolCalls, usage, metadata…).",
                extra={"limit": {"name": "messageFields", "maxBytes": MAX_MESSAGE_EXTRAS_BYTES}},
            )


def _check_metadata(metadata: dict[str, Any]) -> None:
    if len(json.dumps(metadata, separators=(",", ":")).encode()) > MAX_METADATA_BYTES:
        raise PayloadTooLargeProblem(
            f"The conversation's metadata is larger than {MAX_METADATA_BYTES} bytes (100 KB).",
            extra={"limit": {"name": "metadata", "maxBytes": MAX_METADATA_BYTES}},
        )


def _too_many_messages(count: int) -> PayloadTooLargeProblem:
    return PayloadTooLargeProblem(
        f"The conversation would have {count} messages; the limit is {MAX_MESSAGES}.",
        extra={"limit": {"name": "messages", "maxCount": MAX_MESSAGES}},
    )


def _invalid(raw_errors: list[dict[str, Any]]) -> ValidationProblem:
    return ValidationProblem("Invalid request body", errors=validation_errors(raw_errors, prefix=None))


def _title(messages: Sequence[dict[str, Any]]) -> str | None:
    for message in messages:
        if message["role"] == "user" and message.get("content", "").strip():
            first_line = message["content"].strip().split("\n", 1)[0]
            return first_line if len(first_line) <= TITLE_LENGTH else first_line[: TITLE_LENGTH - 1] + "…"
    return None


def _user_id(metadata: dict[str, Any]) -> str | None:
    value = metadata.get("userId")
    return str(value) if isinstance(value, str | int) and not isinstance(value, bool) else None


def _timestamp(now: datetime) -> str:
    return now.strftime("%Y-%m-%dT%H:%M:%SZ")
