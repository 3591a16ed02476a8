"""Phrasings of real visitors that the sixth pass of the understanding evaluation found the engine
missing (docs/understanding.md, "Sixth pass"): counts of people told as a story, amounts in slang,
a choice named beside words that only look like indifference, a negated choice, a possessive place,
a joke taken back, an English count on the Spanish channel."""

from __future__ import annotations

import pytest

from parley.language.lexicon import lexicon
from parley.language.numbers import count_of_people
from parley.language.text import tokenize
from tests.helpers.conversation import talk


@pytest.mark.parametrize(
    ("text", "language", "count"),
    [
        ("somos dos parejas", "es", 4),
        ("two couples", "en", 4),
        ("vienen mis 2 hermanos con sus esposas, mis papas, mi esposa y yo", "es", 8),
        ("me, my wife and my two brothers and their wives", "en", 6),
        ("una mesa grande para el patio, que quepan por lo menos diez", "es", 10),
        ("a table that seats at least 8", "en", 8),
        ("ella vive con mi papa y mi tia, asi que con una de cuatro puestos esta bien", "es", 4),
        ("somos yo, mi pololo y a veces mis papas, asi que cuatro", "es", 4),
        (
            "mi marido y yo nos acabamos de mudar a una casa con jardin y mis suegros vienen cada "
            "domingo a comer, con mi cunada y su novio",
            "es",
            6,
        ),
        ("mi esposa y yo", "es", 2),
    ],
)
def test_given_people_told_as_visitors_tell_them_when_counted_then_everyone_is_counted_once(
    text: str, language: str, count: int
) -> None:
    assert count_of_people(tokenize(text), lexicon(language)) == count


def _slots(*texts: str, channel: str = "web-es-MX") -> dict[str, str]:
    return dict(talk(*texts, channel=channel)[-1].state.slots)


def test_given_an_amount_in_slang_and_a_count_when_nothing_else_is_said_then_it_is_a_table_search() -> None:
    result = talk("tengo 400 varos nomas, es pa 4 personas")[-1]

    assert result.state.intent_id == "find_outdoor_table"
    assert result.state.slots == {"budget": "under-500", "seating": "4"}
    assert not result.incomprehension


def test_given_a_currency_as_the_topic_when_asked_then_it_is_still_out_of_scope() -> None:
    assert talk("cuanto cuesta el dolar")[-1].incomprehension


def test_given_a_choice_named_beside_words_that_look_indifferent_when_answered_then_the_choice_wins() -> None:
    slots = _slots("busco mesa", "900", "4", "aluminio está bien, que no se oxide con la lluvia")

    assert slots["material"] == "aluminium"


def test_given_a_negated_choice_when_answered_then_the_question_stays_open() -> None:
    result = talk("busco mesa", "900", "4", "Mmm, de cerámica no, que con los niños se rompe todo")[-1]

    assert "material" not in result.state.slots
    assert result.state.pending == "material"


def test_given_delivery_to_my_neighbourhood_when_asked_then_the_postcode_is_asked_not_taken_as_a_place() -> (
    None
):
    first, second = talk("antes de comprar kiero saber si llegan a mi colonia", "58000")

    assert first.state.pending == "destination"
    assert second.state.slots["destination"] == "58000"
    assert talk("do you deliver to my area?", channel="web-en-US")[-1].state.pending == "destination"


def test_given_an_idiom_for_expensive_negated_when_answered_then_the_budget_is_cheap() -> None:
    assert _slots("busco mesa", "Que no cueste un ojo de la cara, algo barato")["budget"] == "under-500"


def test_given_a_joke_amount_taken_back_when_answered_then_the_real_amount_counts() -> None:
    slots = _slots(
        "necesito una mesa para la finca", "Tengo como un millón... jaja no mentiras, en euros unos 1300"
    )

    assert slots["budget"] == "1000-2000"


def test_given_an_english_count_on_the_spanish_channel_when_answering_the_count_then_it_is_understood() -> (
    None
):
    slots = _slots("i need una mesita pa'l balcony", "cheap, no more than 300", "just me and my roommate")

    assert slots["seating"] == "2"


def _telecom_slots(*texts: str) -> dict[str, str]:
    return dict(talk(*texts, tenant="telecom")[-1].state.slots)


def test_given_an_amount_beside_a_vague_budget_word_when_answered_then_the_amount_wins() -> None:
    # "budget" alone is also a word for cheap; the amount said with it is the budget
    assert (
        _slots("looking for a garden table", "budget's about 2500", channel="web-en-US")["budget"]
        == "over-2000"
    )


