"""Tenant isolation over HTTP: another tenant's key never reaches the demo tenant's data.

Every route of template.yaml that is behind the authorizer has a check here (the route list is
read from the template, so a new route without one fails). Another tenant asking for the demo
tenant's ids gets the same 404 as for an id that does not exist — never a 403, which would say the
id exists — and its writes under the same ids land in its own space.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
import requests
from samcli.yamlhelper import yaml_parse

from tests.helpers.gateway import RunningGateway
from tests.helpers.paths import TEMPLATE_PATH as TEMPLATE
from tests.helpers.tenants import tenant_with_key

pytestmark = pytest.mark.e2e

TIMEOUT = 30
TURN_PATH = "/c/furniture-shop/web-en-US"


@dataclass(frozen=True)
class World:
    gateway: RunningGateway
    demo_key: str
    other_key: str
    conversation_id: str
    session_id: str
    idempotency_key: str
    demo_conversion_id: str
    conversation_idempotency_key: str

    def call(self, method: str, path: str, key: str, **kwargs: Any) -> requests.Response:
        headers = {"Authorization": f"Bearer {key}", **kwargs.pop("headers", {})}
        return requests.request(
            method, f"{self.gateway.url}{path}", headers=headers, timeout=TIMEOUT, **kwargs
        )


def protected_routes() -> set[tuple[str, str]]:
    """(METHOD, path) of every API route that goes through the authorizer."""
    template = yaml_parse(TEMPLATE.read_text(encoding="utf-8"))
    routes = set()
    for resource in template["Resources"].values():
        if resource.get("Type") != "AWS::Serverless::Function":
            continue
        for event in (resource["Properties"].get("Events") or {}).values():
            properties = event.get("Properties", {})
            if event.get("Type") == "Api" and (properties.get("Auth") or {}).get("Authorizer") != "NONE":
                routes.add((str(properties["Method"]).upper(), str(properties["Path"])))
    return routes


@pytest.fixture(scope="module")
def world(gateway: RunningGateway) -> World:
    assert gateway.demo_key
    demo = gateway.demo_key
    other = tenant_with_key(gateway, f"acme{uuid.uuid4().hex[:6]}", "Acme Outdoor")
    url = gateway.url
    auth = {"Authorization": f"Bearer {demo}"}
    conversation_key = f"idem-{uuid.uuid4()}"
    created = requests.post(
        f"{url}/api/v1/conversations",
        json={
            "promptId": "isolation",
            "content": "User: I need a teak table\nAssistant: For how many people?",
            "status": "completed",
            "idempotencyKey": conversation_key,
        },
        headers=auth,
        timeout=TIMEOUT,
    )
    assert created.status_code == 200, created.text
    session = f"isolation-{uuid.uuid4().hex[:8]}"
    asked = requests.post(
        f"{url}/v1/next-questions",
        json={"session_id": session, "context": "An outdoor table for the terrace."},
        headers=auth,
        timeout=TIMEOUT,
    )
    assert asked.status_code == 200, asked.text
    idempotency_key = str(uuid.uuid4())
    converted = requests.post(
        f"{url}/v1/sessions/{session}/conversion",
        json={"outcome": "purchase"},
        headers={**auth, "Idempotency-Key": idempotency_key},
        timeout=TIMEOUT,
    )
    assert converted.status_code == 202, converted.text
    return World(
        gateway,
        demo,
        other,
        created.json()["id"],
        session,
        idempotency_key,
        converted.json()["conversion_id"],
        conversation_key,
    )


def _same_404_as_unknown(world: World, method: str, path_of: Callable[[str], str], **kwargs: Any) -> None:
    """The other tenant's answer for the demo tenant's id is the answer for an unknown id."""
    unknown = "conv_" + uuid.uuid4().hex[:24]
    theirs = world.call(method, path_of(world.conversation_id), world.other_key, **kwargs)
    nobody = world.call(method, path_of(unknown), world.other_key, **kwargs)

    assert theirs.status_code == 404, theirs.text
    assert theirs.headers["Content-Type"].startswith("application/problem+json")
    assert _without_ids(theirs.json(), world.conversation_id) == _without_ids(nobody.json(), unknown)
    assert "Retry-After" not in theirs.headers


def _without_ids(problem: dict[str, Any], conversation_id: str) -> dict[str, Any]:
    return {
        key: value.replace(conversation_id, "<id>") if isinstance(value, str) else value
        for key, value in problem.items()
        if key != "request_id"
    }


def _demo_conversation(world: World) -> dict[str, Any]:
    response = world.call("GET", f"/api/v1/conversations/{world.conversation_id}", world.demo_key)
    assert response.status_code == 200, response.text
    return response.json()


def _conversions(world: World, tenant_id: str, session_id: str | None = None) -> list[dict[str, Any]]:
    return world.gateway.client("dynamodb").query(
        TableName=world.gateway.state["tables"]["SessionsTable"],
        KeyConditionExpression="pk = :pk AND begins_with(sk, :c)",
        ExpressionAttributeValues={
            ":pk": {"S": f"TENANT#{tenant_id}#NBQ#{session_id or world.session_id}"},
            ":c": {"S": "CONVERSION#"},
        },
        ConsistentRead=True,
    )["Items"]


def _session_calls(world: World) -> int:
    item = world.gateway.client("dynamodb").get_item(
        TableName=world.gateway.state["tables"]["SessionsTable"],
        Key={"pk": {"S": f"TENANT#demo#NBQ#{world.session_id}"}, "sk": {"S": "SESSION"}},
        ConsistentRead=True,
    )["Item"]
    return int(item["calls"]["N"])


def _other_tenant(world: World) -> str:
    usage = world.call("GET", "/v1/usage", world.other_key)
    assert usage.status_code == 200, usage.text
    return str(usage.json()["tenant_id"])


# ---- one check per protected route ------------------------------------------------------------
def check_get_conversation(world: World) -> None:
    _same_404_as_unknown(world, "GET", lambda cid: f"/api/v1/conversations/{cid}")


def check_get_insights(world: World) -> None:
    # Never the "pending" 404 (insightsStatus, Retry-After) the owner would get: that says it exists.
    _same_404_as_unknown(world, "GET", lambda cid: f"/api/v1/conversations/{cid}/insights")


def check_append_messages(world: World) -> None:
    before = _demo_conversation(world)
    _same_404_as_unknown(
        world,
        "POST",
        lambda cid: f"/api/v1/conversations/{cid}/messages",
        json={"messages": [{"role": "user", "content": "injected"}]},
    )
    assert _demo_conversation(world)["messages"] == before["messages"]


def check_list_conversations(world: World) -> None:
    theirs = world.call("GET", "/api/v1/conversations", world.other_key, params={"limit": 100})
    assert theirs.status_code == 200, theirs.text
    assert world.conversation_id not in {c["id"] for c in theirs.json()["data"]}
    filtered = world.call(
        "GET", "/api/v1/conversations", world.other_key, params={"promptId": "isolation", "limit": 100}
    )
    assert filtered.json()["data"] == [] and filtered.json()["pagination"]["total"] == 0


def check_create_conversation(world: World) -> None:
    # The demo tenant's idempotency key, used by another tenant, is not a replay of its conversation.
    theirs = world.call(
        "POST",
        "/api/v1/conversations",
        world.other_key,
        json={
            "promptId": "isolation",
            "content": "User: hello",
            "status": "active",
            "idempotencyKey": world.conversation_idempotency_key,
        },
    )
    assert theirs.status_code == 200, theirs.text
    assert theirs.json()["id"] != world.conversation_id
    assert "Idempotent-Replayed" not in theirs.headers
    assert (
        world.call("GET", f"/api/v1/conversations/{theirs.json()['id']}", world.demo_key).status_code == 404
    )


def check_usage(world: World) -> None:
    theirs = world.call("GET", "/v1/usage", world.other_key).json()
    assert theirs["tenant_id"] != "demo"
    assert theirs["total_sessions"] == 0
    assert not theirs["key_prefix"].startswith("pk_test_demo")


def check_next_questions(world: World) -> None:
    calls = _session_calls(world)
    theirs = world.call(
        "POST",
        "/v1/next-questions",
        world.other_key,
        json={"session_id": world.session_id, "context": "An outdoor table."},
    )
    # Its own tenant has no catalog: 404, and the demo tenant's session is untouched.
    assert theirs.status_code == 404, theirs.text
    assert "catalog" in theirs.json()["detail"]
    assert _session_calls(world) == calls


def check_record_conversion(world: World) -> None:
    # Conversions are write-only by session id: another tenant recording one for the same session
    # id and the same Idempotency-Key gets its own conversion, stored under its own tenant.
    theirs = world.call(
        "POST",
        f"/v1/sessions/{world.session_id}/conversion",
        world.other_key,
        json={"outcome": "purchase"},
        headers={"Idempotency-Key": world.idempotency_key},
    )
    assert theirs.status_code == 202, theirs.text
    assert theirs.json()["conversion_id"] != world.demo_conversion_id
    demo_items = _conversions(world, "demo")
    assert [item["sk"]["S"] for item in demo_items] == [f"CONVERSION#{world.demo_conversion_id}"]
    other_items = _conversions(world, _other_tenant(world))
    assert [item["sk"]["S"] for item in other_items] == [f"CONVERSION#{theirs.json()['conversion_id']}"]


def check_process_turn(world: World) -> None:
    theirs = requests.post(
        f"{world.gateway.url}{TURN_PATH}",
        json={"request": {"unstructured": {"text": "I need a garden table"}}},
        headers={"nlx-api-key": world.other_key},
        timeout=TIMEOUT,
    )
    assert theirs.status_code == 404, theirs.text
    assert theirs.headers["Content-Type"].startswith("application/problem+json")
    assert "deployment" in theirs.json()["detail"].lower()


def check_update_context(world: World) -> None:
    # Given a chat of the demo tenant whose id the other tenant knows
    chat = f"chat-{uuid.uuid4()}"
    demo = {"nlx-api-key": world.demo_key, "nlx-conversation-id": chat}
    mine = requests.post(
        f"{world.gateway.url}{TURN_PATH}/context",
        json={"context": {"cart": 1}},
        headers=demo,
        timeout=TIMEOUT,
    )
    assert mine.status_code == 200, mine.text

    # When the other tenant sets context on that id, it meets no deployment of its own
    theirs = requests.post(
        f"{world.gateway.url}{TURN_PATH}/context",
        json={"context": {"injected": True}},
        headers={"nlx-api-key": world.other_key, "nlx-conversation-id": chat},
        timeout=TIMEOUT,
    )
    assert theirs.status_code == 404, theirs.text
    assert "deployment" in theirs.json()["detail"].lower()

    # And the demo chat's context is only the demo's
    again = requests.post(
        f"{world.gateway.url}{TURN_PATH}/context",
        json={"context": {"cart": 2}},
        headers=demo,
        timeout=TIMEOUT,
    )
    assert again.json()["context"] == {"cart": 2}


def check_request_token(world: World) -> None:
    # Voice is offered to nobody: the other tenant learns nothing about the demo's deployment
    theirs = requests.post(
        f"{world.gateway.url}{TURN_PATH}/requestToken",
        json={"requestToken": True},
        headers={"nlx-api-key": world.other_key},
        timeout=TIMEOUT,
    )
    assert theirs.status_code == 403, theirs.text
    assert theirs.json()["type"].endswith("/not_offered")


# ---- Converra's runs API: the same conversations, so the same isolation -------------------------
def check_get_run(world: World) -> None:
    _same_404_as_unknown(world, "GET", lambda cid: f"/api/v1/runs/{cid}")


def check_get_run_insights(world: World) -> None:
    # Never the `pending` lifecycle answer the owner gets (a 200 would say the run exists).
    _same_404_as_unknown(world, "GET", lambda cid: f"/api/v1/runs/{cid}/insights")


def check_append_run_messages(world: World) -> None:
    before = _demo_conversation(world)
    _same_404_as_unknown(
        world,
        "POST",
        lambda cid: f"/api/v1/runs/{cid}/messages",
        json={"messages": [{"role": "user", "content": "injected"}], "sessionId": "hijack"},
    )
    after = _demo_conversation(world)
    assert after["messages"] == before["messages"]
    assert after["metadata"] == before["metadata"]


def check_list_runs(world: World) -> None:
    theirs = world.call("GET", "/api/v1/runs", world.other_key, params={"limit": 100})
    assert theirs.status_code == 200, theirs.text
    assert world.conversation_id not in {run["id"] for run in theirs.json()["data"]}
    filtered = world.call("GET", "/api/v1/runs", world.other_key, params={"agentId": "isolation"})
    assert filtered.json()["data"] == [] and filtered.json()["pagination"]["total"] == 0


def check_create_run(world: World) -> None:
    # A run the demo tenant created with an idempotency key: the same key, used by another tenant,
    # is not a replay of it, and neither tenant can read the other's run.
    key = f"idem-{uuid.uuid4()}"
    body = {"agentName": "isolation", "messages": [{"role": "user", "content": "hello"}], "status": "active"}
    mine = world.call("POST", "/api/v1/runs", world.demo_key, json={**body, "idempotencyKey": key})
    theirs = world.call("POST", "/api/v1/runs", world.other_key, json={**body, "idempotencyKey": key})

    assert mine.status_code == theirs.status_code == 200, theirs.text
    assert theirs.json()["data"]["id"] != mine.json()["data"]["id"]
    assert "Idempotent-Replayed" not in theirs.headers
    assert world.call("GET", f"/api/v1/runs/{theirs.json()['data']['id']}", world.demo_key).status_code == 404
    assert world.call("GET", f"/api/v1/runs/{mine.json()['data']['id']}", world.other_key).status_code == 404


def _same_answer_for_both_tenants(world: World, method: str, path: str, **kwargs: Any) -> dict[str, Any]:
    """Routes computed from the request alone: another tenant gets exactly the demo tenant's answer,
    so none can carry a tenant's data."""
    mine = world.call(method, path, world.demo_key, **kwargs)
    theirs = world.call(method, path, world.other_key, **kwargs)
    assert mine.status_code == theirs.status_code == 200, theirs.text
    assert {k: v for k, v in theirs.json().items() if k != "request_id"} == {
        k: v for k, v in mine.json().items() if k != "request_id"
    }
    return dict(theirs.json()["data"])


