# ruff: noqa: RUF001 -- the texts use en dashes and multiplication signs, as they are written
"""The dialogue layer without AWS: deployment validation, recognition, the engine (table-driven).

The transcripts of the issue that asked for better understanding are here as tests: each quoted
failure behaves as a person would expect, in English and in Spanish."""

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
from parley.dialogue.engine import FULFILLED, HANDOFF, SessionState, TurnInput, fulfilment_text, run_turn
from parley.dialogue.recognition import IntentMatcher, extract_slot
from parley.dialogue.service import message_id
from parley.language.dates import date_in
from parley.language.lexicon import lexicon
from parley.language.numbers import quantities
from parley.language.text import fold, tokenize
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


@cache
def matcher() -> IntentMatcher:
    return IntentMatcher(demo())


# --- deployments --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("channel", "language"),
    [("web-en-US", "en-US"), ("app-es-MX", "es-MX"), ("kiosk-es-419", "es-419"), ("web", None),
     ("web-en", None), ("web-EN-us", None), ("-en-US", None), ("web-en-US\n", None)],
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
        (lambda d: d["intents"][1]["slots"][0].update(pattern="(?<=to )x"), "for RE2"),  # look-behind
        (lambda d: d["intents"][1]["slots"][0].update(pattern="(a)\\1"), "for RE2"),  # back-reference
        (lambda d: d["intents"][1]["slots"][0].update(pattern="a" * 301), "at most 300 characters"),
        (lambda d: d["intents"][0]["slots"][0].update(type="colour"), ".type: one of"),
        (lambda d: d.pop("translations"), "'web-es-MX' is in es-MX, but the deployment has no content"),
        (lambda d: d.update(channels=["web-en-US", "web-fr-FR"]), "'web-fr-FR' is in fr-FR"),
        (lambda d: d.update(language="fr"), "not a language Parley understands"),
        (lambda d: d["translations"]["es"]["intents"].pop("returns_question"), "returns_question: required"),
        (lambda d: d["translations"]["es"]["slots"]["budget"].pop("prompt"), "slots.budget.prompt: required"),
        (
            lambda d: d["translations"]["es"]["slots"]["material"]["choices"].pop("teak"),
            "choices.teak: required",
        ),
        (lambda d: d["translations"]["es"]["slots"].update(colour={"prompt": "?"}), "no slot 'colour'"),
        (lambda d: d.update(escalation={"after_misunderstandings": -1}), "an integer from 0 to 100"),
        (lambda d: d.update(messages={"corrected": "OK"}), "must contain {value}"),
        (lambda d: d["intents"][0].update(utterances=["x"] * 301), "at most 300 entries"),
        (lambda d: d["intents"][0].update(utterances=["x" * 301]), "longer than 300 characters"),
        (lambda d: d.update(intents=d["intents"] * 26), "intents: at most 100"),
        # Identifiers are matched whole: a trailing newline is no id
        (lambda d: d["intents"][1].update(id="delivery_question\n"), "intents[1].id: required"),
        (lambda d: d.update(deployment_key="furniture-shop\n"), "deployment_key"),
        (lambda d: d.update(channels=["web-en-US\n"]), "must end with a language suffix"),
    ],
)
def test_invalid_deployments_are_refused_with_a_clear_message(change, message) -> None:
    with pytest.raises(DeploymentError, match=None) as raised:
        parse_deployment(_broken(change), _catalog())
    assert message in str(raised.value)


def test_a_deployment_of_more_words_than_the_limit_is_refused() -> None:
    def words(i: int, n: int) -> str:  # five distinct words
        return " ".join("w" + "".join(chr(97 + int(d)) for d in f"{i}{n:03d}{k}") for k in range(5))

    document = copy.deepcopy(_document())
    for i in range(4):
        document["intents"][i]["utterances"] = [words(i, n) for n in range(300)]

    with pytest.raises(DeploymentError, match="distinct words; at most 5000 per language"):
        parse_deployment(document, _catalog())


def test_the_stored_document_parses_back_without_the_catalog() -> None:
    stored = parse_deployment(dict(demo().document))

    assert stored.document == demo().document
    assert stored.localized("es-MX").document == demo().document
    budget = stored.intents["find_outdoor_table"].slots[0]
    assert budget.prompt == "What budget range did you have in mind for the table?"
    assert budget.question_id == "q_budget_range"


def test_a_catalog_question_without_the_catalog_is_refused() -> None:
    with pytest.raises(DeploymentError, match="needs the tenant's catalog"):
        load_deployment_yaml((ROOT / "tenants/demo/deployment.yaml").read_text(), None)


