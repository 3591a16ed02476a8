"""The in-memory fakes (tests/fakes) keep the DynamoDB repositories' contract.

Every scenario here runs twice: on a fake, and on the DynamoDB repository (or Powertools
Idempotency) under moto, with tables built from template.yaml. Service unit tests rely on the fakes
behaving like storage: if a repository's semantics change, the fake's run of the same scenario
still passes and the repository's fails (or the other way round), so the two cannot drift apart.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from typing import Any

import pytest

from parley import aws
from parley.conversations.entities import (
    AppendKey,
    AppendKeyUsed,
    ConcurrentUpdate,
    Conversation,
    ListFilters,
    OutcomeChanged,
)
from parley.conversations.models import Insights
from parley.dialogue.ports import SessionConflict
from parley.errors import IdempotencyKeyReused
from parley.nbq.learning import QuestionStats
from parley.nbq.ports import STARTED_BY_NEXT_QUESTIONS, NbqState, configuration_id
from tests.fakes import (
    InMemoryConversationRepository,
    InMemoryDeploymentRepository,
    InMemoryIdempotencyGuard,
    InMemoryNbqConfigRepository,
    InMemoryNbqSessionRepository,
    InMemoryTurnSessionRepository,
    InMemoryUsageRepository,
)
from tests.helpers.events import FakeContext

NOW = 1_795_428_000  # 2026-11-23T10:00:00Z
TENANT = "demo"


@dataclass
class Stores:
    conversations: Any
    deployments: Any
    turn_sessions: Any
    nbq_config: Any
    nbq_sessions: Any
    usage: Any
    idempotency: Any


def fakes() -> Stores:
    config = InMemoryNbqConfigRepository()
    return Stores(
        conversations=InMemoryConversationRepository(),
        deployments=InMemoryDeploymentRepository(),
        turn_sessions=InMemoryTurnSessionRepository(),
        nbq_config=config,
        nbq_sessions=InMemoryNbqSessionRepository(config),
        usage=InMemoryUsageRepository(),
        idempotency=InMemoryIdempotencyGuard(),
    )


def dynamo(tables: dict[str, str]) -> Stores:
    from parley.conversations.repository import DynamoConversationRepository
    from parley.dialogue.repository import DynamoDeploymentRepository, DynamoTurnSessionRepository
    from parley.idempotency import PowertoolsIdempotency
    from parley.nbq.repository import DynamoNbqConfigRepository, DynamoNbqSessionRepository
    from parley.usage.repository import DynamoUsageRepository

    client = aws.dynamodb()
    idempotency = PowertoolsIdempotency(
        tables["IdempotencyTable"],
        client,
        key_fields=("tenant_id", "idempotency_key"),
        payload_fields=("outcome",),
        record_name="contract_test",
    )
    idempotency.register_lambda_context(FakeContext())
    return Stores(
        conversations=DynamoConversationRepository(client, tables["ConversationsTable"]),
        deployments=DynamoDeploymentRepository(client, tables["TenantsTable"]),
        turn_sessions=DynamoTurnSessionRepository(client, tables["SessionsTable"]),
        nbq_config=DynamoNbqConfigRepository(client, tables["TenantsTable"]),
        nbq_sessions=DynamoNbqSessionRepository(client, tables["SessionsTable"], tables["TenantsTable"]),
        usage=DynamoUsageRepository(client, tables["TenantsTable"]),
        idempotency=idempotency,
    )


@pytest.fixture(params=["fake", "dynamo"])
def stores(request: pytest.FixtureRequest) -> Stores:
    if request.param == "fake":
        return fakes()
    return dynamo(request.getfixturevalue("moto_resources").tables)


def conversation(number: int, *, prompt: str = "p1", status: str = "active", **fields: Any) -> Conversation:
    stamp = f"2026-11-23T10:00:{number:02d}Z"
    return Conversation(
        tenant_id=TENANT,
        id=f"conv_{number:024x}",
        prompt_id=prompt,
        status=status,
        created_at=stamp,
        updated_at=stamp,
        message_count=1,
        content_bytes=9,
        metadata={"userId": "u1"},
        **fields,
    )


def list_sk(number: int) -> str:
    return f"{(NOW + number) * 1_000_000:017d}#conv_{number:024x}"


HELLO = [{"role": "user", "content": "Hi there"}]
INSIGHTS = Insights(
    sentiment="neutral",
    sentiment_score=0.0,
    task_completed=True,
    topics=[],
    summary="",
    issues=[],
    created_at="2026-11-23T10:06:00Z",
)


# --------------------------------------------------------------------------------------------------
# ConversationRepository
# --------------------------------------------------------------------------------------------------
def test_conversations_an_idempotency_key_returns_what_it_created_for_24_hours(stores: Stores) -> None:
    repository = stores.conversations
    first = conversation(1, title="Hi there")

    created = repository.create(first, HELLO, list_sk(1), "key-1", NOW)
    replayed = repository.create(conversation(2), HELLO, list_sk(2), "key-1", NOW + 60)
    expired = repository.create(conversation(3), HELLO, list_sk(3), "key-1", NOW + 24 * 3600 + 1)

    assert created == (first, True)
    assert replayed == (first, False)
    assert expired == (conversation(3), True)


def test_conversations_append_applies_on_the_header_read_and_reports_the_current_one_otherwise(
    stores: Stores,
) -> None:
    repository = stores.conversations
    before = conversation(1, title="Hi there", llm_model="gpt-4o")
    repository.create(before, HELLO, list_sk(1), None, NOW)
    after = replace(before, message_count=2, content_bytes=30, updated_at="2026-11-23T10:01:00Z", title=None)

    repository.append(before, after, [{"role": "assistant", "content": "Hello!"}])
    with pytest.raises(ConcurrentUpdate) as stale:
        repository.append(before, replace(after, message_count=3), [{"role": "user", "content": "late"}])
    with pytest.raises(ConcurrentUpdate) as missing:
        repository.append(conversation(9), replace(conversation(9), message_count=2), HELLO)

    current = repository.get_header(TENANT, before.id)
    assert current == replace(after, title="Hi there")  # a None title leaves the stored one
    assert stale.value.current == current
    assert missing.value.current is None
    assert repository.messages_before(TENANT, before.id, 2) == [
        *HELLO,
        {"role": "assistant", "content": "Hello!"},
    ]
    assert repository.messages_before(TENANT, before.id, 1) == HELLO
    assert repository.messages_before(TENANT, before.id, 0) == []


def test_conversations_completion_sets_completed_at_once_and_moves_status_lists(stores: Stores) -> None:
    repository = stores.conversations
    before = conversation(1)
    repository.create(before, HELLO, list_sk(1), None, NOW)
    completed = replace(before, status="completed", message_count=2, completed_at="2026-11-23T10:05:00Z")

    repository.append(before, completed, [{"role": "user", "content": "bye"}])

    assert repository.get_header(TENANT, before.id) == completed
    assert repository.page(TENANT, ListFilters(status="active"), 10, 0).total == 0
    assert [c.id for c in repository.page(TENANT, ListFilters(status="completed"), 10, 0).items] == [
        before.id
    ]


def test_conversations_pages_are_newest_first_filtered_and_exactly_counted(stores: Stores) -> None:
    repository = stores.conversations
    for number, prompt, status in [
        (1, "a", "active"),
        (2, "b", "completed"),
        (3, "a", "completed"),
        (4, "a", "active"),
    ]:
        repository.create(
            conversation(number, prompt=prompt, status=status), HELLO, list_sk(number), None, NOW
        )
    repository.create(replace(conversation(5), tenant_id="acme"), HELLO, list_sk(5), None, NOW)

    def ids(filters: ListFilters, limit: int = 10, offset: int = 0) -> tuple[list[str], int]:
        page = repository.page(TENANT, filters, limit, offset)
        return [item.id[-1] for item in page.items], page.total

    assert ids(ListFilters()) == (["4", "3", "2", "1"], 4)
    assert ids(ListFilters(prompt_id="a")) == (["4", "3", "1"], 3)
    assert ids(ListFilters(prompt_id="a", status="active")) == (["4", "1"], 2)
    assert ids(ListFilters(has_insights=True)) == ([], 0)
    assert ids(ListFilters(), limit=2, offset=1) == (["3", "2"], 4)
    assert ids(ListFilters(), limit=2, offset=3) == (["1"], 4)
    assert ids(ListFilters(), limit=2, offset=4) == ([], 4)
    first = repository.page(TENANT, ListFilters(prompt_id="a"), 2, 0)
    after = repository.page(TENANT, ListFilters(prompt_id="a"), 2, 0, first.next_cursor)
    assert first.next_cursor is not None and after.next_cursor is None
    assert [item.id[-1] for item in after.items] == ["1"]
    assert repository.page(TENANT, ListFilters(), 4, 0).next_cursor is None


def test_conversations_an_append_key_commits_with_its_append_and_only_once(stores: Stores) -> None:
    repository = stores.conversations
    before = conversation(1)
    repository.create(before, HELLO, list_sk(1), None, NOW)
    after = replace(before, message_count=2)
    key = AppendKey("k-1", "hash-1")

    repository.append(before, after, [{"role": "user", "content": "again"}], key, NOW)
    with pytest.raises(AppendKeyUsed) as used:
        repository.append(
            after, replace(after, message_count=3), [{"role": "user", "content": "x"}], key, NOW
        )

    assert (used.value.used.request_hash, used.value.used.message_count) == ("hash-1", 2)
    assert repository.append_key(TENANT, before.id, "k-1", NOW + 60) == used.value.used
    assert repository.append_key(TENANT, before.id, "k-1", NOW + 24 * 3600 + 1) is None
    assert repository.get_header(TENANT, before.id) == after


def test_conversations_insights_are_stored_listed_and_read_with_or_without_messages(stores: Stores) -> None:
    repository = stores.conversations
    header = conversation(1, status="completed")
    repository.create(header, HELLO, list_sk(1), None, NOW)
    insights = Insights(
        sentiment="positive", topics=["tables"], summary="s", created_at="2026-11-23T10:06:00Z"
    )

    assert repository.put_insights(TENANT, "conv_" + "f" * 24, insights) is False
    assert repository.put_insights(TENANT, header.id, insights) is True
    assert repository.put_insights(TENANT, header.id, insights) is True  # replaced, not listed twice

    full = repository.get(TENANT, header.id)
    light = repository.get(TENANT, header.id, messages=False)
    assert full is not None and light is not None
    assert (full.messages, full.insights) == (HELLO, insights)
    assert (light.messages, light.insights) == ([], insights)
    assert full.conversation == replace(header, has_insights=True)
    assert repository.page(TENANT, ListFilters(has_insights=True), 10, 0).total == 1
    assert repository.page(TENANT, ListFilters(has_insights=False), 10, 0).total == 0
    assert repository.get("acme", header.id) is None


# --------------------------------------------------------------------------------------------------
# Dialogue: deployments and turn sessions
# --------------------------------------------------------------------------------------------------
def test_deployments_come_back_as_stored_with_a_digest_that_changes_with_the_document(stores: Stores) -> None:
    document = {"deployment_key": "shop", "channels": ["web-en-US"], "name": "Shop"}

    stores.deployments.put(TENANT, document)
    first = stores.deployments.get(TENANT, "shop")
    stores.deployments.put(TENANT, {**document, "name": "Shop 2"})
    second = stores.deployments.get(TENANT, "shop")

    assert first is not None and second is not None
    assert first.document == document
    assert first.digest != second.digest
    assert stores.deployments.get(TENANT, "other") is None
    assert stores.deployments.get("acme", "shop") is None


def test_turn_sessions_are_saved_only_on_the_version_read(stores: Stores) -> None:
    sessions = stores.turn_sessions

    assert sessions.save(TENANT, "conv-1", {"turn": 1}, expected_version=None, idle_expires_at=NOW) == 1
    with pytest.raises(SessionConflict):
        sessions.save(TENANT, "conv-1", {"turn": 1}, expected_version=None, idle_expires_at=NOW)
    assert sessions.save(TENANT, "conv-1", {"turn": 2}, expected_version=1, idle_expires_at=NOW + 5) == 2
    with pytest.raises(SessionConflict):
        sessions.save(TENANT, "conv-1", {"turn": 2}, expected_version=1, idle_expires_at=NOW + 5)
    with pytest.raises(SessionConflict):
        sessions.save(TENANT, "conv-2", {"turn": 2}, expected_version=1, idle_expires_at=NOW)

    stored = sessions.get(TENANT, "conv-1")
    assert stored is not None
    assert (stored.state, stored.version, stored.idle_expires_at) == ({"turn": 2}, 2, NOW + 5)
    assert sessions.get("acme", "conv-1") is None


# --------------------------------------------------------------------------------------------------
# NBQ: configuration, sessions, idempotency
# --------------------------------------------------------------------------------------------------
def test_nbq_sessions_record_calls_and_conversions_and_credit_each_conversion_once(stores: Stores) -> None:
    config, sessions = stores.nbq_config, stores.nbq_sessions
    assert config.load_state(TENANT) == NbqState(None, None, {})
    config.put_catalog(TENANT, "1.0", {"version": "1.0", "questions": []})

    sessions.touch(TENANT, "s-1", "q_a", "1.0", NOW, started_by=STARTED_BY_NEXT_QUESTIONS)
    sessions.touch(TENANT, "s-1", "q_b", "1.0", NOW + 5, started_by=STARTED_BY_NEXT_QUESTIONS)
    sessions.touch(TENANT, "s-1", None, "1.0", NOW + 9, started_by=STARTED_BY_NEXT_QUESTIONS)
    for conversion_id, outcome, at in [
        ("cv_1", "lead", "2026-11-23T10:00:00Z"),
        ("cv_2", "purchase", "2026-11-23T10:02:00Z"),
    ]:
        sessions.put_conversion(
            tenant_id=TENANT,
            session_id="s-1",
            conversion_id=conversion_id,
            outcome=outcome,
            metadata=None,
            recorded_at=at,
            now_epoch=NOW,
        )
    served = sessions.served_questions(TENANT, "s-1")

    assert served == {"q_a", "q_b"}
    assert sessions.latest_outcome(TENANT, "s-1") == "purchase"
    assert sessions.latest_outcome(TENANT, "s-2") is None
    assert sessions.credit(TENANT, "s-1", "cv_2", served, True) is True
    assert sessions.credit(TENANT, "s-1", "cv_2", served, True) is False  # redelivered
    assert sessions.credit(TENANT, "s-1", "cv_1", {"q_a"}, False) is True
    assert sessions.credit(TENANT, "s-1", "cv_unknown", served, True) is False
    expected = {"q_a": QuestionStats(served=2, converted=1), "q_b": QuestionStats(served=1, converted=1)}
    assert config.stats(TENANT) == expected
    document = {"version": "1.0", "questions": []}
    assert config.load_state(TENANT) == NbqState("1.0", document, expected, configuration_id(document))


def test_a_published_configuration_stays_readable_by_its_id_after_another_is_published(
    stores: Stores,
) -> None:
    config = stores.nbq_config
    first = {"version": "1.0", "questions": [{"external_id": "q_a"}]}
    second = {"version": "1.1", "questions": [{"external_id": "q_b"}]}

    config.put_catalog(TENANT, "1.0", first)
    pinned = config.load_state(TENANT).configuration
    config.put_catalog(TENANT, "1.1", second)

    assert pinned == configuration_id(first) != configuration_id(second)
    assert config.load_state(TENANT).configuration == configuration_id(second)
    assert config.published_configuration(TENANT) == configuration_id(second)
    assert config.published_configuration("acme") is None
    assert config.load_configuration(TENANT, pinned) == first
    assert config.load_configuration(TENANT, configuration_id(second)) == second
    assert config.load_configuration("acme", pinned) is None
    assert config.load_configuration(TENANT, "cfg_0000000000000000") is None


def test_idempotency_a_key_runs_once_and_refuses_another_payload(stores: Stores) -> None:
    guard, runs = stores.idempotency, []

    def action() -> dict[str, Any]:
        runs.append(1)
        return {"conversion_id": f"cv_{len(runs)}"}

    def failing() -> dict[str, Any]:
        raise RuntimeError("the store failed")

    key = {"tenant_id": TENANT, "idempotency_key": "k-1"}
    first = guard.run(key, {"outcome": "purchase"}, action)
    again = guard.run(key, {"outcome": "purchase"}, action)
    with pytest.raises(IdempotencyKeyReused):
        guard.run(key, {"outcome": "abandon"}, action)
    other = guard.run({"tenant_id": "acme", "idempotency_key": "k-1"}, {"outcome": "purchase"}, action)
    with pytest.raises(RuntimeError):
        guard.run({"tenant_id": TENANT, "idempotency_key": "k-2"}, {"outcome": "lead"}, failing)
    retried = guard.run({"tenant_id": TENANT, "idempotency_key": "k-2"}, {"outcome": "lead"}, action)

    assert (first, again, other, retried) == (
        {"conversion_id": "cv_1"},
        {"conversion_id": "cv_1"},
        {"conversion_id": "cv_2"},
        {"conversion_id": "cv_3"},
    )


# --------------------------------------------------------------------------------------------------
# Usage
# --------------------------------------------------------------------------------------------------
def test_usage_counters_add_up_per_tenant_and_day_within_the_window(stores: Stores) -> None:
    usage = stores.usage
    usage.add_sessions(TENANT, date(2026, 11, 23), 2, NOW)
    usage.add_sessions(TENANT, date(2026, 11, 23), 3, NOW)
    usage.add_sessions(TENANT, date(2026, 11, 1), 1, NOW)
    usage.add_sessions(TENANT, date(2026, 10, 1), 7, NOW)
    usage.add_sessions("acme", date(2026, 11, 23), 9, NOW)

    assert usage.sessions_per_day(TENANT, date(2026, 10, 25), date(2026, 11, 23)) == {
        date(2026, 11, 23): 5,
        date(2026, 11, 1): 1,
    }


def test_conversations_outcomes_are_recorded_newest_wins_and_linked_by_session(stores: Stores) -> None:
    repository = stores.conversations
    linked = replace(conversation(1), metadata={"sessionId": "s-1"})
    repository.create(linked, HELLO, list_sk(1), None, NOW)
    repository.create(conversation(2), HELLO, list_sk(2), None, NOW)

    assert repository.conversations_of_session(TENANT, "s-1") == [linked.id]
    assert repository.record_outcome(TENANT, linked.id, "lead", "2026-11-23T10:05:00Z", None)
    assert not repository.record_outcome(TENANT, linked.id, "abandon", "2026-11-23T10:01:00Z", None)
    assert not repository.record_outcome(TENANT, "conv_" + "f" * 24, "lead", "2026-11-23T10:05:00Z", None)

    header = repository.get_header(TENANT, linked.id)
    assert header is not None and (header.outcome, header.outcome_at) == ("lead", "2026-11-23T10:05:00Z")
    with pytest.raises(OutcomeChanged):
        repository.put_insights(TENANT, linked.id, INSIGHTS, outcome_at=None)
    assert repository.put_insights(TENANT, linked.id, INSIGHTS, outcome_at="2026-11-23T10:05:00Z")
