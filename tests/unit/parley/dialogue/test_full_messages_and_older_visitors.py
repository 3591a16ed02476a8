"""What the seventeenth pass of the understanding evaluation found (docs/understanding.md,
"Seventeenth pass"): visitors who say everything at once, and older visitors who write formally —
questions without question marks, a button's label typed out, a call asked for, the table one has
now, words that stress a phrase from inside, and people who only recommend, say or pay."""

from __future__ import annotations

import pytest

from parley.language.lexicon import lexicon
from parley.language.numbers import count_of_people
from parley.language.text import questions_of, tokenize
from tests.helpers.conversation import slots_of, talk, texts_of

RETURNS_ANSWER = "Puedes devolver cualquier mesa en los 30 días siguientes a la entrega"


def test_given_a_sentence_that_opens_as_a_question_when_split_then_it_is_a_question() -> None:
    asked, story = questions_of("Compré una mesa y llegó rota. Quisiera saber cómo se devuelve. Gracias.")

    assert asked == "Quisiera saber cómo se devuelve."
    assert story == "Compré una mesa y llegó rota. Gracias."


@pytest.mark.parametrize(
    "text",
    [
        "Compre una mesa de jardin hace una semana y ha llegado con una pata rota. Quisiera saber como se "
        "devuelve y si me reembolsan el dinero. Muchisimas gracias.",
        "Mi hija me compro por aqui una mesa para el patio pero no nos quedo bien, es muy grande. Como hago "
        "para devolverla y que me regresen la plata?",
    ],
)
def test_given_a_story_of_a_table_bought_when_it_asks_about_a_return_then_the_return_is_answered(
    text: str,
) -> None:
    (result,) = talk(text)

    assert result.payload["intentId"] == "returns_question"
    assert texts_of(result)[-1].startswith(RETURNS_ANSWER)


def test_given_the_budget_question_when_a_buttons_label_is_typed_then_that_choice() -> None:
    *_, result = talk(
        "Buenas tardes. Quisiera cotizar una mesa para exterior.", "1000 € \u2013 2000 €"
    )  # the label as the button shows it

    assert slots_of(result) == {"budget": "1000-2000"}


def test_given_a_visitor_who_wants_a_phone_call_when_asked_then_a_person_takes_over() -> None:
    *_, result = talk(
        "Buenas tardes, mi nombre es Eduardo Salinas",
        "quisiera que me marcaran por telefono para que me expliquen lo de las mesas",
    )

    assert result.state.status == "handoff"


@pytest.mark.parametrize(
    ("text", "count"),
    [
        (
            "mi esposa y yo nos acabamos de jubilar y queremos una mesa bonita para la terraza, para cuando "
            "vengan nuestros dos hijos a visitarnos",
            4,
        ),
        (
            "Mi marido y yo buscamos una mesa de cerámica; los domingos vienen a comer mis padres.",
            4,
        ),
        (
            "Mi esposo y yo queremos una mesa de marmol, para recibir a otra pareja de amigos",
            4,
        ),
        (
            "Mi vecina Maruja me recomendó vuestra tienda, tiene una mesa vuestra y yo quiero una igual",
            None,
        ),
        ("pues mi marido dice que no más de 900, que este año hemos cambiado el coche", None),
    ],
)
def test_given_who_comes_over_and_who_only_tells_when_counted_then_only_who_sits(
    text: str, count: int | None
) -> None:
    assert count_of_people(tokenize(text), lexicon("es")) == count


@pytest.mark.parametrize(
    "answer",
    ["usted digame, no conozco de eso", "El material me da un poco igual", "me da exactamente igual"],
)
def test_given_the_material_question_when_indifference_is_said_formally_or_stressed_then_no_preference(
    answer: str,
) -> None:
    *_, result = talk("busco una mesa para la terraza", "unos 1700 euros", "para ocho", answer)

    assert result.state.slots["material"] == "no-preference"


@pytest.mark.parametrize(
    ("text", "budget"),
    [
        ("la plata no es problema, quiero algo de calidad", "over-2000"),
        ("nada caro porfa, somos estudiantes", "under-500"),
    ],
)
def test_given_the_budget_said_in_everyday_words_when_read_then_its_range(text: str, budget: str) -> None:
    *_, result = talk("hola, busco una mesa de piedra para la terraza", text)

    assert result.state.slots["budget"] == budget


def test_given_the_table_one_has_beside_the_one_wanted_when_read_then_the_wanted_material() -> None:
    (result,) = talk(
        "Hola, queremos una mesa con tapa de cerámica porque la de madera que tenemos se ha puesto "
        "fatal con la lluvia. Hasta 1000 euros como mucho."
    )

    assert slots_of(result) == {"material": "ceramic", "budget": "500-1000"}


def test_given_a_return_asked_before_a_search_is_told_when_read_then_both_are_taken() -> None:
    (result,) = talk(
        "Hola, che, una consulta antes de nada: si la mesa llega con algún golpe, ¿la puedo devolver? Estoy "
        "buscando una de aluminio para al lado de la pileta"
    )

    assert texts_of(result)[1].startswith(RETURNS_ANSWER)
    assert result.state.intent_id == "find_outdoor_table"
    assert result.state.slots == {"material": "aluminium"}
