# ruff: noqa: RUF001 -- the texts use en dashes and multiplication signs, as they are written
"""A whole English conversation over HTTP against the local gateway: small talk, numbers and
counts in words, a correction, a digression that resumes the task, fulfilment, and the insights of
the completed transcript (the demo tenant's furniture-shop deployment on web-en-US)."""

import time

import pytest
import requests

pytestmark = pytest.mark.e2e

TURN = "/c/furniture-shop/web-en-US"


def _say(gateway, body: dict) -> dict:
    response = requests.post(
        f"{gateway.url}{TURN}", json=body, headers={"nlx-api-key": gateway.demo_key}, timeout=30
    )
    assert response.status_code == 200, response.text
    return response.json()


def _text(gateway, text: str, conversation_id: str | None = None) -> dict:
    body: dict = {"request": {"unstructured": {"text": text}}}
    if conversation_id:
        body["conversationId"] = conversation_id
    return _say(gateway, body)


def _texts(body: dict) -> list[str]:
    return [m["text"] for m in body["messages"]]


def test_an_english_conversation_reads_like_a_person_would_expect(gateway) -> None:
    # Given a visitor who opens with small talk
    hello = _text(gateway, "hey there")
    conversation_id = hello["conversationId"]
    assert _texts(hello) == ["Hi! I'm the Terrace & Table assistant.", "What can I do for you?"]
    assert hello["metadata"]["incomprehension"] is False
    assert hello["payload"]["understood"]["builtin"] == "greeting"

    # When they say what they want, with the people counted in words
    want = _text(gateway, "I need a garden table for me, my wife and our three kids", conversation_id)
    assert want["metadata"]["intentId"] == "find_outdoor_table"
    assert want["payload"]["slots"] == {"seating": "6"}
    assert _texts(want) == ["What budget range did you have in mind for the table?"]

    # And answer, then correct themselves
    cheap = _text(gateway, "cheap as possible", conversation_id)
    assert cheap["payload"]["slots"] == {"seating": "6", "budget": "under-500"}
    corrected = _text(gateway, "actually wait, make it premium", conversation_id)
    assert corrected["metadata"]["incomprehension"] is False
    assert _texts(corrected)[0] == "Got it, I've changed that to Over €2,000."
    assert corrected["payload"]["understood"]["corrected"] == ["budget"]

    # And ask something else in the middle of the task
    aside = _text(gateway, "do you deliver to Berlin?", conversation_id)
    assert _texts(aside) == [
        "We deliver to Berlin in 5–7 working days; delivery is free above €500.",
        "Now, back to where we were.",
        "Do you have a material in mind — teak, aluminium, steel, ceramic?",
    ]
    assert aside["payload"]["understood"]["intent"] == "delivery_question"

    # Then the task resumes with what it had, and fulfils
    done = _text(gateway, "teak would be lovely", conversation_id)
    assert _texts(done) == [
        "Here is our shortlist of teak tables for 6 people, over €2,000. I've sent it to your basket page."
    ]
    assert done["payload"]["slots"] == {"budget": "over-2000", "seating": "6", "material": "teak"}
    assert done["metadata"]["hasPendingDataRequest"] is False

    # And the completed transcript gets insights in which Parley's own lines raised no issue
    auth = {"Authorization": f"Bearer {gateway.demo_key}"}
    url = f"{gateway.url}/api/v1/conversations/{conversation_id}/insights"
    deadline = time.monotonic() + 30
    insights = requests.get(url, headers=auth, timeout=30)
    while insights.status_code != 200 and time.monotonic() < deadline:
        time.sleep(0.5)
        insights = requests.get(url, headers=auth, timeout=30)
    assert insights.status_code == 200, insights.text
    body = insights.json()
    assert body["issues"] == []
    assert not any(word in topic for topic in body["topics"] for word in ("euros", "around", "wait"))


def test_a_person_asked_for_in_one_word_is_a_hand_off(gateway) -> None:
    body = _text(gateway, "operator")

    assert body["metadata"]["escalation"] is True
    assert body["metadata"]["escalationChannel"]["type"] == "live_chat"


def test_nlx_built_in_intents_are_answered(gateway) -> None:
    welcome = _say(gateway, {"request": {"structured": {"intentId": "NLX.Welcome"}}})

    assert _texts(welcome) == ["Hi! I'm the Terrace & Table assistant.", "What can I do for you?"]
    assert welcome["metadata"]["incomprehension"] is False
    escalation = _say(
        gateway,
        {
            "conversationId": welcome["conversationId"],
            "request": {"structured": {"intentId": "NLX.Escalation"}},
        },
    )
    assert escalation["metadata"]["escalation"] is True
