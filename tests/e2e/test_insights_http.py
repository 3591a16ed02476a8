"""Asynchronous insights over HTTP: the local gateway runs the worker from the queue, as on AWS."""

import time
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

pytestmark = pytest.mark.e2e
INSIGHTS_DEADLINE_SECONDS = 20


def _auth(gateway) -> dict[str, str]:
    return {"Authorization": f"Bearer {gateway.demo_key}"}


def _wait_for(fetch, deadline: float):
    while True:
        response = fetch()
        if response.status_code == 200 or time.monotonic() > deadline:
            return response
        time.sleep(0.5)


def test_create_append_complete_then_insights_are_readable(gateway) -> None:
    api = f"{gateway.url}/api/v1/conversations"
    opened = requests.post(
        api,
        json={"promptId": "prompt_123", "content": "User: Hi, I need an outdoor table.", "status": "active"},
        headers=_auth(gateway),
        timeout=30,
    ).json()
    conversation = opened["id"]
    appended = requests.post(
        f"{api}/{conversation}/messages",
        json={
            "messages": [
                {"role": "assistant", "content": "Sure! For how many people?"},
                {"role": "user", "content": "Six people, in teak."},
            ]
        },
        headers=_auth(gateway),
        timeout=30,
    )
    assert appended.status_code == 200
    pending = requests.get(f"{api}/{conversation}/insights", headers=_auth(gateway), timeout=30)
    assert pending.status_code == 404 and pending.json()["insightsStatus"] == "not_requested"

    completed = requests.post(
        f"{api}/{conversation}/messages",
        json={
            "messages": [
                {"role": "assistant", "content": "The Sahara teak table seats six."},
                {"role": "user", "content": "Perfect, thank you!"},
            ],
            "status": "completed",
        },
        headers=_auth(gateway),
        timeout=30,
    )
    assert completed.status_code == 200
    started = time.monotonic()
    insights = _wait_for(
        lambda: requests.get(f"{api}/{conversation}/insights", headers=_auth(gateway), timeout=30),
        started + INSIGHTS_DEADLINE_SECONDS,
    )

    assert insights.status_code == 200, insights.text
    body = insights.json()
    assert body["conversationId"] == conversation
    assert body["sentiment"] == "positive"
    assert -1 <= body["sentimentScore"] <= 1
    assert body["taskCompleted"] is True
    assert "seating capacity" in body["topics"] and "material" in body["topics"]
    assert body["issues"] == []
    full = requests.get(f"{api}/{conversation}", headers=_auth(gateway), timeout=30).json()
    assert full["insights"]["sentiment"] == "positive"
    listed = requests.get(f"{api}?hasInsights=true", headers=_auth(gateway), timeout=30).json()
    assert conversation in [c["id"] for c in listed["data"]]


def test_twenty_concurrent_appends_over_http_all_land_in_order(gateway) -> None:
    api = f"{gateway.url}/api/v1/conversations"
    conversation = requests.post(
        api,
        json={"promptId": "prompt_123", "content": "User: start", "status": "active"},
        headers=_auth(gateway),
        timeout=30,
    ).json()["id"]

    def append(writer: int) -> int:
        messages = [{"role": "user", "content": f"w{writer}-m{n}"} for n in range(5)]
        return requests.post(
            f"{api}/{conversation}/messages", json={"messages": messages}, headers=_auth(gateway), timeout=60
        ).status_code

    with ThreadPoolExecutor(max_workers=20) as pool:
        statuses = list(pool.map(append, range(20)))

    assert statuses == [200] * 20
    contents = [
        m["content"]
        for m in requests.get(f"{api}/{conversation}", headers=_auth(gateway), timeout=30).json()["messages"]
    ][1:]
    assert len(contents) == 100
    for start in range(0, 100, 5):
        writer = contents[start].split("-")[0]
        assert contents[start : start + 5] == [f"{writer}-m{n}" for n in range(5)]


def test_recorded_outcomes_change_which_question_is_served_in_the_tier(gateway_factory) -> None:
    gateway = gateway_factory()
    url = gateway.url
    context = "We want an outdoor dining table for the terrace."

    def ask(session: str) -> str:
        body = {"session_id": session, "context": context}
        return requests.post(
            f"{url}/v1/next-questions", json=body, headers=_auth(gateway), timeout=30
        ).json()["next_question"]["external_id"]

    # No statistics yet: catalog order, every new session gets q_budget_range.
    before = [ask(f"before-{uuid.uuid4()}") for _ in range(5)]
    assert set(before) == {"q_budget_range"}
    # Sessions served q_budget_range end in abandons; the worker credits each outcome.
    sessions = [f"abandon-{uuid.uuid4()}" for _ in range(12)]
    for session in sessions:
        assert ask(session) in ("q_budget_range", "q_budget_max")
        recorded = requests.post(
            f"{url}/v1/sessions/{session}/conversion",
            json={"outcome": "abandon"},
            headers={**_auth(gateway), "Idempotency-Key": str(uuid.uuid4())},
            timeout=30,
        )
        assert recorded.status_code == 202

    # The worker credits asynchronously; the function re-reads statistics every 10 s.
    deadline = time.monotonic() + 40
    while True:
        after = [ask(f"after-{uuid.uuid4()}") for _ in range(20)]
        if after.count("q_budget_max") > 10 or time.monotonic() > deadline:
            break
        time.sleep(2)
    assert after.count("q_budget_max") > 10, after
