"""Zelinqa V1 sessions on in-memory stores: the demo tenant's catalog (tenants/demo/catalog.yaml,
with its objective and dimensions) published, and the session service as the functions use it."""

from __future__ import annotations

import copy

import pytest

from parley.errors import IdempotencyKeyReused
from parley.nbq.catalog import parse_catalog
from parley.nbq.learning import QuestionStats
from parley.nbq.service import TenantNbqCache, credit_conversion
from parley.sessions.errors import (
    ConfigurationUnavailable,
    ConstraintNoMatch,
    InvalidChoice,
    InvalidPreviousTurn,
    StaleStateVersion,
    UnknownSession,
)
from parley.sessions.models import FeedbackRequest, NextRequest, SessionCreateRequest
from parley.sessions.service import SessionService
from tests.fakes import (
    InMemoryIdempotencyGuard,
    InMemoryNbqConfigRepository,
    InMemorySessionStore,
)
from tests.helpers.session_desk import TENANT, Desk, choice, demo_document, ids


@pytest.fixture
def desk() -> Desk:
    return Desk()


# --------------------------------------------------------------------------------------------------
# The loop: create, next, answer
# --------------------------------------------------------------------------------------------------
def test_given_a_new_session_when_created_then_it_has_no_decision_and_every_dimension_not_started(
    desk: Desk,
) -> None:
    session = desk.start(client_reference="crm-lead-8842")

    assert session["session_id"].startswith("ses_")
    assert (session["status"], session["turn_count"], session["max_turns"]) == ("active", 0, 12)
    assert session["pending_decision"] is None and session["targets"] == {}
    assert session["versions"] == {
        "state_version": 0,
        "engine_version": "parley-sessions-1",
        "api_version": "1.0",
    }
    assert [d["id"] for d in session["progress"]["dimensions"]] == [
        "so_need",
        "so_budget",
        "so_preferences",
        "so_delivery",
    ]
    assert {d["effective_status"] for d in session["progress"]["dimensions"]} == {"not_started"}


def test_given_the_first_call_when_next_then_candidates_follow_the_dimension_order_one_per_target(
    desk: Desk,
) -> None:
    session = desk.start()

    decision = desk.next(session, 0)

    assert decision["action"] == "ask" and decision["stop_reason"] is None
    assert decision["decision_id"].startswith("dec_")
    assert ids(decision) == ["q_product_type", "q_space", "q_material"]
    targets = [c["target_ids"][0] for c in decision["candidates"]]
    assert len(set(targets)) == len(targets)  # two ways of asking the same thing never together
    assert decision["candidates"][0]["choices"][0] == {"choice_id": "dining-table", "label": "Dining table"}
    assert "selection_mode" not in decision["candidates"][0]  # a semi_open question's only
    assert decision["versions"]["state_version"] == 1
    assert desk.read(session["session_id"])["pending_decision"]["decision_id"] == decision["decision_id"]


def test_given_a_pending_decision_when_the_choice_id_is_sent_then_its_target_is_confirmed_with_its_value(
    desk: Desk,
) -> None:
    session = desk.start()
    first = desk.next(session, 0)

    answered = desk.next(
        session, 1, previous_turn={"structured_answer": {"choice_ids": [choice(first, "Dining table")]}}
    )

    state = desk.read(session["session_id"])
    assert state["targets"]["product_type"] == {
        "kind": "data", "status": "confirmed", "value": "Dining table", "coverage": 1.0,
    }  # fmt: skip
    [outcome] = state["question_state"]["outcomes"]
    assert (outcome["question_id"], outcome["decision_id"]) == ("q_product_type", first["decision_id"])
    assert (outcome["outcome"], outcome["source"]) == ("asked_answered", "inferred")
    assert answered["turn_count"] == 1 and answered["turns_remaining"] == 11
    assert "q_product_type" not in ids(answered)
    assert desk.learning.served_questions(TENANT, session["session_id"]) == {"q_product_type"}


