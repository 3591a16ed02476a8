"""RunService on the in-memory repository: how Converra's runs map onto conversations.

A run is a conversation: what the runs API writes is read back through ``ConversationService``
(the Conversations API's service) here, as a client of both APIs would see it.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from converra._hasher import hash_prompt_content
from pydantic import ValidationError

from parley.conversations.limits import MAX_CONTENT_BYTES
from parley.conversations.models import AppendMessagesRequest
from parley.conversations.run_models import AppendRunRequest, CreateRunRequest, ListRunsQuery
from parley.conversations.runs import UNASSIGNED_AGENT, RunService, agent_id_for, prompt_hash
from parley.conversations.service import ConversationService
from parley.errors import Conflict, Invalid, LimitExceeded
from tests.fakes import InMemoryConversationRepository

TENANT = "demo"
SYSTEM = "You are the garden shop's assistant."
USER = {"role": "user", "content": "Where is my order A-1001?"}
ASSISTANT = {"role": "assistant", "content": "It ships tomorrow."}


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        self.now += timedelta(seconds=1)
        return self.now


@pytest.fixture
def conversations() -> ConversationService:
    return ConversationService(InMemoryConversationRepository(), now=Clock(), sleep=lambda _: None)


@pytest.fixture
def runs(conversations: ConversationService) -> RunService:
    return RunService(conversations)


def create(**fields: Any) -> CreateRunRequest:
    return CreateRunRequest.model_validate({"messages": [USER, ASSISTANT], **fields})


def append(*messages: dict[str, Any], **fields: Any) -> AppendRunRequest:
    return AppendRunRequest.model_validate({"messages": list(messages), **fields})


# --------------------------------------------------------------------------------------------------
# The agent is the prompt
# --------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("fields", "prompt_id"),
    [
        ({"agentName": "Support Bot"}, "Support Bot"),
        ({"agentId": "agent_7"}, "agent_7"),
        ({"agentId": "agent_7", "agentName": "Support Bot"}, "agent_7"),
        ({}, UNASSIGNED_AGENT),
    ],
)
def test_given_an_agent_when_a_run_is_created_then_it_is_the_conversations_prompt(
    runs: RunService, conversations: ConversationService, fields: dict[str, Any], prompt_id: str
) -> None:
    run, created = runs.create(TENANT, create(**fields))

    assert created is True
    assert conversations.get(TENANT, run.id).conversation.prompt_id == prompt_id


def test_given_an_agent_id_and_a_name_when_created_then_the_name_is_kept_in_metadata(
    runs: RunService, conversations: ConversationService
) -> None:
    run, _ = runs.create(TENANT, create(agentId="agent_7", agentName="Support Bot"))

    assert conversations.get(TENANT, run.id).conversation.metadata == {"agentName": "Support Bot"}


def test_given_a_capture_without_an_agent_when_created_then_its_system_prompts_agent_is_the_prompt(
    runs: RunService, conversations: ConversationService
) -> None:
    # Given a wrapped call's capture whose agent match timed out in the SDK (no agentId sent)
    request = CreateRunRequest.model_validate(
        {"messages": [{"role": "system", "content": f"  {SYSTEM}\n"}, USER, ASSISTANT], "userId": "sdk"}
    )

    # When it is created
    run, _ = runs.create(TENANT, request)

    # Then it is a run of the agent /sdk/agents/match gives that prompt
    expected = "agent_" + hash_prompt_content(SYSTEM)[:24]
    assert conversations.get(TENANT, run.id).conversation.prompt_id == expected
    assert agent_id_for(prompt_hash(SYSTEM)) == expected


@pytest.mark.parametrize(
    "prompt",
    ["You are a helper.", "  You are\n\n a   helper. \t", "Línea uno\r\nlínea dos\n\n\n", "", "   "],
)
def test_given_any_prompt_when_hashed_then_it_is_the_sdks_own_hash(prompt: str) -> None:
    assert prompt_hash(prompt) == hash_prompt_content(prompt)


# --------------------------------------------------------------------------------------------------
# Messages, content, metadata
# --------------------------------------------------------------------------------------------------
def test_given_messages_and_content_when_created_then_the_messages_are_stored_as_sent(
    runs: RunService, conversations: ConversationService
) -> None:
    # Given what send() posts: the messages, and its own rendering of them as content
    assistant = {**ASSISTANT, "model": "gpt-4o", "usage": {"promptTokens": 12, "completionTokens": 4}}
    request = create(messages=[USER, assistant], content="User: something else\nAI: entirely")

    run, _ = runs.create(TENANT, request)

    stored = conversations.get(TENANT, run.id)
    assert stored.messages == [USER, assistant]
    assert stored.conversation.title == "Where is my order A-1001?"


def test_given_only_content_when_created_then_it_is_read_in_either_format(
    runs: RunService, conversations: ConversationService
) -> None:
    request = CreateRunRequest.model_validate(
        {"agentName": "Support Bot", "content": "User: Hello\nAI: Hi! How can I help?"}
    )

    run, _ = runs.create(TENANT, request)

    stored = conversations.get(TENANT, run.id)
    assert [(m["role"], m["content"]) for m in stored.messages] == [
        ("user", "Hello"),
        ("assistant", "Hi! How can I help?"),
    ]


@pytest.mark.parametrize("body", [{}, {"messages": [], "content": ""}, {"content": "   "}])
def test_given_no_messages_and_no_content_when_created_then_it_is_invalid(
    runs: RunService, body: dict
) -> None:
    with pytest.raises(Invalid) as refused:
        runs.create(TENANT, CreateRunRequest.model_validate({"agentName": "Support Bot", **body}))

    assert [error.loc for error in refused.value.errors] == [("body", "messages")]


def test_given_top_level_fields_when_created_then_they_are_metadata_over_the_same_keys(
    runs: RunService, conversations: ConversationService
) -> None:
    # Given what send(session_id=…, user_id=…, metadata=…) and a trace send
    request = create(
        metadata={"source": "sdk", "sessionId": "from-metadata", "channel": "web"},
        sessionId="sess_1",
        userId="customer_acme",
        traceId="trace_1",
        parentTraceId="trace_0",
        toolDefinitions=[{"name": "lookup_order", "parameters": {}}],
    )

    run, _ = runs.create(TENANT, request)

    conversation = conversations.get(TENANT, run.id).conversation
    assert conversation.metadata == {
        "source": "sdk",
        "sessionId": "sess_1",
        "channel": "web",
        "userId": "customer_acme",
        "traceId": "trace_1",
        "parentTraceId": "trace_0",
        "toolDefinitions": [{"name": "lookup_order", "parameters": {}}],
    }
    assert conversation.user_id == "customer_acme"
    assert conversation.session_id == "sess_1"


def test_given_a_title_when_created_then_it_replaces_the_first_user_line(
    runs: RunService, conversations: ConversationService
) -> None:
    run, _ = runs.create(TENANT, create(title="Order A-1001"))

    assert conversations.get(TENANT, run.id).conversation.title == "Order A-1001"


def test_given_an_empty_assistant_turn_when_created_then_it_is_kept_and_an_empty_user_turn_is_not() -> None:
    # An LLM call answered with tool calls only has no text; a user turn always has some.
    accepted = create(messages=[USER, {"role": "assistant", "content": ""}])
    with pytest.raises(ValidationError):
        create(messages=[{"role": "user", "content": " "}])

    assert accepted.messages is not None and accepted.messages[1].content == ""


def test_given_messages_whose_transcript_is_over_512_kb_when_created_then_it_is_too_large(
    runs: RunService,
) -> None:
    # Six messages within the 100 KB message limit, whose transcript is over 512 KB together
    text = "x" * 90_000
    request = create(messages=[{"role": "user", "content": text}] * 6)

    with pytest.raises(LimitExceeded) as refused:
        runs.create(TENANT, request)

    assert refused.value.limit is not None
    assert (refused.value.limit.name, refused.value.limit.max_bytes) == ("content", MAX_CONTENT_BYTES)


def test_given_an_idempotency_key_when_created_twice_then_the_first_run_comes_back(runs: RunService) -> None:
    first, _ = runs.create(TENANT, create(idempotencyKey="run-7"))

    again, created = runs.create(TENANT, create(idempotencyKey="run-7"))

    assert (again.id, created) == (first.id, False)


# --------------------------------------------------------------------------------------------------
# Append
# --------------------------------------------------------------------------------------------------
def test_given_a_session_id_on_append_when_appended_then_it_is_metadata_session_id_over_metadatas(
    runs: RunService, conversations: ConversationService
) -> None:
    run, _ = runs.create(TENANT, create(status="active", metadata={"sessionId": "old"}))

    appended = runs.append(
        TENANT,
        run.id,
        append(USER, sessionId="sess_2", metadata={"sessionId": "ignored", "step": 2}, toolDefinitions=[]),
    )

    assert appended.stored.conversation.metadata == {"sessionId": "sess_2", "step": 2, "toolDefinitions": []}
    assert conversations.get(TENANT, run.id).conversation.session_id == "sess_2"
    assert len(appended.stored.messages) == 3


def test_given_a_completed_run_when_appended_then_it_is_a_conflict(runs: RunService) -> None:
    run, _ = runs.create(TENANT, create(status="active"))
    runs.append(TENANT, run.id, append(USER, status="completed"))

    with pytest.raises(Conflict):
        runs.append(TENANT, run.id, append(USER))


def test_given_an_idempotency_key_when_an_append_is_retried_then_it_appends_once(runs: RunService) -> None:
    run, _ = runs.create(TENANT, create(status="active"))

    first = runs.append(TENANT, run.id, append(USER, sessionId="s"), idempotency_key="k-1")
    retry = runs.append(TENANT, run.id, append(USER, sessionId="s"), idempotency_key="k-1")

    assert (first.replayed, retry.replayed) == (False, True)
    assert len(runs.get(TENANT, run.id).messages) == 3


def test_given_the_conversations_api_when_a_session_id_is_appended_then_it_is_metadata_session_id(
    conversations: ConversationService, runs: RunService
) -> None:
    # The 0.3.x SDK appends through /api/v1/conversations/{id}/messages with a top-level sessionId.
    run, _ = runs.create(TENANT, create(status="active"))
    request = AppendMessagesRequest.model_validate(
        {"messages": [USER], "sessionId": "sess_3", "metadata": {"sessionId": "other", "k": 1}}
    )

    appended = conversations.append(TENANT, run.id, request)

    assert appended.stored.conversation.metadata == {"sessionId": "sess_3", "k": 1}


# --------------------------------------------------------------------------------------------------
# List
# --------------------------------------------------------------------------------------------------
def test_given_runs_of_two_agents_when_listed_by_agent_then_only_that_agents_come_back(
    runs: RunService,
) -> None:
    mine, _ = runs.create(TENANT, create(agentName="Support Bot"))
    runs.create(TENANT, create(agentName="Sales Bot"))

    page = runs.page(TENANT, ListRunsQuery.model_validate({"agentId": "Support Bot"}))

    assert ([item.id for item in page.items], page.total) == ([mine.id], 1)


def test_given_an_offset_and_a_cursor_when_listing_then_the_query_is_refused() -> None:
    with pytest.raises(ValidationError):
        ListRunsQuery.model_validate({"offset": 5, "cursor": "abc"})
