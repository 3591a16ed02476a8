"""What the seventh pass of the understanding evaluation found (docs/understanding.md, "Seventh
pass"): a budget said before any task starts it, a button of another question, a long story that
ends in a question, something bought already, a count corrected within one message, a question
about the options ("cual no se oxida?"), and the chat going on after a task is done."""

from __future__ import annotations

from typing import Any

from parley.dialogue.engine import FULFILLED, TurnInput, TurnResult, run_turn
from parley.language.text import questions_of
from tests.helpers.conversation import TODAY, deployment, matcher, new_state, talk

BUDGET_ES = "¿Qué presupuesto tienes en mente para la mesa?"
SEATING_ES = "¿Para cuántas personas debe ser la mesa?"
MATERIAL_ES = "¿Tienes algún material en mente? Teca, aluminio, acero, cerámica…"


def _texts(result: TurnResult) -> list[str]:
    return [message.text for message in result.messages]


def _click(*turns: str) -> list[TurnResult]:
    """A conversation on the Spanish demo channel where "#id" is a click on the button of that id."""
    state, results = new_state("demo", "web-es-MX"), []
    for turn in turns:
        given = TurnInput(choice_id=turn[1:]) if turn.startswith("#") else TurnInput(text=turn)
        result = run_turn(
            deployment("demo"),
            matcher("demo"),
            state,
            given,
            today=TODAY,
            choose_slot=lambda intent, missing, state: missing[0],
            sentiment=lambda text: 0.0,
        )
        results.append(result)
        state = result.state
    return results


def _slots(result: TurnResult) -> dict[str, Any]:
    return dict(result.payload["slots"])


# --- a budget said before any task --------------------------------------------------------------
def test_given_no_task_when_a_budget_is_said_with_its_words_then_the_table_search_starts() -> None:
    for text, budget in (
        ("presupesto 5 mil euros", "over-2000"),
        ("ah ok. presupuesto 1000 máximo", "500-1000"),
        ("Estoy entre gastarme 600 o 900... unos 750 digamos", "500-1000"),
        ("ok perfecto. pues tengo como 550", "500-1000"),
    ):
        _hello, result = talk("hola", text)

        assert result.payload["intentId"] == "find_outdoor_table", text
        assert _slots(result) == {"budget": budget}, text
        assert _texts(result)[-1] == SEATING_ES, text


def test_given_a_percentage_when_read_then_it_is_no_budget() -> None:
    (result,) = talk("cuanto es el 15 por ciento de 80")

    assert result.payload["intentId"] is None
    assert result.incomprehension is True


# --- buttons -----------------------------------------------------------------------------------
def test_given_the_menu_when_a_budget_button_is_clicked_then_the_search_starts_with_it() -> None:
    _hello, clicked = _click("holaaa", "#over-2000")

    assert clicked.payload["intentId"] == "find_outdoor_table"
    assert _slots(clicked) == {"budget": "over-2000"}
    assert clicked.incomprehension is False
    assert _texts(clicked)[-1] == SEATING_ES


def test_given_the_seating_question_when_a_material_button_is_clicked_then_it_is_kept() -> None:
    *_, clicked = _click("lo mas economico q tengan porfis", "#aluminium")

    assert _slots(clicked) == {"budget": "under-500", "material": "aluminium"}
    assert _texts(clicked)[-1] == SEATING_ES


def test_given_a_button_no_question_has_when_clicked_then_nothing_is_filled() -> None:
    *_, clicked = _click("hola", "#no-such-choice")

    assert clicked.payload["slots"] == {}
    assert clicked.incomprehension is True


# --- stories with a question --------------------------------------------------------------------
def test_given_a_story_when_split_then_its_questions_are_apart_from_the_rest() -> None:
    assert questions_of("Hola. Compré una mesa. ¿Cómo la devuelvo? ¿Quién paga?") == (
        "¿Cómo la devuelvo? ¿Quién paga?",
        "Hola. Compré una mesa.",
    )
    assert questions_of("Antes que nada, ¿hacen envíos a Monterrey?") == (
        "¿hacen envíos a Monterrey?",
        "Antes que nada,",
    )
    assert questions_of("¿hacen envíos a Monterrey?") == ("", "")
    assert questions_of("busco una mesa para 4") == ("", "")


