"""The Conversations API over HTTP through the local gateway, as the spec documents it."""

from __future__ import annotations

import pytest
import requests

from tests.helpers.gateway import RunningGateway

pytestmark = pytest.mark.e2e
TIMEOUT = 30
SPEC_CREATE = {
    "promptId": "prompt_123",
    "content": "User: Hello, I need help\nAssistant: Hi! How can I help you today?",
    "status": "completed",
    "llmModel": "gpt-4o",
}


def bearer(gateway: RunningGateway) -> dict[str, str]:
    assert gateway.demo_key
    return {"Authorization": f"Bearer {gateway.demo_key}"}


def test_spec_flow_create_append_list_get(gateway: RunningGateway) -> None:
    base = f"{gateway.url}/api/v1/conversations"
    headers = bearer(gateway)

    created = requests.post(base, json=SPEC_CREATE, headers=headers, timeout=TIMEOUT)
    opened = requests.post(
        base, json={**SPEC_CREATE, "status": "active"}, headers=headers, timeout=TIMEOUT
    ).json()
    appended = requests.post(
        f"{gateway.url}{opened['_links']['appendMessages']['href']}",
        json={
            "messages": [
                {"role": "user", "content": "Can you check my order status?"},
                {"role": "assistant", "content": "Sure — what's your order number?"},
            ],
            "status": "active",
            "metadata": {"sessionId": "sess_abc"},
        },
        headers=headers,
        timeout=TIMEOUT,
    )
    listed = requests.get(
        base, params={"promptId": "prompt_123", "limit": 1}, headers=headers, timeout=TIMEOUT
    )
    fetched = requests.get(f"{base}/{created.json()['id']}", headers=headers, timeout=TIMEOUT)

    assert created.status_code == 200, created.text
    assert created.json()["status"] == "completed"
    assert appended.status_code == 200, appended.text
    assert len(appended.json()["messages"]) == 4
    assert appended.json()["metadata"] == {"sessionId": "sess_abc"}
    assert listed.status_code == 200, listed.text
    assert listed.json()["pagination"]["limit"] == 1
    assert listed.json()["pagination"]["total"] >= 2
    assert listed.json()["data"][0]["id"] == opened["id"]  # newest first
    assert fetched.status_code == 200, fetched.text
    assert fetched.json()["content"] == SPEC_CREATE["content"]
    assert fetched.json()["llmModel"] == "gpt-4o"
    # The local gateway runs the insights worker from the queue: right after completion the
    # insights are either still pending (null) or already there, in the spec's shape.
    insights = fetched.json()["insights"]
    assert insights is None or {"sentiment", "taskCompleted", "topics", "summary"} <= set(insights)


def test_unknown_conversation_is_the_spec_404(gateway: RunningGateway) -> None:
    response = requests.get(
        f"{gateway.url}/api/v1/conversations/conv_ffffffffffffffffffffffff",
        headers=bearer(gateway),
        timeout=TIMEOUT,
    )

    assert response.status_code == 404
    assert response.headers["Content-Type"].startswith("application/problem+json")
    assert response.json()["error"] == {"code": "NOT_FOUND", "message": "Conversation not found"}


def test_content_over_512_kb_is_the_spec_413(gateway: RunningGateway) -> None:
    content = "User: " + "x" * (512 * 1024 - 5)

    response = requests.post(
        f"{gateway.url}/api/v1/conversations",
        json={"promptId": "prompt_123", "content": content},
        headers=bearer(gateway),
        timeout=TIMEOUT,
    )

    assert response.status_code == 413, response.text[:500]
    assert response.json()["type"].endswith("/payload_too_large")
    assert response.json()["error"]["code"] == "PAYLOAD_TOO_LARGE"


def test_validation_error_carries_the_spec_details(gateway: RunningGateway) -> None:
    response = requests.post(
        f"{gateway.url}/api/v1/conversations",
        json={"content": "User: Hello"},
        headers=bearer(gateway),
        timeout=TIMEOUT,
    )

    assert response.status_code == 422
    assert response.json()["error"] == {
        "code": "VALIDATION_ERROR",
        "message": "Invalid request body",
        "details": {"promptId": "Required field"},
    }


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("POST", "/api/v1/conversations"),
        ("GET", "/api/v1/conversations"),
        ("GET", "/api/v1/conversations/conv_ffffffffffffffffffffffff"),
        ("GET", "/api/v1/conversations/conv_ffffffffffffffffffffffff/insights"),
        ("POST", "/api/v1/conversations/conv_ffffffffffffffffffffffff/messages"),
    ],
)
def test_conversations_routes_without_a_key_are_401_problems(gateway: RunningGateway, method, path) -> None:
    response = requests.request(method, f"{gateway.url}{path}", json={}, timeout=TIMEOUT)

    assert response.status_code == 401
    assert response.headers["Content-Type"].startswith("application/problem+json")
    assert response.json()["type"].endswith("/missing_tenant_id")