def check_sdk_config(world: World) -> None:
    config = _same_answer_for_both_tenants(world, "GET", "/api/v1/sdk/config")
    assert config["agentHashes"] == {} and config["activeOptimizations"] == []


def check_match_agent(world: World) -> None:
    agent = _same_answer_for_both_tenants(
        world, "POST", "/api/v1/sdk/agents/match", json={"content": "You are the isolation test's agent."}
    )
    assert agent["agentId"].startswith("agent_")


def check_active_variant(world: World) -> None:
    assignment = _same_answer_for_both_tenants(world, "GET", "/api/v1/sdk/agents/isolation/active-variant")
    assert assignment["assignment"] == "baseline"


def _v1_session(world: World) -> tuple[str, str]:
    """A Zelinqa V1 session of the demo tenant (its id and the key that created it)."""
    key = f"isolation-{uuid.uuid4()}"
    created = world.call("POST", "/v1/sessions", world.demo_key, json={}, headers={"Idempotency-Key": key})
    assert created.status_code == 201, created.text
    return created.json()["session_id"], key


def _unknown_session(response: requests.Response, session_id: str) -> None:
    assert response.status_code == 404, response.text
    assert response.json()["code"] == "unknown_session"
    assert response.json()["details"] == {"session_id": session_id}


def check_create_session(world: World) -> None:
    # The same Idempotency-Key under another tenant is another tenant's call: never the demo's
    # session replayed (the other tenant has no catalog published, so it gets none).
    session_id, key = _v1_session(world)
    theirs = world.call("POST", "/v1/sessions", world.other_key, json={}, headers={"Idempotency-Key": key})
    assert theirs.status_code == 410, theirs.text
    assert session_id not in theirs.text


