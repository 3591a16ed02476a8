"""Conversation ids are matched whole (never with a `$` that accepts a final newline)."""

import pytest

from parley.conversations.service import is_conversation_id, new_conversation_id


@pytest.mark.parametrize("suffix", ["\n", "\r\n", " ", "\x00", "0", "#x"])
def test_an_id_with_anything_after_it_is_not_an_id(suffix: str) -> None:
    issued = new_conversation_id()

    assert is_conversation_id(issued)
    assert not is_conversation_id(issued + suffix)
    assert not is_conversation_id(suffix + issued)
