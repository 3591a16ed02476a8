"""Identifiers are matched whole: a trailing newline (or any suffix) never makes a valid id — it
used to: `$` accepts a final newline, and `conv_<24 hex>\\n` became a real, listed conversation."""

from __future__ import annotations

import json

import pytest

from tests.helpers.events import load_event


@pytest.mark.parametrize("suffix", ["\n", "\r\n", " ", "\x00", "0"])
def test_a_conversation_id_with_anything_after_it_is_no_conversation(
    load_function, lambda_context, suffix: str
) -> None:
    create = load_function("CreateConversationFunction")
    get = load_function("GetConversationFunction")
    append = load_function("AppendMessagesFunction")
    created = json.loads(
        create.lambda_handler(load_event("create_conversation/spec_example.json"), lambda_context)["body"]
    )
    forged = created["id"] + suffix

    event = load_event("get_conversation/ok.json")
    event["pathParameters"] = {"id": forged}
    appended = load_event("append_messages/spec_example.json")
    appended["pathParameters"] = {"id": forged}

    assert get.lambda_handler(event, lambda_context)["statusCode"] == 404
    assert append.lambda_handler(appended, lambda_context)["statusCode"] == 404
