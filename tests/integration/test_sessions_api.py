"""The Zelinqa V1 session functions under moto, driven by their events (events/*session*/): the
envelope of their problems, idempotency through Powertools, state versions in DynamoDB."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from parley import admin
from tests.helpers.events import load_event
from tests.helpers.http import header
from tests.helpers.paths import ROOT


@pytest.fixture
def functions(moto_resources, load_function, capsys) -> dict[str, Any]:
    where = ["--tenants-table", moto_resources.tables["TenantsTable"]]
    assert admin.main([*where, "load-config", str(ROOT / "tenants/demo")]) == 0
    capsys.readouterr()
    names = ["CreateSessionFunction", "NextSessionQuestionsFunction", "ApplySessionEventsFunction",
             "GetSessionFunction", "SubmitSessionFeedbackFunction"]  # fmt: skip
    return {name: load_function(name) for name in names}


def _call(module: Any, event: dict[str, Any], context: Any) -> tuple[int, dict[str, Any], dict[str, Any]]:
    response = module.lambda_handler(event, context)
    return response["statusCode"], json.loads(response["body"]), response


def _for_session(case: str, session_id: str) -> dict[str, Any]:
    event = load_event(case)
    event["pathParameters"] = {"session_id": session_id}
    event["path"] = event["path"].replace("ses_0123456789abcdef01234567", session_id)
    return event


def test_a_session_created_decided_updated_read_and_given_feedback(functions, lambda_context) -> None:
    status, created, _ = _call(
        functions["CreateSessionFunction"], load_event("create_session/ok.json"), lambda_context
    )
    assert status == 201 and created["client_reference"] == "crm-lead-8842" and created["max_turns"] == 12
    session_id = created["session_id"]

    status, decision, _ = _call(
        functions["NextSessionQuestionsFunction"],
        _for_session("next_session_questions/first_turn.json", session_id),
        lambda_context,
    )
    assert status == 200 and decision["action"] == "ask" and decision["request_id"].startswith("req_")
    status, answered, _ = _call(
        functions["NextSessionQuestionsFunction"],
        _for_session("next_session_questions/free_text_answer.json", session_id),
        lambda_context,
    )
    assert status == 200 and answered["turn_count"] == 1
    status, updated, _ = _call(
        functions["ApplySessionEventsFunction"],
        _for_session("apply_session_events/client_data.json", session_id),
        lambda_context,
    )
    assert status == 200 and updated["targets"]["budget"]["status"] == "confirmed"
    status, read, _ = _call(
        functions["GetSessionFunction"], _for_session("get_session/ok.json", session_id), lambda_context
    )
    assert status == 200 and read["versions"]["state_version"] == 3
    assert read["targets"]["product_type"]["value"] == "Dining table"
    status, feedback, _ = _call(
        functions["SubmitSessionFeedbackFunction"],
        _for_session("submit_session_feedback/success.json", session_id),
        lambda_context,
    )
    assert status == 202 and feedback["session_id"] == session_id


def test_a_replayed_create_answers_the_first_session_and_another_body_is_409(
    functions, lambda_context
) -> None:
    create = functions["CreateSessionFunction"]
    _, first, _ = _call(create, load_event("create_session/ok.json"), lambda_context)
    _, again, _ = _call(create, load_event("create_session/ok.json"), lambda_context)
    other = load_event("create_session/ok.json")
    other["body"] = json.dumps({"client_reference": "someone-else"})
    status, problem, response = _call(create, other, lambda_context)

    assert again["session_id"] == first["session_id"]
    assert status == 409 and header(response, "Content-Type") == "application/problem+json"
    assert (problem["code"], problem["details"]) == (
        "idempotency_key_reused",
        {"idempotency_key": "create-session-8842"},
    )
    assert problem["type"].endswith("/idempotency_key_reused") and problem["message"] == problem["detail"]


def test_problems_carry_the_v1_envelope(functions, lambda_context) -> None:
    status, missing_key, _ = _call(
        functions["CreateSessionFunction"],
        load_event("create_session/missing_idempotency_key.json"),
        lambda_context,
    )
    status_unknown, unknown, _ = _call(
        functions["GetSessionFunction"], _for_session("get_session/ok.json", "ses_nope"), lambda_context
    )

    assert status == 422 and missing_key["code"] == "validation_failed"
    assert missing_key["details"]["errors"][0]["loc"] == ["header", "Idempotency-Key"]
    assert status_unknown == 404
    assert {k: unknown[k] for k in ("code", "details", "status")} == {
        "code": "unknown_session", "details": {"session_id": "ses_nope"}, "status": 404,
    }  # fmt: skip


def test_given_a_mutation_still_running_when_the_same_key_arrives_then_503_idempotency_contention(
    functions, load_function, lambda_context, monkeypatch
) -> None:
    from parley.sessions.repository import DynamoSessionStore

    _, created, _ = _call(
        functions["CreateSessionFunction"], load_event("create_session/ok.json"), lambda_context
    )
    event = _for_session("next_session_questions/first_turn.json", created["session_id"])
    # Given another container of the same function, on the same tables, that receives the same
    # request (same Idempotency-Key, same body) while the first one is reading the session — that
    # is, while the first holds the key's in-progress record
    other_container = load_function("NextSessionQuestionsFunction")
    contended: list[tuple[int, dict[str, Any], dict[str, Any]]] = []
    read_session = DynamoSessionStore.get

    def read_while_the_same_key_arrives(store: DynamoSessionStore, tenant_id: str, session_id: str) -> Any:
        if not contended:
            contended.append(_call(other_container, copy.deepcopy(event), lambda_context))
        return read_session(store, tenant_id, session_id)

    monkeypatch.setattr(DynamoSessionStore, "get", read_while_the_same_key_arrives)
    status, first, _ = _call(functions["NextSessionQuestionsFunction"], copy.deepcopy(event), lambda_context)
    monkeypatch.setattr(DynamoSessionStore, "get", read_session)

    # Then the second gets the contract's contention answer, which Zelinqa's SDK retries after 1 s …
    [(contended_status, problem, response)] = contended
    assert contended_status == 503
    assert header(response, "Content-Type") == "application/problem+json"
    assert header(response, "Retry-After") == "1"
    assert (problem["code"], problem["status"]) == ("idempotency_contention", 503)
    assert problem["type"].endswith("/idempotency_contention") and problem["message"] == problem["detail"]
    assert problem["details"] == {"idempotency_key": "next-turn-0001", "retry_after_seconds": 1}
    # … the first completes, and the retry with the same key gets its answer: nothing done twice
    assert status == 200 and first["versions"]["state_version"] == 1
    retry_status, retried, _ = _call(other_container, copy.deepcopy(event), lambda_context)
    assert retry_status == 200 and retried["decision_id"] == first["decision_id"]
    _, state, _ = _call(
        functions["GetSessionFunction"],
        _for_session("get_session/ok.json", created["session_id"]),
        lambda_context,
    )
    assert state["versions"]["state_version"] == 1
    assert state["pending_decision"]["decision_id"] == first["decision_id"]