def test_a_channel_selects_its_language_content() -> None:
    spanish = demo().localized("es-MX")

    assert spanish.language == "es"
    assert spanish.welcome == "¡Hola! Soy el asistente de Terrace & Table."
    assert spanish.intents["find_outdoor_table"].slots[0].prompt.startswith("¿Qué presupuesto")
    assert spanish.intents["find_outdoor_table"].slots[0].choices[0].text == "Menos de 500 €"
    assert demo().localized("en-GB") is demo()
    assert demo().localized("es-419") is spanish  # the base language's content


def test_a_stored_document_without_content_for_a_channel_is_still_served_at_run_time() -> None:
    old = {k: v for k, v in demo().document.items() if k != "translations"}

    with pytest.raises(DeploymentError):
        parse_deployment(old)
    served = parse_deployment(old, strict_languages=False)
    assert served.localized("es-MX") is served  # in the deployment's own language


def test_the_telecom_deployment_loads_in_both_languages() -> None:
    telecom = load_deployment_yaml((ROOT / "tenants/telecom/deployment.yaml").read_text())

    assert set(telecom.localizations) == {"en", "es"}
    assert telecom.localized("es-MX").intents["roaming"].title == "Usar mi teléfono en el extranjero"


@pytest.mark.parametrize("language", ["en", "es"])
def test_the_fulfilment_reads_well_for_every_slot_value(language: str) -> None:
    intent = demo().localized(language).intents["find_outdoor_table"]
    budget, seating, material = intent.slots
    for b in budget.choices:
        for s in seating.choices:
            for m in material.choices:
                text = fulfilment_text(intent, {"budget": b.id, "seating": s.id, "material": m.id})
                assert "  " not in text and " ," not in text and "{" not in text, text
                assert "No preference tables" not in text and "Me da igual" not in text, text


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
    assert matcher().recognise(text)[0] == intent


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("Busco una mesa para mi terraza", "find_outdoor_table"),
        ("nesesito una mesa pa la teraza", "find_outdoor_table"),  # typos
        ("¿cuánto tarda el envío?", "delivery_question"),
        ("quiero hablar con una persona", "talk_to_person"),
        ("somos 6 personas", None),  # a count of people, not a request for one
        ("cuéntame un chiste", None),
    ],
)
def test_intents_are_recognised_in_spanish(text, intent) -> None:
    assert matcher().recognise(text, "es-MX")[0] == intent


@pytest.mark.parametrize(
    ("text", "language", "values"),
    [
        ("around 800 euros", "en", [(800.0, True, None, None)]),
        ("€1,200 max", "en", [(1200.0, True, None, 1200.0)]),
        ("1.5k dollars", "en", [(1500.0, True, None, None)]),
        ("under 500 euros", "en", [(500.0, True, None, 500.0)]),
        ("ok let's say 1000-2000", "en", [(2000.0, False, 1000.0, 2000.0)]),
        ("I don't want to spend more than 600", "en", [(600.0, False, None, 600.0)]),
        ("between one thousand and two thousand", "en", [(2000.0, False, 1000.0, 2000.0)]),
        ("fifteen hundred", "en", [(1500.0, False, None, None)]),
        ("two grand", "en", [(2000.0, True, None, None)]),
        ("menos de 500 euros", "es", [(500.0, True, None, 500.0)]),
        ("entre mil y dos mil", "es", [(2000.0, False, 1000.0, 2000.0)]),
        ("dos mil quinientos pesos", "es", [(2500.0, True, None, None)]),
        ("treinta y dos", "es", [(32.0, False, None, None)]),
        ("una mesa de teca", "es", []),  # "una" is an article
        ("no numbers here", "en", []),
    ],
)
def test_quantities(text, language, values) -> None:
    found = quantities(tokenize(text), lexicon(language))
    assert [(q.value, q.money, q.low, q.high) for q in found] == values


def test_folding_removes_case_accents_and_apostrophes() -> None:
    assert fold("Jardín, TERRAZA — Mañana? don't") == "jardin, terraza - manana? dont"
    assert tokenize("¿Mañana? 1000–2000 €, 6people") == [
        "manana",
        "?",
        "1000",
        "-",
        "2000",
        "€",
        ",",
        "6",
        "people",
    ]


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
    found = date_in(fold(text), tokenize(text), lexicon("en"), TODAY)
    assert (found.isoformat() if found else None) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("mañana", "2026-11-24"),
        ("pasado mañana", "2026-11-25"),
        ("el viernes", "2026-11-27"),
        ("en 2 semanas", "2026-12-07"),
        ("dentro de tres días", "2026-11-26"),
        ("el 12 de marzo", "2027-03-12"),
        ("24/12", "2026-12-24"),
        ("cuando sea", None),
    ],
)
def test_spanish_dates(text, expected) -> None:
    found = date_in(fold(text), tokenize(text), lexicon("es"), TODAY)
    assert (found.isoformat() if found else None) == expected


