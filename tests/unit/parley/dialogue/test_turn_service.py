# ruff: noqa: RUF001 -- the demo deployment's texts use en dashes, as the shop writes them
"""TurnService on in-memory repositories: the demo tenant's furniture-shop deployment (tenants/demo),
its NBQ catalog ordering the questions, sessions with versions, and the transcript as a conversation.

The same turns run through ProcessTurnFunction under moto in tests/integration/test_turn_api.py.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from pydantic import ValidationError

from parley.conversations.entities import ListFilters
from parley.conversations.models import CreateConversationRequest
from parley.conversations.service import ConversationService
from parley.dialogue.contention import ATTEMPTS
from parley.dialogue.models import TurnRequest
from parley.dialogue.ports import SessionConflict
from parley.dialogue.service import TurnOutcome
from parley.errors import Conflict, Invalid, NotFound, Unavailable
from parley.nbq.ports import STARTED_BY_TURN
from tests.helpers.demo import (
    DEMO_CHANNEL,
    DEMO_DEPLOYMENT_KEY,
    DEMO_TENANT_ID,
    demo_catalog,
    demo_deployment,
)
from tests.helpers.shop import T0, Shop

WELCOME = "Hi! I'm the Terrace & Table assistant."
BUDGET = "What budget range did you have in mind for the table?"
SEATING = "How many people should the table seat?"
MATERIAL = "Do you have a material in mind — teak, aluminium, steel, ceramic?"
EXPIRED = "Your previous conversation timed out, so let's start over."
SHORTLIST = (
    "Here is our shortlist of aluminium tables for 6 people, between €500 and €1,000. "
    "I've sent it to your basket page."
)


def texts(outcome: TurnOutcome) -> list[str]:
    return [message.text for message in outcome.messages]


@pytest.fixture
def shop() -> Shop:
    return Shop()


# --------------------------------------------------------------------------------------------------
# A whole conversation
# --------------------------------------------------------------------------------------------------
def test_given_the_demo_shop_when_a_customer_chats_to_fulfilment_then_each_turn_asks_what_is_missing(
    shop: Shop,
) -> None:
    # Given a first message naming what the customer wants, with the page they are on
    first = shop.say(
        "Hi, I'm looking for a table for my terrace", userId="user-42", context={"pageUrl": "https://shop/x"}
    )
    conversation_id = first.conversation_id

    # Then the bot welcomes them and asks the catalog's first question, with its choices
    assert texts(first) == [WELCOME, BUDGET]
    assert first.messages[-1].choices[1] == ("500-1000", "€500–€1,000")
    assert first.result.intent_id == "find_outdoor_table"
    assert first.result.pending is True
    assert first.context == {"pageUrl": "https://shop/x"}
    assert first.expires_at == T0 + timedelta(seconds=900)

    # When they answer by choice, then in words
    second = shop.choose("500-1000", conversation_id)
    third = shop.say("we are 6 people", conversation_id)
    last = shop.say("aluminium please", conversation_id)

    # Then each turn asks the next missing slot, and the last one fulfils the intent
    assert texts(second) == [SEATING]
    assert texts(third) == [MATERIAL]
    assert texts(last) == [SHORTLIST]
    assert last.result.payload["intentId"] == "find_outdoor_table"
    assert last.result.payload["slots"] == {"budget": "500-1000", "seating": "6", "material": "aluminium"}
    assert last.result.payload["status"] == "fulfilled"
    # Every turn reports what was understood so far, not only the fulfilling one
    assert third.result.payload["slots"] == {"budget": "500-1000", "seating": "6"}
    assert third.result.payload["understood"]["slots"] == {"seating": "6"}
    assert last.result.pending is False
    assert {second.conversation_id, third.conversation_id, last.conversation_id} == {conversation_id}
    # Each message id is stable for its text in its turn: a retried computation gets the same one.
    assert len({m.message_id for o in (first, second, third, last) for m in o.messages}) == 5


def test_given_a_conversation_when_it_is_fulfilled_then_its_transcript_is_a_completed_conversation(
    shop: Shop,
) -> None:
    # Given a turn conversation carried to fulfilment
    first = shop.say("Hi, I'm looking for a table for my terrace", userId="user-42")
    conversation_id = first.conversation_id
    shop.choose("500-1000", conversation_id)
    shop.say("we are 6 people", conversation_id)
    shop.say("aluminium please", conversation_id)

    # When its transcript is read through the Conversations API's repository
    stored = shop.conversations.get(DEMO_TENANT_ID, conversation_id)

    # Then it is the conversation of the same id: every turn in order, completed, tied to the deployment
    assert stored is not None
    assert stored.conversation.prompt_id == DEMO_DEPLOYMENT_KEY
    assert stored.conversation.status == "completed"
    assert stored.conversation.user_id == "user-42"
    assert stored.conversation.metadata == {
        "userId": "user-42",
        "deploymentKey": DEMO_DEPLOYMENT_KEY,
        "channelKey": DEMO_CHANNEL,
        "sessionId": conversation_id,
    }
    assert shop.transcript(conversation_id) == [
        ("user", "Hi, I'm looking for a table for my terrace"),
        ("assistant", WELCOME),
        ("assistant", BUDGET),
        ("user", "€500–€1,000"),
        ("assistant", SEATING),
        ("user", "we are 6 people"),
        ("assistant", MATERIAL),
        ("user", "aluminium please"),
        ("assistant", SHORTLIST),
    ]
    assert stored.messages[2]["metadata"]["type"] == "multichoice"


def test_given_catalog_questions_when_a_turn_asks_them_then_they_are_served_in_the_nbq_session_of_the_same_id(
    shop: Shop,
) -> None:
    first = shop.say("I'd like an outdoor dining table")
    shop.say("about 900 euros", first.conversation_id)

    session = shop.nbq_sessions.session(DEMO_TENANT_ID, first.conversation_id)

    # A conversion recorded for this conversation (its id is the session id) credits what was asked.
    assert session is not None
    assert session.started_by == STARTED_BY_TURN
    assert session.catalog_version == demo_catalog().version
    assert len(session.served) == 2
    assert session.served <= {"q_budget_range", "q_seating_capacity", "q_material"}


def test_given_a_fulfilled_conversation_when_the_customer_writes_again_then_a_new_task_keeps_the_id(
    shop: Shop,
) -> None:
    # Given a fulfilled conversation
    first = shop.say("How long does delivery take?", userId="user-42", context={"cartValue": 120})
    done = shop.say("it's 75011", first.conversation_id)
    assert texts(done)[-1].startswith("We deliver to 75011")

    # When the customer sends another turn on it
    again = shop.say("I need a garden table", first.conversation_id)

    # Then the chat goes on under the id the client holds (no second welcome), keeping who they
    # are and their context, as a new task
    assert again.conversation_id == first.conversation_id
    assert texts(again) == [BUDGET]
    assert again.result.state.user_id == "user-42"
    assert again.context == {"cartValue": 120}
    # And the new task has its own transcript, tied to the session; the fulfilled one is left as it was
    segment = shop.segment(first.conversation_id)
    assert segment != first.conversation_id
    assert shop.transcript(segment) == [("user", "I need a garden table"), ("assistant", BUDGET)]
    stored = shop.conversations.get(DEMO_TENANT_ID, segment)
    assert stored is not None and stored.conversation.metadata["sessionId"] == first.conversation_id
    assert shop.transcript(first.conversation_id)[-2:] == [
        ("user", "it's 75011"),
        ("assistant", "We deliver to 75011 in 5–7 working days; delivery is free above €500."),
    ]


def test_given_a_handed_off_conversation_when_the_customer_writes_again_then_the_bot_answers_a_new_task(
    shop: Shop,
) -> None:
    # Given a conversation handed to a person
    first = shop.say("Can I talk to a real person please?")
    assert first.result.escalation is True

    # When the customer writes again on the same id
    again = shop.say("How long does delivery take?", first.conversation_id)

    # Then the bot takes the new request, under the same id, without greeting again
    assert again.conversation_id == first.conversation_id
    assert again.result.escalation is False
    assert WELCOME not in texts(again)
    assert shop.transcript(shop.segment(first.conversation_id))[0] == ("user", "How long does delivery take?")


def test_given_an_idle_conversation_when_a_turn_comes_after_the_timeout_then_it_starts_over_and_says_so(
    shop: Shop,
) -> None:
    # Given an open conversation left idle past the deployment's 900 s
    first = shop.say("How long does delivery take?")
    shop.clock.now += timedelta(seconds=901)

    # When the customer answers
    later = shop.say("75011", first.conversation_id)

    # Then the chat (same id) starts over with the expired notice and a welcome, in a new transcript
    assert later.conversation_id == first.conversation_id
    assert texts(later)[:2] == [EXPIRED, WELCOME]
    assert shop.segment(first.conversation_id) != first.conversation_id
    # And the old transcript is completed with a note of the timeout
    old = shop.conversations.get(DEMO_TENANT_ID, first.conversation_id)
    assert old is not None
    assert old.conversation.status == "completed"
    assert old.messages[-1] == {
        "role": "system",
        "content": "The conversation timed out after 900 s without a turn.",
    }


def test_given_a_conversation_within_the_timeout_when_the_next_turn_comes_then_it_continues(
    shop: Shop,
) -> None:
    first = shop.say("How long does delivery take?")
    shop.clock.now += timedelta(seconds=899)

    later = shop.say("75011", first.conversation_id)

    assert later.conversation_id == first.conversation_id
    assert texts(later)[-1].startswith("We deliver to 75011")


def test_given_a_transcript_whose_session_is_gone_when_its_id_is_sent_then_the_chat_starts_over_and_says_so(
    shop: Shop,
) -> None:
    # Given a conversation of this tenant that no session remembers (its TTL passed long ago)
    old, _ = ConversationService(shop.conversations).create(
        DEMO_TENANT_ID, CreateConversationRequest.model_validate({"promptId": "p", "content": "User: hi"})
    )

    # When a turn names it
    outcome = shop.say("I need a garden table", old.id)

    # Then the chat starts over under that id, says the old one timed out, and leaves its transcript alone
    assert outcome.conversation_id == old.id
    assert texts(outcome)[0] == EXPIRED
    assert shop.segment(old.id) != old.id
    assert shop.transcript(old.id) == [("user", "hi")]


def test_given_an_id_the_client_minted_when_turns_name_it_then_the_conversation_runs_under_it(
    shop: Shop,
) -> None:
    # Given the UUID NLX's SDK mints for a chat
    client_id = "6f1c2a9e-3b7d-4e0a-9c55-2d8e1f4b7a30"

    # When turns name it
    first = shop.say("Hi, I'm looking for a table for my terrace", client_id)
    second = shop.choose("500-1000", client_id)

    # Then the chat continues under that id, and its transcript is a conversation tied to it
    assert first.conversation_id == second.conversation_id == client_id
    assert texts(second) == [SEATING]
    segment = shop.segment(client_id)
    assert segment.startswith("conv_")
    stored = shop.conversations.get(DEMO_TENANT_ID, segment)
    assert stored is not None and stored.conversation.metadata["sessionId"] == client_id
    # And another tenant's chat of the same id never meets it
    shop.deployments.put("acme", dict(demo_deployment().document))
    theirs = shop.turn(
        {"conversationId": client_id, "request": {"unstructured": {"text": "hi"}}}, tenant="acme"
    )
    assert texts(theirs)[0] == WELCOME
    assert shop.segment(client_id) == segment


def test_given_a_request_for_a_person_when_processed_then_it_escalates_and_the_transcript_is_final(
    shop: Shop,
) -> None:
    outcome = shop.say("Can I talk to a real person please?")

    assert outcome.result.escalation is True
    assert outcome.result.payload["handoff"] is True
    assert outcome.result.payload["status"] == "handoff"
    stored = shop.conversations.get(DEMO_TENANT_ID, outcome.conversation_id)
    assert stored is not None
    assert stored.conversation.status == "completed"


def test_given_the_spanish_channel_when_a_customer_chats_then_every_message_is_in_spanish(shop: Shop) -> None:
    first = shop.turn(
        {"request": {"unstructured": {"text": "Busco una mesa para mi terraza"}}}, channel="web-es-MX"
    )
    conversation_id = first.conversation_id
    second = shop.turn(
        {"conversationId": conversation_id, "request": {"unstructured": {"text": "menos de 500 euros"}}},
        channel="web-es-MX",
    )

    assert texts(first) == [
        "¡Hola! Soy el asistente de Terrace & Table.",
        "¿Qué presupuesto tienes en mente para la mesa?",
    ]
    assert texts(second) == ["¿Para cuántas personas debe ser la mesa?"]
    assert first.result.incomprehension is False and second.result.incomprehension is False

    # And a conversation left idle starts over with the notice in Spanish
    shop.clock.now += timedelta(seconds=901)
    later = shop.turn(
        {"conversationId": conversation_id, "request": {"unstructured": {"text": "seis"}}},
        channel="web-es-MX",
    )
    assert texts(later)[0] == "Tu conversación anterior expiró, así que empecemos de nuevo."


# --------------------------------------------------------------------------------------------------
# What the client controls, and what must exist
# --------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("channel", "body", "loc"),
    [
        ("web", {"request": {"unstructured": {"text": "hi"}}}, ("path", "channelKey")),
        (
            DEMO_CHANNEL,
            {"request": {"unstructured": {"text": "hi"}}, "context": {"n": "x" * 2001}},
            ("body", "context"),
        ),
    ],
    ids=["channel_without_language_suffix", "context_over_2000_chars"],
)
def test_given_input_the_client_got_wrong_when_processed_then_invalid_names_the_field_and_nothing_is_stored(
    shop: Shop, channel: str, body: dict[str, Any], loc: tuple[str, ...]
) -> None:
    with pytest.raises(Invalid) as raised:
        shop.turn(body, channel=channel)

    assert [error.loc for error in raised.value.errors] == [loc]
    assert shop.conversations.page(DEMO_TENANT_ID, ListFilters(), 100, 0).total == 0


@pytest.mark.parametrize(
    "conversation_id",
    ["", "conv_0123456789abcdef0123456\n", "-leading-dash", "has space", "x" * 129, "ünïcode", "a/b"],
    ids=["empty", "trailing_newline", "leading_dash", "space", "too_long", "non_ascii", "slash"],
)
def test_given_a_conversation_id_of_the_wrong_form_when_parsed_then_it_is_refused_whole(
    conversation_id: str,
) -> None:
    with pytest.raises(ValidationError) as raised:
        TurnRequest.model_validate(
            {"conversationId": conversation_id, "request": {"unstructured": {"text": "hi"}}}
        )

    assert [error["loc"] for error in raised.value.errors()] == [("conversationId",)]


@pytest.mark.parametrize(
    "conversation_id",
    ["6f1c2a9e-3b7d-4e0a-9c55-2d8e1f4b7a30", "conv_0123456789abcdef01234567", "a", "x" * 128, "web:42.a_b"],
)
def test_given_a_conversation_id_a_client_may_choose_when_parsed_then_it_is_kept(
    conversation_id: str,
) -> None:
    request = TurnRequest.model_validate(
        {"conversationId": conversation_id, "request": {"unstructured": {"text": "hi"}}}
    )

    assert request.conversation_id == conversation_id


def test_given_a_poll_when_processed_then_it_answers_nothing_pending_and_changes_nothing(shop: Shop) -> None:
    # Given a conversation in progress
    first = shop.say("I need a garden table")
    before = shop.sessions.get(DEMO_TENANT_ID, first.conversation_id)

    # When NLX's SDK polls it for pending data
    polled = shop.turn({"conversationId": first.conversation_id, "request": {"structured": {"poll": True}}})

    # Then the answer has no message, and neither the session nor the transcript changed
    assert polled.conversation_id == first.conversation_id
    assert polled.messages == []
    assert shop.sessions.get(DEMO_TENANT_ID, first.conversation_id) == before
    assert len(shop.transcript(first.conversation_id)) == 3
    # And a poll that names no conversation is refused, not answered for an empty id
    with pytest.raises(Invalid) as raised:
        shop.turn({"request": {"structured": {"poll": True}}})
    assert [error.loc for error in raised.value.errors] == [("body", "conversationId")]


def test_given_a_context_that_grows_past_2000_chars_over_turns_when_processed_then_invalid(
    shop: Shop,
) -> None:
    first = shop.say("I need a garden table", context={"a": "x" * 1000})

    with pytest.raises(Invalid) as raised:
        shop.say("cheap", first.conversation_id, context={"b": "y" * 1000})

    assert [error.loc for error in raised.value.errors] == [("body", "context")]


@pytest.mark.parametrize(
    ("tenant", "deployment", "channel", "detail"),
    [
        (DEMO_TENANT_ID, "no-such-assistant", DEMO_CHANNEL, "No deployment 'no-such-assistant' exists."),
        (DEMO_TENANT_ID, DEMO_DEPLOYMENT_KEY, "app-fr-FR", "The deployment has no channel 'app-fr-FR'."),
        ("acme", DEMO_DEPLOYMENT_KEY, DEMO_CHANNEL, "No deployment 'furniture-shop' exists."),
    ],
    ids=["unknown_deployment", "unknown_channel", "another_tenants_deployment"],
)
def test_given_a_deployment_or_channel_that_does_not_exist_when_processed_then_not_found(
    shop: Shop, tenant: str, deployment: str, channel: str, detail: str
) -> None:
    with pytest.raises(NotFound) as raised:
        shop.turn(
            {"request": {"unstructured": {"text": "hi"}}},
            tenant=tenant,
            deployment=deployment,
            channel=channel,
        )

    assert raised.value.detail == detail


def test_given_a_conversation_of_another_deployment_when_its_id_is_sent_then_conflict(shop: Shop) -> None:
    # Given a second deployment of the same tenant
    other = {**dict(demo_deployment().document), "deployment_key": "garden-centre"}
    shop.deployments.put(DEMO_TENANT_ID, other)
    first = shop.say("I need a garden table")

    # When a turn of the other deployment names the first one's conversation
    with pytest.raises(Conflict) as raised:
        shop.turn(
            {"conversationId": first.conversation_id, "request": {"unstructured": {"text": "hi"}}},
            deployment="garden-centre",
        )

    # Then it is refused, and the conversation is left alone
    assert raised.value.details == {"conversationId": first.conversation_id}
    assert len(shop.transcript(first.conversation_id)) == 3


# --------------------------------------------------------------------------------------------------
# Concurrency and failures
# --------------------------------------------------------------------------------------------------
def test_given_another_turn_is_saved_first_when_a_turn_saves_then_it_runs_again_on_the_new_state(
    shop: Shop,
) -> None:
    # Given a conversation, and another turn on it that is applied while this one is being computed
    first = shop.say("I need a garden table")
    conversation_id = first.conversation_id
    shop.sessions.before_next_write(lambda: shop.say("we are 6 people", conversation_id))

    # When this turn tries to save its state
    outcome = shop.say("something cheap", conversation_id)

    # Then it ran again after a short pause on the state the other turn left: both are applied, in order
    assert len(shop.pauses) == 1 and 0 <= shop.pauses[0] <= 0.2
    stored = shop.sessions.get(DEMO_TENANT_ID, conversation_id)
    assert stored is not None and stored.version == 3
    assert outcome.result.state.turn == 3
    lines = shop.transcript(conversation_id)
    assert lines.index(("user", "we are 6 people")) < lines.index(("user", "something cheap"))


def test_given_a_conversation_that_stays_busy_when_a_turn_saves_then_conflict_with_retry_after(
    shop: Shop, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given a conversation whose every save meets another writer
    first = shop.say("I need a garden table")
    conversation_id = first.conversation_id

    def always_beaten(*_args: Any, **_kwargs: Any) -> int:
        raise SessionConflict(conversation_id)

    monkeypatch.setattr(shop.sessions, "save", always_beaten)

    # When a turn is sent
    with pytest.raises(Conflict) as raised:
        shop.say("something cheap", conversation_id)

    # Then after a bounded number of short pauses it is a conflict to send again in a second
    assert raised.value.retry_after == 1
    assert raised.value.details == {"conversationId": conversation_id}
    assert len(shop.pauses) == ATTEMPTS - 1
    assert all(0 <= pause <= 0.2 for pause in shop.pauses) and sum(shop.pauses) <= 2.0
    assert ("user", "something cheap") not in shop.transcript(conversation_id)


def test_given_the_transcript_cannot_be_written_when_a_turn_is_processed_then_the_turn_still_answers(
    shop: Shop, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given a conversations store that is unavailable
    def unavailable(*_args: Any, **_kwargs: Any) -> Any:
        raise Unavailable("The data store is busy; retry shortly.")

    monkeypatch.setattr(shop.conversations, "create", unavailable)

    # When a turn is processed
    outcome = shop.say("I need a garden table")

    # Then the turn (already applied) answers, and the failure is logged rather than raised
    assert texts(outcome) == [WELCOME, BUDGET]
    assert shop.sessions.get(DEMO_TENANT_ID, outcome.conversation_id) is not None
    assert shop.logger.exceptions == ["turn transcript not written"]


def test_given_the_transcript_could_not_be_created_when_later_turns_come_then_it_starts_from_them(
    shop: Shop, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given a first turn whose transcript could not be created (the store was busy)
    def unavailable(*_args: Any, **_kwargs: Any) -> Any:
        raise Unavailable("The data store is busy; retry shortly.")

    with monkeypatch.context() as patched:
        patched.setattr(shop.conversations, "create", unavailable)
        first = shop.say("I need a garden table")

    # When the conversation goes on
    shop.say("under 500 euros", first.conversation_id)

    # Then the transcript exists from that turn on, instead of every later turn being lost too
    lines = shop.transcript(first.conversation_id)
    assert ("user", "under 500 euros") in lines
    assert ("user", "I need a garden table") not in lines


def test_given_turns_when_saved_then_only_a_task_still_open_is_listed_for_the_idle_sweep(shop: Shop) -> None:
    far_future = int((T0 + timedelta(days=30)).timestamp())

    def listed() -> list[str]:
        return [session.transcript_id for session in shop.sessions.idle(far_future, 100)]

    # An open task is listed with its transcript
    first = shop.say("How long does delivery take?")
    assert listed() == [first.conversation_id]
    # A fulfilled one is not
    shop.say("it's 75011", first.conversation_id)
    assert listed() == []
    # A new task under the same id is listed with its own transcript
    shop.say("I need a garden table", first.conversation_id)
    assert listed() == [shop.segment(first.conversation_id)]
    # A handed-off one is not (its transcript is already completed)
    shop.say("Can I talk to a real person please?", first.conversation_id)
    assert listed() == []
