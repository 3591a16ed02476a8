"""What the Conversations domain works with, free of any wire or storage shape (plain dataclasses:
the stream relay and the turn function import these without pydantic)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    from parley.conversations.models import Insights, Message

ConversationStatus = Literal["completed", "abandoned", "in_progress", "active"]
COMPLETED = "completed"


@dataclass(frozen=True, slots=True)
class NewConversation:
    """A conversation to create, whichever API it arrives through: the Conversations API parses its
    ``content``, the runs API (``parley.conversations.runs``) sends structured messages."""

    prompt_id: str
    status: str
    messages: list[Message]
    metadata: dict[str, Any] = field(default_factory=dict)
    llm_model: str | None = None
    company_name: str | None = None
    idempotency_key: str | None = None
    # None: the first user turn's first line (shortened).
    title: str | None = None


@dataclass(frozen=True, slots=True)
class Conversation:
    """A conversation's header: everything but its messages and insights."""

    tenant_id: str
    id: str
    prompt_id: str
    status: str
    created_at: str
    updated_at: str
    message_count: int
    content_bytes: int
    llm_model: str | None = None
    company_name: str | None = None
    title: str | None = None
    user_id: str | None = None
    metadata: dict[str, Any] = field(default_factory=dict)
    has_insights: bool = False
    completed_at: str | None = None
    # The latest outcome recorded for the conversation's session (a conversion or feedback), and
    # when it was recorded: it may arrive after the conversation completed.
    outcome: str | None = None
    outcome_at: str | None = None

    @property
    def session_id(self) -> str:
        """The session the conversation belongs to: ``metadata.sessionId``, else its own id (a turn
        conversation's session has the conversation's id)."""
        linked = self.metadata.get("sessionId")
        return linked if isinstance(linked, str) and linked else self.id


@dataclass(frozen=True, slots=True)
class ConversationSummary:
    id: str
    prompt_id: str
    status: str
    has_insights: bool
    created_at: str


@dataclass(frozen=True, slots=True)
class ListFilters:
    prompt_id: str | None = None
    status: str | None = None
    has_insights: bool | None = None


@dataclass(frozen=True, slots=True)
class ConversationPage:
    """One page of a list, newest first, and how many conversations match in all."""

    items: list[ConversationSummary]
    total: int
    # Where the next page starts (``cursor``), when there is one.
    next_cursor: str | None = None


@dataclass(frozen=True, slots=True)
class StoredConversation:
    conversation: Conversation
    messages: list[dict[str, Any]]
    insights: Insights | None


@dataclass(frozen=True, slots=True)
class AppendKey:
    """An append's ``Idempotency-Key``: what the first call with it did (``message_count`` after it)
    and a digest of its request, kept 24 hours."""

    key: str
    request_hash: str
    message_count: int = 0
    expires_at: int = 0


@dataclass(frozen=True, slots=True)
class Appended:
    """What an append answers: the conversation up to this call's last message; ``replayed`` when
    an earlier call with the same key did the work; ``partial`` when the store could not be read
    right after the append committed (``messages`` then holds only this call's)."""

    stored: StoredConversation
    replayed: bool = False
    partial: bool = False


class AppendKeyUsed(Exception):
    """An append with this key already committed (``used`` says what it did)."""

    def __init__(self, used: AppendKey) -> None:
        super().__init__("idempotency key already used")
        self.used = used


class OutcomeChanged(Exception):
    """An outcome was recorded since the conversation was read for analysis: analyse again."""


class ConcurrentUpdate(Exception):
    """The conversation changed since it was read; ``current`` is its new header (None: read again).

    A signal between the repository and the service, which retries on it; never leaves the domain.
    """

    def __init__(self, current: Conversation | None) -> None:
        super().__init__("conversation changed concurrently")
        self.current = current
