"""What the sixteenth pass of the understanding evaluation found (docs/understanding.md, "Sixteenth
pass"): counts said as lists, "only" and "para los dos"; the slang of Spain, the River Plate and
Mexico for people and money; a place's name with "del"; and the assistant asked whether it is a
person or a program."""

from __future__ import annotations

import pytest

from parley.language.lexicon import lexicon
from parley.language.numbers import count_of_people
from parley.language.text import tokenize
from tests.helpers.conversation import slots_of, talk


def _count(text: str) -> int | None:
    return count_of_people(tokenize(text), lexicon("es"))


@pytest.mark.parametrize(
    ("text", "count"),
    [
        ("para cuatro yo mi mama y mis dos hermanas", 4),
        ("y seriamos cuatro mi pareja y yo y otra pareja de amigos que siempre viene a cenar", 4),
        ("somos solo mi esposo Fernando y yo, los hijos ya se fueron de la casa", 2),
        ("somos nada más mi señora y yo, los hijos ya se casaron", 2),
        (
            "En esas comidas somos mis suegros, mi esposo y yo, nuestros tres hijos y ahora también el yerno",
            7,
        ),
        ("somos mi esposa y yo, y los 3 niños", 5),
        ("en la casa vivimos mi jefa, mi abuelita, mis otros tres hermanos y yo", 6),
        ("los que se sientan siempre son los mismos seis abueletes. Mi mujer y yo estamos en la barra", 6),
        ("Los domingos vienen mis padres y mi hermana con su esposo, plus mi esposo y yo.", 6),
        ("es para mi esposo y para mí nada más, para el balcón. nuestros hijos ya hicieron su vida", 2),
        ("para mi y mi compi de piso. los demas amigos vienen a veces pero no caben", 2),
        (
            "mi esposo y yo cumplimos 40 años de casados y los hijos nos la regalan, para los dos tomar café",
            2,
        ),
        ("Para nosotros dos y los compadres Memo y Karla que siempre vienen", 4),
        ("somos mi chica, yo y los dos enanos", 4),
        ("mi señora, yo y los tres gurises", 5),
    ],
)
def test_given_people_said_as_visitors_say_them_when_counted_then_the_count_is_right(
    text: str, count: int
) -> None:
    assert _count(text) == count


def test_given_a_girlfriend_in_mexican_slang_when_the_seats_are_asked_then_two() -> None:
    *_, result = talk("busco mesa pa el patio", "#500-1000", "pa mí y mi morra nomás")

    assert slots_of(result) == {"budget": "500-1000", "seating": "2"}


def test_given_the_seats_answered_when_the_budget_is_corrected_in_slang_then_the_budget_changes() -> None:
    *_, result = talk(
        "hola, busco mesa de madera",
        "como ochocientos euros",
        "para seis. ah y lo de la plata, mejor ponle mil quinientos, la señora quiere algo más bueno po",
    )

    assert result.state.slots == {"material": "teak", "budget": "1000-2000", "seating": "6"}


def test_given_money_in_slang_when_said_before_any_task_then_the_table_search_starts() -> None:
    for text, budget in (("qué onda. tengo poquita lana, como doscientos", "under-500"),):
        *_, result = talk(text)

        assert result.payload["intentId"] == "find_outdoor_table", text
        assert slots_of(result) == {"budget": budget}, text


def test_given_a_place_named_with_del_when_delivery_is_asked_then_the_whole_name_is_the_destination() -> None:
    (result,) = talk("hola, hacen despacho a Viña del Mar?")

    assert slots_of(result) == {"destination": "Viña del Mar"}


def test_given_the_visitor_asks_whether_the_assistant_is_a_person_or_a_program_then_nobody_is_called() -> (
    None
):
    (result,) = talk("hola, eres una persona de verdad o un programa?")

    assert result.state.status != "handoff"
