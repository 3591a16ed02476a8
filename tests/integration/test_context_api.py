"""UpdateContextFunction and RequestVoiceTokenFunction under moto, driven by their events (the
requests NLX's ``sendContext()`` and ``getVoiceCredentials()`` send)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from parley import admin
from tests.helpers.events import load_event
from tests.helpers.http import header
from tests.helpers.paths import ROOT

CLIENT_ID = "6f1c2a9e-3b7d-4e0a-9c55-2d8e1f4b7a30"


@pytest.fixture
def demo_loaded(moto_resources, capsys) -> None:
    where = ["--tenants-table", moto_resources.tables["TenantsTable"]]
    assert admin.main([*where, "load-config", str(ROOT / "tenants/demo")]) == 0
    capsys.readouterr()


@pytest.fixture
def update_context(demo_loaded, load_function):
    return load_function("UpdateContextFunction")


@pytest.fixture
def process_turn(demo_loaded, load_function):
    return load_function("ProcessTurnFunction")


def _call(module: Any, event: dict, lambda_context: Any) -> tuple[int, dict]:
    response = module.lambda_handler(event, lambda_context)
    return response["statusCode"], json.loads(response["body"])


def _turn(process_turn: Any, lambda_context: Any, body: dict) -> dict:
    event = load_event("process_turn/unstructured_text.json")
    event["body"] = json.dumps(body)
    status, answer = _call(process_turn, event, lambda_context)
    assert status == 200, answer
    return answer


def test_send_context_sets_what_the_first_turn_then_carries(
    update_context, process_turn, lambda_context
) -> None:
    # Given the SDK's sendContext() before any turn (its own conversation id, in header and body)
    status, body = _call(update_context, load_event("update_context/ok.json"), lambda_context)

    assert status == 200
    assert body["conversationId"] == CLIENT_ID
    assert body["context"] == {"pageUrl": "https://shop.example/outdoor", "cartValue": 120}

    # When the first turn comes, it greets and answers with that context
    first = _turn(
        process_turn,
        lambda_context,
        {"conversationId": CLIENT_ID, "request": {"unstructured": {"text": "I need a garden table"}}},
    )
    assert first["messages"][0]["text"] == "Hi! I'm the Terrace & Table assistant."
    assert first["context"] == {"pageUrl": "https://shop.example/outdoor", "cartValue": 120}


@pytest.mark.parametrize(
    ("case", "field"),
    [("context_too_large", ["body", "context"]), ("no_conversation", ["header", "nlx-conversation-id"])],
)
def test_client_mistakes_are_400_problems_naming_the_field(
    case: str, field: list[str], update_context, lambda_context
) -> None:
    response = update_context.lambda_handler(load_event(f"update_context/{case}.json"), lambda_context)
    body = json.loads(response["body"])

    assert response["statusCode"] == 400
    assert header(response, "Content-Type") == "application/problem+json"
    assert [error["loc"] for error in body["errors"]] == [field]


def test_request_token_answers_that_voice_is_not_offered(load_function, lambda_context) -> None:
    module = load_function("RequestVoiceTokenFunction")

    response = module.lambda_handler(load_event("request_voice_token/ok.json"), lambda_context)
    body = json.loads(response["body"])

    assert response["statusCode"] == 403
    assert header(response, "Content-Type") == "application/problem+json"
    assert body["type"].endswith("/not_offered")
    assert body["title"] == "Voice is not offered"
    assert "text chat only" in body["detail"]
