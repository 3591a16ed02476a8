"""A visitor who asks about the options instead of answering the material question ("cual es mas
resistente, acero o aluminio?", "which one lasts longer outside?"): the slot's advice, then the same
question again; nothing filled, nothing corrected, and the turn is understood."""

from __future__ import annotations

import copy
from functools import cache
from typing import Any

import pytest
import yaml

from parley.dialogue.deployment import Deployment, DeploymentError, parse_deployment
from parley.dialogue.engine import FULFILLED, SessionState, TurnResult
from parley.dialogue.recognition import IntentMatcher
from tests.helpers.conversation import say
from tests.helpers.demo import demo_catalog, demo_deployment
from tests.helpers.paths import DEMO_TENANT

ES, EN = "web-es-MX", "web-en-US"
FILLED = {"budget": "500-1000", "seating": "6"}
ADVICE = {
    "en": "Good question! Aluminium is light and never rusts",
    "es": "¡Buena pregunta! El aluminio es ligero y nunca se oxida",
}
QUESTION = {
    "en": "Do you have a material in mind — teak, aluminium, steel, ceramic?",
    "es": "¿Tienes algún material en mente? Teca, aluminio, acero, cerámica…",
}


@cache
def _document() -> dict[str, Any]:
    return yaml.safe_load((DEMO_TENANT / "deployment.yaml").read_text(encoding="utf-8"))


@cache
def _matcher(with_advice: bool) -> IntentMatcher:
    return IntentMatcher(demo_deployment() if with_advice else _without_advice())


@cache
def _without_advice() -> Deployment:
    document = copy.deepcopy(_document())
    for intent in document["intents"]:
        for slot in intent.get("slots", []):
            slot.pop("advice", None)
    for translation in document.get("translations", {}).values():
        for slot in translation.get("slots", {}).values():
            slot.pop("advice", None)
    return parse_deployment(document, demo_catalog())


def _asked_material(channel: str, slots: dict[str, Any] | None = None) -> SessionState:
    return SessionState(
        conversation_id="conv_" + "0" * 24,
        deployment_key="furniture-shop",
        channel_key=channel,
        user_id="u1",
        turn=3,
        intent_id="find_outdoor_table",
        slots=dict(FILLED if slots is None else slots),
        pending="material",
    )


def _turn(state: SessionState, text: str, *, with_advice: bool = True) -> TurnResult:
    return say(demo_deployment() if with_advice else _without_advice(), _matcher(with_advice), state, text)


def _texts(result: TurnResult) -> list[str]:
    return [m.text for m in result.messages]


QUESTIONS = [
    (ES, "q me recomiendas? el sol pega durisimo"),
    (ES, "cual es mas resistente, acero o aluminio?"),
    (ES, "¿Qué material me recomendaría para un lugar frente al mar?"),
    (ES, "y cual aguanta mas la lluvia?"),
    (ES, "k material aguanta mas?"),
    (ES, "¿Cuál aguanta mejor el sol? La terraza da al sur todo el día"),
    (EN, "which one lasts longer outside?"),
    (EN, "teak or aluminium, which is better in the rain?"),
    (EN, "what would you recommend for a windy rooftop?"),
    (EN, "which holds up better with kids?"),
]


@pytest.mark.parametrize(("channel", "text"), QUESTIONS)
def test_a_question_about_the_options_gets_the_advice_and_the_question_again(channel: str, text: str) -> None:
    language = channel[4:6]
    state = _asked_material(channel)

    result = _turn(state, text)

    advice, question = result.messages
    assert advice.text.startswith(ADVICE[language])
    assert question.text == QUESTION[language]
    assert [choice_id for choice_id, _ in question.choices] == [
        "teak",
        "aluminium",
        "steel",
        "ceramic",
        "no-preference",
    ]
    assert result.state.pending == "material" and result.pending is True
    assert result.state.slots == FILLED
    assert result.payload["understood"]["slots"] == {}
    assert result.payload["understood"]["corrected"] == []
    assert result.incomprehension is False and result.understanding == "understood"
    assert result.state.incomprehensions == 0