def test_given_a_rephrased_question_when_the_reply_names_a_choice_then_the_right_candidate_is_answered(
    desk: Desk,
) -> None:
    session = desk.start()
    desk.next(session, 0)  # q_product_type, q_space, q_material

    desk.next(
        session,
        1,
        previous_turn={
            "assistant_text": "And where would it go: terrace, balcony?",
            "user_text": "the balcony",
        },
    )

    state = desk.read(session["session_id"])
    assert state["targets"]["space"]["value"] == "Balcony"
    assert state["question_state"]["outcomes"][0]["question_id"] == "q_space"


@pytest.mark.parametrize(
    ("reply", "outcome", "asked_again"),
    [("I'd rather not say", "refused", False), ("no idea yet", "asked_no_answer", True)],
)
def test_given_a_reply_that_is_no_answer_when_next_then_the_outcome_says_so(
    desk: Desk, reply: str, outcome: str, asked_again: bool
) -> None:
    session = desk.start()
    desk.next(session, 0)

    after = desk.next(session, 1, previous_turn={"user_text": reply})

    recorded = desk.read(session["session_id"])["question_state"]["outcomes"][0]
    assert (recorded["question_id"], recorded["outcome"]) == ("q_product_type", outcome)
    assert ("q_product_type" in ids(after)) is False  # never twice in a row: the next one is asked first
    assert desk.read(session["session_id"])["targets"].get("product_type") is None
    if asked_again:
        # asked without an answer: the question may come back once the others are exhausted
        later = desk.next(
            session, 2, selection={"allowed_question_types": ["single_choice"], "candidate_count": 10}
        )
        assert later["action"] == "ask"


def test_given_words_that_reveal_other_information_when_next_then_those_targets_are_tentative(
    desk: Desk,
) -> None:
    session = desk.start()
    desk.next(session, 0)

    desk.next(session, 1, previous_turn={"user_text": "A dining table for our garden, in teak"})

    targets = desk.read(session["session_id"])["targets"]
    assert targets["product_type"]["status"] == "confirmed"
    assert targets["space"] == {"kind": "data", "status": "tentative", "value": None, "coverage": 0.5}
    assert targets["material"]["status"] == "tentative"


# --------------------------------------------------------------------------------------------------
# What the client gets wrong
# --------------------------------------------------------------------------------------------------
def test_given_ids_that_contradict_the_pending_decision_when_next_then_invalid_previous_turn(
    desk: Desk,
) -> None:
    session = desk.start()
    first = desk.next(session, 0)

    with pytest.raises(InvalidPreviousTurn) as raised:
        desk.next(session, 1, previous_turn={"decision_id": "dec_other", "question_id": "q_budget_range"})

    assert raised.value.details == {
        "pending_decision_id": first["decision_id"],
        "supplied_decision_id": "dec_other",
        "supplied_question_id": "q_budget_range",
        "candidate_question_ids": ids(first),
    }
    assert desk.read(session["session_id"])["versions"]["state_version"] == 1  # nothing applied


def test_given_an_answered_open_question_without_words_when_next_then_invalid_previous_turn(
    desk: Desk,
) -> None:
    session = desk.start()
    decision = desk.next(session, 0, selection={"allowed_question_types": ["open"]})
    open_question = decision["candidates"][0]["question_id"]

    with pytest.raises(InvalidPreviousTurn):
        desk.next(session, 1, previous_turn={"question_id": open_question, "outcome": "asked_answered"})
    refused = desk.next(session, 1, previous_turn={"question_id": open_question, "outcome": "refused"})

    assert refused["turn_count"] == 1


def test_given_a_choice_the_question_does_not_have_when_next_then_invalid_choice(desk: Desk) -> None:
    session = desk.start()
    first = desk.next(session, 0)

    with pytest.raises(InvalidChoice) as raised:
        desk.next(
            session,
            1,
            previous_turn={"decision_id": first["decision_id"], "question_id": "q_product_type",
                           "structured_answer": {"choice_ids": ["sofa"]}},
        )  # fmt: skip

    assert raised.value.details == {"question_id": "q_product_type", "invalid_choice_ids": ["sofa"]}


