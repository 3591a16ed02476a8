"""NbqService on in-memory repositories: the next question on the demo catalog (the NBQ spec's own
example), each call recorded on its session, conversions recorded once per idempotency key and
credited once.

The same calls run through NextQuestionFunction and RecordConversionFunction under moto in
tests/integration/test_nbq_api.py.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from parley.errors import IdempotencyKeyReused, NotFound
from parley.nbq.catalog import catalog_document
from parley.nbq.learning import QuestionStats
from parley.nbq.models import ConversionRequest, NextQuestionRequest
from parley.nbq.ports import STARTED_BY_NEXT_QUESTIONS
from parley.nbq.service import CATALOG_TTL_SECONDS, NbqService, TenantNbqCache, credit_conversion
from parley.queues.messages import ConversionRecorded
from tests.fakes import InMemoryIdempotencyGuard, InMemoryNbqConfigRepository, InMemoryNbqSessionRepository
from tests.helpers.demo import DEMO_TENANT_ID, demo_catalog
from tests.helpers.events import load_event

T0 = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
SPEC_SESSION = "conv-7f3a1c"
BUDGET = "What budget range did you have in mind for the table?"


class Nbq:
    """The demo tenant's catalog loaded, on in-memory storage, with clocks a test can move."""

    def __init__(self) -> None:
        self.now = T0
        self.monotonic = 0.0
        self.config = InMemoryNbqConfigRepository()
        catalog = demo_catalog()
        self.config.put_catalog(DEMO_TENANT_ID, catalog.version, catalog_document(catalog))
        self.sessions = InMemoryNbqSessionRepository(self.config)
        self.guard = InMemoryIdempotencyGuard()
        self.service = NbqService(
            TenantNbqCache(self.config, clock=lambda: self.monotonic),
            self.sessions,
            self.guard,
            now=lambda: self.now,
        )

    def next_question(self, tenant: str = DEMO_TENANT_ID, **body: Any) -> Any:
        return self.service.next_question(tenant, NextQuestionRequest.model_validate(body))

    def convert(self, key: str, session: str = SPEC_SESSION, **body: Any) -> str:
        request = ConversionRequest.model_validate(body or {"outcome": "purchase"})
        return self.service.record_conversion(DEMO_TENANT_ID, session, key, request)


def spec_example(name: str) -> dict[str, Any]:
    """The body of the spec's example request, as events/next_question holds it."""
    body: dict[str, Any] = json.loads(load_event(f"next_question/{name}.json")["body"])
    return body


@pytest.fixture
def nbq() -> Nbq:
    return Nbq()


# --------------------------------------------------------------------------------------------------
# Next question
# --------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("example", ["spec_with_history", "spec_with_context"])
def test_given_the_specs_example_when_asked_then_the_budget_question_of_the_catalog_version(
    nbq: Nbq, example: str
) -> None:
    # Given the spec's example: an outdoor dining table for a terrace, budget not yet discussed
    body = spec_example(example)

    # When the next question is asked
    result = nbq.next_question(**body)

    # Then it is the spec's answer
    assert result.question is not None
    assert (result.question.external_id, result.question.text) == ("q_budget_range", BUDGET)
    assert result.nbq_version == "0.9.0-beta.1"


def test_given_calls_on_a_session_when_asked_then_each_is_recorded_with_the_questions_served(
    nbq: Nbq,
) -> None:
    # Given the spec's session asked twice, the second time with the budget answered
    nbq.next_question(**spec_example("spec_with_context"))
    nbq.now += timedelta(minutes=2)
    second = nbq.next_question(
        **{**spec_example("spec_with_context"), "answered_question_ids": ["q_budget_range"]}
    )

    # Then the session counts both calls, keeps when and by whom it was started, and what it served
    session = nbq.sessions.session(DEMO_TENANT_ID, SPEC_SESSION)
    assert session is not None
    assert session.calls == 2
    assert session.first_seen == int(T0.timestamp())
    assert session.last_seen == int((T0 + timedelta(minutes=2)).timestamp())
    assert session.started_by == STARTED_BY_NEXT_QUESTIONS
    assert second.question is not None
    assert second.question.external_id != "q_budget_range"
    assert nbq.sessions.served_questions(DEMO_TENANT_ID, SPEC_SESSION) == {
        "q_budget_range",
        second.question.external_id,
    }


def test_given_every_question_answered_when_asked_then_none_is_left_and_the_call_still_counts(
    nbq: Nbq,
) -> None:
    answered = [question.external_id for question in demo_catalog().questions]

    result = nbq.next_question(session_id="s-done", context="Anything else?", answered_question_ids=answered)

    assert result.question is None
    session = nbq.sessions.session(DEMO_TENANT_ID, "s-done")
    assert session is not None
    assert (session.calls, session.served) == (1, set())


