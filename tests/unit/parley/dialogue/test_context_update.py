"""ContextService (``POST …/context``, NLX's ``sendContext()``) on in-memory repositories: the demo
shop's sessions, with the turn service beside it to show what a later turn sees."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from parley.dialogue.contention import ATTEMPTS
from parley.dialogue.context_update import conversation_named
from parley.dialogue.ports import SessionConflict
from parley.errors import Conflict, Invalid, NotFound
from tests.helpers.demo import DEMO_DEPLOYMENT_KEY, DEMO_TENANT_ID, demo_deployment
from tests.helpers.shop import Shop

CLIENT_ID = "6f1c2a9e-3b7d-4e0a-9c55-2d8e1f4b7a30"
WELCOME = "Hi! I'm the Terrace & Table assistant."


@pytest.fixture
def shop() -> Shop:
    return Shop()


def test_given_a_conversation_in_progress_when_its_context_is_set_then_the_next_turn_carries_it(
    shop: Shop,
) -> None:
    # Given a conversation in progress
    first = shop.say("I need a garden table", CLIENT_ID, context={"pageUrl": "/outdoor"})
    lines_before = shop.transcript(shop.segment(CLIENT_ID))

    # When the page sets context between turns
    updated = shop.set_context(CLIENT_ID, {"cartValue": 120, "conversationId": "ignored"})

    # Then the session holds both, the platform's keys are not taken, and no transcript line is written
    assert updated.conversation_id == CLIENT_ID
    assert updated.context == {"pageUrl": "/outdoor", "cartValue": 120}
    assert shop.transcript(shop.segment(CLIENT_ID)) == lines_before
    # And the next turn answers with it
    later = shop.say("under 500 euros", CLIENT_ID)
    assert later.conversation_id == first.conversation_id
    assert later.context == {"pageUrl": "/outdoor", "cartValue": 120}


def test_given_no_turn_yet_when_context_is_set_then_the_first_turn_greets_and_starts_the_transcript(
    shop: Shop,
) -> None:
    # Given a page that sets context before the customer writes
    shop.set_context(CLIENT_ID, {"pageUrl": "/outdoor"}, user_id="user-42")

    # When the first turn comes
    first = shop.say("I need a garden table", CLIENT_ID)

    # Then it is a first turn: welcome, the context and user kept, a transcript started for it
    assert first.messages[0].text == WELCOME
    assert first.context == {"pageUrl": "/outdoor"}
    assert first.result.state.user_id == "user-42"
    segment = shop.segment(CLIENT_ID)
    assert shop.transcript(segment)[0] == ("user", "I need a garden table")


def test_given_a_context_update_when_the_session_was_idle_then_the_idle_timer_is_not_reset(
    shop: Shop,
) -> None:
    # Given a conversation, idle for 800 of its 900 s
    shop.say("How long does delivery take?", CLIENT_ID)
    before = shop.sessions.get(DEMO_TENANT_ID, CLIENT_ID)
    shop.clock.now += timedelta(seconds=800)

    # When context is set
    shop.set_context(CLIENT_ID, {"cartValue": 1})

    # Then only a turn counts as activity: the session still expires when it would have
    after = shop.sessions.get(DEMO_TENANT_ID, CLIENT_ID)
    assert before is not None and after is not None
    assert after.idle_expires_at == before.idle_expires_at
    assert after.version == before.version + 1


@pytest.mark.parametrize(
    ("stored", "update", "message"),
    [
        ({}, {"notes": "x" * 2001}, "context is limited to 2000"),
        ({"a": "x" * 1000}, {"b": "y" * 1000}, "would exceed 2000"),
    ],
    ids=["as_sent", "as_the_session_would_hold"],
)
def test_given_context_over_2000_chars_when_set_then_invalid_and_nothing_changes(
    shop: Shop, stored: dict[str, Any], update: dict[str, Any], message: str
) -> None:
    shop.say("I need a garden table", CLIENT_ID, context=stored or None)
    before = shop.sessions.get(DEMO_TENANT_ID, CLIENT_ID)

    with pytest.raises(Invalid) as raised:
        shop.set_context(CLIENT_ID, update)

    assert message in raised.value.errors[0].msg
    assert [error.loc for error in raised.value.errors] == [("body", "context")]
    assert shop.sessions.get(DEMO_TENANT_ID, CLIENT_ID) == before


def test_given_an_unknown_channel_or_deployment_when_context_is_set_then_not_found(shop: Shop) -> None:
    with pytest.raises(NotFound):
        shop.set_context(CLIENT_ID, {"a": 1}, channel="app-fr-FR")
    with pytest.raises(NotFound):
        shop.contexts.update(DEMO_TENANT_ID, "no-such-assistant", "web-en-US", CLIENT_ID, {"a": 1})
    assert shop.sessions.get(DEMO_TENANT_ID, CLIENT_ID) is None


def test_given_a_conversation_of_another_deployment_when_context_is_set_then_conflict(shop: Shop) -> None:
    other = {**dict(demo_deployment().document), "deployment_key": "garden-centre"}
    shop.deployments.put(DEMO_TENANT_ID, other)
    shop.say("I need a garden table", CLIENT_ID)

    with pytest.raises(Conflict):
        shop.contexts.update(DEMO_TENANT_ID, "garden-centre", "web-en-US", CLIENT_ID, {"a": 1})


def test_given_a_turn_saved_meanwhile_when_context_is_set_then_it_applies_on_top_of_the_turn(
    shop: Shop,
) -> None:
    shop.say("I need a garden table", CLIENT_ID)
    shop.sessions.before_next_write(lambda: shop.say("under 500 euros", CLIENT_ID))

    updated = shop.set_context(CLIENT_ID, {"cartValue": 99})

    stored = shop.sessions.get(DEMO_TENANT_ID, CLIENT_ID)
    assert stored is not None and stored.version == 3
    assert stored.state["turn"] == 2  # the turn applied
    assert updated.context == {"cartValue": 99}
    assert len(shop.pauses) == 1


def test_given_a_conversation_that_stays_busy_when_context_is_set_then_conflict_after_bounded_pauses(
    shop: Shop, monkeypatch: pytest.MonkeyPatch
) -> None:
    shop.say("I need a garden table", CLIENT_ID)

    def always_beaten(*_args: Any, **_kwargs: Any) -> int:
        raise SessionConflict(CLIENT_ID)

    monkeypatch.setattr(shop.sessions, "save", always_beaten)

    with pytest.raises(Conflict) as raised:
        shop.set_context(CLIENT_ID, {"cartValue": 99})

    assert raised.value.retry_after == 1
    assert len(shop.pauses) == ATTEMPTS - 1


def test_given_the_channel_has_no_language_suffix_when_context_is_set_then_invalid(shop: Shop) -> None:
    with pytest.raises(Invalid) as raised:
        shop.contexts.update(DEMO_TENANT_ID, DEMO_DEPLOYMENT_KEY, "web", CLIENT_ID, {"a": 1})

    assert [error.loc for error in raised.value.errors] == [("path", "channelKey")]


@pytest.mark.parametrize(
    ("header", "body", "named"),
    [(CLIENT_ID, None, CLIENT_ID), (None, CLIENT_ID, CLIENT_ID), (CLIENT_ID, CLIENT_ID, CLIENT_ID)],
    ids=["header", "body", "both_agree"],
)
def test_given_the_conversation_named_when_read_then_it_is_that_one(
    header: str | None, body: str | None, named: str
) -> None:
    assert conversation_named(header, body) == named


@pytest.mark.parametrize(
    ("header", "body"),
    [(None, None), (CLIENT_ID, "another-one"), (CLIENT_ID + "\n", None), ("", None), ("a b", None)],
    ids=["none", "they_differ", "trailing_newline", "empty", "space"],
)
def test_given_no_valid_conversation_named_when_read_then_invalid_names_the_header(
    header: str | None, body: str | None
) -> None:
    with pytest.raises(Invalid) as raised:
        conversation_named(header, body)

    assert [error.loc for error in raised.value.errors] == [("header", "nlx-conversation-id")]