SLOTS = {s.id: s for i in demo().intents.values() for s in i.slots}


@pytest.mark.parametrize(
    ("slot", "text", "pending", "value"),
    [
        ("budget", "around 800 euros", False, "500-1000"),
        ("budget", "something cheap", False, "under-500"),
        ("budget", "2500", True, "over-2000"),  # a bare number answers its own question
        ("budget", "2500", False, "over-2000"),  # an amount that can only be a price
        ("budget", "in 2026", False, None),  # … but not a year
        ("budget", "under 500 euros", False, "under-500"),  # the transcripts …
        ("budget", "ok let's say 1000-2000", True, "1000-2000"),
        ("budget", "money is no object", True, "over-2000"),
        ("budget", "I don't want to spend more than 600", False, "500-1000"),
        ("budget", "we are 6 people", True, None),  # a count, not a budget (the bug)
        ("budget", "a table for 6", True, None),
        ("budget", "max 1000", False, "500-1000"),
        ("seating", "we are 6 people", False, "6"),
        ("seating", "it's me, my wife and our three kids", False, "6"),
        ("seating", "garden table that seats 4", False, "4"),
        ("seating", "dining table for 6", False, "6"),
        ("seating", "two adults and three kids", False, "6"),
        ("seating", "5", True, "6"),  # the range 5-6
        ("seating", "a big family", False, "8-plus"),
        ("seating", "4", False, None),
        ("material", "wooden would be nice", False, "teak"),
        ("material", "alumnium", True, "aluminium"),  # a near miss, as an answer
        ("material", "teek", True, "teak"),
        ("material", "I don't mind", True, "no-preference"),
        ("material", "not teak, aluminium", True, "aluminium"),
        ("destination", "do you deliver to Berlin?", False, "Berlin"),
        ("destination", "do you deliver to my area?", False, None),  # the assistant's own words
        ("destination", "Berlin", True, "Berlin"),
        ("destination", "75011", True, "75011"),
    ],
)
def test_slot_values(slot, text, pending, value) -> None:
    assert extract_slot(SLOTS[slot], text, pending=pending, today=TODAY, matcher=matcher()) == value


@pytest.mark.parametrize(
    ("slot", "text", "value"),
    [
        ("budget", "menos de 500 euros", "under-500"),
        ("budget", "el dinero no es problema", "over-2000"),
        ("seating", "somos mi esposa, yo y nuestros tres hijos", "6"),
        ("seating", "para seis personas", "6"),
        ("material", "mejor de aluminio", "aluminium"),
        ("material", "me da igual", "no-preference"),
        ("destination", "hacen envíos a Monterrey?", "Monterrey"),
    ],
)
def test_spanish_slot_values(slot, text, value) -> None:
    spanish = {s.id: s for i in demo().localized("es-MX").intents.values() for s in i.slots}
    found = extract_slot(spanish[slot], text, pending=True, today=TODAY, matcher=matcher(), language="es-MX")
    assert found == value


# --- the engine ---------------------------------------------------------------------------------


def _state(channel: str = "web-en-US", **changes: Any) -> SessionState:
    return SessionState(
        conversation_id="conv_" + "0" * 24,
        deployment_key="furniture-shop",
        channel_key=channel,
        user_id="u1",
        **changes,
    )


def _turn(state: SessionState, sentiment: float = 0.0, **turn: Any):
    return run_turn(
        demo(),
        matcher(),
        state,
        TurnInput(**turn),
        today=TODAY,
        choose_slot=lambda intent, missing, state: missing[0],
        sentiment=lambda text: sentiment,
    )


def _talk(*turns: str | dict[str, Any], channel: str = "web-en-US"):
    """A conversation: each turn's result, in order."""
    state, results = _state(channel), []
    for turn in turns:
        result = _turn(state, **({"text": turn} if isinstance(turn, str) else turn))
        results.append(result)
        state = result.state
    return results


def texts(result) -> list[str]:
    return [m.text for m in result.messages]


def test_one_utterance_can_fill_every_slot_and_fulfil() -> None:
    result = _turn(_state(), text="a teak garden table for 6 people, around 900 euros")

    assert result.state.status == FULFILLED
    assert result.completes is True
    assert result.payload["intentId"] == "find_outdoor_table"
    assert result.payload["slots"] == {"budget": "500-1000", "seating": "6", "material": "teak"}
    assert result.payload["status"] == "fulfilled"
    assert texts(result)[-1] == (
        "Here is our shortlist of teak tables for 6 people, between €500 and €1,000. "
        "I've sent it to your basket page."
    )