def test_given_a_stale_state_version_when_next_then_conflict_with_both_versions(desk: Desk) -> None:
    session = desk.start()
    desk.next(session, 0)

    with pytest.raises(StaleStateVersion) as raised:
        desk.next(session, 0)

    assert raised.value.details == {"supplied_state_version": 0, "current_state_version": 1}


def test_given_a_concurrent_mutation_that_got_there_first_when_saving_then_conflict(desk: Desk) -> None:
    session = desk.start()
    desk.sessions.before_next_write(lambda: desk.next(session, 0))

    with pytest.raises(StaleStateVersion) as raised:
        desk.next(session, 0)

    assert raised.value.details == {"supplied_state_version": 0, "current_state_version": 1}


def test_given_an_unknown_session_when_any_route_then_unknown_session(desk: Desk) -> None:
    with pytest.raises(UnknownSession):
        desk.next("ses_nope", 0)
    with pytest.raises(UnknownSession):
        desk.read("ses_nope")
    with pytest.raises(UnknownSession) as too_long:
        desk.read("s" * 129)  # no session can have it: not even read
    assert too_long.value.details == {"session_id": "s" * 128}
    with pytest.raises(UnknownSession):
        desk.service.feedback(
            TENANT, "ses_nope", desk.key(), FeedbackRequest.model_validate({"result": "success"})
        )


# --------------------------------------------------------------------------------------------------
# Idempotency
# --------------------------------------------------------------------------------------------------
def test_given_a_repeated_key_and_body_when_sent_again_then_the_first_answer_and_nothing_done_twice(
    desk: Desk,
) -> None:
    session = desk.start()
    request = NextRequest.model_validate({"state_version": 0})

    first = desk.service.next(TENANT, session["session_id"], "retry-key-01", request)
    writes = desk.sessions.writes
    again = desk.service.next(TENANT, session["session_id"], "retry-key-01", request)

    assert again == first
    assert desk.sessions.writes == writes
    with pytest.raises(IdempotencyKeyReused) as raised:
        desk.service.next(
            TENANT, session["session_id"], "retry-key-01", NextRequest.model_validate({"state_version": 1})
        )
    assert raised.value.details == {"idempotency_key": "retry-key-01"}


# --------------------------------------------------------------------------------------------------
# Stops, soft and hard
# --------------------------------------------------------------------------------------------------
def test_given_max_turns_reached_when_next_then_the_session_stops_and_stays_stopped(desk: Desk) -> None:
    session = desk.start(max_turns=2)
    desk.next(session, 0)
    desk.next(session, 1, previous_turn={"user_text": "a dining table"})

    stop = desk.next(session, 2, previous_turn={"user_text": "on the terrace"})
    again = desk.next(session, 3)

    assert (stop["action"], stop["stop_reason"], stop["decision_id"], stop["candidates"]) == (
        "stop", "max_turns_reached", None, [],
    )  # fmt: skip
    assert stop["turn_count"] == 2 and stop["turns_remaining"] == 0
    assert "max_turns_reached" in stop["warnings"]
    assert again["stop_reason"] == "max_turns_reached" and again["versions"]["state_version"] == 3
    state = desk.read(session["session_id"])
    assert state["status"] == "stopped" and state["pending_decision"] is None
    assert len(state["question_state"]["outcomes"]) == 2  # the last allowed answer is recorded


def test_given_the_objective_achieved_when_next_then_questions_are_still_proposed_with_a_warning(
    desk: Desk,
) -> None:
    session = desk.start()
    data = [{"id": name, "value": "x"} for name in
            ("product_type", "space", "budget", "table_size", "material", "style",
             "sun_exposure", "chairs_included", "delivery_date", "delivery_address")]  # fmt: skip
    data.append({"id": "seating_capacity", "value": 6})
    desk.events(session["session_id"], 0, client_updates={"data": data})

    decision = desk.next(session, 1)

    assert decision["warnings"] == ["objective_achieved"]
    # (balanced: the contributing dimensions' coverage is (5/6 + 1) / 2 >= 0.8 without the weather)
    assert decision["action"] == "ask" and ids(decision) == ["q_weather"]
    assert decision["progress"]["objective"]["effective_status"] == "covered"
    assert desk.read(session["session_id"])["status"] == "completed"