def test_given_an_amount_when_the_count_is_asked_then_it_is_no_count() -> None:
    result = talk(
        "a teak table for the terrace, money no object",
        "ok good to know. budget's about 2500",
        channel="web-en-US",
    )[-1]

    assert "seating" not in result.state.slots


def test_given_an_adverb_whose_stem_is_a_choice_when_answering_then_it_names_no_choice() -> None:
    slots = _slots("looking for a premium teak table", "5 of us normally", channel="web-en-US")

    assert slots == {"budget": "over-2000", "material": "teak", "seating": "6"}


def test_given_a_hesitant_amount_after_the_menu_when_said_then_the_table_search_starts_with_it() -> None:
    results = talk(
        "um hi. I'm not sure what I want yet", "hmm. maybe 1000? no, let's say 1300ish", channel="web-en-US"
    )

    assert results[-1].state.intent_id == "find_outdoor_table"
    assert results[-1].state.slots == {"budget": "1000-2000"}


@pytest.mark.parametrize(
    ("texts", "slot", "value"),
    [
        (("no me entran los datos moviles", "03010, no perdon, 03100, me confundi"), "postcode", "03100"),
        (
            (
                "me pueden mandar a alguien a mi casa a instalar la antena?",
                "el miercoles 2 de diciembre... no mejor el viernes 4",
            ),
            "visit_date",
            "2026-12-04",
        ),
        (("quiero cambiar de plan", "como 20 gigas", "nada mas para mi"), "lines", "1"),
        (("quiero cambiar de plan", "como 20 gigas", "yo nomas"), "lines", "1"),
        (("quiero cambiar de plan", "como 20 gigas", "Dos, la mía y la de mi pareja"), "lines", "2"),
        (("quiero cambiar de plan", "como 20 gigas", "somos yo, mi wife y mis dos hijos"), "lines", "3-4"),
        (
            ("quiero cambiar de plan", "como 20 gigas", "solo yo", "like 120 dollars al mes esta bien"),
            "monthly_budget",
            "over-60",
        ),
        (("quiero un plan con datos ilimitados, dos lineas (la mia y la de mi novia)",), "lines", "2"),
    ],
)
def test_given_customers_phrasings_when_answering_the_operators_questions_then_the_value_is_theirs(
    texts: tuple[str, ...], slot: str, value: str
) -> None:
    assert _telecom_slots(*texts)[slot] == value


def test_given_a_single_bill_when_said_with_a_word_for_one_then_it_is_no_budget() -> None:
    slots = _telecom_slots(
        "somos una familia grande, queremos un plan para meter a todos en uno solo y pagar una sola factura"
    )

    assert "monthly_budget" not in slots
    assert slots["lines"] == "5-plus"


def test_given_a_postcode_after_a_delivery_question_when_typed_then_it_answers_delivery_not_the_budget() -> (
    None
):
    results = talk(
        "Looking for a teak table for the patio",
        "before that, how long does delivery take to Manchester?",
        "M20 2RN",
        "ok cool. around 900 I'd say",
        channel="web-en-US",
    )

    assert "M20 2RN" in results[2].messages[0].text
    assert results[2].state.pending == "budget"
    assert results[3].state.slots == {"material": "teak", "budget": "500-1000"}


def test_given_a_value_said_again_as_it_was_when_another_question_is_pending_then_it_is_understood() -> None:
    result = talk(
        "Looking for a premium teak table for our terrace",
        "ok good to know. budget's about 2500",
        channel="web-en-US",
    )[-1]

    assert not result.incomprehension
    assert result.state.slots == {"budget": "over-2000", "material": "teak"}


@pytest.mark.parametrize(
    ("text", "channel", "material"),
    [
        ("anything but metal, it gets scorching here. stone maybe? yes, stone", "web-en-US", "ceramic"),
        ("todo menos madera, mejor aluminio", "web-es-MX", "aluminium"),
    ],
)
def test_given_everything_but_a_choice_when_answered_then_that_choice_is_ruled_out(
    text: str, channel: str, material: str
) -> None:
    assert (
        _slots(
            "busco mesa" if channel == "web-es-MX" else "need a patio table",
            "750",
            "4",
            text,
            channel=channel,
        )["material"]
        == material
    )


@pytest.mark.parametrize(
    ("texts", "slot", "value"),
    [
        (("busco mesa para la terraza", "mil", "para 6 digo para 8"), "seating", "8-plus"),
        (("busco mesa para la terraza", "3000", "para 6 no perdon para 8"), "seating", "8-plus"),
        (
            ("busco mesa de balcon", "200", "solo para mi", "de madera no mejor ceramica"),
            "material",
            "ceramic",
        ),
        (
            ("busco mesa de balcon", "200", "solo para mi", "mejor aluminio en vez de madera"),
            "material",
            "aluminium",
        ),
    ],
)
def test_given_a_correction_in_the_same_message_when_answered_then_the_value_after_it_counts(
    texts: tuple[str, ...], slot: str, value: str
) -> None:
    assert _slots(*texts)[slot] == value