def test_the_payload_reports_what_was_understood_on_every_turn() -> None:
    first, second = _talk("I need a garden table", "under 500 euros")

    assert first.payload == {
        "intentId": "find_outdoor_table",
        "slots": {},
        "language": "en",
        "understood": {
            "intent": "find_outdoor_table",
            "builtin": None,
            "slots": {},
            "corrected": [],
            "outOfScope": False,
        },
        "status": "active",
    }
    assert second.payload["slots"] == {"budget": "under-500"}
    assert second.payload["understood"]["slots"] == {"budget": "under-500"}


def test_slot_values_name_the_intent_when_no_words_do() -> None:
    result = _turn(_state(turn=1), text="teak, for 6 people")

    assert result.intent_id == "find_outdoor_table"
    assert result.messages[-1].text.startswith("What budget range")


def test_an_answer_to_the_pending_question_does_not_switch_intent() -> None:
    state = _state(turn=1, intent_id="delivery_question", pending="destination")

    result = _turn(state, text="75011 — how long does delivery take?")

    assert result.state.status == FULFILLED
    assert result.payload["slots"] == {"destination": "75011"}


def test_a_new_intent_with_correcting_words_switches_and_keeps_the_slots_already_filled() -> None:
    state = _state(turn=2, intent_id="delivery_question", pending="destination", slots={"seating": "4"})

    result = _turn(state, text="actually I need a garden table")

    assert result.intent_id == "find_outdoor_table"
    assert result.state.slots == {"seating": "4"}
    assert result.state.resume is None


# --- the transcripts ----------------------------------------------------------------------


def test_hey_there_is_a_greeting_not_a_misunderstanding() -> None:
    (result,) = _talk("hey there")

    assert texts(result) == [demo().welcome, "What can I do for you?"]
    assert result.incomprehension is False
    assert result.payload["understood"]["builtin"] == "greeting"


def test_a_correction_replaces_a_filled_slot() -> None:
    *_, corrected, last = _talk(
        "I need a garden table",
        "cheap as possible",
        "it's me, my wife and our three kids",
        "actually wait, make it premium",
        "teak",
    )

    assert corrected.incomprehension is False
    assert corrected.payload["understood"]["corrected"] == ["budget"]
    assert texts(corrected)[0] == "Got it, I've changed that to Over €2,000."
    assert last.payload["slots"] == {"budget": "over-2000", "seating": "6", "material": "teak"}
    assert "over €2,000" in texts(last)[-1]


def test_a_bare_number_correction_goes_to_the_slot_it_fits() -> None:
    *_, corrected = _talk("terrace table for 4", "600", "actually make that 6")

    assert corrected.state.slots == {"seating": "6", "budget": "500-1000"}


def test_a_digression_is_answered_and_the_task_resumes_with_what_it_had() -> None:
    _, _, digression, resumed = _talk(
        "I need a garden table",
        "under 500 euros",
        "do you deliver to Berlin?",
        "it's me, my wife and our three kids",
    )

    assert texts(digression) == [
        "We deliver to Berlin in 5–7 working days; delivery is free above €500.",
        "Now, back to where we were.",
        "How many people should the table seat?",
    ]
    assert digression.payload["understood"]["intent"] == "delivery_question"
    assert digression.state.intent_id == "find_outdoor_table"
    assert resumed.state.slots == {"budget": "under-500", "seating": "6"}


def test_a_digression_that_needs_an_answer_asks_it_then_resumes() -> None:
    *_, asked, answered = _talk("garden table", "700", "how much is delivery?", "10115")

    assert texts(asked) == ["What is the delivery postcode, so I can check delivery options?"]
    assert asked.state.resume == "find_outdoor_table"
    assert texts(answered)[0].startswith("We deliver to 10115")
    assert texts(answered)[-1] == "How many people should the table seat?"
    assert answered.state.intent_id == "find_outdoor_table" and answered.completes is False


@pytest.mark.parametrize("text", ["operator", "money is no object"])
def test_words_that_were_not_understood_before_are(text: str) -> None:
    (result,) = _talk(text)

    assert result.incomprehension is False


def test_out_of_scope_claims_no_intent_and_is_an_incomprehension() -> None:
    (result,) = _talk("what's the weather like tomorrow")

    assert result.incomprehension is True
    assert result.payload["intentId"] is None
    assert result.payload["understood"]["outOfScope"] is True
    assert texts(result)[1:] == ["Sorry, I can't help with that here.", "Here is what I can help with:"]