def check_next_session_questions(world: World) -> None:
    session_id, _ = _v1_session(world)
    theirs = world.call(
        "POST",
        f"/v1/sessions/{session_id}/next",
        world.other_key,
        json={"state_version": 0},
        headers={"Idempotency-Key": f"iso-{uuid.uuid4()}"},
    )
    _unknown_session(theirs, session_id)


def check_apply_session_events(world: World) -> None:
    session_id, _ = _v1_session(world)
    theirs = world.call(
        "POST",
        f"/v1/sessions/{session_id}/events",
        world.other_key,
        json={"state_version": 0, "client_updates": {"data": [{"id": "budget", "value": "x"}]}},
        headers={"Idempotency-Key": f"iso-{uuid.uuid4()}"},
    )
    _unknown_session(theirs, session_id)
    mine = world.call("GET", f"/v1/sessions/{session_id}", world.demo_key)
    assert mine.json()["targets"] == {} and mine.json()["versions"]["state_version"] == 0


def check_get_session(world: World) -> None:
    session_id, _ = _v1_session(world)
    _unknown_session(world.call("GET", f"/v1/sessions/{session_id}", world.other_key), session_id)


def check_submit_session_feedback(world: World) -> None:
    session_id, _ = _v1_session(world)
    theirs = world.call(
        "POST",
        f"/v1/sessions/{session_id}/feedback",
        world.other_key,
        json={"result": "failure"},
        headers={"Idempotency-Key": f"iso-{uuid.uuid4()}"},
    )
    _unknown_session(theirs, session_id)
    assert _conversions(world, "demo", session_id) == []


