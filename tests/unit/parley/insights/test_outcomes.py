"""Outcomes and insights on the fakes: an outcome recorded while a conversation is being analysed
makes the analysis start over (never insights that contradict the outcome), and an older outcome
never replaces a newer one."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from parley.conversations.entities import OutcomeChanged
from parley.conversations.models import CreateConversationRequest
from parley.conversations.service import ConversationService
from parley.insights.providers import OfflineInsightsProvider
from parley.insights.worker import InsightsWorker
from parley.nbq.service import TenantNbqCache
from parley.queues.messages import ConversationCompleted, ConversionRecorded
from tests.fakes import InMemoryConversationRepository
from tests.fakes.nbq import InMemoryNbqConfigRepository, InMemoryNbqSessionRepository

NOW = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)


class _Events:
    def __init__(self) -> None:
        self.emitted: list[tuple[str, dict]] = []

    def emit(self, tenant_id: str, event_type: str, payload: dict, event_id: str) -> int:
        self.emitted.append((event_type, payload))
        return 1

    def forward(self, message: object) -> str:
        raise AssertionError("not here")


@pytest.fixture
def world() -> tuple[InMemoryConversationRepository, InsightsWorker, _Events]:
    conversations = InMemoryConversationRepository()
    events = _Events()
    worker = InsightsWorker(
        conversations,
        TenantNbqCache(InMemoryNbqConfigRepository()),
        InMemoryNbqSessionRepository(),
        OfflineInsightsProvider(),
        events,
        now=lambda: NOW,
    )
    return conversations, worker, events


def _completed(conversations: InMemoryConversationRepository, session_id: str) -> str:
    content = json.dumps(
        {
            "messages": [{"role": "user", "content": "a table for six, in teak"}],
            "metadata": {"sessionId": session_id},
        }
    )
    request = CreateConversationRequest.model_validate({"promptId": "p", "content": content})
    conversation, _ = ConversationService(conversations, now=lambda: NOW).create("demo", request)
    return conversation.id


def test_an_outcome_recorded_during_the_analysis_makes_it_start_over(world) -> None:
    conversations, worker, _ = world
    conversation_id = _completed(conversations, "s-1")
    purchase = ConversionRecorded("demo", "s-1", "cv_1", "purchase", "2026-11-23T10:01:00Z")
    # The conversion lands between the analysis' read and its write
    conversations.before_next_write(lambda: worker.handle(purchase))

    with pytest.raises(OutcomeChanged):
        worker.handle(ConversationCompleted("demo", conversation_id, "2026-11-23T10:00:00Z"))

    # The redelivered message analyses again, with the outcome
    worker.handle(ConversationCompleted("demo", conversation_id, "2026-11-23T10:00:00Z"))
    stored = conversations.get("demo", conversation_id)
    assert stored is not None and stored.insights is not None
    assert stored.conversation.outcome == "purchase" and stored.insights.task_completed is True


def test_an_older_outcome_delivered_late_does_not_replace_a_newer_one(world) -> None:
    conversations, worker, events = world
    conversation_id = _completed(conversations, "s-2")

    worker.handle(ConversionRecorded("demo", "s-2", "cv_new", "purchase", "2026-11-23T10:05:00Z"))
    worker.handle(ConversionRecorded("demo", "s-2", "cv_old", "abandon", "2026-11-23T10:01:00Z"))

    header = conversations.get_header("demo", conversation_id)
    assert header is not None and (header.outcome, header.outcome_at) == ("purchase", "2026-11-23T10:05:00Z")
    outcome_events = [payload for kind, payload in events.emitted if kind == "conversation.updated"]
    assert [e["outcome"] for e in outcome_events] == ["purchase"]
