"""What the fifteenth pass of the understanding evaluation found (docs/understanding.md, "Fifteenth
pass"): a postcode named one beats a place, a code with a leading zero is no amount, a keyword
decides between two intents a text names equally well, "no sé" takes nothing back, and a count
concluded with "pongamos" or said roughly after an ellipsis."""

from __future__ import annotations

from parley.language.lexicon import lexicon
from parley.language.numbers import count_of_people
from parley.language.text import tokenize
from tests.helpers.conversation import slots_of, talk, texts_of

BUDGET_ES = "¿Qué presupuesto tienes en mente para la mesa?"
MATERIAL_ES = "¿Tienes algún material en mente? Teca, aluminio, acero, cerámica…"


def test_given_a_place_and_a_postcode_when_delivery_is_asked_then_the_postcode_is_the_destination() -> None:
    (result,) = talk("q tal, hacen entregas en la colonia Condesa? cp 06140")

    assert result.payload["intentId"] == "delivery_question"
    assert slots_of(result) == {"destination": "06140"}


def test_given_a_budget_when_a_postcode_with_a_leading_zero_is_asked_about_then_the_budget_stays() -> None:
    *_, result = talk(
        "Buenas! Quiero una mesita para el balcón, algo barato",
        "para mi novia y para mí",
        "y cuánto cuesta mandarla al 08025? es que vivo en Barcelona",
    )

    assert result.state.slots == {"budget": "under-500", "seating": "2"}
    assert result.payload["fulfilled"] == {"intentId": "delivery_question", "slots": {"destination": "08025"}}
    assert texts_of(result)[-1] == MATERIAL_ES


def test_given_a_story_of_a_table_bought_when_it_asks_how_to_return_it_then_the_return_is_answered() -> None:
    for text in (
        "hola, compre una mesa y esta enorme pa mi balcon jajaja 😭 como la devuelvo",
        "y si la mesa no me queda en el patio la puedo regresar? cuantos dias tengo",
    ):
        (result,) = talk(text)

        assert result.payload["intentId"] == "returns_question", text


def test_given_the_budget_question_when_the_visitor_does_not_know_then_no_other_answer_changes() -> None:
    *_, result = talk(
        "Hola, tengo un patio grande y quiero una mesa de concreto o piedra para las reuniones familiares",
        "no sé, ¿cuánto debería gastar?",
    )

    assert result.state.slots == {"material": "ceramic"}
    assert texts_of(result)[-1] == BUDGET_ES


def test_given_a_wish_to_talk_it_over_with_sales_when_said_then_a_person_is_asked_for() -> None:
    *_, result = talk(
        "buenas, necesito 6 mesas para la terraza de mi bar en Valencia y quería saber si hay descuento",
        "prefiero hablarlo con alguien de ventas, ¿me pasas?",
    )

    assert result.state.status == "handoff"


def test_given_a_budget_said_as_no_problem_without_its_article_when_read_then_it_is_the_top_range() -> None:
    *_, result = talk("hola! busco mesa de aluminio para la terraza", "presupuesto no es problema, algo top")

    assert slots_of(result) == {"material": "aluminium", "budget": "over-2000"}


def test_given_a_count_concluded_or_said_roughly_after_an_ellipsis_when_counted_then_it_is_the_count() -> (
    None
):
    spanish = lexicon("es")
    for text, count in (
        ("pues depende, normalmente somos 2 pero a veces 4... pongamos 4", 4),
        ("Somos bastantes, mis tíos, primos... fácil 15", 15),
        ("somos mi esposa y yo, digamos 2", 2),
    ):
        assert count_of_people(tokenize(text), spanish) == count, text


def test_given_a_question_that_only_points_to_the_place_when_asked_then_the_postcode_is_asked() -> None:
    for text in (
        "Hola, mi cuñada vive en Mérida y yo en Monterrey. ¿Sí hacen envíos hasta acá?",
        "quiero regalarle una mesa a mi mamá, yo vivo en Tijuana y ella en Guadalajara. "
        "Se la pueden mandar a su casa?",
    ):
        first, second = talk(text, "es el 44600")

        assert first.payload["intentId"] == "delivery_question", text
        assert first.state.pending == "destination", text
        assert slots_of(second) == {"destination": "44600"}, text


def test_given_the_postcode_question_when_a_budget_in_euros_is_said_then_it_is_no_postcode() -> None:
    *_, result = talk(
        "Necesito una mesa para el jardín de mi casa en Cuernavaca, ¿envían allá?",
        "ok, presupuesto hasta 3000 euros",
    )

    assert result.payload["intentId"] == "find_outdoor_table"
    assert result.state.slots == {"budget": "over-2000"}


def test_given_an_amount_reached_with_a_verb_when_read_then_it_is_a_budget_not_a_delivery() -> None:
    *_, result = talk(
        "Busco una mesa para la vereda de mi café", "Por mesa puedo llegar hasta 2000 euros, pero no más"
    )

    assert result.payload["intentId"] == "find_outdoor_table"
    assert slots_of(result) == {"budget": "1000-2000"}


def test_given_a_task_going_on_when_a_postcode_is_named_beside_a_street_then_delivery_is_answered() -> None:
    *_, result = talk("hola, quiero una mesa de teca", "el código postal es 28013, calle Arenal")

    assert result.payload["fulfilled"] == {"intentId": "delivery_question", "slots": {"destination": "28013"}}
    assert result.state.slots == {"material": "teak"}
    assert texts_of(result)[-1] == BUDGET_ES