def test_given_a_story_of_a_table_bought_when_it_asks_how_to_return_it_then_returns_answer() -> None:
    (result,) = talk(
        "Buenos días. Le explico: hace una semana compré una mesa para la terraza del ático que "
        "acabamos de estrenar mi marido y yo, pero al montarla nos hemos dado cuenta de que es "
        "demasiado grande. ¿Cómo hago para devolverla? ¿Tengo que pagar yo el transporte de vuelta?"
    )

    assert result.payload["intentId"] == "returns_question"
    assert result.state.status == FULFILLED
    assert _texts(result)[-1].startswith("Puedes devolver cualquier mesa")


def test_given_a_story_of_a_table_wanted_when_it_asks_about_delivery_then_both_are_served() -> None:
    (result,) = talk(
        "Buenas tardes. Estamos terminando nuestra casa y tenemos una terraza muy amplia. Mi esposa y "
        "yo tenemos cuatro hijos, así que necesitamos una mesa para toda la familia. Antes que nada, "
        "¿hacen envíos a Monterrey?"
    )

    texts = _texts(result)
    assert any(text.startswith("Entregamos en") for text in texts)
    assert result.payload["fulfilled"]["intentId"] == "delivery_question"
    assert result.payload["intentId"] == "find_outdoor_table"
    assert _slots(result) == {"seating": "6"}
    assert texts[-1] == BUDGET_ES


# --- corrections within one message ------------------------------------------------------------
def test_given_the_seating_question_when_the_visitor_hesitates_then_the_last_number_counts() -> None:
    for answer in ("mmm 4... o 6? mejor 6, siempre cae alguien jaja", "para 8... no perdón, 6"):
        *_, result = talk("busco una mesa pal patio", "presupuesto como 800", answer)

        assert _slots(result) == {"budget": "500-1000", "seating": "6"}, answer
        assert result.payload["understood"]["corrected"] == [], answer


# --- questions about the options ----------------------------------------------------------------
def test_given_the_material_question_when_the_visitor_asks_which_one_then_nothing_is_chosen() -> None:
    *_, result = talk("mesa para 6 de unos 1500 euros", "a ver, cuál no se oxida?")

    assert "material" not in _slots(result)
    assert _texts(result)[-1] == MATERIAL_ES


def test_given_the_material_question_when_asked_which_to_recommend_then_it_is_handed_over() -> None:
    *_, result = talk("mesa para 4 de unos 2300 euros", "cuál me recomiendas? tú dime")

    assert _slots(result)["material"] == "no-preference"


# --- places and postcodes -----------------------------------------------------------------------
def test_given_a_place_to_deliver_to_when_a_verb_follows_a_preposition_then_no_place_is_taken() -> None:
    (result,) = talk("¿llegan mis suegros a quedarse?")

    assert result.payload["slots"].get("destination") != "quedarse"


def test_given_a_postcode_question_when_a_table_is_talked_of_instead_then_its_search_goes_on() -> None:
    *_, result = talk("cuanto tarda el envio?", "somos 4 y tengo unos 700 euros")

    assert result.payload["intentId"] == "find_outdoor_table"
    assert _slots(result) == {"budget": "500-1000", "seating": "4"}
    assert _texts(result)[-1] == MATERIAL_ES


# --- the eighth pass ---------------------------------------------------------------------------
def test_given_no_task_when_the_material_is_waved_off_before_its_noun_then_it_is_no_preference() -> None:
    (result,) = talk("el material me da igual, solo quiero que quepan 6")

    assert result.payload["intentId"] == "find_outdoor_table"
    assert _slots(result) == {"material": "no-preference", "seating": "6"}


def test_given_thousands_and_hundreds_in_digits_when_read_then_they_add_up() -> None:
    *_, result = talk("mesa pa dos, como mil 300")

    assert _slots(result) == {"seating": "2", "budget": "1000-2000"}


def test_given_the_seating_question_when_answered_with_normalmente_then_no_budget_changes() -> None:
    *_, result = talk(
        "quiero una mesa de jardin", "pues unos mil doscientos", "depende, normalmente somos cinco"
    )

    assert _slots(result) == {"budget": "1000-2000", "seating": "6"}
    assert result.payload["understood"]["corrected"] == []


