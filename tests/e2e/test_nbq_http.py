"""The NBQ API over HTTP against the local gateway (demo tenant, demo catalog)."""

import json
import time
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

pytestmark = pytest.mark.e2e
# The stream poller reads twice a second; the relay then counts the new sessions.
USAGE_DEADLINE_SECONDS = 20

SPEC_HISTORY = {
    "session_id": "conv-7f3a1c",
    "conversation_history": [
        {"role": "assistant", "content": "Hi! Tell me about the space you are furnishing."},
        {"role": "user", "content": "I am looking for an outdoor dining table for my terrace."},
    ],
    "answered_question_ids": [],
}
SPEC_CONTEXT = {
    "session_id": "conv-7f3a1c",
    "context": (
        "Visitor wants an outdoor dining table for a south-facing terrace. "
        "Prefers contemporary metal design. Budget not yet discussed."
    ),
    "answered_question_ids": [],
}


@pytest.fixture(scope="module")
def gateway(gateway_factory):
    """A gateway of this module's own: the spec's examples expect catalog order, which holds only
    while no other test's recorded conversions have taught the tenant's statistics anything."""
    return gateway_factory()


def _auth(gateway) -> dict[str, str]:
    return {"Authorization": f"Bearer {gateway.demo_key}"}


@pytest.mark.parametrize("body", [SPEC_HISTORY, SPEC_CONTEXT], ids=["with_history", "with_context"])
def test_the_specs_examples_answer_as_the_spec_shows(gateway, body) -> None:
    response = requests.post(
        f"{gateway.url}/v1/next-questions", json=body, headers=_auth(gateway), timeout=30
    )

    assert response.status_code == 200
    result = response.json()
    assert result["next_question"] == {
        "external_id": "q_budget_range",
        "text": "What budget range did you have in mind for the table?",
    }
    assert result["exhausted"] is False
    assert result["nbq_version"] == "0.9.0-beta.1"
    assert result["request_id"].startswith("req_") and len(result["request_id"]) == 20
    assert response.headers["X-Request-Id"] == result["request_id"]


def test_the_specs_422_over_http(gateway) -> None:
    response = requests.post(
        f"{gateway.url}/v1/next-questions",
        json={"session_id": "conv-7f3a1c"},
        headers=_auth(gateway),
        timeout=30,
    )

    assert response.status_code == 422
    assert response.headers["Content-Type"] == "application/problem+json"
    problem = response.json()
    assert problem["detail"] == "Value error, invalid_request: provide conversation_history or context"
    assert problem["errors"] == [{"loc": ["body"], "msg": problem["detail"], "type": "value_error"}]
    assert problem["request_id"].startswith("req_")


def test_without_a_key_the_nbq_routes_answer_403_problem(gateway) -> None:
    for path in ("/v1/next-questions", f"/v1/sessions/{uuid.uuid4()}/conversion"):
        response = requests.post(f"{gateway.url}{path}", json=SPEC_CONTEXT, timeout=30)
        assert response.status_code == 403
        assert response.json()["type"].endswith("/missing_tenant_id")


def test_a_whole_question_flow_until_exhausted(gateway) -> None:
    session = f"flow-{uuid.uuid4()}"
    body = {**SPEC_HISTORY, "session_id": session}
    asked: list[str] = []
    for _ in range(20):
        result = requests.post(
            f"{gateway.url}/v1/next-questions",
            json={**body, "answered_question_ids": asked},
            headers=_auth(gateway),
            timeout=30,
        ).json()
        if result["exhausted"]:
            assert result["next_question"] is None
            break
        asked.append(result["next_question"]["external_id"])
    else:
        pytest.fail("the flow never ended")
    assert asked[0] == "q_budget_range"
    assert len(asked) == len(set(asked))
    # The session is counted from the sessions table's stream, by the relay the gateway runs.
    deadline = time.monotonic() + USAGE_DEADLINE_SECONDS
    while True:
        usage = requests.get(f"{gateway.url}/v1/usage", headers=_auth(gateway), timeout=30).json()
        if usage["total_sessions"] >= 1 or time.monotonic() > deadline:
            break
        time.sleep(0.5)
    assert usage["total_sessions"] >= 1


def test_a_replayed_conversion_returns_the_same_conversion_id(gateway) -> None:
    url = f"{gateway.url}/v1/sessions/conv-7f3a1c/conversion"
    headers = {**_auth(gateway), "Idempotency-Key": str(uuid.uuid4())}
    body = {"outcome": "purchase", "metadata": {"order_value": 1290, "currency": "EUR"}}

    first = requests.post(url, json=body, headers=headers, timeout=30)
    second = requests.post(url, json=body, headers=headers, timeout=30)
    conflicting = requests.post(url, json={"outcome": "lead"}, headers=headers, timeout=30)

    assert first.status_code == second.status_code == 202
    assert first.json()["conversion_id"] == second.json()["conversion_id"]
    assert first.json()["request_id"] != second.json()["request_id"]
    assert conflicting.status_code == 422
    assert conflicting.json()["type"].endswith("/idempotency_conflict")


def test_a_missing_idempotency_key_is_a_422_problem(gateway) -> None:
    response = requests.post(
        f"{gateway.url}/v1/sessions/conv-7f3a1c/conversion",
        json={"outcome": "purchase"},
        headers=_auth(gateway),
        timeout=30,
    )

    assert response.status_code == 422
    assert response.json()["errors"][0]["loc"] == ["header", "Idempotency-Key"]


def test_twenty_concurrent_identical_conversions_give_exactly_one_conversion_id(gateway) -> None:
    url = f"{gateway.url}/v1/sessions/conv-concurrent/conversion"
    headers = {**_auth(gateway), "Idempotency-Key": str(uuid.uuid4())}
    body = json.dumps({"outcome": "purchase"})

    def send(_: int) -> requests.Response:
        return requests.post(
            url, data=body, headers={**headers, "Content-Type": "application/json"}, timeout=60
        )

    with ThreadPoolExecutor(max_workers=20) as pool:
        responses = list(pool.map(send, range(20)))

    accepted = [r.json()["conversion_id"] for r in responses if r.status_code == 202]
    in_progress = [r for r in responses if r.status_code == 409]
    assert len(accepted) + len(in_progress) == 20, [r.status_code for r in responses]
    assert len(set(accepted)) == 1
    for response in in_progress:
        assert response.json()["type"].endswith("/conflict")
        assert response.headers["Retry-After"] == "1"
    # Once the first one finished, a retry of any of them gets the same id.
    retry = send(0)
    assert retry.status_code == 202 and retry.json()["conversion_id"] == accepted[0]
    conversions = gateway.client("dynamodb").query(
        TableName=gateway.state["tables"]["SessionsTable"],
        KeyConditionExpression="pk = :pk AND begins_with(sk, :c)",
        ExpressionAttributeValues={
            ":pk": {"S": "TENANT#demo#NBQ#conv-concurrent"},
            ":c": {"S": "CONVERSION#"},
        },
    )["Items"]
    assert len(conversions) == 1
