"""Zelinqa V1 configuration on in-memory stores: the demo tenant's catalog published, read, changed
as a draft, published through a compilation, and audited — and V1 sessions pinned across it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pytest
import yaml

from parley.configuration.errors import (
    CompilationInProgress,
    ConfigurationInvalid,
    ScopeMissing,
    UnknownCompilation,
    UnknownConfiguration,
)
from parley.configuration.models import (
    AuditQuery,
    ConfigurationChangesRequest,
    PublishRequest,
    QuestionsQuery,
)
from parley.configuration.service import ConfigurationService
from parley.errors import IdempotencyKeyReused
from parley.nbq.catalog import catalog_document, parse_catalog
from parley.nbq.service import TenantNbqCache
from parley.queues.messages import CompilationRequested
from parley.sessions.models import NextRequest, SessionCreateRequest
from parley.sessions.service import SessionService
from tests.fakes import (
    InMemoryIdempotencyGuard,
    InMemoryNbqConfigRepository,
    InMemoryNbqSessionRepository,
    InMemorySessionStore,
)
from tests.fakes.configuration import InMemoryAuditLog, InMemoryCompilationStore, InMemoryDraftStore
from tests.helpers.paths import ROOT

TENANT = "demo"
NOW = datetime(2026, 12, 5, 11, 0, tzinfo=UTC)
ALL = frozenset({"configuration:read", "configuration:write", "configuration:publish", "runtime"})


@dataclass(frozen=True)
class Key:
    tenant_id: str = TENANT
    key_prefix: str = "pk_test_demoDEMO"
    scopes: frozenset[str] = ALL


class Queue:
    def __init__(self) -> None:
        self.sent: list[CompilationRequested] = []

    def send(self, message: CompilationRequested) -> None:
        self.sent.append(message)


class Names:
    def name_of(self, tenant_id: str) -> str | None:
        return {"demo": "Terrace & Table"}.get(tenant_id)


class Studio:
    def __init__(self) -> None:
        self.catalogs = InMemoryNbqConfigRepository()
        document = catalog_document(
            parse_catalog(yaml.safe_load((ROOT / "tenants/demo/catalog.yaml").read_text()))
        )
        self.catalogs.put_catalog(TENANT, "0.9.0-beta.1", document, published_at="2026-12-01T09:00:00Z")
        self.drafts = InMemoryDraftStore()
        self.compilations = InMemoryCompilationStore()
        self.audit = InMemoryAuditLog()
        self.queue = Queue()
        self.counter = 0
        self.service = ConfigurationService(
            self.drafts, self.compilations, self.audit, self.catalogs, Names(), self.queue,
            InMemoryIdempotencyGuard(), now=lambda: NOW,
        )  # fmt: skip
        self.clock = 0.0
        self.sessions = SessionService(
            InMemorySessionStore(), TenantNbqCache(self.catalogs, clock=lambda: self.clock), self.catalogs,
            InMemoryNbqSessionRepository(self.catalogs), InMemoryIdempotencyGuard(), now=lambda: NOW,
        )  # fmt: skip

    def key(self) -> str:
        self.counter += 1
        return f"key-{self.counter:08d}"

    def change(self, *changes: dict[str, Any], expected: int | None = None) -> dict[str, Any]:
        body: dict[str, Any] = {"changes": list(changes)}
        if expected is not None:
            body["expected_draft_revision"] = expected
        request = ConfigurationChangesRequest.model_validate(body)
        return self.service.apply(Key(), self.key(), request, "req_1")

    def publish_and_compile(self) -> dict[str, Any]:
        queued = self.service.publish(Key(), self.key(), PublishRequest(), "req_2")
        [message] = self.queue.sent[-1:]
        self.service.compile(message.tenant_id, message.compilation_id)
        self.clock += 61  # containers see a publication within a minute
        return self.service.compilation(TENANT, queued["compilation_id"])


@pytest.fixture
def studio() -> Studio:
    return Studio()


RENAME = {
    "entity": "question",
    "operation": "update",
    "question": {"id": "q_space", "text": "Where will it stand?"},
}


# --------------------------------------------------------------------------------------------------
def test_given_the_published_catalog_when_read_then_it_is_the_v1_configuration(studio: Studio) -> None:
    published = studio.service.read(Key(), "published")

    assert published["state"] == "published" and published["configuration_version"].startswith("cfg_")
    assert published["published_at"] == "2026-12-01T09:00:00Z"
    assert published["domain"] == {"name": "Terrace & Table"}
    assert published["objective"]["qualification_level"] == "balanced"
    assert [d["id"] for d in published["dimensions"]] == [
        "so_need",
        "so_budget",
        "so_preferences",
        "so_delivery",
    ]
    budget = next(s for s in published["success_informations"] if s["id"] == "budget")
    assert budget == {
        "id": "budget",
        "label": "Budget",
        "schema": {"type": "string"},
        "primary_question_id": "q_budget_range",
    }
    question = next(q for q in published["questions"] if q["id"] == "q_budget_range")
    assert question["dimension_id"] == "so_budget" and question["selection_mode"] == "single"
    assert question["choices"][0] == {"id": "under-500", "label": "Under €500", "maps_to_value": "under-500"}


def test_given_a_key_without_the_write_scope_when_the_draft_is_read_then_insufficient_scope(
    studio: Studio,
) -> None:
    reader = Key(scopes=frozenset({"configuration:read"}))

    with pytest.raises(ScopeMissing) as raised:
        studio.service.read(reader, "draft")
    with pytest.raises(UnknownConfiguration) as no_draft:
        studio.service.read(Key(), "draft")

    assert raised.value.details == {
        "required_scopes": ["configuration:read", "configuration:write"],
        "granted_scopes": ["configuration:read"],
    }
    assert no_draft.value.details == {"state": "draft"}


def test_given_a_change_when_applied_then_the_draft_holds_it_and_the_published_does_not(
    studio: Studio,
) -> None:
    applied = studio.change(RENAME)

    assert applied == {"draft_revision": 1, "applied": 1, "warnings": []}
    draft = studio.service.read(Key(), "draft")
    assert draft["draft_revision"] == 1
    assert next(q for q in draft["questions"] if q["id"] == "q_space")["text"] == "Where will it stand?"
    published = studio.service.read(Key(), "published")
    assert next(q for q in published["questions"] if q["id"] == "q_space")["text"].startswith(
        "Where will the furniture"
    )
    [event] = studio.service.audit(TENANT, AuditQuery())["events"]
    assert (event["action"], event["resource"]) == ("question.update", {"type": "question", "id": "q_space"})
    assert event["diff"]["after"] == {"id": "q_space", "text": "<text>"}  # editorial text is never copied
    assert event["actor"]["type"] == "api_key" and "pk_test" not in event["actor"]["id"]


def test_given_reads_between_changes_when_read_again_then_each_revision_is_parsed_once_and_shown_fresh(
    studio: Studio, monkeypatch: pytest.MonkeyPatch
) -> None:
    import parley.configuration.service as service_module

    parsed: list[str] = []

    def counting_parse(document: dict[str, Any]) -> Any:
        parsed.append(str(document.get("version")))
        return parse_catalog(document)

    monkeypatch.setattr(service_module, "parse_catalog", counting_parse)
    studio.change(RENAME)
    first = [studio.service.read(Key(), "draft") for _ in range(3)]
    studio.change({**RENAME, "question": {"id": "q_space", "text": "Where does it go?"}})
    second = studio.service.read(Key(), "draft")
    studio.service.questions(Key(), QuestionsQuery(state="draft"))
    studio.service.read(Key(), "published")
    studio.service.read(Key(), "published")

    texts = [next(q for q in r["questions"] if q["id"] == "q_space")["text"] for r in [*first, second]]
    assert texts == ["Where will it stand?"] * 3 + ["Where does it go?"]
    assert [r["draft_revision"] for r in [*first, second]] == [1, 1, 1, 2]
    assert "updated_at" not in second
    # revision 1 once, revision 2 once (read and questions share it), the published once
    assert len(parsed) == 3


def test_given_a_stale_expected_revision_when_changes_are_applied_then_draft_revision_mismatch(
    studio: Studio,
) -> None:
    studio.change(RENAME)

    with pytest.raises(ConfigurationInvalid) as raised:
        studio.change(RENAME, expected=0)

    [issue] = raised.value.details["issues"]
    assert (issue["code"], issue["message"]) == (
        "draft_revision_mismatch",
        "Expected revision 0, current revision 1.",
    )


def test_given_a_batch_with_a_bad_change_when_applied_then_nothing_is_stored_and_every_issue_is_named(
    studio: Studio,
) -> None:
    with pytest.raises(ConfigurationInvalid) as raised:
        studio.change(
            RENAME,
            {"entity": "question", "operation": "create", "question": {"id": "q_new", "text": "Colour?"}},
            {"entity": "dimension", "operation": "delete", "dimension": {"id": "so_nope"}},
        )

    issues = raised.value.details["issues"]
    assert [(i["code"], i["change_index"]) for i in issues] == [
        ("question_without_dimension", 1),
        ("unknown_reference", 2),
    ]
    assert studio.drafts.get(TENANT) is None  # atomic


def test_given_a_question_and_a_success_information_created_together_when_applied_then_they_are_linked(
    studio: Studio,
) -> None:
    choices = [{"id": "white", "label": "White"}, {"id": "black", "label": "Black"}]
    question = {
        "id": "q_colour",
        "text": "Which colour?",
        "type": "single_choice",
        "dimension_id": "so_preferences",
    }
    schema = {"type": "string", "enum": ["White", "Black"]}
    studio.change(
        {"entity": "question", "operation": "create", "question": {**question, "choices": choices}},
        {"entity": "success_information", "operation": "create", "success_information": {
            "id": "colour", "label": "Colour", "schema": schema, "primary_question_id": "q_colour"}},
    )  # fmt: skip

    draft = studio.service.read(Key(), "draft")
    assert {"id": "colour", "label": "Colour", "schema": {"type": "string", "enum": ["White", "Black"]},
            "primary_question_id": "q_colour"} in draft["success_informations"]  # fmt: skip
    colour = next(q for q in draft["questions"] if q["id"] == "q_colour")
    assert colour["dimension_id"] == "so_preferences" and [c["id"] for c in colour["choices"]] == [
        "white",
        "black",
    ]


def test_given_the_only_question_of_a_success_information_deleted_when_applied_then_refused(
    studio: Studio,
) -> None:
    with pytest.raises(ConfigurationInvalid) as raised:
        studio.change({"entity": "question", "operation": "delete", "question": {"id": "q_material"}})

    assert [i["code"] for i in raised.value.details["issues"]] == [
        "success_information_without_active_question"
    ]


def test_given_a_repeated_key_when_changes_are_sent_again_then_the_first_answer(studio: Studio) -> None:
    request = ConfigurationChangesRequest.model_validate({"changes": [RENAME]})

    first = studio.service.apply(Key(), "same-key-01", request, "req_1")
    again = studio.service.apply(Key(), "same-key-01", request, "req_1")

    assert first == again and studio.drafts.get(TENANT).revision == 1  # type: ignore[union-attr]
    with pytest.raises(IdempotencyKeyReused):
        studio.service.apply(
            Key(),
            "same-key-01",
            ConfigurationChangesRequest.model_validate({"changes": [RENAME], "expected_draft_revision": 1}),
            "r",
        )


# --------------------------------------------------------------------------------------------------
def test_given_a_draft_when_published_then_a_compilation_publishes_it_and_only_new_sessions_see_it(
    studio: Studio,
) -> None:
    before = studio.sessions.create(TENANT, "session-key-1", SessionCreateRequest())
    studio.change(RENAME)

    done = studio.publish_and_compile()

    assert done["status"] == "succeeded" and done["progress"] == 1.0 and done["error"] is None
    published = studio.service.read(Key(), "published")
    assert published["configuration_version"] == done["configuration_version"]
    assert next(q for q in published["questions"] if q["id"] == "q_space")["text"] == "Where will it stand?"
    after = studio.sessions.create(TENANT, "session-key-2", SessionCreateRequest())
    texts = {}
    for name, session in (("before", before), ("after", after)):
        decision = studio.sessions.next(
            TENANT, session["session_id"], f"next-{name}-1", NextRequest(state_version=0)
        )
        texts[name] = next(c["text"] for c in decision["candidates"] if c["question_id"] == "q_space")
    assert texts == {
        "before": "Where will the furniture go — a terrace, a balcony, a garden?",
        "after": "Where will it stand?",
    }
    events = {e["action"]: e for e in studio.service.audit(TENANT, AuditQuery())["events"]}
    assert set(events) == {"configuration.published", "configuration.publish_requested", "question.update"}
    # the compilation publishes on behalf of the key and request that asked for it
    published_event, requested = events["configuration.published"], events["configuration.publish_requested"]
    assert published_event["actor"] == requested["actor"] and published_event["request_id"] == "req_2"
    assert published_event["resource"] == {"type": "configuration", "id": done["configuration_version"]}


def test_given_a_compilation_in_progress_when_publishing_again_then_compilation_in_progress(
    studio: Studio,
) -> None:
    studio.change(RENAME)
    first = studio.service.publish(Key(), studio.key(), PublishRequest(), "req")

    with pytest.raises(CompilationInProgress) as raised:
        studio.service.publish(Key(), studio.key(), PublishRequest(), "req")

    assert raised.value.details == {"compilation_id": first["compilation_id"], "status": "queued"}
    assert first["status"] == "queued" and studio.queue.sent[0].compilation_id == first["compilation_id"]


def test_given_no_draft_when_publishing_then_unknown_configuration(studio: Studio) -> None:
    with pytest.raises(UnknownConfiguration):
        studio.service.publish(Key(), studio.key(), PublishRequest(), "req")
    with pytest.raises(UnknownCompilation):
        studio.service.compilation(TENANT, "cmp_nope")


def test_given_a_draft_that_no_longer_validates_when_compiled_then_the_compilation_fails_with_its_issues(
    studio: Studio,
) -> None:
    studio.change(RENAME)
    queued = studio.service.publish(Key(), studio.key(), PublishRequest(), "req")
    key = (TENANT, queued["compilation_id"])
    studio.compilations._documents[key] = '{"version": "x", "categories": {}, "questions": []}'

    failed = studio.service.compile(TENANT, queued["compilation_id"])

    assert failed is not None and failed.status == "failed"
    assert failed.error is not None and failed.error["code"] == "validation_failed"
    assert failed.error["details"][0]["code"] == "invalid_configuration"
    # the lock is released: another publication may start
    assert studio.service.publish(Key(), studio.key(), PublishRequest(), "req")["status"] == "queued"


# --------------------------------------------------------------------------------------------------
def test_given_question_filters_when_listed_then_pages_follow_the_cursor_and_csv_has_them_all(
    studio: Studio,
) -> None:
    first = studio.service.questions(Key(), QuestionsQuery(limit=5))
    assert isinstance(first, dict) and len(first["questions"]) == 5 and first["total"] == 13
    second = studio.service.questions(Key(), QuestionsQuery(limit=5, cursor=first["next_cursor"]))
    assert isinstance(second, dict) and second["questions"][0]["id"] != first["questions"][0]["id"]

    opened = studio.service.questions(Key(), QuestionsQuery(type="open"))
    assert isinstance(opened, dict) and {q["type"] for q in opened["questions"]} == {"open"}
    found = studio.service.questions(Key(), QuestionsQuery(search="BUDGET"))
    assert isinstance(found, dict) and {q["id"] for q in found["questions"]} == {
        "q_budget_range",
        "q_budget_max",
    }
    exported = studio.service.questions(Key(), QuestionsQuery(format="csv", dimension_id="so_budget"))
    assert isinstance(exported, str)
    assert exported.splitlines()[0] == "id,text,type,choices,dimension_id,active"
    assert "q_budget_range,What budget range did you have in mind for the table?,single_choice," in exported


# --------------------------------------------------------------------------------------------------
def _loaded(text: str) -> dict[str, Any]:
    """The demo catalog with q_space's text replaced, as ``load-config`` would publish it."""
    document = catalog_document(
        parse_catalog(yaml.safe_load((ROOT / "tenants/demo/catalog.yaml").read_text()))
    )
    for question in document["questions"]:
        if question["external_id"] == "q_space":
            question["text"] = text
    return document


