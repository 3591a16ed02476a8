"""Zelinqa's published SDK, ``zelinqa`` 1.0.1: its ``ZelinqaConfigurationClient`` against the local
gateway — read the published configuration and the draft, change a question, publish and wait for
the compilation, read the audit trail — on a tenant of its own (a copy of the demo's catalog), with
the SDK's own models validating every answer and its own typed errors for missing scopes."""

from __future__ import annotations

import shutil
import uuid
from pathlib import Path

import pytest
from zelinqa import ZelinqaClient, ZelinqaConfigurationClient
from zelinqa.errors import (
    ZelinqaAuthenticationError,
    ZelinqaConfigurationValidationError,
    ZelinqaIdempotencyKeyReusedError,
    ZelinqaInsufficientScopeError,
    ZelinqaUnknownCompilationError,
)

from tests.helpers.gateway import RunningGateway
from tests.helpers.paths import ROOT
from tests.helpers.tenants import admin_json

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def shop(gateway: RunningGateway, tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """A tenant with the demo catalog published, and keys: every scope; read only."""
    tenant_id = f"studio{uuid.uuid4().hex[:6]}"
    folder: Path = tmp_path_factory.mktemp("studio")
    shutil.copy(ROOT / "tenants/demo/catalog.yaml", folder / "catalog.yaml")
    (folder / "tenant.yaml").write_text(f"tenant_id: {tenant_id}\nname: Studio Shop\n")
    admin_json(gateway, "load-config", str(folder))
    everything = admin_json(gateway, "issue-key", tenant_id, "--test")["api_key"]
    read_only = admin_json(gateway, "issue-key", tenant_id, "--test", "--scope", "configuration:read")[
        "api_key"
    ]
    return {"tenant": tenant_id, "key": everything, "read_only": read_only, "url": gateway.url}


def test_read_change_publish_and_audit_and_only_new_sessions_see_the_change(shop: dict[str, str]) -> None:
    studio = ZelinqaConfigurationClient(api_key=shop["key"], base_url=shop["url"], max_retries=0)
    runtime = ZelinqaClient(api_key=shop["key"], base_url=shop["url"], max_retries=0)

    # read published
    published = studio.get_configuration()
    assert published.state == "published" and published.domain.name == "Studio Shop"
    assert published.configuration_version is not None and published.published_at is not None
    assert [d.id for d in published.dimensions] == ["so_need", "so_budget", "so_preferences", "so_delivery"]
    space = next(q for q in published.questions if q.id == "q_space")
    assert space.type == "single_choice" and space.dimension_id == "so_need"
    pages = list(studio.iter_questions(limit=4))
    assert len(pages) == len(published.questions)
    csv = studio.export_questions_csv(dimension_id="so_budget")
    assert csv.splitlines()[0] == "id,text,type,choices,dimension_id,active"

    # a session before the change
    before = runtime.start_session()

    # change a question in the draft, and read the draft
    changed = studio.apply_changes(
        [
            {
                "entity": "question",
                "operation": "update",
                "question": {"id": "q_space", "text": "Where will it stand?"},
            }
        ],
        expected_draft_revision=0,
    )
    assert (changed.draft_revision, changed.applied) == (1, 1)
    draft = studio.get_configuration(state="draft")
    assert draft.state == "draft" and draft.draft_revision == 1
    assert next(q for q in draft.questions if q.id == "q_space").text == "Where will it stand?"

    # a refused batch names its issues, nothing stored
    with pytest.raises(ZelinqaConfigurationValidationError) as refused:
        studio.apply_changes(
            [{"entity": "question", "operation": "delete", "question": {"id": "q_material"}}]
        )
    assert [issue.code for issue in refused.value.issues] == ["success_information_without_active_question"]

    # publish and wait
    queued = studio.publish(expected_draft_revision=1)
    assert queued.status in ("queued", "running", "succeeded")
    done = studio.wait_for_compilation(queued.compilation_id, poll_interval=0.3, timeout=60)
    assert done.status == "succeeded" and done.error is None
    assert studio.get_configuration().configuration_version == done.configuration_version
    assert done.configuration_version != published.configuration_version

    # sessions: the one created before keeps its configuration, a new one sees the change
    after = runtime.start_session()
    texts = {}
    for name, session in (("before", before), ("after", after)):
        decision = session.next(selection={"candidate_count": 10})
        texts[name] = next(c.text for c in decision.candidates if c.question_id == "q_space")
    assert texts["before"].startswith("Where will the furniture go")
    assert texts["after"] == "Where will it stand?"

    # the audit trail
    audit = studio.list_audit()
    actions = [event.action for event in audit.events]
    assert actions == [
        "configuration.published",
        "configuration.publish_requested",
        "question.update",
        "configuration.published",  # the fixture's load-config: one history for both ways in
    ]
    assert [event.origin for event in audit.events] == ["public_api"] * 3 + ["admin_cli"]


def test_a_key_without_the_scope_gets_the_sdks_typed_errors(shop: dict[str, str]) -> None:
    reader = ZelinqaConfigurationClient(api_key=shop["read_only"], base_url=shop["url"], max_retries=0)

    assert reader.get_configuration().state == "published"
    with pytest.raises(ZelinqaInsufficientScopeError) as draft:
        reader.get_configuration(state="draft")
    assert draft.value.required_scopes == ["configuration:read", "configuration:write"]
    assert draft.value.granted_scopes == ["configuration:read"]
    with pytest.raises(ZelinqaAuthenticationError) as publish:
        reader.publish()
    assert publish.value.status_code == 403


def test_a_retried_change_is_applied_once_and_a_reused_key_or_unknown_job_gets_its_typed_error(
    shop: dict[str, str],
) -> None:
    studio = ZelinqaConfigurationClient(api_key=shop["key"], base_url=shop["url"], max_retries=0)
    change = {
        "entity": "question",
        "operation": "update",
        "question": {"id": "q_style", "text": "Which style?"},
    }
    key = f"studio-{uuid.uuid4()}"

    first = studio.apply_changes([change], idempotency_key=key)
    again = studio.apply_changes([change], idempotency_key=key)

    assert again.draft_revision == first.draft_revision  # the first answer, nothing applied twice
    assert studio.get_configuration(state="draft").draft_revision == first.draft_revision
    with pytest.raises(ZelinqaIdempotencyKeyReusedError):
        studio.apply_changes(
            [{**change, "question": {"id": "q_style", "text": "What style?"}}], idempotency_key=key
        )
    with pytest.raises(ZelinqaUnknownCompilationError):
        studio.get_compilation("cmp_0000000000000000000")
