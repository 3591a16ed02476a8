"""Content formats: structured JSON and labelled text (every label, multi-line turns), rendering."""

import json

import pytest

from parley.conversations.content import ContentFormatError, parse_content, render_content, rendered_size


@pytest.mark.parametrize(
    ("user_label", "assistant_label"),
    [("User", "Assistant"), ("Human", "AI"), ("Customer", "Agent")],
)
def test_given_each_label_pair_when_parsed_then_roles_are_user_and_assistant(
    user_label: str, assistant_label: str
) -> None:
    parsed = parse_content(f"{user_label}: Hello\n{assistant_label}: Hi! How can I help?")

    assert parsed.structured is False
    assert parsed.messages == [
        {"role": "user", "content": "Hello"},
        {"role": "assistant", "content": "Hi! How can I help?"},
    ]


def test_given_a_turn_over_several_lines_when_parsed_then_it_stays_one_message() -> None:
    text = (
        "Customer: My order\nhas two problems:\n\n- it is late\n- it is wrong\nAgent: Sorry!\nLet me check."
    )

    parsed = parse_content(text)

    assert [m["role"] for m in parsed.messages] == ["user", "assistant"]
    assert parsed.messages[0]["content"] == "My order\nhas two problems:\n\n- it is late\n- it is wrong"
    assert parsed.messages[1]["content"] == "Sorry!\nLet me check."


def test_given_windows_newlines_and_lowercase_labels_when_parsed_then_they_are_understood() -> None:
    parsed = parse_content("human: hi\r\nai: hello\r\nSystem: be brief\r\nTool: {}")

    assert [m["role"] for m in parsed.messages] == ["user", "assistant", "system", "tool"]
    assert parsed.messages[0]["content"] == "hi"


def test_given_a_colon_inside_a_turn_when_parsed_then_only_known_labels_start_messages() -> None:
    parsed = parse_content("User: Note: call me at 10:30\nOrder: A-1\nAssistant: Noted.")

    assert parsed.messages[0]["content"] == "Note: call me at 10:30\nOrder: A-1"
    assert len(parsed.messages) == 2


def test_given_structured_content_when_parsed_then_messages_and_metadata_come_through() -> None:
    content = json.dumps(
        {
            "messages": [
                {"role": "user", "content": "Hello", "timestamp": "2025-01-20T14:30:00Z"},
                {"role": "assistant", "content": "Hi!", "model": "gpt-4o", "tokens": 3},
            ],
            "metadata": {"userId": "user_789", "channel": "web"},
        }
    )

    parsed = parse_content(content)

    assert parsed.structured is True
    assert parsed.messages[1] == {"role": "assistant", "content": "Hi!", "model": "gpt-4o", "tokens": 3}
    assert parsed.metadata == {"userId": "user_789", "channel": "web"}


@pytest.mark.parametrize(
    "content",
    ["Hello there, no labels", "", "   \n  ", '{"messages": "not a list"}', '{"messages": [1, 2]}'],
)
def test_given_content_in_neither_format_when_parsed_then_it_is_refused(content: str) -> None:
    with pytest.raises(ContentFormatError):
        parse_content(content)


def test_given_json_without_messages_when_parsed_then_it_is_read_as_text_and_refused() -> None:
    with pytest.raises(ContentFormatError):
        parse_content('{"text": "User: hi"}')


def test_given_canonical_text_when_parsed_and_rendered_then_it_reads_back_byte_for_byte() -> None:
    text = "System: Be kind.\nUser: Hello\nsecond line\nAssistant: Hi! ünïcödé 👋\nTool: "

    assert render_content(parse_content(text).messages) == text


def test_given_messages_when_sized_then_the_size_is_that_of_the_rendered_transcript() -> None:
    first = [{"role": "user", "content": "héllo"}, {"role": "assistant", "content": "hi"}]
    more = [{"role": "tool", "content": ""}]

    assert rendered_size(first) == len(render_content(first).encode())
    assert rendered_size(first) + rendered_size(more, existing_count=2) == len(
        render_content(first + more).encode()
    )