def test_given_every_question_done_when_next_then_stop_no_question_available(desk: Desk) -> None:
    session = desk.start()
    names = list(parse_catalog(demo_document()).categories)
    desk.events(
        session["session_id"],
        0,
        client_updates={"data": [{"id": n, "operation": "not_applicable"} for n in names]},
    )

    stop = desk.next(session, 1)

    assert (stop["action"], stop["stop_reason"], stop["decision_id"]) == (
        "stop",
        "no_question_available",
        None,
    )
    assert stop["warnings"] == ["objective_achieved"]


def test_given_only_tentative_targets_left_when_next_then_a_fallback_is_proposed_with_a_warning(
    desk: Desk,
) -> None:
    session = desk.start()
    names = [n for n in parse_catalog(demo_document()).categories if n != "material"]
    desk.events(
        session["session_id"],
        0,
        client_updates={"data": [{"id": n, "operation": "not_applicable"} for n in names]},
        context_update={"mode": "summary", "text": "They like teak."},
    )

    decision = desk.next(session, 1)

    assert ids(decision) == ["q_material"]
    # (the contributing dimension's coverage reaches the balanced level: the objective is achieved)
    assert decision["warnings"] == ["objective_achieved", "eligibility_exhausted_fallback"]


# --------------------------------------------------------------------------------------------------
# Selection constraints
# --------------------------------------------------------------------------------------------------
def test_given_strict_constraints_when_next_then_only_matching_questions_or_constraint_no_match(
    desk: Desk,
) -> None:
    session = desk.start()

    open_only = desk.next(session, 0, selection={"allowed_question_types": ["open"], "candidate_count": 2})
    assert {c["type"] for c in open_only["candidates"]} == {"open"}

    with pytest.raises(ConstraintNoMatch) as raised:
        desk.next(session, 1, selection={"allowed_question_types": ["multiple_choice"]})
    assert raised.value.details == {"allowed_question_types": ["multiple_choice"]}


def test_given_a_preferred_dimension_with_nothing_left_when_next_then_constraints_relaxed(desk: Desk) -> None:
    session = desk.start()
    desk.events(
        session["session_id"],
        0,
        client_updates={"dimensions": [{"id": "so_budget", "operation": "set", "status": "achieved"}]},
    )

    decision = desk.next(session, 1, selection={"dimensions": {"ids": ["so_budget"], "mode": "prefer"}})
    restricted = desk.next(session, 2, selection={"dimensions": {"ids": ["so_delivery"], "mode": "restrict"}})

    assert decision["warnings"] == ["constraints_relaxed"] and decision["action"] == "ask"
    assert {c["target_ids"][0] for c in restricted["candidates"]} <= {"delivery_date", "delivery_address"}


def test_given_an_excluded_dimension_when_next_then_its_questions_never_come_and_it_leaves_progress(
    desk: Desk,
) -> None:
    session = desk.start()

    state = desk.events(
        session["session_id"],
        0,
        client_updates={"dimensions": [{"id": "so_preferences", "operation": "exclude"}]},
    )
    decision = desk.next(session, 1, selection={"candidate_count": 10})

    preferences = {"table_size", "material", "style", "sun_exposure", "weather", "chairs_included"}
    assert not {c["target_ids"][0] for c in decision["candidates"]} & preferences
    [dimension] = [d for d in state["progress"]["dimensions"] if d["id"] == "so_preferences"]
    assert dimension["effective_status"] == "excluded"
    assert dimension["client_override"]["status"] == "excluded"


# --------------------------------------------------------------------------------------------------
# Events, context, history
# --------------------------------------------------------------------------------------------------
def test_given_client_data_when_events_then_confirmed_and_the_pending_decision_stays(desk: Desk) -> None:
    session = desk.start()
    first = desk.next(session, 0)

    state = desk.events(
        session["session_id"], 1, client_updates={"data": [{"id": "budget", "value": "500-1000"}]}
    )

    assert state["targets"]["budget"] == {
        "kind": "data",
        "status": "confirmed",
        "value": "500-1000",
        "coverage": 1.0,
    }
    assert state["pending_decision"]["decision_id"] == first["decision_id"]
    assert state["turn_count"] == 0 and state["versions"]["state_version"] == 2


