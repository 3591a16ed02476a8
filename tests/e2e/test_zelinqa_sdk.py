"""Zelinqa's published SDK, ``zelinqa`` 1.0.1 (pinned in requirements-dev.in), against the local
gateway, configured as its README shows — ``ZelinqaClient(base_url=…, api_key=…)`` — through the
whole flow, with the SDK's own models validating every answer and its own typed errors."""

from __future__ import annotations

import uuid

import pytest
from zelinqa import ZelinqaClient
from zelinqa.errors import (
    ZelinqaAuthenticationError,
    ZelinqaIdempotencyKeyReusedError,
    ZelinqaStateVersionConflictError,
    ZelinqaUnknownSessionError,
)
from zelinqa.models import NextResponse, SessionStateResponse

from tests.helpers.gateway import RunningGateway
from tests.helpers.tenants import admin_json

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def client(gateway: RunningGateway) -> ZelinqaClient:
    return ZelinqaClient(api_key=str(gateway.demo_key), base_url=gateway.url, max_retries=0)


def test_the_readme_flow_start_next_answers_events_resume_and_feedback(client: ZelinqaClient) -> None:
    # start, then the first decision
    session = client.start_session(client_reference=f"crm-{uuid.uuid4().hex[:8]}")
    assert session.state_version == 0 and session.pending_decision is None
    first = session.next()
    assert isinstance(first, NextResponse) and first.action == "ask"
    assert first.candidates[0].question_id == "q_product_type"

    # an answer in the person's words (the SDK reports rank 1 of the pending decision)
    by_text = session.answer("A dining table for the terrace")
    assert by_text.turn_count == 1
    # an answer by choice label
    seats = next(c for c in by_text.candidates if c.question_id == "q_seating_capacity")
    by_label = session.answer(choice_labels=["6"], candidate_rank=seats.rank)
    assert by_label.turn_count == 2
    # the person did not answer, then refused
    no_answer = session.answer(outcome="asked_no_answer")
    refused = session.answer(outcome="refused")
    assert (no_answer.turn_count, refused.turn_count) == (3, 4)

    # events: the client's own data, no turn consumed, the pending decision kept
    pending = session.pending_decision
    state = session.apply_events(client_updates={"data": [{"id": "budget", "value": "500-1000"}]})
    assert isinstance(state, SessionStateResponse)
    assert state.turn_count == 4 and state.pending_decision == pending
    assert state.targets["budget"].status == "confirmed"

    # resume from the id alone, as after a crash
    resumed = client.resume_session(session.id)
    assert resumed.state_version == session.state_version
    assert (
        resumed.pending_decision is not None and resumed.pending_decision.decision_id == pending.decision_id
    )
    outcomes = [(o.question_id, o.outcome) for o in resumed.state.question_state.outcomes]
    assert outcomes[0] == ("q_product_type", "asked_answered")
    assert outcomes[1] == ("q_seating_capacity", "asked_answered")
    assert [o for _, o in outcomes[2:]] == ["asked_no_answer", "refused"]
    assert resumed.state.targets["seating_capacity"].value == 6

    # feedback
    feedback = resumed.submit_feedback(result="success", label="purchase", metadata={"order_id": "SO-1"})
    assert feedback.session_id == session.id and feedback.feedback_id.startswith("fbk_")


def test_max_turns_stops_the_session_and_every_later_call_answers_the_same_stop(
    client: ZelinqaClient,
) -> None:
    session = client.start_session(max_turns=2)
    session.next()
    session.answer("A dining table")

    stop = session.answer("For the garden")
    again = session.next()

    assert (stop.action, stop.stop_reason, stop.candidates) == ("stop", "max_turns_reached", [])
    assert session.pending_decision is None
    assert again.stop_reason == "max_turns_reached"
    assert client.get_session(session.id).status == "stopped"


def test_typed_errors_stale_version_reused_key_unknown_session(client: ZelinqaClient) -> None:
    session = client.start_session()
    session.next()

    with pytest.raises(ZelinqaStateVersionConflictError) as stale:
        client.next(session.id, state_version=0)
    assert (stale.value.supplied_state_version, stale.value.current_state_version) == (0, 1)

    key = f"reused-{uuid.uuid4()}"
    client.next(session.id, state_version=1, idempotency_key=key)
    replay = client.next(session.id, state_version=1, idempotency_key=key)  # same body: the first answer
    assert replay.versions.state_version == 2
    with pytest.raises(ZelinqaIdempotencyKeyReusedError) as reused:
        client.next(session.id, state_version=2, idempotency_key=key)
    assert reused.value.idempotency_key == key

    with pytest.raises(ZelinqaUnknownSessionError):
        client.get_session("ses_does_not_exist")


def test_a_key_without_the_runtime_scope_or_an_invalid_key_is_the_sdks_authentication_error(
    gateway: RunningGateway,
) -> None:
    nbq_only = admin_json(gateway, "issue-key", "demo", "--test", "--scope", "nbq")["api_key"]

    for key in (nbq_only, "pk_test_" + "x" * 43):
        with (
            ZelinqaClient(api_key=key, base_url=gateway.url, max_retries=0) as client,
            pytest.raises(ZelinqaAuthenticationError) as refused,
        ):
            client.start_session()
        assert refused.value.status_code == 403
