"""ConversationService on the in-memory repository: the Conversations API's rules, without storage.

The same rules run under moto, through the handlers, in tests/integration/test_conversations_api.py;
here each one is a few milliseconds, so the edges are covered one by one.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from parley.conversations.limits import (
    MAX_CONTENT_BYTES,
    MAX_MESSAGE_BYTES,
    MAX_MESSAGE_EXTRAS_BYTES,
    MAX_MESSAGES,
    MAX_METADATA_BYTES,
)
from parley.conversations.models import (
    AppendMessagesRequest,
    CreateConversationRequest,
    Insights,
    ListConversationsQuery,
)
from parley.conversations.service import ConversationService, is_conversation_id
from parley.errors import Conflict, IdempotencyKeyReused, Invalid, LimitExceeded, NotFound, Unavailable
from tests.fakes import InMemoryConversationRepository

TENANT = "demo"
T0 = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
LABELLED = "User: Hello, I need a dining table for six.\nAssistant: Our teak table seats six.\nUser: Perfect!"


class Clock:
    """A clock that moves a second on every reading, so each conversation is newer than the last."""

    def __init__(self, start: datetime = T0) -> None:
        self.now = start

    def __call__(self) -> datetime:
        self.now += timedelta(seconds=1)
        return self.now


@pytest.fixture
def repository() -> InMemoryConversationRepository:
    return InMemoryConversationRepository()


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def sleeps() -> list[float]:
    return []


@pytest.fixture
def service(
    repository: InMemoryConversationRepository, clock: Clock, sleeps: list[float]
) -> ConversationService:
    return ConversationService(repository, now=clock, sleep=sleeps.append)


def create_request(content: str = LABELLED, **fields: Any) -> CreateConversationRequest:
    return CreateConversationRequest.model_validate({"promptId": "prompt_123", "content": content, **fields})


def structured(messages: list[dict[str, Any]], metadata: dict[str, Any] | None = None) -> str:
    body: dict[str, Any] = {"messages": messages}
    if metadata is not None:
        body["metadata"] = metadata
    return json.dumps(body)


def append_request(*texts: str, status: str = "active", **fields: Any) -> AppendMessagesRequest:
    messages = [{"role": "user", "content": text} for text in texts]
    return AppendMessagesRequest.model_validate({"messages": messages, "status": status, **fields})


def open_conversation(service: ConversationService, content: str = "User: Hi, I need a table.") -> str:
    conversation, _ = service.create(TENANT, create_request(content, status="active"))
    return conversation.id


def query(**fields: Any) -> ListConversationsQuery:
    return ListConversationsQuery.model_validate(fields)


def insights() -> Insights:
    return Insights.model_validate(
        {
            "sentiment": "positive",
            "topics": ["tables"],
            "summary": "A table",
            "createdAt": "2026-11-23T10:05:00Z",
        }
    )


# --------------------------------------------------------------------------------------------------
# Create
# --------------------------------------------------------------------------------------------------
def test_given_a_labelled_transcript_when_created_then_its_turns_are_messages_and_it_is_completed(
    service: ConversationService,
) -> None:
    # Given a text transcript with role labels, and no status
    request = create_request(LABELLED)

    # When it is created
    conversation, created = service.create(TENANT, request)

    # Then each labelled turn is a message, the first user line is the title, and it is completed
    assert created is True
    assert is_conversation_id(conversation.id)
    assert conversation.status == "completed"
    assert conversation.completed_at == conversation.created_at == "2026-11-23T10:00:01Z"
    assert conversation.title == "Hello, I need a dining table for six."
    stored = service.get(TENANT, conversation.id)
    assert [(m["role"], m["content"]) for m in stored.messages] == [
        ("user", "Hello, I need a dining table for six."),
        ("assistant", "Our teak table seats six."),
        ("user", "Perfect!"),
    ]
    assert stored.conversation.message_count == 3


def test_given_structured_content_when_created_then_fields_and_metadata_are_kept_as_sent(
    service: ConversationService,
) -> None:
    # Given the JSON content format, with per-message fields and conversation metadata
    messages = [
        {"role": "user", "content": "Where is my order?", "timestamp": "2026-11-23T09:59:00Z"},
        {"role": "assistant", "content": "It ships tomorrow.", "model": "gpt-4o", "latencyMs": 840},
    ]
    content = structured(messages, {"userId": "user-42", "channel": "web"})

    # When it is created as an open conversation
    conversation, _ = service.create(TENANT, create_request(content, status="active", llmModel="gpt-4o"))

    # Then the messages come back exactly, and metadata.userId is the conversation's user
    stored = service.get(TENANT, conversation.id)
    assert stored.messages == messages
    assert stored.conversation.metadata == {"userId": "user-42", "channel": "web"}
    assert stored.conversation.user_id == "user-42"
    assert stored.conversation.llm_model == "gpt-4o"
    assert stored.conversation.status == "active"
    assert stored.conversation.completed_at is None


def test_given_an_idempotency_key_when_created_twice_then_the_first_conversation_comes_back(
    service: ConversationService,
) -> None:
    # Given a conversation created with an idempotency key
    first, created_first = service.create(TENANT, create_request(idempotencyKey="order-7"))

    # When the same request is sent again (a client retry)
    again, created_again = service.create(TENANT, create_request(idempotencyKey="order-7"))

    # Then it is the same conversation, not a second one
    assert (created_first, created_again) == (True, False)
    assert again.id == first.id
    assert service.page(TENANT, query()).total == 1


def test_given_the_same_idempotency_key_in_another_tenant_when_created_then_it_is_a_new_conversation(
    service: ConversationService,
) -> None:
    first, _ = service.create(TENANT, create_request(idempotencyKey="order-7"))

    other, created = service.create("acme", create_request(idempotencyKey="order-7"))

    assert created is True
    assert other.id != first.id


def test_given_an_idempotency_key_older_than_24_hours_when_reused_then_a_new_conversation_is_created(
    service: ConversationService,
) -> None:
    # Given a key used a day and a second ago
    first, _ = service.create(TENANT, create_request(idempotencyKey="order-7"), now=T0)

    # When it is used again
    later, created = service.create(
        TENANT, create_request(idempotencyKey="order-7"), now=T0 + timedelta(hours=24, seconds=1)
    )

    # Then the key is free again
    assert created is True
    assert later.id != first.id


@pytest.mark.parametrize(
    ("content", "limit"),
    [
        ("User: " + "x" * (MAX_CONTENT_BYTES - 5), {"name": "content", "maxBytes": MAX_CONTENT_BYTES}),
        (
            structured([{"role": "user", "content": "hi"}] * (MAX_MESSAGES + 1)),
            {"name": "messages", "maxCount": MAX_MESSAGES},
        ),
        (
            structured([{"role": "user", "content": "hi"}, {"role": "assistant", "content": "é" * 60_000}]),
            {"name": "message", "maxBytes": MAX_MESSAGE_BYTES, "index": 1},
        ),
        (
            structured(
                [{"role": "user", "content": "hi", "metadata": {"blob": "x" * MAX_MESSAGE_EXTRAS_BYTES}}]
            ),
            {"name": "messageFields", "maxBytes": MAX_MESSAGE_EXTRAS_BYTES},
        ),
        (
            structured([{"role": "user", "content": "hi"}], {"blob": "x" * MAX_METADATA_BYTES}),
            {"name": "metadata", "maxBytes": MAX_METADATA_BYTES},
        ),
    ],
    ids=["content_over_512_kb", "501_messages", "message_over_100_kb", "message_fields", "metadata"],
)
def test_given_content_over_a_limit_when_created_then_limit_exceeded_names_the_limit_and_nothing_is_stored(
    service: ConversationService, content: str, limit: dict[str, Any]
) -> None:
    with pytest.raises(LimitExceeded) as raised:
        service.create(TENANT, create_request(content))

    assert raised.value.details["limit"] == limit
    assert service.page(TENANT, query()).total == 0


def test_given_content_of_exactly_512_kb_when_created_then_it_is_stored(service: ConversationService) -> None:
    # Six turns of at most 100 KB each, whose transcript is 512 KB to the byte
    sizes = [MAX_MESSAGE_BYTES] * 5
    sizes.append(MAX_CONTENT_BYTES - sum(sizes) - 6 * len("User: ") - 5)
    content = "\n".join("User: " + "x" * size for size in sizes)
    assert len(content.encode()) == MAX_CONTENT_BYTES

    conversation, created = service.create(TENANT, create_request(content))

    assert created is True
    assert conversation.content_bytes == MAX_CONTENT_BYTES


@pytest.mark.parametrize(
    ("content", "locs"),
    [
        (
            structured([{"role": "user", "content": "hi"}, {"role": "robot", "content": "beep"}]),
            [("body", "content", "messages", 1, "role")],
        ),
        (
            structured(
                [{"role": "user", "content": "  "}, {"role": "user", "content": "x", "timestamp": "later"}]
            ),
            [("body", "content", "messages", 0), ("body", "content", "messages", 1, "timestamp")],
        ),
        ('{"messages": "not a list"}', [("body", "content")]),
        ("Hello there, no labels at all", [("body", "content")]),
    ],
    ids=["unknown_role", "empty_content_and_bad_timestamp", "messages_not_a_list", "no_role_labels"],
)
def test_given_invalid_messages_when_created_then_invalid_names_each_field(
    service: ConversationService, content: str, locs: list[tuple[Any, ...]]
) -> None:
    with pytest.raises(Invalid) as raised:
        service.create(TENANT, create_request(content))

    assert [error.loc for error in raised.value.errors] == locs
    assert service.page(TENANT, query()).total == 0


# --------------------------------------------------------------------------------------------------
# Append
# --------------------------------------------------------------------------------------------------
def test_given_an_open_conversation_when_turns_are_appended_then_they_accumulate_in_order(
    service: ConversationService,
) -> None:
    conversation_id = open_conversation(service)

    service.append(TENANT, conversation_id, append_request("For six people."), read_back=False)
    result = service.append(
        TENANT, conversation_id, append_request("In teak.", "Thanks!", metadata={"userId": "u-9"})
    ).stored

    assert [m["content"] for m in result.messages] == [
        "Hi, I need a table.",
        "For six people.",
        "In teak.",
        "Thanks!",
    ]
    assert result.conversation.message_count == 4
    assert result.conversation.status == "active"
    assert result.conversation.user_id == "u-9"
    assert service.get(TENANT, conversation_id).messages == result.messages


def test_given_an_append_with_status_completed_then_the_conversation_completes_and_takes_no_more(
    service: ConversationService,
) -> None:
    # Given an open conversation completed by an append
    conversation_id = open_conversation(service)
    done = service.append(TENANT, conversation_id, append_request("Thanks, bye!", status="completed")).stored
    assert done.conversation.status == "completed"
    assert done.conversation.completed_at is not None

    # When a turn is appended after it (or the final call is retried)
    with pytest.raises(Conflict) as raised:
        service.append(TENANT, conversation_id, append_request("Thanks, bye!", status="completed"))

    # Then it is a conflict naming the status, and the transcript is unchanged
    assert raised.value.details == {"conversationId": conversation_id, "conversationStatus": "completed"}
    assert service.get(TENANT, conversation_id).conversation.message_count == 2


def test_given_another_append_lands_first_when_appending_then_it_is_retried_and_both_land(
    service: ConversationService, repository: InMemoryConversationRepository, sleeps: list[float]
) -> None:
    # Given another client's append that lands between this call's read and its write
    conversation_id = open_conversation(service)
    repository.before_next_write(
        lambda: service.append(
            TENANT, conversation_id, append_request("theirs 1", "theirs 2"), read_back=False
        )
    )

    # When this call appends
    result = service.append(TENANT, conversation_id, append_request("mine")).stored

    # Then it retried on the new state: every message landed, each call's contiguous, none lost
    assert [m["content"] for m in result.messages] == ["Hi, I need a table.", "theirs 1", "theirs 2", "mine"]
    assert result.conversation.message_count == 4
    assert len(sleeps) == 1  # one jittered pause before the retry


def test_given_a_concurrent_append_completes_the_conversation_when_appending_then_conflict(
    service: ConversationService, repository: InMemoryConversationRepository
) -> None:
    conversation_id = open_conversation(service)
    repository.before_next_write(
        lambda: service.append(TENANT, conversation_id, append_request("bye", status="completed"))
    )

    with pytest.raises(Conflict):
        service.append(TENANT, conversation_id, append_request("one more thing"))

    assert [m["content"] for m in service.get(TENANT, conversation_id).messages][-1] == "bye"


def test_given_appends_when_they_would_pass_500_messages_then_limit_exceeded_and_nothing_lands(
    service: ConversationService,
) -> None:
    conversation_id = open_conversation(service)
    service.append(TENANT, conversation_id, append_request(*["more"] * (MAX_MESSAGES - 1)), read_back=False)

    with pytest.raises(LimitExceeded) as raised:
        service.append(TENANT, conversation_id, append_request("the 501st"))

    assert raised.value.details["limit"] == {"name": "messages", "maxCount": MAX_MESSAGES}
    assert service.get(TENANT, conversation_id).conversation.message_count == MAX_MESSAGES


def test_given_appends_when_the_transcript_would_pass_512_kb_then_limit_exceeded(
    service: ConversationService,
) -> None:
    conversation_id = open_conversation(service)
    for _ in range(5):
        service.append(TENANT, conversation_id, append_request("y" * 100_000), read_back=False)

    with pytest.raises(LimitExceeded) as raised:
        service.append(TENANT, conversation_id, append_request("z" * 30_000))

    assert raised.value.details["limit"] == {"name": "content", "maxBytes": MAX_CONTENT_BYTES}


def test_given_a_message_over_100_kb_when_appended_then_limit_exceeded_names_its_index(
    service: ConversationService,
) -> None:
    conversation_id = open_conversation(service)

    with pytest.raises(LimitExceeded) as raised:
        service.append(TENANT, conversation_id, append_request("fine", "x" * (MAX_MESSAGE_BYTES + 1)))

    assert raised.value.details["limit"] == {"name": "message", "maxBytes": MAX_MESSAGE_BYTES, "index": 1}


@pytest.mark.parametrize("conversation_id", ["conv_0123456789abcdef01234567", "not-an-id", "conv_0123\n"])
def test_given_an_unknown_conversation_when_appended_then_not_found(
    service: ConversationService, conversation_id: str
) -> None:
    with pytest.raises(NotFound, match="Conversation not found"):
        service.append(TENANT, conversation_id, append_request("hello?"))


# --------------------------------------------------------------------------------------------------
# Read: get, insights, list
# --------------------------------------------------------------------------------------------------
def test_given_another_tenants_conversation_when_read_or_appended_then_it_is_not_found(
    service: ConversationService,
) -> None:
    conversation_id = open_conversation(service)

    with pytest.raises(NotFound):
        service.get("acme", conversation_id)
    with pytest.raises(NotFound):
        service.append("acme", conversation_id, append_request("hijack"))
    with pytest.raises(NotFound):
        service.insights("acme", conversation_id)
    assert service.get(TENANT, conversation_id).conversation.message_count == 1


def test_given_a_completed_conversation_without_insights_when_asked_then_not_ready_with_retry_after(
    service: ConversationService,
) -> None:
    conversation, _ = service.create(TENANT, create_request())

    with pytest.raises(NotFound) as raised:
        service.insights(TENANT, conversation.id)

    assert raised.value.title == "Insights not ready"
    assert raised.value.retry_after == 30
    assert raised.value.details == {"conversationId": conversation.id, "insightsStatus": "pending"}


def test_given_an_open_conversation_when_its_insights_are_asked_then_not_requested(
    service: ConversationService,
) -> None:
    conversation_id = open_conversation(service)

    with pytest.raises(NotFound) as raised:
        service.insights(TENANT, conversation_id)

    assert raised.value.title == "Insights not available"
    assert raised.value.retry_after is None
    assert raised.value.details == {"conversationId": conversation_id, "insightsStatus": "not_requested"}


def test_given_insights_were_stored_when_asked_then_they_are_returned_and_listed(
    service: ConversationService, repository: InMemoryConversationRepository
) -> None:
    conversation, _ = service.create(TENANT, create_request())

    assert repository.put_insights(TENANT, conversation.id, insights()) is True

    assert service.insights(TENANT, conversation.id) == insights()
    assert service.get(TENANT, conversation.id).conversation.has_insights is True
    assert [c.id for c in service.page(TENANT, query(hasInsights=True)).items] == [conversation.id]


def test_given_no_conversation_when_insights_are_stored_or_asked_then_not_found(
    service: ConversationService, repository: InMemoryConversationRepository
) -> None:
    assert repository.put_insights(TENANT, "conv_0123456789abcdef01234567", insights()) is False
    with pytest.raises(NotFound, match="Conversation not found"):
        service.insights(TENANT, "conv_0123456789abcdef01234567")


def test_given_conversations_when_listed_then_newest_first_filtered_with_exact_totals(
    service: ConversationService,
) -> None:
    # Given five conversations over two prompts, two of them open
    ids = []
    for prompt, status in [
        ("a", "completed"),
        ("b", "active"),
        ("a", "active"),
        ("b", "completed"),
        ("a", "completed"),
    ]:
        conversation, _ = service.create(
            TENANT,
            CreateConversationRequest.model_validate(
                {"promptId": prompt, "content": LABELLED, "status": status}
            ),
        )
        ids.append(conversation.id)
    service.create("acme", create_request())  # another tenant's: never listed here

    # When listed with and without filters
    everything = service.page(TENANT, query())
    prompt_a = service.page(TENANT, query(promptId="a"))
    open_b = service.page(TENANT, query(promptId="b", status="active"))
    second_page = service.page(TENANT, query(limit=2, offset=2))
    past_the_end = service.page(TENANT, query(limit=2, offset=5))

    # Then pages are newest first and totals count every match
    assert [c.id for c in everything.items] == ids[::-1]
    assert everything.total == 5
    assert [c.id for c in prompt_a.items] == [ids[4], ids[2], ids[0]]
    assert (prompt_a.total, open_b.total) == (3, 1)
    assert [c.id for c in open_b.items] == [ids[1]]
    assert [c.id for c in second_page.items] == [ids[2], ids[1]]
    assert second_page.total == 5
    assert (past_the_end.items, past_the_end.total) == ([], 5)


def test_given_an_append_completes_a_conversation_when_listed_by_status_then_it_moves(
    service: ConversationService,
) -> None:
    conversation_id = open_conversation(service)
    assert service.page(TENANT, query(status="active")).total == 1

    service.append(TENANT, conversation_id, append_request("bye", status="completed"))

    assert service.page(TENANT, query(status="active")).total == 0
    assert [c.id for c in service.page(TENANT, query(status="completed")).items] == [conversation_id]


# ------------------------------------------------------------------------------------------------
# Append with an Idempotency-Key
# ------------------------------------------------------------------------------------------------
def test_given_a_keyed_append_when_it_is_retried_then_the_first_answer_comes_back_and_nothing_twice(
    service: ConversationService,
) -> None:
    # Given a completing append sent with a key (its answer lost on the way back)
    conversation_id = open_conversation(service)
    first = service.append(
        TENANT, conversation_id, append_request("Thanks, bye!", status="completed"), idempotency_key="k-1"
    )

    # When the client sends it again with the same key
    again = service.append(
        TENANT, conversation_id, append_request("Thanks, bye!", status="completed"), idempotency_key="k-1"
    )

    # Then it is answered as the first time, marked as a replay, and stored once
    assert again.replayed and not first.replayed
    assert again.stored.messages == first.stored.messages
    assert service.get(TENANT, conversation_id).conversation.message_count == 2


def test_given_a_used_key_when_another_append_reuses_it_then_it_is_refused(
    service: ConversationService,
) -> None:
    conversation_id = open_conversation(service)
    service.append(TENANT, conversation_id, append_request("one"), idempotency_key="k-1")

    with pytest.raises(IdempotencyKeyReused):
        service.append(TENANT, conversation_id, append_request("two"), idempotency_key="k-1")
    assert service.get(TENANT, conversation_id).conversation.message_count == 2


def test_given_a_key_used_on_one_conversation_then_it_is_free_on_another(
    service: ConversationService,
) -> None:
    first, second = open_conversation(service), open_conversation(service)

    service.append(TENANT, first, append_request("one"), idempotency_key="k-1")
    appended = service.append(TENANT, second, append_request("one"), idempotency_key="k-1")

    assert not appended.replayed
    assert appended.stored.conversation.message_count == 2


def test_given_the_store_fails_after_the_append_committed_then_the_call_still_answers(
    service: ConversationService, repository: InMemoryConversationRepository, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No 5xx after a commit: a client told "failed" would send it again and store it twice."""
    conversation_id = open_conversation(service)

    def unavailable(*_: object) -> list[dict[str, object]]:
        raise Unavailable("busy")

    monkeypatch.setattr(repository, "messages_before", unavailable)
    appended = service.append(TENANT, conversation_id, append_request("kept"))

    assert appended.partial
    assert [m["content"] for m in appended.stored.messages] == ["kept"]
    assert appended.stored.conversation.message_count == 2
    monkeypatch.undo()
    assert service.get(TENANT, conversation_id).conversation.message_count == 2
