"""Request models: roles, optional message fields kept as sent, defaults and bounds."""

import pytest
from pydantic import ValidationError

from parley.conversations.items import chunk_messages
from parley.conversations.limits import CHUNK_TARGET_BYTES
from parley.conversations.models import (
    AppendMessagesRequest,
    CreateConversationRequest,
    ListConversationsQuery,
    Message,
)


def test_given_every_optional_field_when_stored_then_each_is_kept_as_sent() -> None:
    sent = {
        "role": "assistant",
        "content": "Your order ships tomorrow.",
        "timestamp": "2025-01-20T14:31:12Z",
        "model": "gpt-4o",
        "tokens": 9,
        "toolCalls": [{"id": "call_1", "name": "order_status", "arguments": {"orderId": "A-1"}}],
        "usage": {"promptTokens": 120, "completionTokens": 9},
        "latencyMs": 840,
        "metadata": {"source": "kb", "score": 0.5},
    }

    assert Message.model_validate(sent).stored() == sent


def test_given_a_tool_message_without_content_when_validated_then_it_is_accepted() -> None:
    message = Message.model_validate({"role": "tool", "toolCalls": [{"id": "c1"}]})

    assert message.stored() == {"role": "tool", "content": "", "toolCalls": [{"id": "c1"}]}


@pytest.mark.parametrize("role", ["user", "assistant", "system"])
def test_given_an_empty_message_of_another_role_when_validated_then_it_is_refused(role: str) -> None:
    with pytest.raises(ValidationError, match="content must not be empty"):
        Message.model_validate({"role": role, "content": "  "})


@pytest.mark.parametrize(
    "bad",
    [{"role": "bot", "content": "x"}, {"role": "user", "content": "x", "timestamp": "yesterday"}],
)
def test_given_an_unknown_role_or_a_bad_timestamp_when_validated_then_it_is_refused(bad: dict) -> None:
    with pytest.raises(ValidationError):
        Message.model_validate(bad)


def test_given_a_create_without_status_when_parsed_then_it_is_completed() -> None:
    request = CreateConversationRequest.model_validate_json('{"promptId": "p", "content": "User: hi"}')

    assert request.status == "completed"
    assert request.idempotency_key is None


@pytest.mark.parametrize("status", ["completed", "abandoned", "in_progress", "active"])
def test_given_each_create_status_when_parsed_then_it_is_accepted(status: str) -> None:
    request = CreateConversationRequest.model_validate({"promptId": "p", "content": "x", "status": status})

    assert request.status == status


def test_given_an_append_when_parsed_then_status_defaults_to_active_and_messages_are_required() -> None:
    assert AppendMessagesRequest.model_validate({"messages": [{"role": "user", "content": "hi"}]}).status == (
        "active"
    )
    with pytest.raises(ValidationError):
        AppendMessagesRequest.model_validate({"messages": []})
    with pytest.raises(ValidationError):
        AppendMessagesRequest.model_validate({"messages": [{"role": "user", "content": "hi"}], "status": "x"})


def test_given_list_parameters_as_strings_when_parsed_then_defaults_and_bounds_hold() -> None:
    assert ListConversationsQuery.model_validate({}).limit == 20
    query = ListConversationsQuery.model_validate({"limit": "100", "offset": "40", "hasInsights": "false"})
    assert (query.limit, query.offset, query.has_insights) == (100, 40, False)
    for bad in ({"limit": "101"}, {"limit": "0"}, {"offset": "-1"}, {"hasInsights": "maybe"}):
        with pytest.raises(ValidationError):
            ListConversationsQuery.model_validate(bad)


def test_given_messages_of_any_size_when_chunked_then_each_chunk_fits_a_dynamodb_item() -> None:
    messages = [{"role": "user", "content": "x" * 100 * 1024} for _ in range(7)]

    chunks = chunk_messages(messages, first_position=3)

    assert [start for start, _ in chunks] == [3, 5, 7, 9]
    assert all(len(body.encode()) <= CHUNK_TARGET_BYTES for _, body in chunks)