def test_the_spanish_channel_is_fully_spanish() -> None:
    first, second, third, last = _talk(
        "Busco una mesa para mi terraza",
        "menos de 500 euros",
        "somos mi esposa, yo y nuestros tres hijos",
        "mejor de aluminio",
        channel="web-es-MX",
    )

    assert texts(first) == [
        "¡Hola! Soy el asistente de Terrace & Table.",
        "¿Qué presupuesto tienes en mente para la mesa?",
    ]
    assert first.messages[-1].choices[0] == ("under-500", "Menos de 500 €")
    assert not any(r.incomprehension for r in (first, second, third, last))
    assert texts(last) == [
        "Esta es nuestra selección de mesas de aluminio para 6 personas, por menos de 500 €. "
        "Ya te la envié a tu carrito."
    ]
    assert last.payload["language"] == "es"


def test_nlx_built_in_intents_are_understood() -> None:
    welcome, other, escalation = _talk(
        {"intent_id": "NLX.Welcome"}, {"intent_id": "NLX.Unknown"}, {"intent_id": "NLX.Escalation"}
    )

    assert texts(welcome) == [demo().welcome, "What can I do for you?"]
    assert welcome.incomprehension is False and other.incomprehension is False
    assert escalation.escalation is True and escalation.state.status == HANDOFF


@pytest.mark.parametrize(
    ("text", "builtin", "reply"),
    [
        ("thanks!", "thanks", "You're welcome!"),
        ("what can you do?", "help", "I can help you with these:"),
        ("ok thanks, bye", "goodbye", "Thanks for chatting — goodbye!"),
    ],
)
def test_small_talk_in_the_middle_of_a_task(text: str, builtin: str, reply: str) -> None:
    _, result = _talk("I need a garden table", text)

    assert result.payload["understood"]["builtin"] == builtin
    assert texts(result)[0] == reply
    assert result.incomprehension is False


