"""The one JSON rule for everything Parley stores: bounded depth, valid Unicode, finite numbers —
for top-level bodies (pydantic models) and embedded JSON (a Converra `content` string) alike."""

from __future__ import annotations

import json
from typing import Any

import pytest
from pydantic import BaseModel, ValidationError

from parley.canonical import MAX_DEPTH, JsonObject, check, dumps, loads
from parley.conversations.models import AppendMessagesRequest, Message
from parley.dialogue.models import TurnRequest
from parley.errors import Invalid
from parley.nbq.models import ConversionRequest


def nested(depth: int) -> Any:
    value: Any = "leaf"
    for _ in range(depth):
        value = {"a": value}
    return value


@pytest.mark.parametrize(
    ("value", "type_"),
    [
        (nested(MAX_DEPTH + 1), "json_too_deep"),
        ({"a": [[[[float("nan")]]]]}, "finite_number"),
        ({"a": float("inf")}, "finite_number"),
        ({"text": "bad \ud800 half"}, "string_unicode"),
        ({"bad \udfff key": 1}, "string_unicode"),
    ],
)
def test_a_value_breaking_the_rule_is_invalid_and_says_where(value: Any, type_: str) -> None:
    with pytest.raises(Invalid) as caught:
        check(value, ("body", "metadata"))

    [error] = caught.value.errors
    assert error.type == type_
    assert error.loc[:2] == ("body", "metadata")


def test_a_value_within_the_rule_is_kept_as_it_is_and_serialises() -> None:
    value = {"deep": nested(MAX_DEPTH - 1), "n": [1, 2.5, -0.0], "text": "ünïcødé 😀", "none": None}

    assert check(value) is value
    assert json.loads(dumps(value)) == value


@pytest.mark.parametrize(
    "text",
    [
        '{"messages": [], "metadata": {"x": NaN}}',
        '{"messages": [], "metadata": {"x": Infinity}}',
        '{"messages": [], "metadata": {"x": -Infinity}}',
        '{"messages": [], "metadata": {"x": 1e400}}',
        '{"messages": [], "metadata": {"x": "\\ud800"}}',
        '{"messages": [], "metadata": ' + "[" * 300 + "]" * 300 + "}",
        "[" * 5000 + "]" * 5000,
    ],
)
def test_embedded_json_is_held_to_the_same_rule(text: str) -> None:
    with pytest.raises(Invalid):
        loads(text, ("body", "content"))


def test_text_that_is_not_json_at_all_is_a_value_error_not_invalid() -> None:
    with pytest.raises(ValueError, match="Expecting"):
        loads("{not json", ("body", "content"))


class _Free(BaseModel):
    data: JsonObject


@pytest.mark.parametrize(
    ("model", "raw"),
    [
        (_Free, '{"data": {"x": NaN}}'),
        (_Free, '{"data": ' + '{"a": ' * 40 + "1" + "}" * 40 + "}"),
        (AppendMessagesRequest, '{"messages": [{"role": "user", "content": "hi", "latencyMs": 1e400}]}'),
        (AppendMessagesRequest, '{"messages": [{"role": "user", "content": "hi", "metadata": {"x": NaN}}]}'),
        (
            AppendMessagesRequest,
            '{"messages": [{"role": "user", "content": "hi", "toolCalls": [{"x": Infinity}]}]}',
        ),
        (AppendMessagesRequest, '{"messages": [{"role": "user", "content": "h", "usage": {"cost": NaN}}]}'),
        (
            AppendMessagesRequest,
            '{"messages": [{"role": "user", "content": "hi"}], "metadata": {"n": -Infinity}}',
        ),
        (ConversionRequest, '{"outcome": "purchase", "metadata": {"order_value": NaN}}'),
        (TurnRequest, '{"request": {"unstructured": {"text": "hi"}}, "context": {"x": NaN}}'),
        (TurnRequest, '{"request": {"structured": {"slots": [{"slotId": "s", "value": Infinity}]}}}'),
    ],
)
def test_request_models_refuse_what_the_rule_refuses(model: type[BaseModel], raw: str) -> None:
    with pytest.raises(ValidationError):
        model.model_validate_json(raw)


def test_a_message_within_the_rule_is_accepted() -> None:
    message = Message.model_validate_json(
        '{"role": "user", "content": "hi", "latencyMs": 12.5, "usage": {"promptTokens": 3, "cost": 0.01},'
        ' "metadata": {"deep": ' + '{"a": ' * 20 + "1" + "}" * 20 + "}}"
    )

    assert message.latency_ms == 12.5
