"""The dialogue layer without AWS: deployment validation, recognition, the engine (table-driven)."""

from __future__ import annotations

import copy
from datetime import date
from functools import cache
from typing import Any

import pytest
import yaml

from parley.dialogue.deployment import (
    Deployment,
    DeploymentError,
    language_of,
    load_deployment_yaml,
    parse_deployment,
)
from parley.dialogue.engine import FULFILLED, HANDOFF, SessionState, TurnInput, run_turn
from parley.dialogue.recognition import IntentMatcher, amounts_of, date_of, extract_slot
from parley.dialogue.service import message_id
from parley.nbq.catalog import load_catalog_yaml
from tests.helpers.paths import ROOT

TODAY = date(2026, 11, 23)  # a Monday


@cache
def _catalog():
    return load_catalog_yaml((ROOT / "tenants/demo/catalog.yaml").read_text())


@cache
def _document() -> dict[str, Any]:
    return yaml.safe_load((ROOT / "tenants/demo/deployment.yaml").read_text())


@cache
def demo() -> Deployment:
    return parse_deployment(_document(), _catalog())


# --- deployments --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("channel", "language"),
    [("web-en-US", "en-US"), ("app-es-MX", "es-MX"), ("kiosk-es-419", "es-419"), ("web", None),
     ("web-en", None), ("web-EN-us", None), ("-en-US", None)],
)  # fmt: skip
def test_channel_keys_need_a_language_suffix(channel, language) -> None:
    assert language_of(channel) == language


def _broken(change) -> dict[str, Any]:
    document = copy.deepcopy(_document())
    change(document)
    return document


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d.update(channels=["web"]), "'web' must end with a language suffix such as -en-US"),
        (lambda d: d["intents"][0]["slots"][0].update(question="q_nope"), "question 'q_nope' is not in"),
        (lambda d: d["intents"][0]["slots"][0].pop("question"), "needs a catalog `question` or its own"),
        (
            lambda d: d["intents"][0]["slots"][2]["choices"].append({"id": "teak", "text": "Teak again"}),
            "duplicate choice id 'teak'",
        ),
        (lambda d: d["intents"][1].update(id="find_outdoor_table"), "duplicate intent id"),
        (lambda d: d["intents"][0].update(fulfilment="Done: {colour}"), "{colour} is not a slot of"),
        (lambda d: d.update(idle_timeout_seconds=5), "idle_timeout_seconds: an integer from 60"),
        (lambda d: d.pop("escalation_channel"), "escalation_channel: required when an intent escalates"),
        (
            lambda d: d["intents"][1].update(utterances=[], keywords=[]),
            "needs example utterances or keywords",
        ),
        (lambda d: d["intents"][1]["slots"][0].update(pattern="(("), "not a valid regular expression"),
        (lambda d: d["intents"][0]["slots"][0].update(type="colour"), ".type: one of"),
    ],
)
def test_invalid_deployments_are_refused_with_a_clear_message(change, message) -> None:
    with pytest.raises(DeploymentError, match=None) as raised:
        parse_deployment(_broken(change), _catalog())
    assert message in str(raised.value)


def test_the_stored_document_parses_back_without_the_catalog() -> None:
    stored = parse_deployment(dict(demo().document))

    assert stored.document == demo().document
    budget = stored.intents["find_outdoor_table"].slots[0]
    assert budget.prompt == "What budget range did you have in mind for the table?"
    assert budget.question_id == "q_budget_range"


def test_a_catalog_question_without_the_catalog_is_refused() -> None:
    with pytest.raises(DeploymentError, match="needs the tenant's catalog"):
        load_deployment_yaml((ROOT / "tenants/demo/deployment.yaml").read_text(), None)


# --- recognition --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("I'm looking for an outdoor dining table", "find_outdoor_table"),
        ("do you have tabels for my terrace", "find_outdoor_table"),  # a typo
        ("How long does delivery take?", "delivery_question"),
        ("when will my order arrive", "delivery_question"),
        ("can I speak to someone", "talk_to_person"),
        ("purple elephants", None),
        ("what is the weather like", None),
    ],
)
def test_intents_are_recognised_offline(text, intent) -> None:
    assert IntentMatcher(demo()).recognise(text)[0] == intent


@pytest.mark.parametrize(
    ("text", "values"),
    [
        ("around 800 euros", [(800.0, True)]),
        ("€1,200 max", [(1200.0, True)]),
        ("1.5k dollars", [(1500.0, True)]),
        ("six of us and 2 kids", [(2.0, False), (6.0, False)]),
        ("no numbers here", []),
    ],
)
def test_amounts(text, values) -> None:
    assert sorted((a.value, a.money) for a in amounts_of(text)) == sorted(values)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-12-24 please", "2026-12-24"),
        ("tomorrow", "2026-11-24"),
        ("on friday", "2026-11-27"),
        ("in 2 weeks", "2026-12-07"),
        ("by 12 March", "2027-03-12"),
        ("december 5th", "2026-12-05"),
        ("whenever", None),
    ],
)
def test_dates(text, expected) -> None:
    assert date_of(text, TODAY) == expected


