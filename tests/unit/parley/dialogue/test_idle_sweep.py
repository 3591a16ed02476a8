"""The idle sweep on the fakes: a turn conversation nobody ends is closed once its deployment's idle
timeout has passed (its transcript completed with a note, so insights and webhooks follow); one a
turn touched meanwhile, or one already finished, is left alone."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from parley.conversations.service import ConversationService
from parley.dialogue.idle import GRACE_SECONDS, IdleSweeper
from parley.dialogue.transcript import timeout_note
from tests.fakes import InMemoryConversationRepository
from tests.fakes.dialogue import InMemoryTurnSessionRepository
from tests.helpers.demo import DEMO_TENANT_ID

T0 = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
TIMEOUT = 900


class Clock:
    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> datetime:
        return self.now


def _open_conversation(
    sessions: InMemoryTurnSessionRepository, conversations: ConversationService, clock: Clock
) -> str:
    from parley.conversations.models import CreateConversationRequest

    request = CreateConversationRequest.model_validate(
        {"promptId": "furniture-shop", "content": "User: I need a garden table", "status": "active"}
    )
    conversation, _ = conversations.create(DEMO_TENANT_ID, request, now=clock.now)
    sessions.save(
        DEMO_TENANT_ID,
        conversation.id,
        {"conversationId": conversation.id},
        expected_version=None,
        idle_expires_at=int(clock.now.timestamp()) + TIMEOUT,
        open_transcript=conversation.id,
        idle_timeout_seconds=TIMEOUT,
    )
    return conversation.id


def test_a_conversation_idle_past_its_timeout_is_closed_and_then_no_longer_listed() -> None:
    clock, sessions, repository = Clock(), InMemoryTurnSessionRepository(), InMemoryConversationRepository()
    conversations = ConversationService(repository, now=clock)
    sweeper = IdleSweeper(sessions, conversations, now=clock)
    conversation_id = _open_conversation(sessions, conversations, clock)

    clock.now = T0 + timedelta(seconds=TIMEOUT)  # expired, but within the grace period
    assert sweeper.sweep() == 0
    clock.now = T0 + timedelta(seconds=TIMEOUT + GRACE_SECONDS + 1)
    assert sweeper.sweep() == 1

    stored = conversations.get(DEMO_TENANT_ID, conversation_id)
    assert stored.conversation.status == "completed"
    assert stored.messages[-1] == {"role": "system", "content": timeout_note(TIMEOUT)}
    assert sweeper.sweep() == 0  # unlisted: swept once


def test_a_conversation_a_turn_touched_since_the_sweep_read_it_stays_listed() -> None:
    clock, sessions, repository = Clock(), InMemoryTurnSessionRepository(), InMemoryConversationRepository()
    conversations = ConversationService(repository, now=clock)
    sweeper = IdleSweeper(sessions, conversations, now=clock)
    conversation_id = _open_conversation(sessions, conversations, clock)
    clock.now = T0 + timedelta(seconds=TIMEOUT + GRACE_SECONDS + 1)
    # A turn saves the session between the sweep's read and its unlisting
    sessions.before_next_write(
        lambda: sessions.save(
            DEMO_TENANT_ID,
            conversation_id,
            {"conversationId": conversation_id},
            expected_version=1,
            idle_expires_at=int(clock.now.timestamp()) + TIMEOUT,
            open_transcript=conversation_id,
            idle_timeout_seconds=TIMEOUT,
        )
    )

    assert sweeper.sweep() == 0
    assert [s.version for s in sessions.idle(int(clock.now.timestamp()) + 2 * TIMEOUT, 10)] == [2]


def test_a_sweep_that_stops_for_lack_of_time_leaves_the_rest_listed() -> None:
    clock, sessions, repository = Clock(), InMemoryTurnSessionRepository(), InMemoryConversationRepository()
    conversations = ConversationService(repository, now=clock)
    first, second = (_open_conversation(sessions, conversations, clock) for _ in range(2))
    clock.now = T0 + timedelta(seconds=TIMEOUT + GRACE_SECONDS + 1)
    budget = iter([True, False])

    assert IdleSweeper(sessions, conversations, now=clock).sweep(lambda: next(budget)) == 1
    statuses = {c: conversations.get(DEMO_TENANT_ID, c).conversation.status for c in (first, second)}
    assert sorted(statuses.values()) == ["active", "completed"]