def test_given_words_after_a_preposition_when_they_are_no_place_then_no_destination_is_taken() -> None:
    (plural,) = talk("antes de comprar quería saber cuánto cuesta el envío, que en otras tiendas me clavan")
    (verb,) = talk("cuanto cuesta el envio de una casa que compramos para rentar")
    (code,) = talk("sale, y cuanto me cobran de envio a cp 44100")

    assert plural.payload["slots"] == {}
    assert _texts(plural)[-1].startswith("¿Cuál es el código postal")
    assert verb.payload["slots"].get("destination") is None
    assert code.payload["slots"] == {"destination": "44100"}


def test_given_a_negative_question_for_a_person_when_read_then_the_visitor_is_handed_over() -> None:
    (result,) = talk(
        "Mire usted, yo con estas preguntas me lío. ¿No hay una persona con la que pueda hablar?"
    )

    assert result.escalation is True


def test_given_people_counted_after_los_when_read_then_they_count() -> None:
    (result,) = talk("quiero una mesa para el jardin de mi hija, sería para los cuatro")

    assert _slots(result) == {"seating": "4"}


def test_given_the_material_question_when_a_choice_is_proposed_for_agreement_then_it_is_the_answer() -> None:
    *_, result = talk("mesa para 10 de unos 1800 euros", "creo que de aluminio sería lo mejor no?")

    assert _slots(result)["material"] == "aluminium"


def test_given_a_long_story_that_asks_nothing_when_it_gives_table_values_then_the_search_starts() -> None:
    (result,) = talk(
        "Buenas tardes. Os escribo porque tengo una cafetería pequeña en Lavapiés y por fin el "
        "ayuntamiento nos ha dado la licencia de terraza. Son 6 mesas en total en la acera, pero quiero "
        "empezar comprando una. Tienen que ser de 4 personas y ligeras, porque cada noche hay que "
        "recogerlas y meterlas dentro, así que había pensado en aluminio."
    )

    assert result.payload["intentId"] == "find_outdoor_table"
    assert _slots(result) == {"seating": "4", "material": "aluminium"}
    assert _texts(result)[-1] == BUDGET_ES


def test_given_a_word_that_shares_a_choice_stem_when_read_then_it_names_no_choice() -> None:
    (result,) = talk("busco mesa para 2 en la terraza del bar, la acera es estrecha")

    assert "material" not in _slots(result)


def test_given_a_money_word_when_a_small_number_counts_people_then_it_is_no_budget() -> None:
    (result,) = talk("busco mesa exterior de precio razonable para comer 6")

    assert _slots(result)["budget"] == "500-1000"


# --- the ninth pass ----------------------------------------------------------------------------
def test_given_small_talk_typed_with_a_held_letter_or_a_nickname_when_read_then_it_is_small_talk() -> None:
    (thanks,) = talk("graciass crack")
    (bye,) = talk("listo eso era todo, adiós")

    assert thanks.payload["understood"]["builtin"] == "thanks"
    assert bye.payload["understood"]["builtin"] == "goodbye"
    assert not thanks.incomprehension and not bye.incomprehension


def test_given_a_request_to_be_served_by_someone_when_read_then_the_visitor_is_handed_over() -> None:
    (result,) = talk("esto no me sirve, quiero que me atienda alguien")

    assert result.escalation is True


def test_given_a_bound_said_as_a_verb_when_read_then_it_bounds_the_budget() -> None:
    (result,) = talk("oiga tienen algo para la terraza pa unas 10 personas que no pase de 2000")

    assert result.payload["intentId"] == "find_outdoor_table"
    assert _slots(result) == {"seating": "8-plus", "budget": "1000-2000"}


def test_given_a_question_of_how_many_people_when_read_then_no_person_is_asked_for() -> None:
    *_, result = talk("¿tienen mesas de aluminio?", "Sí, ¿pero para cuántas personas las tienen?")

    assert result.escalation is False
    assert result.payload["intentId"] == "find_outdoor_table"


def test_given_the_seating_question_when_a_bare_count_comes_with_a_weak_other_topic_then_it_answers() -> None:
    *_, result = talk(
        "tienen mesas grandes baratas?", "pa la familia, los domingos llega todo el clan, unos nueve"
    )

    assert result.payload["intentId"] == "find_outdoor_table"
    assert _slots(result) == {"budget": "under-500", "seating": "8-plus"}


def test_given_the_budget_question_when_people_are_counted_then_their_number_is_no_budget() -> None:
    *_, result = talk("necesito una mesa para el jardín", "Somos una familia grande, somos como doce")

    assert _slots(result) == {"seating": "8-plus"}
    assert _texts(result)[-1] == BUDGET_ES