def _config_call(world: World, method: str, path: str, key: str, **kwargs: Any) -> requests.Response:
    headers = {"Idempotency-Key": f"iso-{uuid.uuid4()}"} if method == "POST" else {}
    return world.call(method, path, key, headers=headers, **kwargs)


def _demo_compilation(world: World) -> str:
    """A demo publication that changes nothing (the objective's own name, set again)."""
    published = _config_call(world, "GET", "/v1/configuration", world.demo_key).json()
    name = published["objective"]["name"]
    change = {"entity": "objective", "operation": "update", "objective": {"name": name}}
    assert _config_call(
        world, "POST", "/v1/configuration/changes", world.demo_key, json={"changes": [change]}
    ).ok
    queued = _config_call(world, "POST", "/v1/configuration/publish", world.demo_key, json={})
    assert queued.status_code in (202, 409), queued.text
    return str(queued.json().get("compilation_id") or queued.json()["details"]["compilation_id"])


def check_get_configuration(world: World) -> None:
    theirs = _config_call(world, "GET", "/v1/configuration", world.other_key)
    assert theirs.status_code == 404 and theirs.json()["code"] == "unknown_configuration", theirs.text
    assert "q_budget_range" not in theirs.text


def check_list_configuration_questions(world: World) -> None:
    theirs = _config_call(world, "GET", "/v1/configuration/questions", world.other_key)
    assert theirs.status_code == 404 and theirs.json()["code"] == "unknown_configuration", theirs.text


