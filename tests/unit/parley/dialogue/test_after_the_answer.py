"""What the eighteenth pass of the understanding evaluation found (docs/understanding.md, "Eighteenth
pass"): the chat after a task is done. A correction just after the shortlist does it again, a
postcode typed after the answer for a city is answered for, a follow-up question about the task just
done is answered with what was said; and codes the chat takes at any point."""

from __future__ import annotations

import pytest

from parley.dialogue.engine import ACTIVE, FULFILLED, SessionState
from parley.dialogue.opening import next_task
from tests.helpers.conversation import chat, slots_of, talk, texts_of


def test_given_a_shortlist_when_the_visitor_corrects_it_then_it_is_done_again_with_the_new_value() -> None:
    *_, result = chat("busco mesa de teca para 6 personas, unos 800 euros", "mejor de aluminio")

    assert result.state.status == FULFILLED
    assert slots_of(result) == {"budget": "500-1000", "seating": "6", "material": "aluminium"}
    assert texts_of(result) == [
        "Entendido, lo cambié a Aluminio.",
        "Esta es nuestra selección de mesas de aluminio para 6 personas, de 500 € a 1000 €. "
        "Ya te la envié a tu carrito.",
    ]


def test_given_a_shortlist_in_english_when_the_seats_are_corrected_then_it_is_done_again() -> None:
    *_, result = chat("teak table for 6, around 800 euros", "actually make it 8 people", channel="web-en-US")

    assert slots_of(result) == {"budget": "500-1000", "seating": "8-plus", "material": "teak"}


def test_given_a_shortlist_when_a_new_search_is_asked_for_then_it_starts_empty() -> None:
    *_, result = chat("busco mesa de teca para 6 personas, unos 800 euros", "quiero otra mesa")

    assert result.state.status == ACTIVE
    assert slots_of(result) == {}
    assert texts_of(result)[-1] == "¿Qué presupuesto tienes en mente para la mesa?"


def test_given_a_delivery_answer_for_a_city_when_its_postcode_is_typed_then_it_is_answered_for() -> None:
    for postcode_text, postcode in (("64000", "64000"), ("el cp es 76000 creo... sí, 76000", "76000")):
        *_, result = chat("¿hacen envíos a Monterrey?", postcode_text)

        assert slots_of(result) == {"destination": postcode}, postcode_text
        assert texts_of(result)[-1].startswith(f"Entregamos en {postcode} en 5 a 7 días"), postcode_text


def test_given_a_delivery_answer_when_a_follow_up_asks_about_it_then_the_same_place_is_answered() -> None:
    *_, result = chat("hola, mandan a querétaro?", "y cuánto tarda?")

    assert slots_of(result) == {"destination": "querétaro"}
    assert result.state.status == FULFILLED


def test_given_the_table_questions_when_a_bare_postcode_is_typed_then_it_is_a_delivery_digression() -> None:
    *_, result = chat("hola, busco una mesa para 6 personas", "¿llegáis a Canarias?", "35007")

    assert result.payload["fulfilled"] == {"intentId": "delivery_question", "slots": {"destination": "35007"}}
    assert result.state.slots == {"seating": "6"}


def test_given_the_budget_question_when_a_budget_is_typed_as_a_bare_number_then_it_is_the_budget() -> None:
    *_, result = talk("hola, busco una mesa para 6 personas", "1500")

    assert result.state.slots == {"seating": "6", "budget": "1000-2000"}


def test_given_a_postcode_named_a_few_words_before_when_read_then_it_is_a_postcode() -> None:
    *_, result = chat(
        "Me traslado a Collado Villalba. ¿Cuántos días suele tardar en llegar un pedido?",
        "El código postal de la casa nueva es el 28400, según me ha apuntado mi hija.",
    )

    assert slots_of(result) == {"destination": "28400"}


def test_given_a_postcode_taken_back_with_no_perdona_when_read_then_the_last_one_counts() -> None:
    *_, result = chat("¿enviáis a Sevilla?", "41010 no perdona, ese es el de mi suegra jaja, el mío es 41013")

    assert slots_of(result) == {"destination": "41013"}


def test_given_dutch_and_irish_postcodes_when_typed_then_they_are_the_destination() -> None:
    for code in ("3011 AB", "D02 X285"):
        *_, result = chat(
            "do you deliver to the Netherlands and Ireland?", f"it is {code}", channel="web-en-US"
        )

        assert slots_of(result) == {"destination": code}, code


def test_given_a_task_done_when_the_state_is_stored_then_what_it_remembers_round_trips() -> None:
    (result,) = chat("busco mesa de teca para 6 personas, unos 800 euros")
    state = next_task(result.state, keep_last=True)

    assert state.previous == {
        "intentId": "find_outdoor_table",
        "slots": {"budget": "500-1000", "seating": "6", "material": "teak"},
        "lastSlot": result.state.last_slot,
    }
    assert SessionState.from_json(state.to_json()) == state
    assert next_task(result.state).previous is None  # an expired chat starts over, remembering nothing


SHORTLIST_FOR_4 = ("hola, busco mesa de aluminio", "unos 1500", "para 4")


@pytest.mark.parametrize(
    ("change", "slots"),
    [
        ("y en acero?", {"budget": "1000-2000", "seating": "4", "material": "steel"}),
        (
            "bueno al final es para el balcón, solo mi pareja y yo",
            {"budget": "1000-2000", "seating": "2", "material": "aluminium"},
        ),
        (
            "¿y si subo a 2500? hay algo más bonito?",
            {"budget": "over-2000", "seating": "4", "material": "aluminium"},
        ),
        (
            "oye y para dos personas solo? que la de 4 no me cabe",
            {"budget": "1000-2000", "seating": "2", "material": "aluminium"},
        ),
        ("perdona, quería decir 6", {"budget": "1000-2000", "seating": "6", "material": "aluminium"}),
    ],
)
def test_given_a_shortlist_when_one_answer_changes_in_any_words_then_it_is_done_again(
    change: str, slots: dict[str, str]
) -> None:
    *_, result = chat(*SHORTLIST_FOR_4, change)

    assert result.state.status == FULFILLED, change
    assert slots_of(result) == slots, change


def test_given_a_delivery_answer_when_a_search_follows_with_its_amount_then_it_is_no_postcode() -> None:
    *_, result = chat("hola, hacéis envios a Canarias?", "vale. pues busco mesa para 2, tengo unos 1200")

    assert result.state.intent_id == "find_outdoor_table"
    assert result.state.slots == {"seating": "2", "budget": "1000-2000"}


def test_given_a_short_text_that_names_a_table_weakly_when_it_gives_two_values_then_the_search_starts() -> (
    None
):
    (result,) = talk("hola, busco algo exclusivo para una terraza pequeña, para 2, de unos 2500")

    assert result.payload["intentId"] == "find_outdoor_table"
    assert slots_of(result) == {"seating": "2", "budget": "over-2000"}


def test_given_a_plan_done_when_a_word_of_degree_is_said_of_an_amount_then_the_data_stays() -> None:
    *_, done, after = chat(
        "quiero un plan mas barato",
        "como diez gigas",
        "solo yo",
        "y pues poquito, unos quince pesos",
        tenant="telecom",
    )

    assert done.state.slots["data"] == "10gb"
    assert not any("cambié" in text for text in texts_of(after))  # nothing was changed