def test_given_a_plan_budget_when_people_are_named_then_a_small_price_still_counts() -> None:
    *_, result = talk(
        "quiero cambiar de plan", "ilimitados", "somos 2, mi esposa y yo", "unos 50 al mes", tenant="telecom"
    )

    assert result.payload["slots"]["monthly_budget"] == "40-60"


def test_given_chilean_kids_when_counted_then_they_count() -> None:
    *_, result = talk("quiero la mejor mesa de teca", "para mis papás, mi señora, yo y los dos cabros chicos")

    assert _slots(result)["seating"] == "6"


# --- the tenth pass ----------------------------------------------------------------------------
def test_given_we_are_and_a_description_when_a_rough_number_follows_then_it_is_the_count() -> None:
    for text, seats in (
        ("busco mesa para el quincho, somos un montón, como 10", "8-plus"),
        ("somos una familia enorme, como 14", "8-plus"),
        ("que somos muchos, unos 9 o 10", "8-plus"),
        ("buscamos una mesa para el patio, solemos ser 5 o 6", "6"),
    ):
        (result,) = talk(text)

        assert _slots(result).get("seating") == seats, text


def test_given_para_mi_solo_when_counted_then_it_is_one_person() -> None:
    (result,) = talk("quería una mesa pequeña para el balcón, para mí solo")

    assert _slots(result) == {"seating": "2"}


def test_given_a_question_whether_the_assistant_is_a_robot_or_a_person_then_nobody_is_asked_for() -> None:
    (result,) = talk("hola, sos un robot o una persona?")

    assert result.escalation is False


def test_given_the_budget_question_when_a_postcode_is_named_then_it_is_no_budget() -> None:
    *_, result = talk("busco mesa para el patio, somos 8", "¿Cuánto tardáis en mandarla? el código es 41010")

    assert "budget" not in result.state.slots
    assert any(text.startswith("Entregamos en 41010") for text in _texts(result))


def test_given_the_budget_question_when_a_number_far_above_any_price_is_typed_then_it_is_no_budget() -> None:
    *_, result = talk("busco una mesita de teca para 2", "35001")

    assert "budget" not in result.state.slots


def test_given_a_place_of_two_words_joined_by_de_when_asked_then_it_is_the_destination() -> None:
    (result,) = talk("oye, ¿enviáis a Palma de Mallorca?")

    assert result.payload["slots"] == {"destination": "Palma de Mallorca"}


def test_given_correcting_words_when_two_choices_follow_then_the_first_after_them_wins() -> None:
    *_, result = talk(
        "busco una mesa de acero para el jardín",
        "hasta 2 mil euros",
        "mejor de aluminio, que el acero se oxida no?",
    )

    assert result.state.slots["material"] == "aluminium"


def test_given_a_correcting_phrase_when_the_number_fits_no_answered_slot_then_it_answers_the_question() -> (
    None
):
    *_, result = talk("ocupo una mesa para la terraza, somos cuatro", "ya en serio, tengo 2500")

    assert result.state.slots["budget"] == "over-2000"
    assert result.state.slots["seating"] == "4"


def test_given_the_seating_question_when_an_adverb_looks_like_a_budget_then_no_budget_is_read() -> None:
    *_, result = talk("quiero una mesa de mármol para el porche", "Seremos seis normalmente")

    assert result.state.slots == {"material": "ceramic", "seating": "6"}


def test_given_a_digression_postcode_question_when_it_is_left_for_later_then_the_task_goes_on() -> None:
    *_, result = talk(
        "quiero la mejor mesa que tengan",
        "somos 10",
        "y cuánto tarda en llegar??",
        "ah ok, luego te paso el cp",
    )

    assert result.state.intent_id == "find_outdoor_table"
    assert result.state.resume is None
    assert _texts(result)[-1] == MATERIAL_ES


def test_given_a_table_asked_for_by_its_size_when_others_are_counted_then_the_size_wins() -> None:
    (result,) = talk(
        "Ya juntamos el dinero, son 2,500 euros (somos 10 amigas jaja). Ella y su esposo quieren hacer "
        "reuniones con las familias, así que pensamos en una mesa de 6"
    )

    assert _slots(result)["seating"] == "6"


