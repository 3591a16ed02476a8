"""The turn processing API over HTTP against the local gateway (demo tenant, demo deployment)."""

import pytest
import requests

pytestmark = pytest.mark.e2e

TURN = "/c/furniture-shop/web-en-US"


def _post(gateway, body: dict, path: str = TURN, key: str | None = "demo") -> requests.Response:
    headers = {"nlx-api-key": gateway.demo_key if key == "demo" else key} if key else {}
    return requests.post(f"{gateway.url}{path}", json=body, headers=headers, timeout=30)


def _say(gateway, text: str, conversation_id: str | None = None) -> dict:
    body: dict = {"request": {"unstructured": {"text": text}}}
    if conversation_id:
        body["conversationId"] = conversation_id
    response = _post(gateway, body)
    assert response.status_code == 200, response.text
    return response.json()


def test_the_readme_conversation_reaches_fulfilment_and_is_listed_as_a_conversation(gateway) -> None:
    first = _say(gateway, "Hi, I'm looking for a table for my terrace")
    conversation_id = first["conversationId"]
    assert first["metadata"]["intentId"] == "find_outdoor_table"
    assert first["messages"][-1]["type"] == "multichoice"

    choice = _post(
        gateway, {"conversationId": conversation_id, "request": {"structured": {"choiceId": "500-1000"}}}
    ).json()
    assert choice["messages"][-1]["text"] == "How many people should the table seat?"
    _say(gateway, "we are 6 people", conversation_id)
    last = _say(gateway, "aluminium please", conversation_id)

    assert last["payload"]["intentId"] == "find_outdoor_table"
    assert last["payload"]["slots"] == {"budget": "500-1000", "seating": "6", "material": "aluminium"}
    transcript = requests.get(
        f"{gateway.url}/api/v1/conversations/{conversation_id}",
        headers={"Authorization": f"Bearer {gateway.demo_key}"},
        timeout=30,
    ).json()
    assert transcript["status"] == "completed"
    assert transcript["promptId"] == "furniture-shop"
    assert transcript["messages"][0] == {
        "role": "user",
        "content": "Hi, I'm looking for a table for my terrace",
        "timestamp": transcript["messages"][0]["timestamp"],
    }


@pytest.mark.parametrize(
    ("key", "path", "body", "status"),
    [
        (None, TURN, {"request": {"unstructured": {"text": "hi"}}}, 401),
        ("pk_test_notAKeyNotAKeyNotAKeyNotAK01", TURN, {"request": {"unstructured": {"text": "hi"}}}, 401),
        ("demo", "/c/no-such-assistant/web-en-US", {"request": {"unstructured": {"text": "hi"}}}, 404),
        ("demo", "/c/furniture-shop/web", {"request": {"unstructured": {"text": "hi"}}}, 400),
        ("demo", TURN, {"request": {"unstructured": {"text": "hi"}}, "context": {"n": "x" * 2001}}, 400),
        ("demo", TURN, {"conversationId": None}, 400),
    ],
    ids=[
        "no_key",
        "bad_key",
        "unknown_deployment",
        "channel_without_suffix",
        "context_too_large",
        "no_request",
    ],
)
def test_errors_are_problems(gateway, key, path, body, status) -> None:
    response = _post(gateway, body, path=path, key=key)

    assert response.status_code == status
    assert response.headers["Content-Type"].startswith("application/problem+json")
    assert response.json()["status"] == status