def check_apply_configuration_changes(world: World) -> None:
    rename = {"entity": "question", "operation": "update", "question": {"id": "q_space", "text": "Stolen?"}}
    theirs = _config_call(
        world, "POST", "/v1/configuration/changes", world.other_key, json={"changes": [rename]}
    )
    assert theirs.status_code == 404, theirs.text
    demo = _config_call(world, "GET", "/v1/configuration/questions?search=Stolen", world.demo_key).json()
    assert demo["questions"] == []


def check_publish_configuration(world: World) -> None:
    theirs = _config_call(world, "POST", "/v1/configuration/publish", world.other_key, json={})
    assert theirs.status_code == 404 and theirs.json()["details"] == {"state": "draft"}, theirs.text


def check_get_compilation(world: World) -> None:
    compilation_id = _demo_compilation(world)
    theirs = _config_call(world, "GET", f"/v1/configuration/compilations/{compilation_id}", world.other_key)
    assert theirs.status_code == 404 and theirs.json()["code"] == "unknown_compilation", theirs.text


def check_list_configuration_audit(world: World) -> None:
    _demo_compilation(world)
    theirs = _config_call(world, "GET", "/v1/configuration/audit", world.other_key)
    assert theirs.status_code == 200 and theirs.json()["events"] == [], theirs.text