def test_a_question_about_the_options_does_not_count_towards_the_escalation() -> None:
    state = _asked_material(EN)
    state = SessionState.from_json({**state.to_json(), "incomprehensions": 2})

    result = _turn(state, "which holds up better with kids?")

    assert result.escalation is False and result.state.incomprehensions == 0
    assert result.frustration is False
    assert result.state.status == "active"


def test_the_answer_after_the_advice_fills_the_slot() -> None:
    asked = _turn(_asked_material(ES), "y cual aguanta mas la lluvia?")
    assert _texts(asked)[0].startswith(ADVICE["es"])

    result = _turn(asked.state, "ok entonces aluminio")

    assert result.state.status == FULFILLED
    assert result.state.slots == {**FILLED, "material": "aluminium"}


def test_a_place_by_the_sea_is_no_seating_correction() -> None:
    asked = _turn(_asked_material(ES), "¿Qué material me recomendaría para un lugar frente al mar?")

    assert asked.state.slots["seating"] == "6"
    assert not any(text.startswith("Entendido, lo cambié") for text in _texts(asked))
    result = _turn(asked.state, "Entonces aluminio, se lo agradezco.")
    assert result.state.slots == {**FILLED, "material": "aluminium"}


@pytest.mark.parametrize(
    ("channel", "text", "material"),
    [
        (ES, "tu que me recomiendas?", "no-preference"),  # a bare recommendation hands the choice over
        (EN, "what do you recommend?", "no-preference"),
        (ES, "el que me recomiendes", "no-preference"),  # a statement, not a question
        (ES, "aluminio, que no se oxide", "aluminium"),
        (ES, "la de acero se oxida?", "steel"),  # one choice named, nothing compared
        (ES, "madera dura?", "teak"),  # "dura" is the choice's own word here
        (ES, "cual aguanta mas la lluvia? bueno, aluminio", "aluminium"),  # answers their own question
    ],
)
def test_answers_stay_answers(channel: str, text: str, material: str) -> None:
    result = _turn(_asked_material(channel), text)

    assert result.state.slots == {**FILLED, "material": material}
    assert result.state.status == FULFILLED


def test_without_advice_the_question_is_just_asked_again() -> None:
    result = _turn(_asked_material(ES), "cual es mas resistente, acero o aluminio?", with_advice=False)

    assert _texts(result) == [QUESTION["es"]]
    assert result.state.pending == "material"
    assert result.state.slots == FILLED
    assert result.incomprehension is False


def test_a_count_answers_the_seating_question_even_beside_a_comparison() -> None:
    state = SessionState.from_json(
        {**_asked_material(ES, {"budget": "500-1000"}).to_json(), "pending": "seating"}
    )

    result = _turn(state, "somos seis, cual dura mas?")

    assert result.state.slots == {"budget": "500-1000", "seating": "6"}
    assert result.state.pending == "material"


# --- the deployment's advice ---------------------------------------------------------------------


def test_the_advice_is_parsed_and_translated() -> None:
    english = demo_deployment().slot("material")
    spanish = demo_deployment().localized("es-MX").slot("material")

    assert english is not None and spanish is not None
    assert english.advice is not None and english.advice.startswith(ADVICE["en"])
    assert spanish.advice is not None and spanish.advice.startswith(ADVICE["es"])
    budget = demo_deployment().slot("budget")
    assert budget is not None and budget.advice is None


def test_the_stored_document_keeps_the_advice() -> None:
    stored = parse_deployment(dict(demo_deployment().document))

    assert stored.slot("material") == demo_deployment().slot("material")
    assert stored.localized("es").slot("material") == demo_deployment().localized("es").slot("material")


def test_a_translation_without_its_own_advice_has_none() -> None:
    document = copy.deepcopy(_document())
    document["translations"]["es"]["slots"]["material"].pop("advice")

    spanish = parse_deployment(document, demo_catalog()).localized("es").slot("material")

    assert spanish is not None and spanish.advice is None


@pytest.mark.parametrize("advice", ["", "   ", 42, ["a list"]])
def test_advice_that_is_not_a_text_is_refused(advice: Any) -> None:
    document = copy.deepcopy(_document())
    (material,) = (s for i in document["intents"] for s in i.get("slots", []) if s["id"] == "material")
    material["advice"] = advice

    with pytest.raises(DeploymentError, match=r"advice: a non-empty string"):
        parse_deployment(document, demo_catalog())