@pytest.mark.parametrize(
    ("before", "sentiment", "text", "frustration", "escalation"),
    [
        ({}, -0.8, "this is awful", True, False),
        ({"frustrations": 1}, -0.8, "still awful", True, True),
        ({"incomprehensions": 1}, 0.0, "blorp", True, False),
        ({"incomprehensions": 2}, 0.0, "blorp", True, True),  # the third misunderstanding in a row
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


def test_the_escalation_policy_is_the_deployments() -> None:
    never = parse_deployment({**_document(), "escalation": {"after_misunderstandings": 0}}, _catalog())
    state = _state(turn=1, incomprehensions=5)

    result = run_turn(
        never,
        IntentMatcher(never),
        state,
        TurnInput(text="blorp"),
        today=TODAY,
        choose_slot=lambda i, m, s: m[0],
        sentiment=lambda t: 0.0,
    )

    assert result.incomprehension is True and result.escalation is False


def test_an_old_stored_state_still_loads() -> None:
    old = {
        "conversationId": "conv_" + "0" * 24,
        "deploymentKey": "furniture-shop",
        "channelKey": "web-en-US",
        "userId": "u1",
        "status": "active",
        "turn": 2,
        "intentId": "find_outdoor_table",
        "slots": {"budget": "under-500"},
        "pending": "seating",
        "incomprehensions": 0,
        "frustrations": 0,
        "context": {},
        "userTexts": ["hi"],
    }

    state = SessionState.from_json(old)

    assert state.resume is None and state.last_slot is None
    assert SessionState.from_json(state.to_json()) == state


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


# ------------------------------------------------------------------------------------------------
# Out of scope: one ordinary word shared with an intent is not enough
# ------------------------------------------------------------------------------------------------
@cache
def telecom() -> Deployment:
    return load_deployment_yaml((ROOT / "tenants/telecom/deployment.yaml").read_text())


@cache
def telecom_matcher() -> IntentMatcher:
    return IntentMatcher(telecom())


def _telecom_turn(text: str, channel: str = "web-en-US", **changes: Any):
    state = SessionState("conv_" + "0" * 24, "nimbus-support", channel, "u1", **changes)
    return run_turn(
        telecom(),
        telecom_matcher(),
        state,
        TurnInput(text=text),
        today=TODAY,
        choose_slot=lambda intent, missing, state: missing[0],
        sentiment=lambda text: 0.0,
    )


@pytest.mark.parametrize(
    ("text", "channel"),
    [
        ("how does the stock market work", "web-en-US"),  # "work" is everyday, "not working" a keyword
        ("my washing machine is not working", "web-en-US"),
        ("como funciona la bolsa de valores", "web-es-MX"),
        ("what's the weather like in London", "web-en-US"),  # a roaming destination, and nothing else
        ("cual es la capital de canada", "web-es-MX"),
        ("mi vecino hace mucho ruido", "web-es-MX"),  # "mucho" and "mi vecino" are slot values here
    ],
)
def test_an_off_topic_sentence_that_shares_an_ordinary_word_is_out_of_scope(text: str, channel: str) -> None:
    result = _telecom_turn(text, channel)

    assert result.incomprehension is True
    assert result.payload["intentId"] is None
    assert result.payload["understood"]["outOfScope"] is True


@pytest.mark.parametrize(
    ("text", "channel", "intent"),
    [
        ("my internet is not working", "web-en-US", "report_outage"),
        ("la red no funciona", "web-es-MX", "report_outage"),
        ("London", "web-en-US", "roaming"),  # a destination alone may still be a trip abroad
        ("hacen falta datos en mi viaje a Londres", "web-es-MX", "roaming"),
        ("cuanto cobran por roaming en japon", "web-es-MX", "roaming"),  # two keywords: the better fit
        ("necesito que venga alguien a revisar el modem", "web-es-MX", "technician_visit"),
        ("i need someone to come and fix my router", "web-en-US", "technician_visit"),
    ],
)
def test_domain_words_still_name_their_intent(text: str, channel: str, intent: str) -> None:
    result = _telecom_turn(text, channel)

    assert result.incomprehension is False
    assert result.escalation is False
    assert result.payload["intentId"] == intent


def test_a_bare_request_for_someone_still_hands_off() -> None:
    assert _telecom_turn("i need someone").escalation is True
    assert _telecom_turn("necesito a alguien", "web-es-MX").escalation is True


def test_a_place_captured_by_a_pattern_counts_for_its_intent() -> None:
    (result,) = _talk("me la pueden mandar a Queretaro", channel="web-es-MX")

    assert result.payload["intentId"] == "delivery_question"
    assert result.payload["slots"] == {"destination": "Queretaro"}


@pytest.mark.parametrize(
    ("text", "builtin"),
    [
        ("cheers mate", "thanks"),
        ("thanks heaps", "thanks"),
        ("bye for now", "goodbye"),
        ("that's everything, bye", "goodbye"),
        ("what can u help me with", "help"),
    ],
)
def test_more_small_talk_is_understood(text: str, builtin: str) -> None:
    (result,) = _talk(text)

    assert result.payload["understood"]["builtin"] == builtin


def test_a_no_inside_a_sentence_corrects_nothing() -> None:
    """ "si no cabe" is a negation: the returns question is a digression, and the table task resumes."""
    _, second = _talk(
        "necesito una mesita para el balcon", "la puedo devolver si no cabe?", channel="web-es-MX"
    )

    assert second.state.intent_id == "find_outdoor_table"
    assert second.payload["understood"]["intent"] == "returns_question"
    assert second.state.status == "active"


def test_a_value_inside_a_longer_value_of_another_slot_is_not_taken() -> None:
    """ "whatever it costs" is the budget; it does not also say "whatever" about the material."""
    _, result = _talk("a big table for the terrace, we are about 10", "whatever it costs")

    assert result.payload["slots"] == {"budget": "over-2000", "seating": "8-plus"}


def test_a_price_per_month_is_an_amount_not_a_period() -> None:
    result = _telecom_turn(
        "around 55 a month",
        turn=1,
        intent_id="change_plan",
        pending="monthly_budget",
        slots={"data": "100gb"},
    )

    assert result.payload["understood"]["slots"] == {"monthly_budget": "40-60"}


@pytest.mark.parametrize(
    ("text", "language", "count"),
    [
        ("4 plus 2 kids", "en", 6),
        ("somos 4 mas 2 ninos", "es", 6),
        ("para mi novia y para mi", "es", 2),
        ("just me", "en", 1),
        ("solo para mi", "es", 1),
    ],
)
def test_more_counts_of_people(text: str, language: str, count: int) -> None:
    from parley.language.numbers import count_of_people

    assert count_of_people(tokenize(text), lexicon(language)) == count


# --- third pass ---------------------------------------------------------------------------------


def test_spanish_diminutives_and_unaccented_verb_endings_read_as_their_word() -> None:
    from parley.language.stems import other_forms

    assert other_forms("baratito", "es")[0] == "barato"
    assert "mesa" in other_forms("mesita", "es")
    assert other_forms("poquito", "es")[0] == "poco"
    assert "cobráis" in other_forms("cobrais", "es")
    assert other_forms("silla", "es") == ()  # no diminutive of "s"
    assert other_forms("baratito", "en") == ()
    assert _turn(_state("web-es-MX"), text="mesa plegable para el balcon, algo baratito").payload[
        "slots"
    ] == {"budget": "under-500"}


def test_a_verb_that_shares_its_stem_with_an_intents_noun_counts_less_for_it() -> None:
    """Snowball gives "recibir" and "recibo" (a bill) one stem; "casado" and "casa" another."""
    from parley.language.stems import word_kind

    assert (word_kind("recibo", "recib", "es"), word_kind("recibir", "recib", "es")) == ("n", "v")
    assert word_kind("casado", "cas", "es") == "v"
    assert word_kind("charged", "charg", "en") == ""
    for text in ("no puedo recibir mensajes", "estas casado"):
        assert _telecom_turn(text, channel="web-es-MX").payload["understood"]["intent"] != "bill_question"


def test_words_of_indifference_answer_only_the_question_asked() -> None:
    """ "whatever, max 1500" answers the budget; it says nothing about the material, while
    "whatever material" does."""
    _, result = _talk("need a patio table", "whatever, max 1500")
    assert result.payload["slots"] == {"budget": "1000-2000"}

    result = _turn(_state(), text="outdoor table, whatever material, for 4")
    assert result.payload["slots"]["material"] == "no-preference"


def test_the_words_that_answered_the_question_fill_no_other_slot() -> None:
    """ "not much" is a little data, and not also a small budget."""
    result = _telecom_turn(
        "not much, she mostly uses whatsapp", turn=1, intent_id="change_plan", pending="data"
    )

    assert result.payload["understood"]["slots"] == {"data": "10gb"}


def test_a_question_answered_at_once_never_abandons_the_task() -> None:
    """Correcting words ("wait") switch the task only to an intent that asks questions of its own."""
    result = _telecom_turn(
        "wait, why is my bill so high this month?",
        turn=3,
        intent_id="change_plan",
        pending="monthly_budget",
        slots={"data": "10gb", "lines": "2"},
    )

    assert result.payload["understood"]["intent"] == "bill_question"
    assert result.state.intent_id == "change_plan"
    assert result.state.status == "active"


def test_a_request_for_a_person_names_no_intent_it_only_brushes() -> None:
    result = _telecom_turn("me puedes pasar con una persona? el bot no me entiende", channel="web-es-MX")

    assert result.state.status == HANDOFF
    assert result.payload["understood"]["intent"] is None


# --- Spanish as visitors type it (issue 14) ------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "builtin"),
    [
        ("buenos dias, oiga", "greeting"),
        ("gracias, es todo por hoy", "goodbye"),
        ("que puedo hacer aqui", "help"),
        ("jaja ok", "acknowledgement"),
        ("se lo agradezco, joven", "thanks"),
    ],
)
def test_spanish_small_talk_with_chat_fillers_is_understood(text: str, builtin: str) -> None:
    (result,) = _talk(text, channel="web-es-MX")

    assert result.incomprehension is False
    assert result.payload["understood"]["builtin"] == builtin


def test_given_mil_y_pico_when_quantities_are_read_then_it_is_more_than_a_thousand() -> None:
    (found,) = quantities(tokenize("mil y pico"), lexicon("es"))

    assert (found.value, found.low, found.high) == (1000.0, 1000.0, None)


@pytest.mark.parametrize("text", ["la que sea", "tu dime", "lo que me recomiendes", "como sea"])
def test_given_the_material_question_when_any_word_of_indifference_answers_then_it_is_no_preference(
    text: str,
) -> None:
    spanish = {s.id: s for i in demo().localized("es-MX").intents.values() for s in i.slots}
    found = extract_slot(
        spanish["material"], text, pending=True, today=TODAY, matcher=matcher(), language="es-MX"
    )

    assert found == "no-preference"


def test_given_the_lines_question_when_an_amount_of_money_answers_then_it_is_no_number_of_lines() -> None:
    result = _telecom_turn(
        "unos 30 dolares",
        "web-es-MX",
        turn=2,
        intent_id="change_plan",
        pending="lines",
        slots={"data": "30gb"},
    )

    assert result.payload["understood"]["slots"] == {"monthly_budget": "20-40"}
    assert result.state.pending == "lines"


def test_given_a_refused_place_when_another_follows_then_the_pattern_finds_it() -> None:
    (result,) = _talk("hacen entregas a domicilio en Monterrey?", channel="web-es-MX")

    assert result.payload["intentId"] == "delivery_question"
    assert result.payload["slots"] == {"destination": "Monterrey"}


def test_given_only_domain_words_shared_with_off_topic_lines_when_read_then_no_incomprehension() -> None:
    (result,) = _talk("cuanto tiempo tengo para cambiarla", channel="web-es-MX")

    assert result.incomprehension is False
    assert result.payload["intentId"] == "returns_question"


def _demo_slot(slot_id: str, channel: str) -> Any:
    view = demo().localized(channel.removeprefix("web-"))
    return next(s for i in view.intents.values() for s in i.slots if s.id == slot_id)


def _demo_answer(slot_id: str, channel: str, text: str, *, pending: bool) -> Any:
    """What the demo deployment's slot takes from ``text`` on ``channel``."""
    return extract_slot(
        _demo_slot(slot_id, channel),
        text,
        pending=pending,
        today=TODAY,
        matcher=matcher(),
        language=channel.removeprefix("web-"),
    )


@pytest.mark.parametrize(
    ("text", "channel"),
    [
        ("no", "web-es-MX"),
        ("no, ninguno en particular", "web-es-MX"),
        ("no ninguno en especial", "web-es-MX"),
        ("no", "web-en-US"),
        ("nope", "web-en-US"),
        ("nothing in particular", "web-en-US"),
    ],
)
def test_given_the_material_question_when_a_bare_no_answers_then_it_is_no_preference(
    text: str, channel: str
) -> None:
    found = _demo_answer("material", channel, text, pending=True)

    assert found == "no-preference"


def test_given_the_material_question_when_no_names_a_material_then_that_material_is_taken() -> None:
    found = _demo_answer("material", "web-es-MX", "no, de aluminio", pending=True)

    assert found == "aluminium"


def test_given_a_slot_without_a_no_preference_choice_when_a_bare_no_answers_then_nothing_is_filled() -> None:
    found = _demo_answer("seating", "web-es-MX", "no", pending=True)

    assert found is None


@pytest.mark.parametrize(
    ("text", "choice"), [("aluminum", "aluminium"), ("wood", "teak"), ("marble", "ceramic")]
)
def test_given_the_spanish_material_question_when_answered_in_english_then_the_choice_is_taken(
    text: str, choice: str
) -> None:
    found = _demo_answer("material", "web-es-MX", text, pending=True)

    assert found == choice


def test_given_no_question_pending_when_an_english_choice_is_in_spanish_then_only_a_concrete_one_fills() -> (
    None
):
    # Spanglish names a choice unasked ("steel o iron, algo pesadito"); an English word of
    # indifference answers only its own question.
    concrete = _demo_answer("material", "web-es-MX", "aluminum", pending=False)
    indifferent = _demo_answer("material", "web-es-MX", "whatever", pending=False)

    assert concrete == "aluminium"
    assert indifferent is None


def test_given_spanish_misspelt_by_ear_when_read_then_the_task_is_recognised() -> None:
    (result,) = _talk("nececito una meza para la terasa", channel="web-es-MX")

    assert result.incomprehension is False
    assert result.payload["intentId"] == "find_outdoor_table"


@pytest.mark.parametrize(("text", "seating"), [("we're a dozen", "8-plus"), ("we are a couple", "2")])
def test_given_a_count_said_with_a_number_phrase_after_we_are_then_it_is_the_seating(
    text: str, seating: str
) -> None:
    found = _demo_answer("seating", "web-en-US", text, pending=False)

    assert found == seating


def test_given_the_english_budget_question_when_something_reasonable_answers_then_it_is_mid_range() -> None:
    found = _demo_answer("budget", "web-en-US", "something reasonable", pending=True)

    assert found == "500-1000"


def test_given_a_digression_question_when_the_task_is_answered_instead_then_the_task_resumes() -> None:
    *_, result = _talk("garden table", "how long does delivery take?", "never mind that, we're six")

    assert result.state.intent_id == "find_outdoor_table"
    assert result.state.resume is None
    assert result.state.slots == {"seating": "6"}
    assert result.state.pending == "budget"


def test_given_the_postcode_question_of_a_digression_when_it_is_answered_then_the_task_resumes_after_it() -> (
    None
):
    *_, result = _talk("garden table", "how long does delivery take?", "10115")

    assert "10115" in result.messages[0].text
    assert result.state.intent_id == "find_outdoor_table"
    assert result.state.pending == "budget"


@pytest.mark.parametrize(
    ("text", "channel"), [("tu que me recomiendas?", "web-es-MX"), ("what do you recommend?", "web-en-US")]
)
def test_given_the_material_question_when_asked_for_a_recommendation_then_it_is_no_preference(
    text: str, channel: str
) -> None:
    found = _demo_answer("material", channel, text, pending=True)

    assert found == "no-preference"
