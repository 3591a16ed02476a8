"""NLX's own SDK, ``@nlxai/chat-core`` 1.1.4 (pinned in web/package.json), against the local
gateway, configured as its README shows and holding the demo tenant's publishable key: every
method a chat page uses, driven by ``web/e2e/chat_core.mjs`` with node."""

from __future__ import annotations

from typing import Any

import pytest
import requests

from tests.helpers.gateway import RunningGateway
from tests.helpers.web import run_node

PUBLISHABLE = "pub_test_demoDEMOdemoDEMOdemoDEMO01"
SHORTLIST = (
    "Here is our shortlist of aluminium tables for 6 people, between €500 and €1,000. "
    "I've sent it to your basket page."
)


@pytest.fixture(scope="module")
def run(gateway: RunningGateway) -> dict[str, Any]:
    before = _conversation_ids(gateway)
    report = run_node(
        "chat_core.mjs", env={"PARLEY_URL": gateway.url, "PARLEY_KEY": PUBLISHABLE, "PARLEY_IDLE_MS": "5000"}
    )
    report["new_conversations"] = [cid for cid in _conversation_ids(gateway) if cid not in before]
    report["gateway"] = gateway
    return report


def _conversation_ids(gateway: RunningGateway) -> list[str]:
    listed = requests.get(
        f"{gateway.url}/api/v1/conversations",
        params={"limit": 100},
        headers={"Authorization": f"Bearer {gateway.demo_key}"},
        timeout=30,
    )
    assert listed.status_code == 200, listed.text
    return [item["id"] for item in listed.json()["data"]]


def _step(report: dict[str, Any], name: str) -> dict[str, Any]:
    found = next(step for step in report["steps"] if step["name"] == name)
    assert "error" not in found, found
    outcome: dict[str, Any] = found["outcome"] or {}
    return outcome


def test_the_sdk_keeps_its_own_conversation_id_for_the_whole_chat(run: dict[str, Any]) -> None:
    own = run["sdkConversationId"]
    answers = [step["outcome"] for step in run["steps"] if step.get("outcome")]

    assert len(own) == 36  # the UUID the SDK minted
    assert len(answers) == 8
    assert {answer["conversationId"] for answer in answers} == {own}
    assert run["currentConversationId"] == own
    assert run["failures"] == 0  # no "We encountered an issue" bubble at any step


def test_the_welcome_flow_greets_and_offers_what_the_bot_does(run: dict[str, Any]) -> None:
    welcome = _step(run, "sendWelcomeFlow")

    assert welcome["texts"][0] == "Hi! I'm the Terrace & Table assistant."
    assert welcome["metadata"]["incomprehension"] is False
    assert "find_outdoor_table" in [choice["id"] for choice in welcome["choices"]]


def test_text_choice_and_text_reach_fulfilment_and_the_chat_goes_on_under_the_same_id(
    run: dict[str, Any],
) -> None:
    budget = _step(run, "sendText names the intent")
    seats = _step(run, "sendChoice answers the budget")
    material = _step(run, "sendText answers the seats")
    done = _step(run, "sendText reaches fulfilment")
    after = _step(run, "sendText after fulfilment")

    assert budget["texts"] == ["What budget range did you have in mind for the table?"]
    assert seats["texts"] == ["How many people should the table seat?"]
    assert material["texts"][0].startswith("Do you have a material in mind")
    assert done["texts"] == [SHORTLIST]
    assert after["texts"] == ["What is the delivery postcode, so I can check delivery options?"]
    # The SDK polls while hasPendingDataRequest is true: never, so no turn is repeated
    for answer in (budget, seats, material, done, after):
        assert answer["metadata"]["hasPendingDataRequest"] is False
        assert answer["modalities"] == []


def test_send_context_sets_attributes_before_the_first_turn_and_between_turns(run: dict[str, Any]) -> None:
    welcome = _step(run, "sendWelcomeFlow")
    later = _step(run, "sendText after sendContext")

    assert welcome["context"] == {"pageUrl": "https://shop.example/outdoor"}
    assert later["context"] == {"pageUrl": "https://shop.example/outdoor", "cartValue": 120}
    assert later["texts"][0].startswith("We deliver to 75011")


def test_five_idle_seconds_bring_no_bot_message(run: dict[str, Any]) -> None:
    assert run["idle"] == []


def test_the_widgets_escalation_flow_hands_off(run: dict[str, Any]) -> None:
    handoff = _step(run, "sendFlow NLX.Escalation")

    assert handoff["metadata"]["escalation"] is True
    assert handoff["metadata"]["escalationChannel"]["type"] == "live_chat"


def test_voice_credentials_are_refused_clearly(run: dict[str, Any]) -> None:
    voice = next(step for step in run["steps"] if step["name"] == "getVoiceCredentials")

    assert voice["error"] == "Responded with 403"
    problem = requests.post(
        f"{run['gateway'].url}/c/furniture-shop/web-en-US/requestToken",
        json={"requestToken": True},
        headers={"nlx-api-key": PUBLISHABLE},
        timeout=30,
    ).json()
    assert problem["title"] == "Voice is not offered"


def test_each_task_of_the_chat_is_one_transcript_tied_to_the_sdks_id(run: dict[str, Any]) -> None:
    gateway: RunningGateway = run["gateway"]
    transcripts = [
        requests.get(
            f"{gateway.url}/api/v1/conversations/{cid}",
            headers={"Authorization": f"Bearer {gateway.demo_key}"},
            timeout=30,
        ).json()
        for cid in run["new_conversations"]
    ]

    # the table (fulfilled), the delivery question (fulfilled), the hand-off: three tasks, no more
    assert len(transcripts) == 3
    assert {t["metadata"]["sessionId"] for t in transcripts} == {run["sdkConversationId"]}
    assert {t["status"] for t in transcripts} == {"completed"}
    lines = [m["content"] for t in transcripts for m in t["messages"]]
    assert lines.count("What budget range did you have in mind for the table?") == 1
