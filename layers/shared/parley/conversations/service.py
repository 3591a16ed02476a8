"""The rules of the Conversations API: create, append, list, get and insights.

No HTTP and no boto3 here: a repository stores, and errors are the domain's (``parley.errors``).
Nothing is queued from here: the table's stream carries every committed change to the insights
queue (``parley.insights.relay``), so a completion is analysed exactly when its write committed.
"""

from __future__ import annotations

import hashlib
import json
import random
import re
import secrets
import time
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from parley.conversations.content import ContentFormatError, parse_content, rendered_size
from parley.conversations.entities import (
    COMPLETED,
    Appended,
    AppendKey,
    AppendKeyUsed,
    ConcurrentUpdate,
    Conversation,
    ConversationPage,
    ListFilters,
    NewConversation,
    StoredConversation,
)
from parley.conversations.limits import (
    MAX_CONTENT_BYTES,
    MAX_MESSAGE_BYTES,
    MAX_MESSAGE_EXTRAS_BYTES,
    MAX_MESSAGES,
    MAX_METADATA_BYTES,
    TITLE_CHARS,
)
from parley.conversations.ports import ConversationRepository
from parley.errors import (
    Conflict,
    FieldError,
    IdempotencyKeyReused,
    Invalid,
    Limit,
    LimitExceeded,
    NotFound,
    Unavailable,
)

if TYPE_CHECKING:
    from parley.conversations.models import (
        AppendMessagesRequest,
        CreateConversationRequest,
        Insights,
        ListConversationsQuery,
        Message,
    )

# Each failed attempt means another append landed first, so N concurrent appenders need at most
# N attempts: 64 covers the 50 concurrent appends to one conversation that the e2e concurrency test
# sends (with 40, the last of 50 writers was refused). Beyond this the caller gets a retryable 503
# rather than a long wait; the jitter is capped at 50 ms, so that is at most ~3 s of sleeping.
MAX_APPEND_ATTEMPTS = 64
NOT_FOUND_DETAIL = "Conversation not found"
_ID_PATTERN = re.compile(r"conv_[0-9a-f]{24}")
# Retry jitter drawn from the OS on every call: the `random` module's generator, seeded at import,
# would be part of a SnapStart snapshot and repeat the same sequence in every restored environment.
_jitter = random.SystemRandom()


def new_conversation_id() -> str:
    return "conv_" + secrets.token_hex(12)


def is_conversation_id(value: str) -> bool:
    """A full match: ``$`` would also accept a trailing newline."""
    return _ID_PATTERN.fullmatch(value) is not None