def test_given_one_instead_of_another_in_english_when_answered_then_the_other_is_given_up() -> None:
    assert _slots("need a patio table", "750", "4", "aluminium instead of teak", channel="web-en-US")[
        "material"
    ] == ("aluminium")


def test_given_thanks_with_a_choice_word_in_them_when_said_then_no_slot_changes() -> None:
    slots = _telecom_slots(
        "quiero un plan mejor",
        "como 60 gigas, gracias",
        "tres lineas, la mia, la de mi mama y la de mi hermano, gracias",
        "lo mejor que tengan, el precio no importa, muchas gracias",
    )

    assert slots == {"data": "100gb", "lines": "3-4", "monthly_budget": "over-60"}


def test_given_words_answering_the_question_when_another_slot_shares_them_then_only_it_is_filled() -> None:
    slots = _telecom_slots("buenas, quiero un plan familiar", "lo normal, unos 25 gigas")

    assert slots == {"lines": "3-4", "data": "30gb"}


@pytest.mark.parametrize(
    ("texts", "value"),
    [
        (("quiero cambiar de plan", "como 20 gigas", "nomas es mi linea"), "1"),
    ],
)
def test_given_only_my_line_when_answering_the_lines_question_then_it_is_one(
    texts: tuple[str, ...], value: str
) -> None:
    assert _telecom_slots(*texts)["lines"] == value


def test_given_a_weekday_in_the_morning_when_booking_then_it_is_that_weekday_not_tomorrow() -> None:
    slots = _telecom_slots(
        "quiero agendar una visita de un tecnico a mi domicilio para el jueves en la mañana"
    )

    assert slots["visit_date"] == "2026-11-26"


@pytest.mark.parametrize(
    ("text", "channel"),
    [
        ("me cobran 45 dolares por un plan que ni uso, quiero uno mas barato", "web-es-MX"),
        ("i pay 45 dollars for a plan i barely use, i want something cheaper", "web-en-US"),
    ],
)
def test_given_what_one_pays_now_and_a_wish_to_pay_less_when_said_then_it_is_no_budget(
    text: str, channel: str
) -> None:
    slots = dict(talk(text, channel=channel, tenant="telecom")[-1].state.slots)

    assert slots.get("monthly_budget") == "under-20"


def test_given_a_choice_word_in_a_comparison_when_said_then_it_names_no_choice() -> None:
    slots = _telecom_slots("quisiera saber si puedo cambiar mi plan por uno con un poquito más de datos")

    assert "data" not in slots


def test_given_an_amount_in_english_words_on_the_spanish_channel_when_answering_then_it_is_the_amount() -> (
    None
):
    slots = _telecom_slots(
        "hi, quiero upgrade mi plan porfa",
        "uso mucho data, like 40 gigas",
        "para mi y mis 3 kids",
        "como forty five dollars",
    )

    assert slots["monthly_budget"] == "40-60"


@pytest.mark.parametrize(
    ("text", "channel", "data"),
    [
        ("lo normal. ahorita tengo 8 gigas y no me alcanzan, con unos 16 estaria bien", "web-es-MX", "30gb"),
        ("i have 8 gigs and it's not enough, 25 would do", "web-en-US", "30gb"),
    ],
)
def test_given_what_one_has_now_and_that_it_falls_short_when_said_then_the_wanted_amount_counts(
    text: str, channel: str, data: str
) -> None:
    result = talk(
        "quiero cambiar de plan" if channel == "web-es-MX" else "i want to change my plan",
        text,
        channel=channel,
        tenant="telecom",
    )[-1]

    assert result.state.slots["data"] == data


def test_given_a_postcode_said_digit_by_digit_when_asked_then_it_is_the_postcode() -> None:
    slots = _telecom_slots("no tengo internet desde la mañana", "cero seis siete cero cero")

    assert slots["postcode"] == "06700"


def test_given_how_much_one_pays_when_said_then_it_says_nothing_of_the_data() -> None:
    slots = _telecom_slots("mi nieto me dijo que les escribiera para cambiar mi plan porque pago mucho")

    assert "data" not in slots


def test_given_only_my_phone_when_answering_the_lines_question_then_it_is_one() -> None:
    slots = _telecom_slots("quiero cambiar mi plan", "casi no uso internet", "Nada más tengo mi teléfono")

    assert slots["lines"] == "1"