SLOTS = {s.id: s for s in demo().intents["find_outdoor_table"].slots}


@pytest.mark.parametrize(
    ("slot", "text", "pending", "value"),
    [
        ("budget", "around 800 euros", False, "500-1000"),
        ("budget", "something cheap", False, "under-500"),
        ("budget", "2500", True, "over-2000"),  # a bare number answers its own question
        ("budget", "2500", False, None),  # but not another one
        ("seating", "we are 6 people", False, "6"),
        ("seating", "5", True, "6"),  # the range 5-6
        ("seating", "a big family", False, "8-plus"),
        ("seating", "4", False, None),
        ("material", "wooden would be nice", False, "teak"),
        ("material", "alumnium", True, "aluminium"),  # a near miss, as an answer
        ("material", "I don't mind", True, "no-preference"),
    ],
)
def test_slot_values(slot, text, pending, value) -> None:
    assert extract_slot(SLOTS[slot], text, pending=pending, today=TODAY) == value


# --- the engine ---------------------------------------------------------------------------------


def _state(**changes: Any) -> SessionState:
    return SessionState(
        conversation_id="conv_" + "0" * 24,
        deployment_key="furniture-shop",
        channel_key="web-en-US",
        user_id="u1",
        **changes,
    )


def _turn(state: SessionState, sentiment: float = 0.0, **turn: Any):
    deployment = demo()
    return run_turn(
        deployment,
        IntentMatcher(deployment),
        state,
        TurnInput(**turn),
        today=TODAY,
        choose_slot=lambda intent, missing, state: missing[0],
        sentiment=lambda text: sentiment,
    )


def test_one_utterance_can_fill_every_slot_and_fulfil() -> None:
    result = _turn(_state(), text="a teak garden table for 6 people, around 900 euros")

    assert result.state.status == FULFILLED
    assert result.completes is True
    assert result.payload == {
        "intentId": "find_outdoor_table",
        "slots": {"budget": "500-1000", "seating": "6", "material": "teak"},
    }


def test_slot_values_name_the_intent_when_no_words_do() -> None:
    result = _turn(_state(turn=1), text="teak, for 6 people")

    assert result.intent_id == "find_outdoor_table"
    assert result.messages[-1].text.startswith("What budget range")


def test_an_answer_to_the_pending_question_does_not_switch_intent() -> None:
    state = _state(turn=1, intent_id="delivery_question", pending="postcode")

    result = _turn(state, text="75011 — how long does delivery take?")

    assert result.state.status == FULFILLED
    assert result.payload["slots"] == {"postcode": "75011"}


def test_a_new_intent_keeps_the_slots_already_filled() -> None:
    state = _state(turn=2, intent_id="delivery_question", pending="postcode", slots={"seating": "4"})

    result = _turn(state, text="actually I need a garden table")

    assert result.intent_id == "find_outdoor_table"
    assert result.state.slots == {"seating": "4"}


@pytest.mark.parametrize(
    ("before", "sentiment", "text", "frustration", "escalation"),
    [
        ({}, -0.8, "this is awful", True, False),
        ({"frustrations": 1}, -0.8, "still awful", True, True),
        ({"incomprehensions": 1}, 0.0, "blorp", True, False),
        ({"incomprehensions": 1, "frustrations": 1}, 0.0, "blorp", True, True),
        ({}, 0.0, "let me chat with a human agent", False, True),
        ({}, 0.9, "great, a garden table", False, False),
    ],
)
def test_frustration_and_escalation(before, sentiment, text, frustration, escalation) -> None:
    result = _turn(
        _state(turn=1, intent_id="find_outdoor_table", pending="budget", **before), sentiment, text=text
    )

    assert (result.frustration, result.escalation) == (frustration, escalation)
    assert (result.state.status == HANDOFF) == escalation


def test_in_handoff_the_bot_stops_asking() -> None:
    result = _turn(_state(turn=3, status=HANDOFF), text="hello?")

    assert [m.text for m in result.messages] == [demo().handoff]
    assert result.pending is False and result.escalation is True and result.completes is False


def test_message_ids_are_stable_and_distinct() -> None:
    assert message_id("conv_a", 1, 0, "Hi") == message_id("conv_a", 1, 0, "Hi")
    assert (
        len(
            {
                message_id("conv_a", 1, 0, "Hi"),
                message_id("conv_a", 2, 0, "Hi"),
                message_id("conv_a", 1, 1, "Hi"),
            }
        )
        == 3
    )
    assert len(message_id("conv_a", 1, 0, "Hi")) == 64
