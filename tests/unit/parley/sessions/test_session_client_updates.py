"""What a V1 session's client sends besides the previous turn — context as messages, its own data,
overrides of the objective and the dimensions — and the selection options of ``/next``, on the
demo tenant's catalog and in-memory stores (the ``Desk`` of ``test_session_service``)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from parley.errors import Invalid
from parley.http.bodies import parse_body
from parley.http.problems import V1_STYLE, SchemaViolation, problem_for
from parley.nbq.catalog import parse_catalog
from parley.sessions.errors import ConstraintNoMatch, InvalidChoice, InvalidPreviousTurn
from parley.sessions.limits import MAX_BODY_BYTES, MAX_MESSAGES, MAX_TEXT_CHARS
from parley.sessions.models import NextRequest, SessionEventsRequest
from tests.helpers.session_desk import TENANT, Desk, choice, demo_document, ids

STAMP = "2026-12-05T10:00:00Z"  # the Desk's clock, as the session stamps overrides and outcomes
EVERY_TARGET_BUT_WEATHER = [
    {"id": name, "value": "x"}
    for name in ("product_type", "space", "budget", "table_size", "material", "style", "sun_exposure",
                 "chairs_included", "delivery_date", "delivery_address")
] + [{"id": "seating_capacity", "value": 6}]  # fmt: skip


@pytest.fixture
def desk() -> Desk:
    return Desk()


def messages(*items: dict[str, Any]) -> dict[str, Any]:
    return {"mode": "messages", "messages": list(items)}


def targets_of(decision: dict[str, Any]) -> list[str]:
    return [c["target_ids"][0] for c in decision["candidates"]]


def dimension(state: dict[str, Any], dimension_id: str) -> dict[str, Any]:
    return next(d for d in state["progress"]["dimensions"] if d["id"] == dimension_id)


def invalid_loc(error: Invalid) -> list[str]:
    [field] = error.errors
    return field.as_dict()["loc"]


# --------------------------------------------------------------------------------------------------
# context_update in messages mode
# --------------------------------------------------------------------------------------------------
def test_given_a_question_and_its_reply_as_messages_when_next_then_the_answer_counts_but_no_turn(
    desk: Desk,
) -> None:
    session = desk.start()

    # When the agent asked q_space outside Parley and the person answered, both sent as messages
    decision = desk.next(
        session,
        0,
        context_update=messages(
            {"role": "assistant", "question_id": "q_space", "text": "Where will it go?"},
            {"role": "user", "message_id": "msg-2", "text": "On our balcony, ideally in teak"},
        ),
    )

    # Then the reply confirms the question's target, the other words are tentative targets …
    state = desk.read(session["session_id"])
    assert state["targets"]["space"] == {
        "kind": "data", "status": "confirmed", "value": "Balcony", "coverage": 1.0,
    }  # fmt: skip
    assert state["targets"]["material"]["status"] == "tentative"
    # … the outcome is recorded without a decision, inferred, with the message's id …
    assert state["question_state"]["outcomes"] == [
        {"question_id": "q_space", "decision_id": None, "outcome": "asked_answered", "source": "inferred",
         "message_id": "msg-2", "occurred_at": STAMP},
    ]  # fmt: skip
    # … the question is not proposed again, no turn is counted, nothing is credited to learning,
    # and messages (unlike a summary) are no degraded context
    assert "q_space" not in ids(decision) and decision["action"] == "ask"
    assert (decision["turn_count"], decision["turns_remaining"]) == (0, 12)
    assert decision["degraded"] is False and decision["degraded_reasons"] == []
    assert desk.learning.served_questions(TENANT, session["session_id"]) == set()


def test_given_the_same_words_as_messages_or_as_a_summary_when_events_then_the_same_targets(
    desk: Desk,
) -> None:
    words = "A teak dining table for our garden, for 6 of us"
    by_summary, by_messages = desk.start(), desk.start()

    summarised = desk.events(by_summary["session_id"], 0, context_update={"mode": "summary", "text": words})
    told = desk.events(by_messages["session_id"], 0, context_update=messages({"role": "user", "text": words}))

    # Then a user message no question precedes reveals exactly what the same summary reveals
    assert told["targets"] == summarised["targets"]
    assert {n for n, t in told["targets"].items() if t["status"] == "tentative"} >= {
        "product_type", "space", "material", "seating_capacity",
    }  # fmt: skip
    assert told["question_state"]["outcomes"] == [] and told["progress"] == summarised["progress"]
    # only the summary is degraded (it says less than the messages it stands for)
    assert (summarised["degraded"], told["degraded"]) == (True, False)


def test_given_a_structured_answer_in_a_message_when_events_then_confirmed_by_the_client_and_still_pending(
    desk: Desk,
) -> None:
    session = desk.start()
    first = desk.next(session, 0)
    desk.next(session, 1, previous_turn={"user_text": "A dining table"})
    pending = desk.read(session["session_id"])["pending_decision"]

    state = desk.events(
        session["session_id"],
        2,
        context_update=messages(
            {"role": "user", "question_id": "q_seating_capacity", "structured_answer": {"choice_ids": ["6"]}}
        ),
    )

    assert state["targets"]["seating_capacity"]["value"] == 6
    assert state["targets"]["seating_capacity"]["status"] == "confirmed"
    recorded = state["question_state"]["outcomes"][-1]
    assert (recorded["question_id"], recorded["decision_id"], recorded["source"]) == (
        "q_seating_capacity", None, "client",
    )  # fmt: skip
    # /events never resolves the pending decision nor counts a turn
    assert state["pending_decision"] == pending and pending["decision_id"] != first["decision_id"]
    assert state["turn_count"] == 1 and state["versions"]["state_version"] == 3


def test_given_an_assistants_words_in_messages_when_read_then_they_reveal_nothing(desk: Desk) -> None:
    session = desk.start()

    state = desk.events(
        session["session_id"],
        0,
        context_update=messages(
            {"role": "assistant", "question_id": "q_material", "text": "Teak or steel, for the terrace?"},
            {"role": "user", "text": "no idea"},
        ),
    )

    # Then the assistant's words make nothing tentative, and the reply is no answer
    assert state["targets"] == {}
    [outcome] = state["question_state"]["outcomes"]
    assert (outcome["question_id"], outcome["outcome"]) == ("q_material", "asked_no_answer")


@pytest.mark.parametrize("route", ["next", "events"])
@pytest.mark.parametrize(
    ("message", "field"),
    [
        ({"role": "user", "question_id": "q_nope", "text": "teak"}, "question_id"),
        ({"role": "user", "structured_answer": {"choice_ids": ["teak"]}}, "question_id"),
    ],
)
def test_given_a_message_the_catalog_cannot_place_when_sent_then_invalid_previous_turn_at_that_message(
    desk: Desk, route: str, message: dict[str, Any], field: str
) -> None:
    session = desk.start()
    update = messages({"role": "user", "text": "Hello"}, message)

    with pytest.raises(InvalidPreviousTurn) as raised:
        if route == "next":
            desk.next(session, 0, context_update=update)
        else:
            desk.events(session["session_id"], 0, context_update=update)

    # Then the error names the message at fault (its index in the delta), and nothing is applied
    assert invalid_loc(raised.value) == ["body", "context_update", "messages", "1", field]
    assert desk.read(session["session_id"])["versions"]["state_version"] == 0


def test_given_an_initial_history_choice_the_question_lacks_when_created_then_invalid_choice_there(
    desk: Desk,
) -> None:
    with pytest.raises(InvalidChoice) as raised:
        desk.start(
            initial_history=[
                {"role": "assistant", "question_id": "q_space", "text": "Where will it go?"},
                {"role": "user", "question_id": "q_space", "structured_answer": {"choice_ids": ["sofa"]}},
            ]
        )

    assert raised.value.details == {"question_id": "q_space", "invalid_choice_ids": ["sofa"]}
    assert invalid_loc(raised.value) == ["body", "initial_history", "1", "structured_answer", "choice_ids"]


@pytest.mark.parametrize("model", [NextRequest, SessionEventsRequest])
@pytest.mark.parametrize(
    ("delta", "error_type", "loc_end"),
    [
        ([{"role": "user", "text": "hi"}] * (MAX_MESSAGES + 1), "too_long", "messages"),
        ([], "too_short", "messages"),
        ([{"role": "user", "text": "x" * (MAX_TEXT_CHARS + 1)}], "string_too_long", "text"),
        ([{"role": "user", "message_id": "m" * 129, "text": "hi"}], "string_too_long", "message_id"),
        ([{"role": "user"}], "value_error", "0"),
    ],
)
def test_given_a_message_delta_beyond_the_limits_when_parsed_then_422_validation_failed(
    model: type[NextRequest | SessionEventsRequest],
    delta: list[dict[str, Any]],
    error_type: str,
    loc_end: str,
) -> None:
    body = json.dumps({"state_version": 0, "context_update": {"mode": "messages", "messages": delta}})

    with pytest.raises(SchemaViolation) as raised:
        parse_body(body, model, max_bytes=MAX_BODY_BYTES)

    # Then the wire answer is the contract's 422, naming the field under context_update
    problem = problem_for(raised.value, V1_STYLE)
    assert (problem.status, problem.code) == (422, "validation_failed")
    [error] = problem.errors or []
    assert error["loc"][:2] == ["body", "context_update"] and error["loc"][-1] == loc_end
    assert error["type"] == error_type


def test_given_the_most_messages_allowed_when_events_then_every_one_is_read(desk: Desk) -> None:
    session = desk.start()
    chat = [{"role": "user", "text": "hmm"}] * (MAX_MESSAGES - 2) + [
        {"role": "assistant", "question_id": "q_space", "text": "Where will it go?"},
        {"role": "user", "text": "the garden"},
    ]

    state = desk.events(session["session_id"], 0, context_update=messages(*chat))

    assert state["targets"]["space"]["value"] == "Garden"


# --------------------------------------------------------------------------------------------------
# client_updates.data: set, unset, not_applicable
# --------------------------------------------------------------------------------------------------
def test_given_a_target_the_client_set_when_unset_then_it_is_forgotten_and_its_question_comes_back(
    desk: Desk,
) -> None:
    session = desk.start()
    desk.events(
        session["session_id"], 0, client_updates={"data": [{"id": "product_type", "value": "Chairs"}]}
    )
    while_set = desk.next(session, 1)
    assert "q_product_type" not in ids(while_set)

    state = desk.events(
        session["session_id"], 2, client_updates={"data": [{"id": "product_type", "operation": "unset"}]}
    )
    decision = desk.next(session, 3)

    # Then the target is gone from the state, its dimension no longer counts it …
    assert "product_type" not in state["targets"]
    assert dimension(state, "so_need")["computed_status"] == "not_started"
    assert dimension(state, "so_need")["progress"] == 0.0
    # … and its question is asked again, as normally eligible (first, without a fallback warning)
    assert ids(decision)[0] == "q_product_type" and decision["warnings"] == []


def test_given_a_question_the_person_answered_when_its_target_is_unset_then_it_may_be_asked_again(
    desk: Desk,
) -> None:
    # Given the person answered q_product_type in the conversation
    session = desk.start()
    first = desk.next(session, 0)
    answered = desk.next(
        session, 1, previous_turn={"structured_answer": {"choice_ids": [choice(first, "Dining table")]}}
    )
    assert "q_product_type" not in ids(answered)

    # When the client says the answer no longer holds
    state = desk.events(
        session["session_id"], 2, client_updates={"data": [{"id": "product_type", "operation": "unset"}]}
    )
    again = desk.next(session, 3, selection={"required_target_ids": ["product_type"]})

    # Then its dimension is not blocked (a question can still ask) and the question comes back,
    # while the person's earlier answer stays in the session's history
    assert dimension(state, "so_need")["computed_status"] != "blocked"
    assert ids(again) == ["q_product_type"]
    outcomes = desk.read(session["session_id"])["question_state"]["outcomes"]
    assert (outcomes[0]["question_id"], outcomes[0]["outcome"]) == ("q_product_type", "asked_answered")


@pytest.mark.parametrize(
    ("update", "target", "proposed"),
    [
        ({"id": "space", "value": "Balcony"},
         {"kind": "data", "status": "confirmed", "value": "Balcony", "coverage": 1.0}, False),
        ({"id": "space", "operation": "set", "value": "Balcony"},
         {"kind": "data", "status": "confirmed", "value": "Balcony", "coverage": 1.0}, False),
        ({"id": "space", "operation": "not_applicable"},
         {"kind": "data", "status": "not_applicable", "value": None, "coverage": 1.0}, False),
        ({"id": "space", "operation": "unset"}, None, True),
    ],
)  # fmt: skip
def test_given_a_data_operation_on_a_mentioned_target_when_events_then_the_target_and_next_follow_it(
    desk: Desk, update: dict[str, Any], target: dict[str, Any] | None, proposed: bool
) -> None:
    session = desk.start()
    # Given the person mentioned the target (tentative: its question would only come as a fallback)
    desk.events(session["session_id"], 0, context_update={"mode": "summary", "text": "for the balcony"})

    state = desk.events(session["session_id"], 1, client_updates={"data": [update]})
    decision = desk.next(session, 2, selection={"candidate_count": 10})

    assert state["targets"].get("space") == target
    assert ("q_space" in ids(decision)) is proposed
    assert (dimension(state, "so_need")["progress"] > 0) is (target is not None)


def test_given_client_data_and_a_reply_in_one_call_when_next_then_the_clients_value_wins(desk: Desk) -> None:
    session = desk.start()

    desk.next(
        session,
        0,
        context_update=messages(
            {"role": "assistant", "question_id": "q_space", "text": "Where will it go?"},
            {"role": "user", "text": "the balcony"},
        ),
        client_updates={"data": [{"id": "space", "value": "Terrace"}]},
    )

    state = desk.read(session["session_id"])
    assert state["targets"]["space"]["value"] == "Terrace"  # applied last: never second-guessed
    assert state["question_state"]["outcomes"][0]["outcome"] == "asked_answered"  # the reply is kept


@pytest.mark.parametrize("operation", ["set", "unset", "not_applicable"])
def test_given_a_target_the_catalog_lacks_when_any_data_operation_then_invalid_choice(
    desk: Desk, operation: str
) -> None:
    session = desk.start()
    update: dict[str, Any] = {"id": "colour", "operation": operation}
    if operation == "set":
        update["value"] = "green"

    with pytest.raises(InvalidChoice) as raised:
        desk.events(
            session["session_id"],
            0,
            client_updates={"data": [{"id": "space", "value": "Balcony"}, update]},
        )

    assert raised.value.details == {"data_id": "colour"}
    assert invalid_loc(raised.value) == ["body", "client_updates", "data", "1", "id"]
    assert desk.read(session["session_id"])["targets"] == {}  # the valid update is not applied either


# --------------------------------------------------------------------------------------------------
# client_updates.objective and client_updates.dimensions
# --------------------------------------------------------------------------------------------------
def test_given_the_objective_set_achieved_when_next_then_completed_with_a_warning_until_cleared(
    desk: Desk,
) -> None:
    session = desk.start()

    achieved = desk.events(
        session["session_id"], 0, client_updates={"objective": {"operation": "set", "status": "achieved"}}
    )
    decision = desk.next(session, 1)

    # Then the objective is covered by the client's word only; the session is completed and /next
    # still proposes, with the warning
    assert achieved["progress"]["objective"] == {
        "computed_status": "not_started", "progress": 0.0,
        "client_override": {"status": "achieved", "updated_at": STAMP}, "effective_status": "covered",
    }  # fmt: skip
    assert achieved["status"] == "completed"
    assert decision["action"] == "ask" and decision["warnings"] == ["objective_achieved"]

    # When cleared, the computed status is the effective one again
    cleared = desk.events(session["session_id"], 2, client_updates={"objective": {"operation": "clear"}})
    after = desk.next(session, 3)

    assert cleared["progress"]["objective"]["client_override"] is None
    assert cleared["progress"]["objective"]["effective_status"] == "not_started"
    assert cleared["status"] == "active" and after["warnings"] == []


def test_given_a_covered_objective_set_not_achieved_when_next_then_in_progress_and_no_warning(
    desk: Desk,
) -> None:
    session = desk.start()
    covered = desk.events(session["session_id"], 0, client_updates={"data": EVERY_TARGET_BUT_WEATHER})
    assert covered["status"] == "completed"

    state = desk.events(
        session["session_id"], 1, client_updates={"objective": {"operation": "set", "status": "not_achieved"}}
    )
    decision = desk.next(session, 2)

    objective = state["progress"]["objective"]
    assert (objective["computed_status"], objective["effective_status"]) == ("covered", "in_progress")
    assert objective["progress"] == covered["progress"]["objective"]["progress"]  # progress untouched
    assert state["status"] == "active"
    assert decision["warnings"] == [] and ids(decision) == ["q_weather"]


def test_given_a_dimension_set_achieved_when_next_then_it_counts_as_covered_and_its_questions_stop(
    desk: Desk,
) -> None:
    session = desk.start()
    desk.next(session, 0)
    desk.next(session, 1, previous_turn={"user_text": "A dining table"})  # the budget is askable now

    state = desk.events(
        session["session_id"],
        2,
        client_updates={"dimensions": [{"id": "so_budget", "operation": "set", "status": "achieved"}]},
    )
    decision = desk.next(session, 3, selection={"candidate_count": 10})

    budget = dimension(state, "so_budget")
    assert (budget["computed_status"], budget["effective_status"]) == ("not_started", "covered")
    assert budget["client_override"] == {"status": "achieved", "updated_at": STAMP}
    # weights: need 1 (1 of 3 confirmed), budget 1 (covered: 1), preferences and delivery 0.5 each
    assert state["progress"]["objective"]["progress"] == round((1 / 3 + 1) / 3, 4)
    assert "budget" not in targets_of(decision) and decision["action"] == "ask"
    assert state["progress"]["objective"]["effective_status"] == "in_progress"  # one blocking left


def test_given_a_covered_dimension_set_not_achieved_then_in_progress_until_the_override_is_cleared(
    desk: Desk,
) -> None:
    session = desk.start()
    need = [{"id": "product_type", "value": "Dining table"}, {"id": "space", "value": "Garden"},
            {"id": "seating_capacity", "value": 4}]  # fmt: skip

    held = desk.events(
        session["session_id"],
        0,
        client_updates={"data": need,
                        "dimensions": [{"id": "so_need", "operation": "set", "status": "not_achieved"}]},
    )  # fmt: skip
    cleared = desk.events(
        session["session_id"], 1, client_updates={"dimensions": [{"id": "so_need", "operation": "clear"}]}
    )

    need_held = dimension(held, "so_need")
    assert (need_held["computed_status"], need_held["effective_status"]) == ("covered", "in_progress")
    assert dimension(cleared, "so_need")["effective_status"] == "covered"
    assert dimension(cleared, "so_need")["client_override"] is None


def test_given_every_dimension_set_achieved_when_next_then_the_objective_is_achieved(desk: Desk) -> None:
    session = desk.start()
    blocking = [{"id": d, "operation": "set", "status": "achieved"} for d in ("so_need", "so_budget")]

    only_blocking = desk.events(session["session_id"], 0, client_updates={"dimensions": blocking})
    # Then the blocking dimensions alone do not reach the balanced level (nothing contributing is settled)
    assert only_blocking["progress"]["objective"]["effective_status"] == "in_progress"
    assert only_blocking["status"] == "active"

    everything = desk.events(
        session["session_id"],
        1,
        client_updates={"dimensions": [{"id": d, "operation": "set", "status": "achieved"}
                                       for d in ("so_preferences", "so_delivery")]},
    )  # fmt: skip
    decision = desk.next(session, 2)

    assert everything["progress"]["objective"] == {
        "computed_status": "covered", "progress": 1.0, "client_override": None, "effective_status": "covered",
    }  # fmt: skip
    assert everything["status"] == "completed"
    # every dimension is closed to selection by its override: no question is left to propose
    assert (decision["action"], decision["stop_reason"]) == ("stop", "no_question_available")
    assert decision["warnings"] == ["objective_achieved"]


def test_given_a_dimension_the_catalog_lacks_when_overridden_then_invalid_choice(desk: Desk) -> None:
    session = desk.start()

    with pytest.raises(InvalidChoice) as raised:
        desk.events(
            session["session_id"],
            0,
            client_updates={"dimensions": [{"id": "so_colour", "operation": "exclude"}]},
        )

    assert raised.value.details == {"dimension_id": "so_colour"}
    assert invalid_loc(raised.value) == ["body", "client_updates", "dimensions", "0", "id"]


# --------------------------------------------------------------------------------------------------
# Selection options
# --------------------------------------------------------------------------------------------------
def test_given_the_best_question_excluded_when_next_then_it_is_never_proposed(desk: Desk) -> None:
    session = desk.start()
    assert ids(desk.next(session, 0))[0] == "q_product_type"  # it would rank first

    excluded = desk.next(session, 1, selection={"excluded_question_ids": ["q_product_type"]})
    widest = desk.next(
        session, 2, selection={"excluded_question_ids": ["q_product_type"], "candidate_count": 10}
    )

    assert ids(excluded) == ["q_space", "q_material", "q_style"] and excluded["warnings"] == []
    assert "q_product_type" not in ids(widest)
    assert ids(desk.next(session, 3))[0] == "q_product_type"  # for that call only


def test_given_every_question_excluded_when_next_then_a_stop_never_a_422(desk: Desk) -> None:
    session = desk.start()
    every = [q.external_id for q in parse_catalog(demo_document()).questions]

    stop = desk.next(session, 0, selection={"excluded_question_ids": every})
    constrained = desk.next(
        session, 1, selection={"excluded_question_ids": every, "allowed_question_types": ["open"]}
    )

    assert (stop["action"], stop["stop_reason"], stop["candidates"]) == ("stop", "no_question_available", [])
    assert constrained["stop_reason"] == "no_question_available"
    state = desk.read(session["session_id"])
    assert state["status"] == "active" and state["pending_decision"] is None
    assert desk.next(session, 2)["action"] == "ask"  # a later call may ask again


@pytest.mark.parametrize(("count", "expected"), [(1, 1), (2, 2), (10, 4)])
def test_given_a_candidate_count_when_next_then_at_most_that_many_one_per_target(
    desk: Desk, count: int, expected: int
) -> None:
    session = desk.start()

    decision = desk.next(session, 0, selection={"candidate_count": count})

    # (four targets have a question normally eligible at the start: the others need a known target)
    assert ids(decision) == ["q_product_type", "q_space", "q_material", "q_style"][:expected]
    assert [c["rank"] for c in decision["candidates"]] == list(range(1, expected + 1))
    assert len(set(targets_of(decision))) == expected


def test_given_allowed_question_types_when_next_then_only_those_types_are_proposed(desk: Desk) -> None:
    session = desk.start()
    desk.events(
        session["session_id"],
        0,
        client_updates={
            "data": [{"id": "product_type", "value": "Dining table"}, {"id": "space", "value": "Garden"}]
        },
    )

    open_only = desk.next(session, 1, selection={"allowed_question_types": ["open"], "candidate_count": 10})
    choices_only = desk.next(
        session, 2, selection={"allowed_question_types": ["single_choice"], "candidate_count": 10}
    )

    assert set(ids(open_only)) == {"q_budget_max", "q_table_size", "q_weather"}
    assert open_only["warnings"] == []  # normally eligible: no fallback
    assert {c["type"] for c in choices_only["candidates"]} == {"single_choice"}
    assert "q_budget_range" in ids(choices_only)  # the same target, asked the other way


def test_given_a_restricted_dimension_when_next_then_only_its_questions_and_422_once_it_has_none_left(
    desk: Desk,
) -> None:
    session = desk.start()

    restricted = desk.next(
        session,
        0,
        selection={"dimensions": {"ids": ["so_preferences"], "mode": "restrict"}, "candidate_count": 10},
    )
    assert ids(restricted) == ["q_material", "q_style"] and restricted["warnings"] == []
    desk.events(session["session_id"], 1, client_updates={"data": [{"id": "budget", "value": "500-1000"}]})

    with pytest.raises(ConstraintNoMatch) as raised:
        desk.next(session, 2, selection={"dimensions": {"ids": ["so_budget"], "mode": "restrict"}})

    assert raised.value.details == {"dimension_ids": ["so_budget"]}


def test_given_required_targets_when_next_then_one_question_each_and_422_once_they_are_known(
    desk: Desk,
) -> None:
    session = desk.start()
    desk.events(
        session["session_id"], 0, client_updates={"data": [{"id": "product_type", "value": "Chairs"}]}
    )

    decision = desk.next(
        session, 1, selection={"required_target_ids": ["budget", "seating_capacity"], "candidate_count": 10}
    )

    # Then only questions for those targets, never two for the same one (budget has two questions)
    assert sorted(targets_of(decision)) == ["budget", "seating_capacity"]
    desk.events(
        session["session_id"],
        2,
        client_updates={
            "data": [{"id": "budget", "value": "under-500"}, {"id": "seating_capacity", "value": 2}]
        },
    )
    with pytest.raises(ConstraintNoMatch) as raised:
        desk.next(session, 3, selection={"required_target_ids": ["budget", "seating_capacity"]})
    assert raised.value.details == {"required_target_ids": ["budget", "seating_capacity"]}