def test_given_a_value_outside_the_schema_when_events_then_invalid_choice(desk: Desk) -> None:
    document = demo_document()
    document["categories"]["budget"]["schema"] = {"type": "number", "minimum": 0}
    desk.config.put_catalog(TENANT, "0.9.0-beta.2", document)
    desk.monotonic += 61
    session = desk.start()

    with pytest.raises(InvalidChoice) as raised:
        desk.events(session["session_id"], 0, client_updates={"data": [{"id": "budget", "value": "lots"}]})

    assert raised.value.details == {"data_id": "budget", "invalid_value": "lots"}


def test_given_a_summary_when_events_then_tentative_targets_and_degraded(desk: Desk) -> None:
    session = desk.start()

    state = desk.events(
        session["session_id"],
        0,
        context_update={"mode": "summary", "text": "Wants a teak table for a balcony"},
    )

    assert state["degraded"] is True
    assert {n for n, t in state["targets"].items() if t["status"] == "tentative"} >= {"material", "space"}


def test_given_an_initial_history_when_created_then_it_shapes_the_state_and_is_not_kept(desk: Desk) -> None:
    session = desk.start(
        initial_history=[
            {"role": "assistant", "question_id": "q_space", "text": "Where will it go?"},
            {"role": "user", "text": "On our terrace"},
        ]
    )

    assert session["targets"]["space"]["value"] == "Terrace"
    stored = desk.sessions.get(TENANT, session["session_id"])
    assert stored is not None and "terrace" not in str(stored.to_json()).replace("Terrace", "")


# --------------------------------------------------------------------------------------------------
# Pinning and learning
# --------------------------------------------------------------------------------------------------
def test_given_a_new_publication_when_a_session_goes_on_then_it_keeps_its_pinned_configuration(
    desk: Desk,
) -> None:
    before = desk.start()
    document = copy.deepcopy(demo_document())
    product = next(q for q in document["questions"] if q["external_id"] == "q_product_type")
    product["text"] = "What would you like to buy?"
    desk.config.put_catalog(TENANT, "1.0", document)
    desk.monotonic += 61  # the container sees the new publication within a minute
    after = desk.start()

    assert desk.next(before, 0)["candidates"][0]["text"].startswith("What are you looking for today")
    assert desk.next(after, 0)["candidates"][0]["text"] == "What would you like to buy?"


def test_given_no_published_configuration_when_creating_then_it_is_unavailable() -> None:
    empty = Desk()
    empty.config = InMemoryNbqConfigRepository()
    service = SessionService(
        InMemorySessionStore(),
        TenantNbqCache(empty.config),
        empty.config,
        empty.learning,
        InMemoryIdempotencyGuard(),
    )

    with pytest.raises(ConfigurationUnavailable):
        service.create(TENANT, "key-00000001", SessionCreateRequest())


def test_given_feedback_when_credited_then_the_asked_questions_learn_like_a_conversion(desk: Desk) -> None:
    session = desk.start()
    desk.next(session, 0)
    desk.next(session, 1, previous_turn={"user_text": "A dining table"})

    response = desk.service.feedback(
        TENANT,
        session["session_id"],
        "feedback-key-1",
        FeedbackRequest.model_validate({"result": "success", "label": "achat"}),
    )

    assert response["feedback_id"].startswith("fbk_") and response["recorded_at"] == "2026-12-05T10:00:00Z"
    conversion = desk.learning.conversions(TENANT, session["session_id"])[response["feedback_id"]]
    assert conversion.outcome == "success" and conversion.metadata == {"label": "achat"}

    class Recorded:
        tenant_id, session_id, conversion_id, outcome = (
            TENANT,
            session["session_id"],
            response["feedback_id"],
            "success",
        )

    assert credit_conversion(desk.learning, Recorded()) is True
    assert desk.config.stats(TENANT) == {"q_product_type": QuestionStats(served=1, converted=1)}