CHECKS: dict[tuple[str, str], Callable[[World], None]] = {
    ("GET", "/api/v1/conversations/{id}"): check_get_conversation,
    ("GET", "/api/v1/conversations/{id}/insights"): check_get_insights,
    ("POST", "/api/v1/conversations/{id}/messages"): check_append_messages,
    ("GET", "/api/v1/conversations"): check_list_conversations,
    ("POST", "/api/v1/conversations"): check_create_conversation,
    ("GET", "/api/v1/runs/{id}"): check_get_run,
    ("GET", "/api/v1/runs/{id}/insights"): check_get_run_insights,
    ("POST", "/api/v1/runs/{id}/messages"): check_append_run_messages,
    ("GET", "/api/v1/runs"): check_list_runs,
    ("POST", "/api/v1/runs"): check_create_run,
    ("GET", "/api/v1/sdk/config"): check_sdk_config,
    ("POST", "/api/v1/sdk/agents/match"): check_match_agent,
    ("GET", "/api/v1/sdk/agents/{id}/active-variant"): check_active_variant,
    ("GET", "/v1/usage"): check_usage,
    ("POST", "/v1/next-questions"): check_next_questions,
    ("POST", "/v1/sessions/{session_id}/conversion"): check_record_conversion,
    ("POST", "/v1/sessions"): check_create_session,
    ("POST", "/v1/sessions/{session_id}/next"): check_next_session_questions,
    ("POST", "/v1/sessions/{session_id}/events"): check_apply_session_events,
    ("GET", "/v1/sessions/{session_id}"): check_get_session,
    ("POST", "/v1/sessions/{session_id}/feedback"): check_submit_session_feedback,
    ("GET", "/v1/configuration"): check_get_configuration,
    ("GET", "/v1/configuration/questions"): check_list_configuration_questions,
    ("POST", "/v1/configuration/changes"): check_apply_configuration_changes,
    ("POST", "/v1/configuration/publish"): check_publish_configuration,
    ("GET", "/v1/configuration/compilations/{compilation_id}"): check_get_compilation,
    ("GET", "/v1/configuration/audit"): check_list_configuration_audit,
    ("POST", "/c/{deploymentKey}/{channelKey}"): check_process_turn,
    ("POST", "/c/{deploymentKey}/{channelKey}/context"): check_update_context,
    ("POST", "/c/{deploymentKey}/{channelKey}/requestToken"): check_request_token,
}


def test_every_protected_route_in_the_template_has_an_isolation_check() -> None:
    assert protected_routes() == set(CHECKS)


@pytest.mark.parametrize("route", sorted(CHECKS), ids=[f"{m} {p}" for m, p in sorted(CHECKS)])
def test_another_tenants_key_never_reaches_the_demo_tenants_data(
    world: World, route: tuple[str, str]
) -> None:
    CHECKS[route](world)
