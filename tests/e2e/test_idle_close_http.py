"""A turn conversation the user walks away from is closed by the server — the local gateway runs
the schedule as EventBridge would (every second here) — and gets its insights like any other."""

from __future__ import annotations

import time

import pytest
import requests

from tests.helpers.gateway import GatewayFactory

pytestmark = pytest.mark.e2e
PUBLISHABLE = "pub_test_demoDEMOdemoDEMOdemoDEMO01"


def test_a_conversation_left_idle_is_closed_and_analysed(gateway_factory: GatewayFactory) -> None:
    gateway = gateway_factory("--schedule-interval", "1")
    turn = requests.post(
        f"{gateway.url}/c/furniture-shop/web-en-US",
        json={"request": {"unstructured": {"text": "I need a garden table"}}},
        headers={"nlx-api-key": PUBLISHABLE},
        timeout=30,
    )
    assert turn.status_code == 200, turn.text
    conversation_id = turn.json()["conversationId"]

    # The user leaves: move the session's idle expiry past the timeout and the sweep's grace
    gateway.client("dynamodb").update_item(
        TableName=gateway.state["tables"]["SessionsTable"],
        Key={"pk": {"S": f"TENANT#demo#TURN#{conversation_id}"}, "sk": {"S": "STATE"}},
        UpdateExpression="SET idle_expires_at = idle_expires_at - :s",
        ExpressionAttributeValues={":s": {"N": "3600"}},
    )

    secret = {"Authorization": f"Bearer {gateway.demo_key}"}
    deadline = time.monotonic() + 30
    insights = None
    while time.monotonic() < deadline:
        insights = requests.get(
            f"{gateway.url}/api/v1/conversations/{conversation_id}/insights", headers=secret, timeout=30
        )
        if insights.status_code == 200:
            break
        time.sleep(0.5)
    assert insights is not None and insights.status_code == 200, insights.text if insights else None
    conversation = requests.get(
        f"{gateway.url}/api/v1/conversations/{conversation_id}", headers=secret, timeout=30
    )
    assert conversation.json()["status"] == "completed"
    assert "timed out" in conversation.json()["messages"][-1]["content"]