class ConversationService:
    def __init__(
        self,
        repository: ConversationRepository,
        *,
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._repository = repository
        self._now = now
        self._sleep = sleep

    # --------------------------------------------------------------------------------------------
    # Create
    # --------------------------------------------------------------------------------------------
    def create(
        self,
        tenant_id: str,
        request: CreateConversationRequest,
        *,
        conversation_id: str | None = None,
        now: datetime | None = None,
    ) -> tuple[Conversation, bool]:
        """A new conversation, or the one an idempotency key of the last 24 h already created.

        Returns the conversation and whether this call created it. ``conversation_id`` lets the
        turn API keep one id for its session and its transcript; ``now`` its clock.
        """
        messages, metadata = messages_of_content(request.content)
        new = NewConversation(
            prompt_id=request.prompt_id,
            status=request.status,
            messages=messages,
            metadata=metadata,
            llm_model=request.llm_model,
            company_name=request.company_name,
            idempotency_key=request.idempotency_key,
        )
        return self.create_new(tenant_id, new, conversation_id=conversation_id, now=now)

    def create_new(
        self,
        tenant_id: str,
        new: NewConversation,
        *,
        conversation_id: str | None = None,
        now: datetime | None = None,
        limit_transcript: bool = False,
    ) -> tuple[Conversation, bool]:
        """Store ``new`` (its messages already validated); as ``create``. ``limit_transcript``: the
        transcript rendered from the messages must fit the content limit (an append's rule), for
        callers that send messages rather than ``content``."""
        if len(new.messages) > MAX_MESSAGES:
            raise _too_many_messages(len(new.messages))
        _check_messages(new.messages)
        stored = [message.stored() for message in new.messages]
        content_bytes = rendered_size(stored)
        if limit_transcript and content_bytes > MAX_CONTENT_BYTES:
            raise LimitExceeded(
                f"The transcript of these messages has {content_bytes} bytes; the limit is "
                f"{MAX_CONTENT_BYTES} bytes (512 KB).",
                Limit("content", max_bytes=MAX_CONTENT_BYTES),
            )
        metadata = new.metadata
        _check_metadata(metadata)

        now = now or self._now()
        conversation_id = conversation_id or new_conversation_id()
        stamp = _timestamp(now)
        conversation = Conversation(
            tenant_id=tenant_id,
            id=conversation_id,
            prompt_id=new.prompt_id,
            status=new.status,
            created_at=stamp,
            updated_at=stamp,
            message_count=len(stored),
            content_bytes=content_bytes,
            llm_model=new.llm_model,
            company_name=new.company_name,
            title=new.title or _title(stored),
            user_id=_user_id(metadata),
            metadata=metadata,
            completed_at=stamp if new.status == COMPLETED else None,
        )
        # Microseconds then the id: newest first, and unique even within one second.
        list_sk = f"{int(now.timestamp() * 1_000_000):017d}#{conversation_id}"
        return self._repository.create(
            conversation, stored, list_sk, new.idempotency_key, int(now.timestamp())
        )

    # --------------------------------------------------------------------------------------------
    # Append
    # --------------------------------------------------------------------------------------------
    def append(
        self,
        tenant_id: str,
        conversation_id: str,
        request: AppendMessagesRequest,
        *,
        read_back: bool = True,
        now: datetime | None = None,
        idempotency_key: str | None = None,
    ) -> Appended:
        """Append turns atomically; the conversation with every message up to this call's last.

        A conversation that is already completed takes no more turns (``Conflict``): its analysis
        is of the transcript it had. With ``idempotency_key`` a retry of a committed append answers
        as the first call did (the same key with another request is ``IdempotencyKeyReused``).
        ``read_back=False`` skips reading the messages back (the turn API never shows them).
        Once the append has committed the call answers, whatever the read-back meets.
        """
        stored = [message.stored() for message in request.messages]
        if len(stored) > MAX_MESSAGES:
            raise _too_many_messages(len(stored))
        _check_messages(request.messages)
        now = now or self._now()
        key = None if idempotency_key is None else AppendKey(idempotency_key, _request_hash(request))
        if key is not None:
            used = self._repository.append_key(tenant_id, conversation_id, key.key, int(now.timestamp()))
            if used is not None:
                return self._replayed(tenant_id, conversation_id, used, key)
        current = self._header(tenant_id, conversation_id)
        for attempt in range(MAX_APPEND_ATTEMPTS):
            if current.status == COMPLETED:
                raise Conflict(
                    "The conversation is completed; it takes no more messages and is analyzed once.",
                    details={"conversationId": conversation_id, "conversationStatus": current.status},
                )
            after = _appended(current, stored, request, now)
            try:
                self._repository.append(current, after, stored, key, int(now.timestamp()))
            except ConcurrentUpdate as changed:
                current = changed.current or self._header(tenant_id, conversation_id)
                self._sleep(_jitter.uniform(0, min(0.05, 0.002 * 2**attempt)))
                continue
            except AppendKeyUsed as used:
                assert key is not None
                return self._replayed(tenant_id, conversation_id, used.used, key)
            return self._read_back(after, stored, read_back=read_back)
        raise Unavailable("Too many concurrent appends to this conversation; retry shortly.")

    def _read_back(self, after: Conversation, appended: list[dict[str, Any]], *, read_back: bool) -> Appended:
        """The conversation after a committed append. Past the commit nothing may fail the call (a
        client would send it again): when the messages cannot be read, this call's are answered."""
        if not read_back:
            return Appended(StoredConversation(after, [], None))
        try:
            messages = self._repository.messages_before(after.tenant_id, after.id, after.message_count)
        except Unavailable:
            return Appended(StoredConversation(after, appended, None), partial=True)
        return Appended(StoredConversation(after, messages, None))

    def _replayed(self, tenant_id: str, conversation_id: str, used: AppendKey, key: AppendKey) -> Appended:
        if used.request_hash != key.request_hash:
            raise IdempotencyKeyReused(
                "This Idempotency-Key was already used with a different request.",
                details={"conversationId": conversation_id},
            )
        header = self._header(tenant_id, conversation_id)
        messages = self._repository.messages_before(tenant_id, conversation_id, used.message_count)
        return Appended(StoredConversation(header, messages, None), replayed=True)

    # --------------------------------------------------------------------------------------------
    # Read
    # --------------------------------------------------------------------------------------------
    def page(self, tenant_id: str, query: ListConversationsQuery) -> ConversationPage:
        filters = ListFilters(prompt_id=query.prompt_id, status=query.status, has_insights=query.has_insights)
        return self._repository.page(tenant_id, filters, query.limit, query.offset, query.cursor)

    def get(self, tenant_id: str, conversation_id: str, *, messages: bool = True) -> StoredConversation:
        """The conversation with its insights and (unless ``messages=False``) its messages."""
        stored = (
            self._repository.get(tenant_id, conversation_id, messages=messages)
            if is_conversation_id(conversation_id)
            else None
        )
        if stored is None:
            raise NotFound(NOT_FOUND_DETAIL)
        return stored

    def exists(self, tenant_id: str, conversation_id: str) -> bool:
        return (
            is_conversation_id(conversation_id)
            and self._repository.get_header(tenant_id, conversation_id) is not None
        )

    def insights(self, tenant_id: str, conversation_id: str) -> Insights:
        """The insights; ``NotFound`` while there are none, saying whether they are still to come."""
        stored = (
            self._repository.get(tenant_id, conversation_id, messages=False)
            if is_conversation_id(conversation_id)
            else None
        )
        if stored is None:
            raise NotFound(NOT_FOUND_DETAIL)
        if stored.insights is not None:
            return stored.insights
        if stored.conversation.status == COMPLETED:
            raise NotFound(
                "Insights for this conversation are not ready yet; they are computed shortly after it "
                "completes.",
                title="Insights not ready",
                retry_after=30,
                details={"conversationId": conversation_id, "insightsStatus": "pending"},
            )
        raise NotFound(
            "This conversation has no insights: they are computed when it is completed.",
            title="Insights not available",
            details={"conversationId": conversation_id, "insightsStatus": "not_requested"},
        )

    def _header(self, tenant_id: str, conversation_id: str) -> Conversation:
        known = is_conversation_id(conversation_id)
        current = self._repository.get_header(tenant_id, conversation_id) if known else None
        if current is None:
            raise NotFound(NOT_FOUND_DETAIL)
        return current


# ------------------------------------------------------------------------------------------------
# Rules
# ------------------------------------------------------------------------------------------------
def messages_of_content(content: str) -> tuple[list[Message], dict[str, Any]]:
    """The validated messages and the metadata of a ``content`` field, in either format (JSON with
    ``messages``, or text with role labels), within the content limits."""
    if len(content.encode()) > MAX_CONTENT_BYTES:
        raise LimitExceeded(
            f"content is larger than {MAX_CONTENT_BYTES} bytes (512 KB).",
            Limit("content", max_bytes=MAX_CONTENT_BYTES),
        )
    try:
        parsed = parse_content(content)
    except ContentFormatError as exc:
        raise Invalid(
            "Invalid request body", [FieldError(("body", "content"), str(exc), "value_error")]
        ) from None
    if len(parsed.messages) > MAX_MESSAGES:
        raise _too_many_messages(len(parsed.messages))
    return _validated(parsed.messages, ("body", "content", "messages")), parsed.metadata or {}


def _appended(
    current: Conversation, stored: list[dict[str, Any]], request: AppendMessagesRequest, now: datetime
) -> Conversation:
    count = current.message_count + len(stored)
    if count > MAX_MESSAGES:
        raise _too_many_messages(count)
    content_bytes = current.content_bytes + rendered_size(stored, current.message_count)
    if content_bytes > MAX_CONTENT_BYTES:
        raise LimitExceeded(
            f"The conversation's content would reach {content_bytes} bytes; the limit is "
            f"{MAX_CONTENT_BYTES} bytes (512 KB).",
            Limit("content", max_bytes=MAX_CONTENT_BYTES),
        )
    metadata = {**current.metadata, **(request.metadata or {})}
    if request.session_id is not None:
        metadata["sessionId"] = request.session_id
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


def _validated(raw_messages: list[dict[str, Any]], prefix: tuple[str, ...]) -> list[Message]:
    from pydantic import ValidationError

    from parley.conversations.models import Message

    messages, errors = [], []
    for position, raw in enumerate(raw_messages):
        try:
            messages.append(Message.model_validate(raw))
        except ValidationError as exc:
            for error in exc.errors(include_url=False, include_context=False, include_input=False):
                loc = (*prefix, position, *error["loc"])
                errors.append(FieldError(loc, str(error["msg"]), str(error["type"])))
    if errors:
        raise Invalid("Invalid request body", errors)
    return messages


def _check_messages(messages: Sequence[Message]) -> None:
    for position, message in enumerate(messages):
        size = len(message.content.encode())
        if size > MAX_MESSAGE_BYTES:
            raise LimitExceeded(
                f"Message {position} has {size} bytes of content; the limit is {MAX_MESSAGE_BYTES} "
                "bytes (100 KB).",
                Limit("message", max_bytes=MAX_MESSAGE_BYTES, index=position),
            )
        extras = message.model_dump(mode="json", by_alias=True, exclude_none=True, exclude={"content"})
        if len(json.dumps(extras, separators=(",", ":")).encode()) > MAX_MESSAGE_EXTRAS_BYTES:
            raise LimitExceeded(
                f"Message {position} carries more than {MAX_MESSAGE_EXTRAS_BYTES} bytes besides its "
                "content (toolCalls, usage, metadata…).",
                Limit("messageFields", max_bytes=MAX_MESSAGE_EXTRAS_BYTES),
            )


def _check_metadata(metadata: dict[str, Any]) -> None:
    if len(json.dumps(metadata, separators=(",", ":")).encode()) > MAX_METADATA_BYTES:
        raise LimitExceeded(
            f"The conversation's metadata is larger than {MAX_METADATA_BYTES} bytes (100 KB).",
            Limit("metadata", max_bytes=MAX_METADATA_BYTES),
        )


def _too_many_messages(count: int) -> LimitExceeded:
    return LimitExceeded(
        f"The conversation would have {count} messages; the limit is {MAX_MESSAGES}.",
        Limit("messages", max_count=MAX_MESSAGES),
    )


def _title(messages: Sequence[dict[str, Any]]) -> str | None:
    for message in messages:
        if message["role"] == "user" and message.get("content", "").strip():
            first_line: str = message["content"].strip().split("\n", 1)[0]
            return first_line if len(first_line) <= TITLE_CHARS else first_line[: TITLE_CHARS - 1] + "…"
    return None


def _user_id(metadata: dict[str, Any]) -> str | None:
    value = metadata.get("userId")
    return str(value) if isinstance(value, str | int) and not isinstance(value, bool) else None


def _request_hash(request: AppendMessagesRequest) -> str:
    body = json.dumps(request.model_dump(mode="json", by_alias=True), sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(body.encode()).hexdigest()


def _timestamp(now: datetime) -> str:
    return now.strftime("%Y-%m-%dT%H:%M:%SZ")