def test_given_people_sharing_a_cost_when_the_budget_is_answered_then_they_are_no_count() -> None:
    *_, result = talk(
        "pensamos en una mesita para ellos dos", "entre los tres hermanos reunimos como 900 euros"
    )

    assert result.state.slots == {"seating": "2", "budget": "500-1000"}
    assert result.payload["understood"]["corrected"] == []


# --- the eleventh pass -------------------------------------------------------------------------
def test_given_we_gather_when_a_number_follows_then_it_is_the_count() -> None:
    (result,) = talk("necesito una mesa pa la paella de los domingos, nos juntamos 8 o 9")

    assert _slots(result)["seating"] == "8-plus"


def test_given_something_to_do_with_someone_when_counted_then_the_writer_counts_too() -> None:
    (result,) = talk("Tengo un balcón con vistas a la ría y quiero una mesa para desayunar con mi chica")

    assert _slots(result)["seating"] == "2"


def test_given_a_village_named_as_where_one_lives_when_asked_about_delivery_then_the_postcode_is_asked() -> (
    None
):
    (result,) = talk("hola! vivo en una aldea de Lugo, llegáis hasta allí? jaja")

    assert result.payload["intentId"] == "delivery_question"
    assert result.payload["slots"] == {}
    assert _texts(result)[-1].startswith("¿Cuál es el código postal")


# --- the twelfth pass --------------------------------------------------------------------------
def test_given_people_named_with_their_names_when_counted_then_the_names_do_not_break_the_list() -> None:
    (result,) = talk(
        "Somos la familia completa: mi mamá, mi papá, mi esposa Yanet, mis tres hijos, mi suegra y yo"
    )

    assert _slots(result)["seating"] == "8-plus"


def test_given_relatives_counted_by_a_number_when_others_are_named_then_all_of_them_count() -> None:
    (result,) = talk("Busco una mesa de teca para el porche, para mis dos hijas, mi esposo y yo")

    assert _slots(result)["seating"] == "4"


def test_given_friends_and_slang_for_family_when_counted_then_they_count() -> None:
    (pals,) = talk(
        "una mesa para la terraza: seríamos yo, mi esposa Yolimar, el pana Luis con su novia, y los vecinos"
    )
    (kin,) = talk("una mesa pal patio, ahi comemos mi jefa, mi carnal, su esposa, sus dos chamacos y yo")
    (compadres,) = talk("queremos una mesa pal patio. Para nosotros dos y los compadres Memo y Karla")

    assert _slots(pals)["seating"] == "6"
    assert _slots(kin)["seating"] == "6"
    assert _slots(compadres)["seating"] == "4"


def test_given_the_best_when_read_then_it_corrects_nothing() -> None:
    *_, result = talk(
        "Queremos una mesa de teca de buena calidad",
        "Lo de menos es el precio, queremos lo mejor. ¿Cuánto tarda en llegar a Barcelona más o menos?",
    )

    assert result.state.intent_id == "find_outdoor_table"
    assert result.state.slots["budget"] == "over-2000"
    assert result.payload["fulfilled"]["intentId"] == "delivery_question"


def test_given_no_preference_said_at_length_when_a_recommendation_is_asked_too_then_it_answers() -> None:
    *_, result = talk(
        "mesa grande para seis, unos 1500",
        "Ay no sé, la verdad no tengo preferencia, que se vea bonito. Usted qué recomienda?",
    )

    assert result.state.slots["material"] == "no-preference"


def test_given_a_story_when_its_question_asks_about_delivery_somewhat_clearly_then_it_is_answered() -> None:
    (result,) = talk(
        "Hola parce, buenas! Una preguntica, ¿ustedes mandan mesas a Canarias? Es que mi tía Marleny vive en "
        "Las Palmas y le quiero dar una sorpresa para su cumpleaños"
    )

    assert result.payload["intentId"] == "delivery_question"
    assert result.payload["slots"] == {"destination": "Canarias"}


def test_given_one_fewer_when_read_then_it_is_no_count_of_one() -> None:
    *_, result = talk(
        "Quiero una mesa para el jardín: somos mi viejo, mi vieja, mi hermano Nico, mi cuñada Flor, mis dos "
        "sobrinos y yo",
        "no quiero gastar mucho, ponele cuatrocientos como mucho. Nico al final no viene, así que uno menos",
    )

    assert result.state.slots["seating"] != "2"