def test_given_a_draft_when_load_config_publishes_then_the_draft_is_the_loaded_catalog_at_its_next_revision(
    studio: Studio,
) -> None:
    studio.change(RENAME)

    studio.service.publish_loaded(TENANT, _loaded("Loaded from git?"), "2.0.0")

    draft = studio.service.read(Key(), "draft")
    assert draft["draft_revision"] == 2
    assert next(q for q in draft["questions"] if q["id"] == "q_space")["text"] == "Loaded from git?"
    published = studio.service.read(Key(), "published")
    assert next(q for q in published["questions"] if q["id"] == "q_space")["text"] == "Loaded from git?"
    # an editor still holding revision 1 is told, not silently overwritten
    with pytest.raises(ConfigurationInvalid) as raised:
        studio.change(RENAME, expected=1)
    assert raised.value.details["issues"][0]["code"] == "draft_revision_mismatch"
    newest = studio.service.audit(TENANT, AuditQuery())["events"][0]
    assert (newest["action"], newest["origin"], newest["actor"]) == (
        "configuration.published",
        "admin_cli",
        {"type": "operator", "id": "parley.admin"},
    )
    assert newest["resource"]["id"] == published["configuration_version"]


def test_given_a_compilation_in_progress_when_load_config_publishes_then_refused_and_nothing_changes(
    studio: Studio,
) -> None:
    studio.change(RENAME)
    queued = studio.service.publish(Key(), studio.key(), PublishRequest(), "req")
    before = studio.service.read(Key(), "published")["configuration_version"]

    with pytest.raises(CompilationInProgress) as raised:
        studio.service.publish_loaded(TENANT, _loaded("Loaded from git?"), "2.0.0")

    assert raised.value.details["compilation_id"] == queued["compilation_id"]
    assert studio.service.read(Key(), "published")["configuration_version"] == before
    assert studio.service.read(Key(), "draft")["draft_revision"] == 1


def test_given_no_draft_when_load_config_publishes_then_none_is_created(studio: Studio) -> None:
    studio.service.publish_loaded(TENANT, _loaded("Loaded from git?"), "2.0.0")

    with pytest.raises(UnknownConfiguration):
        studio.service.read(Key(), "draft")


def test_given_a_choice_whose_value_does_not_fit_its_success_information_then_invalid_choice_mapping() -> (
    None
):
    from parley.configuration.checks import issues_of

    document = _loaded("Where will it stand?")
    for question in document["questions"]:
        if question["external_id"] == "q_seating_capacity":
            question["choices"][3]["value"] = "eight or more"  # seating_capacity is an integer ≥ 1

    _, found = issues_of(document)

    [mapping] = [i for i in found if i["code"] == "invalid_choice_mapping"]
    assert (mapping["entity"], mapping["entity_id"]) == ("question", "q_seating_capacity")
    assert "'8-plus'" in mapping["message"] and "eight or more" in mapping["message"]
    assert issues_of(_loaded("Where will it stand?"))[1] == []
