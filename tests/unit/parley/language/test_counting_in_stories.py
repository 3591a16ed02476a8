"""Counts of people in the long stories Spanish visitors tell ("Los domingos vienen mis viejos, mi
hermana con su marido, y estamos mi mujer y yo"): everyone named across the story, once, and no
count where there are no people."""

from __future__ import annotations

import pytest

from parley.language.lexicon import lexicon
from parley.language.numbers import count_of_people
from parley.language.text import tokenize
from tests.helpers.conversation import matcher


def _count(text: str, language: str = "es") -> int | None:
    return count_of_people(tokenize(text), lexicon(language))


@pytest.mark.parametrize(
    ("text", "count"),
    [
        ("Los domingos vienen mis viejos, mi hermana con su marido, y estamos mi mujer y yo", 6),
        ("seríamos mi esposo, yo, los dos niños y casi todos los fines mis papás", 6),
        (
            "en la casa viven mi mamá, mi papá y mi tía Carmen, y casi siempre están también mi hermano el "
            "menor y su esposa",
            5,
        ),
        ("Mi esposa y yo tenemos cuatro hijos, así que necesitamos una mesa para toda la familia", 6),
        ("Vendrían mi hijo con su esposa y sus dos niños, mi hermana que vive conmigo y yo, claro.", 6),
        ("Serían mis papás, mis dos hermanas, mi novio y yo, los papás de él y su hermano", 9),
        ("mis papas vienen los domingos, mi hermana tambien", 3),
    ],
)
def test_given_people_told_across_a_story_when_counted_then_everyone_is_counted_once(
    text: str, count: int
) -> None:
    assert _count(text) == count


@pytest.mark.parametrize(
    ("text", "count"),
    [
        ("Vivo con mi hermana y su hijo, y los fines de semana viene mi mamá a almorzar", 4),
        ("vivo con mi esposa", 2),
    ],
)
def test_given_oneself_living_with_people_when_counted_then_oneself_is_counted_too(
    text: str, count: int
) -> None:
    assert _count(text) == count


@pytest.mark.parametrize(
    ("text", "count"),
    [
        ("en la casa somos mi jefa, mi jefe, yo y mi abuela", 4),
        ("mi chico y yo por fin nos vamos a vivir juntos", 2),
    ],
)
def test_given_family_named_in_regional_words_when_counted_then_they_are_people(
    text: str, count: int
) -> None:
    assert _count(text) == count


def test_given_plural_relatives_without_a_number_when_counted_then_each_plural_is_two() -> None:
    assert _count("Somos mi abuela, mis padres, mis tíos, mis tres primos, mi hermano y yo") == 10


@pytest.mark.parametrize(
    ("text", "count"),
    [
        ("Seríamos mi esposo, yo y ellos dos", 4),
        ("Somos los dos y nuestras dos hijas adolescentes", 4),
    ],
)
def test_given_a_number_after_a_pronoun_among_people_when_counted_then_it_is_that_many_people(
    text: str, count: int
) -> None:
    assert _count(text) == count


def test_given_room_asked_for_a_number_of_us_when_counted_then_it_is_the_count() -> None:
    assert _count("quiero una mesa de madera para el jardín, que quepamos unos 10") == 10


def test_given_oneself_alone_and_a_laugh_when_counted_then_it_is_one() -> None:
    assert _count("yo solito jaja") == 1


def test_given_one_person_who_comes_over_when_counted_then_the_host_is_counted_too() -> None:
    assert _count("quiero poder almorzar afuera aunque sea un rato. a veces viene mi novio") == 2


def test_given_many_people_who_come_over_when_counted_then_the_hosts_are_not_guessed() -> None:
    assert _count("ocupo una mesa grande pa la terraza pq vienen mis suegros") is None


@pytest.mark.parametrize(
    "text",
    [
        "cuál pesa menos? la tengo que subir 4 pisos por escalera",
        "me gustan los dos",
        "cual de los dos es mas barato?",
        "quiero la mesa chica",
        "el jefe de la tienda me dijo que no",
        "busco mesa para mis hijos",
    ],
)
def test_given_words_that_only_look_like_people_when_counted_then_there_is_no_count(text: str) -> None:
    assert _count(text) is None


@pytest.mark.parametrize(
    ("text", "count"),
    [
        ("mi esposa y yo cumplimos 25 años de casados", 2),
        ("tengo 400 varos nomas, es pa 4 personas", 4),
        ("somos 4: mi esposa, yo y los dos ninos", 4),
        ("mi esposa y yo y somos 4 personas", 4),
        ("yo solo quiero saber el precio", None),
    ],
)
def test_given_counts_already_understood_when_counted_then_they_stay(text: str, count: int | None) -> None:
    assert _count(text) == count


@pytest.mark.parametrize(
    ("text", "count"),
    [
        ("me, my wife and our three kids", 5),
        ("my wife and i have 3 kids", 5),
        ("just me", 1),
        ("the two of us", 2),
    ],
)
def test_given_an_english_story_when_counted_then_english_still_counts(text: str, count: int) -> None:
    assert _count(text, "en") == count


def test_given_a_story_on_the_spanish_channel_when_the_engine_reads_it_then_everyone_is_counted() -> None:
    model = matcher("demo").for_language("es")
    text = "buenas! Los domingos vienen mis viejos, mi hermana con su marido, y estamos mi mujer y yo"

    assert model.read(text).count(frozenset()) == 6
