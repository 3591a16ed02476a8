"""The Zelinqa V1 configuration functions under moto, driven by their events
(events/*configuration*/, events/get_compilation/, events/compile_configuration/): read, CSV,
change, publish through the compilations queue and its function, audit."""

from __future__ import annotations

import json
from typing import Any

import pytest

from parley import admin, aws
from tests.helpers.events import load_event
from tests.helpers.http import header
from tests.helpers.paths import ROOT

NAMES = [
    "GetConfigurationFunction",
    "ListConfigurationQuestionsFunction",
    "ApplyConfigurationChangesFunction",
    "PublishConfigurationFunction",
    "GetCompilationFunction",
    "ListConfigurationAuditFunction",
    "CompileConfigurationFunction",
]


@pytest.fixture
def functions(moto_resources, load_function, capsys) -> dict[str, Any]:
    where = ["--tenants-table", moto_resources.tables["TenantsTable"]]
    assert admin.main([*where, "load-config", str(ROOT / "tenants/demo")]) == 0
    capsys.readouterr()
    return {name: load_function(name) for name in NAMES}


def _call(module: Any, event: dict[str, Any], context: Any) -> tuple[int, Any, dict[str, Any]]:
    response = module.lambda_handler(event, context)
    content_type = header(response, "Content-Type") or ""
    body = json.loads(response["body"]) if "json" in content_type else response["body"]
    return response["statusCode"], body, response


def test_read_change_publish_compile_and_audit(functions, lambda_context, moto_resources) -> None:
    status, published, _ = _call(
        functions["GetConfigurationFunction"], load_event("get_configuration/published.json"), lambda_context
    )
    assert status == 200 and published["state"] == "published" and published["domain"]["name"]
    status, page, _ = _call(
        functions["ListConfigurationQuestionsFunction"],
        load_event("list_configuration_questions/page.json"),
        lambda_context,
    )
    assert (
        status == 200
        and len(page["questions"]) == 5
        and {q["type"] for q in page["questions"]} == {"single_choice"}
    )
    status, csv, response = _call(
        functions["ListConfigurationQuestionsFunction"],
        load_event("list_configuration_questions/csv.json"),
        lambda_context,
    )
    assert status == 200 and header(response, "Content-Type").startswith("text/csv")
    assert csv.splitlines()[1].startswith("q_budget_range,")

    status, changed, _ = _call(
        functions["ApplyConfigurationChangesFunction"],
        load_event("apply_configuration_changes/rename_question.json"),
        lambda_context,
    )
    assert (status, changed["draft_revision"]) == (200, 1)
    status, queued, _ = _call(
        functions["PublishConfigurationFunction"], load_event("publish_configuration/ok.json"), lambda_context
    )
    assert status == 202 and queued["status"] == "queued"

    # The compilations queue holds the publication; its function compiles it.
    sqs = aws.client("sqs")
    [message] = sqs.receive_message(
        QueueUrl=moto_resources.queues["CompilationsQueue"], MaxNumberOfMessages=10
    )["Messages"]
    event = load_event("compile_configuration/one_compilation.json")
    event["Records"][0]["body"] = message["Body"]
    assert functions["CompileConfigurationFunction"].lambda_handler(event, lambda_context) == {
        "batchItemFailures": []
    }

    compilation = load_event("get_compilation/ok.json")
    compilation["pathParameters"] = {"compilation_id": queued["compilation_id"]}
    status, done, _ = _call(functions["GetCompilationFunction"], compilation, lambda_context)
    assert (
        status == 200 and done["status"] == "succeeded" and done["configuration_version"].startswith("cfg_")
    )
    _, republished, _ = _call(
        functions["GetConfigurationFunction"], load_event("get_configuration/published.json"), lambda_context
    )
    assert republished["configuration_version"] == done["configuration_version"]
    assert next(q for q in republished["questions"] if q["id"] == "q_space")["text"] == "Where will it stand?"

    status, audit, _ = _call(
        functions["ListConfigurationAuditFunction"],
        load_event("list_configuration_audit/ok.json"),
        lambda_context,
    )
    assert status == 200
    assert [e["action"] for e in audit["events"]] == [
        "configuration.published",
        "configuration.publish_requested",
        "question.update",
        "configuration.published",  # the catalog load-config put there first
    ]