# --- the thirteenth pass -----------------------------------------------------------------------
def test_given_a_question_and_a_story_that_name_two_places_then_the_question_s_place_is_answered() -> None:
    *_, result = talk(
        "hola, busco una mesa para 6 personas",
        "espera antes de nada, ¿llegáis a Canarias? vivo en Las Palmas y muchas tiendas no envían aquí",
    )

    assert result.payload["fulfilled"]["slots"] == {"destination": "Canarias"}


def test_given_places_whose_names_start_with_an_article_or_have_two_words_then_they_are_kept_whole() -> None:
    (paso,) = talk("hi, hacen envios a El Paso? o nomas en ciertas areas")
    (rico,) = talk("oye y hacen envíos a Puerto Rico?")

    assert paso.payload["slots"] == {"destination": "El Paso"}
    assert rico.payload["slots"] == {"destination": "Puerto Rico"}


def test_given_an_accented_verb_before_la_when_read_then_no_place_is_taken() -> None:
    (result,) = talk("¿Cómo hago para devolverla y que me envíen la correcta?")

    assert result.payload["intentId"] == "returns_question"
    assert "destination" not in result.payload["slots"]


def test_given_the_budget_question_when_a_postcode_is_typed_with_its_name_then_delivery_is_answered() -> None:
    *_, result = talk("busco una mesa de teca para 4", "CP 72160")

    assert result.payload["fulfilled"] == {"intentId": "delivery_question", "slots": {"destination": "72160"}}
    assert "budget" not in result.state.slots


def test_given_spanglish_when_choices_and_counts_are_said_in_english_then_they_are_understood() -> None:
    (counted,) = talk("necesito mesa grande, we're like 8 or 10 en las fiestas")
    *_, material = talk(
        "busco mesa pal patio para 4", "budget de unos 800", "aluminum porque no se oxida, right?"
    )
    (shipping,) = talk("cuánto me sale el shipping al 33125??")

    assert _slots(counted)["seating"] == "8-plus"
    assert material.state.slots["material"] == "aluminium"
    assert shipping.payload["slots"] == {"destination": "33125"}


def test_given_a_little_over_a_thousand_when_read_then_it_is_over_a_thousand() -> None:
    (result,) = talk("mesa de teca para 4, tipo mil y pico")

    assert _slots(result)["budget"] == "1000-2000"


def test_given_an_amount_in_english_words_when_read_then_its_words_name_no_choice() -> None:
    *_, result = talk(
        "quiero cambiar de plan",
        "like 40 gigas",
        "para mi y mis 3 kids",
        "como forty five dollars",
        tenant="telecom",
    )

    assert result.state.slots["lines"] == "3-4"
    assert result.state.slots["monthly_budget"] == "40-60"


# --- the fourteenth pass -----------------------------------------------------------------------
def test_given_a_list_right_after_we_are_when_the_story_names_others_then_the_list_is_the_count() -> None:
    *_, result = talk(
        "busco una mesa para la terraza",
        "Quiero algo de precio normal",
        "Mis hijos ya se casaron y cada quien en su casa, nada más somos mi señora y yo",
    )

    assert result.state.slots["seating"] == "2"


def test_given_dictated_counts_when_said_as_people_do_then_they_count() -> None:
    for text, seats in (
        (
            "mesa de acero, mi familia somos cuatro pero siempre invitamos a mis suegros asi que pone seis",
            "6",
        ),
        ("una mesa para el balcon para tomarme el tinto con mi señora", "2"),
        ("mesa para el jardin, a ver mi esposa mis dos hijas sus esposos y yo", "6"),
        ("busco mesa para el patio, somos mi mujer yo y los mellizos", "4"),
        ("mesa para la terraza para cuatro personas mi marido yo y los dos chicos", "4"),
    ):
        (result,) = talk(text)

        assert _slots(result).get("seating") == seats, text


def test_given_a_six_digit_postcode_when_the_postcode_is_asked_then_it_is_the_destination() -> None:
    *_, result = talk("cuanto cuesta el envio de una mesa hasta mi casa", "si claro es el 110111")

    assert result.payload["slots"] == {"destination": "110111"}


def test_given_no_task_when_an_amount_is_said_as_money_in_a_story_then_the_table_search_starts() -> None:
    *_, result = talk("hola", "Tenemos ahorrado como 1500 para esto")

    assert result.payload["intentId"] == "find_outdoor_table"
    assert _slots(result) == {"budget": "1000-2000"}