# --------------------------------------------------------------------------------------------------
# Found by reading the contract against the running service
# --------------------------------------------------------------------------------------------------
def test_given_an_open_question_with_only_the_assistants_words_when_next_then_invalid_previous_turn(
    desk: Desk,
) -> None:
    session = desk.start()
    decision = desk.next(session, 0, selection={"allowed_question_types": ["open"]})
    asked = decision["candidates"][0]

    with pytest.raises(InvalidPreviousTurn):
        desk.next(
            session, 1, previous_turn={"question_id": asked["question_id"], "assistant_text": asked["text"]}
        )

    assert desk.read(session["session_id"])["versions"]["state_version"] == 1  # nothing applied


def test_given_tentative_targets_when_the_coverage_would_reach_the_level_then_the_objective_is_not_covered(
    desk: Desk,
) -> None:
    session = desk.start()
    data = [{"id": name, "value": "x"} for name in
            ("product_type", "space", "budget", "table_size", "material", "style", "sun_exposure",
             "chairs_included", "delivery_address")]  # fmt: skip
    data.append({"id": "seating_capacity", "value": 4})

    state = desk.events(
        session["session_id"],
        0,
        client_updates={"data": data},
        context_update={"mode": "summary", "text": "No rush on it, and it rains a lot there"},
    )

    targets = desk.read(session["session_id"])["targets"]
    assert targets["weather"]["status"] == targets["delivery_date"]["status"] == "tentative"
    # coverage counts a tentative target as half known ((11/12 + 3/4) / 2 >= 0.8), but only what
    # is confirmed or not applicable qualifies: (5/6 + 1/2) / 2 < 0.8
    assert state["progress"]["objective"]["effective_status"] == "in_progress"


def test_given_preferred_dimensions_with_fewer_questions_than_candidates_then_they_come_first_then_others(
    desk: Desk,
) -> None:
    session = desk.start()
    desk.next(session, 0)
    desk.next(session, 1, previous_turn={"user_text": "A dining table"})

    decision = desk.next(
        session, 2, selection={"dimensions": {"ids": ["so_budget"], "mode": "prefer"}, "candidate_count": 3}
    )
    only_preferred = desk.next(
        session, 3, selection={"dimensions": {"ids": ["so_budget"], "mode": "prefer"}, "candidate_count": 1}
    )

    assert ids(decision)[0] == "q_budget_range" and len(ids(decision)) == 3
    assert decision["warnings"] == ["constraints_relaxed"]
    assert ids(only_preferred) == ["q_budget_range"] and only_preferred["warnings"] == []


@pytest.mark.parametrize(
    ("reply", "outcome"),
    [
        ("skip", "refused"),
        ("I'd rather not say", "refused"),
        ("paso", "refused"),
        ("Pass me the one for 6, please", "asked_answered"),
        ("Not sure, maybe 6 of us", "asked_answered"),
        ("No idea", "asked_no_answer"),
        ("no sé", "asked_no_answer"),
    ],
)
def test_given_a_reply_to_a_choice_question_when_read_then_hedges_and_lone_words_do_not_hide_an_answer(
    desk: Desk, reply: str, outcome: str
) -> None:
    session = desk.start()
    desk.next(session, 0)
    second = desk.next(
        session,
        1,
        previous_turn={"user_text": "A dining table"},
        selection={"required_target_ids": ["seating_capacity"]},
    )
    assert ids(second) == ["q_seating_capacity"]

    desk.next(session, 2, previous_turn={"user_text": reply})

    recorded = desk.read(session["session_id"])["question_state"]["outcomes"][-1]
    assert (recorded["question_id"], recorded["outcome"]) == ("q_seating_capacity", outcome)


def test_given_feedback_whose_metadata_has_a_label_then_the_label_field_wins(desk: Desk) -> None:
    session = desk.start()

    response = desk.service.feedback(
        TENANT,
        session["session_id"],
        "feedback-key-2",
        FeedbackRequest.model_validate(
            {"result": "partial", "label": "quote", "metadata": {"label": "x", "k": 1}}
        ),
    )

    conversion = desk.learning.conversions(TENANT, session["session_id"])[response["feedback_id"]]
    assert conversion.metadata == {"label": "quote", "k": 1}