def test_the_draft_needs_the_write_scope_and_is_unknown_before_any_change(functions, lambda_context) -> None:
    reader = load_event("get_configuration/draft.json")
    reader["requestContext"]["authorizer"]["scopes"] = "configuration:read"

    status, refused, _ = _call(functions["GetConfigurationFunction"], reader, lambda_context)
    status_missing, missing, _ = _call(
        functions["GetConfigurationFunction"], load_event("get_configuration/draft.json"), lambda_context
    )

    assert status == 403 and refused["code"] == "insufficient_scope"
    assert refused["details"] == {
        "required_scopes": ["configuration:read", "configuration:write"],
        "granted_scopes": ["configuration:read"],
    }
    assert (
        status_missing == 404
        and missing["code"] == "unknown_configuration"
        and missing["details"] == {"state": "draft"}
    )


def test_an_api_change_exports_as_yaml_that_load_config_publishes_as_the_same_configuration(
    functions, lambda_context, moto_resources, capsys, tmp_path
) -> None:
    # Given a change applied and published through the API
    _call(
        functions["ApplyConfigurationChangesFunction"],
        load_event("apply_configuration_changes/rename_question.json"),
        lambda_context,
    )
    status, _, _ = _call(
        functions["PublishConfigurationFunction"], load_event("publish_configuration/ok.json"), lambda_context
    )
    assert status == 202
    _compile_pending(functions, lambda_context, moto_resources)
    status, published, _ = _call(
        functions["GetConfigurationFunction"], load_event("get_configuration/published.json"), lambda_context
    )
    where = ["--tenants-table", moto_resources.tables["TenantsTable"]]

    # When it is exported and the export loaded back (as a tenant keeping it in git would)
    capsys.readouterr()  # (the functions' metrics lines)
    assert admin.main([*where, "export-config", "demo"]) == 0
    exported = capsys.readouterr().out
    assert "Where will it stand?" in exported
    folder = tmp_path / "demo"
    folder.mkdir()
    (folder / "catalog.yaml").write_text(exported)
    (folder / "tenant.yaml").write_text("tenant_id: demo\nname: Terrace & Table\n")
    assert admin.main([*where, "load-config", str(folder)]) == 0
    capsys.readouterr()

    # Then it is the very configuration the API published, and the draft follows what is published
    status, reloaded, _ = _call(
        functions["GetConfigurationFunction"], load_event("get_configuration/published.json"), lambda_context
    )
    assert reloaded["configuration_version"] == published["configuration_version"]
    status, draft, _ = _call(
        functions["GetConfigurationFunction"], load_event("get_configuration/draft.json"), lambda_context
    )
    assert status == 200 and draft["draft_revision"] == 2


def test_load_config_is_refused_while_a_compilation_runs(
    functions, lambda_context, moto_resources, capsys
) -> None:
    _call(
        functions["ApplyConfigurationChangesFunction"],
        load_event("apply_configuration_changes/rename_question.json"),
        lambda_context,
    )
    _call(
        functions["PublishConfigurationFunction"], load_event("publish_configuration/ok.json"), lambda_context
    )
    where = ["--tenants-table", moto_resources.tables["TenantsTable"]]

    code = admin.main([*where, "load-config", str(ROOT / "tenants/demo")])

    assert code == 1 and "compilation" in capsys.readouterr().err


def _compile_pending(functions: dict[str, Any], context: Any, moto_resources: Any) -> None:
    """Hand the compilations queue's messages to its function, as the event source mapping does."""
    sqs = aws.client("sqs")
    for message in sqs.receive_message(
        QueueUrl=moto_resources.queues["CompilationsQueue"], MaxNumberOfMessages=10
    )["Messages"]:
        event = load_event("compile_configuration/one_compilation.json")
        event["Records"][0]["body"] = message["Body"]
        assert functions["CompileConfigurationFunction"].lambda_handler(event, context) == {
            "batchItemFailures": []
        }


def test_a_second_publication_while_one_is_queued_is_409_with_retry_after(functions, lambda_context) -> None:
    _call(
        functions["ApplyConfigurationChangesFunction"],
        load_event("apply_configuration_changes/rename_question.json"),
        lambda_context,
    )
    status, queued, _ = _call(
        functions["PublishConfigurationFunction"], load_event("publish_configuration/ok.json"), lambda_context
    )
    again = load_event("publish_configuration/ok.json")
    again["headers"]["Idempotency-Key"] = "another-publication-key"

    status, refused, response = _call(functions["PublishConfigurationFunction"], again, lambda_context)

    assert status == 409 and refused["code"] == "compilation_in_progress"
    assert refused["details"] == {"compilation_id": queued["compilation_id"], "status": "queued"}
    assert header(response, "Retry-After") == "2"