def test_given_a_tenant_without_a_catalog_when_asked_then_not_found_and_nothing_is_recorded(nbq: Nbq) -> None:
    with pytest.raises(NotFound, match="No question catalog is loaded"):
        nbq.next_question("acme", **spec_example("spec_with_context"))

    assert nbq.sessions.session("acme", SPEC_SESSION) is None


def test_given_a_new_catalog_version_when_loaded_then_it_is_used_once_the_cached_one_is_due(nbq: Nbq) -> None:
    # Given a container that served the first catalog
    nbq.next_question(**spec_example("spec_with_context"))
    # And an admin who then loads the catalog's next version
    document = {**catalog_document(demo_catalog()), "version": "1.0.0"}
    nbq.config.put_catalog(DEMO_TENANT_ID, "1.0.0", document)

    # When asked again before and after the catalog's cache time
    before = nbq.next_question(**spec_example("spec_with_context"))
    nbq.monotonic += CATALOG_TTL_SECONDS
    after = nbq.next_question(**spec_example("spec_with_context"))

    # Then the new version is reported once the cached catalog is due
    assert (before.nbq_version, after.nbq_version) == ("0.9.0-beta.1", "1.0.0")
    assert nbq.config.state_reads == 2


# --------------------------------------------------------------------------------------------------
# Conversions
# --------------------------------------------------------------------------------------------------
def test_given_a_conversion_when_recorded_twice_with_one_key_then_it_is_stored_once_under_one_id(
    nbq: Nbq,
) -> None:
    # Given the spec's conversion
    body = {"outcome": "purchase", "metadata": {"order_value": 1290, "currency": "EUR"}}

    # When the client sends it twice with the same Idempotency-Key (a retry)
    first = nbq.convert("key-1", **body)
    again = nbq.convert("key-1", **body)

    # Then both answers carry the same conversion id, and one conversion is stored
    assert first.startswith("cv_")
    assert again == first
    conversions = nbq.sessions.conversions(DEMO_TENANT_ID, SPEC_SESSION)
    assert list(conversions) == [first]
    assert conversions[first].outcome == "purchase"
    assert conversions[first].metadata == {"order_value": 1290, "currency": "EUR"}
    assert conversions[first].recorded_at == "2026-11-23T10:00:00Z"
    assert nbq.guard.runs == 1


def test_given_a_key_already_used_with_another_body_when_recorded_then_it_is_refused(nbq: Nbq) -> None:
    first = nbq.convert("key-1", outcome="purchase")

    with pytest.raises(IdempotencyKeyReused):
        nbq.convert("key-1", outcome="abandon")

    assert list(nbq.sessions.conversions(DEMO_TENANT_ID, SPEC_SESSION)) == [first]


def test_given_other_keys_or_sessions_when_recorded_then_each_is_its_own_conversion(nbq: Nbq) -> None:
    one = nbq.convert("key-1")
    two = nbq.convert("key-2")
    elsewhere = nbq.convert("key-1", session="another-session")

    assert len({one, two, elsewhere}) == 3
    assert len(nbq.sessions.conversions(DEMO_TENANT_ID, SPEC_SESSION)) == 2


def test_given_an_unknown_session_when_a_conversion_is_recorded_then_it_is_kept(nbq: Nbq) -> None:
    conversion_id = nbq.convert("key-1", session="never-asked", outcome="lead")

    assert nbq.sessions.latest_outcome(DEMO_TENANT_ID, "never-asked") == "lead"
    assert nbq.sessions.served_questions(DEMO_TENANT_ID, "never-asked") == set()
    assert conversion_id.startswith("cv_")


def test_given_a_purchase_when_credited_then_the_questions_served_learn_it_once(nbq: Nbq) -> None:
    # Given a session that was served the budget question, then converted
    nbq.next_question(**spec_example("spec_with_context"))
    conversion_id = nbq.convert("key-1")
    recorded = ConversionRecorded(
        DEMO_TENANT_ID, SPEC_SESSION, conversion_id, "purchase", "2026-11-23T10:00:00Z"
    )

    # When the conversion's message is delivered twice (at least once)
    credited = [credit_conversion(nbq.sessions, recorded), credit_conversion(nbq.sessions, recorded)]

    # Then the statistics count it once
    assert credited == [True, False]
    assert nbq.config.stats(DEMO_TENANT_ID) == {"q_budget_range": QuestionStats(served=1, converted=1)}


def test_given_an_abandon_when_credited_then_the_questions_served_count_it_as_no_conversion(nbq: Nbq) -> None:
    nbq.next_question(**spec_example("spec_with_context"))
    conversion_id = nbq.convert("key-1", outcome="abandon")

    credit_conversion(
        nbq.sessions,
        ConversionRecorded(DEMO_TENANT_ID, SPEC_SESSION, conversion_id, "abandon", "2026-11-23T10:00:00Z"),
    )

    assert nbq.config.stats(DEMO_TENANT_ID) == {"q_budget_range": QuestionStats(served=1, converted=0)}
