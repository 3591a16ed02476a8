"""Concurrency over HTTP against one dedicated local gateway: nothing lost, nothing duplicated.

Each scenario fires a bounded burst (at most 50 threads, a timeout per request and a deadline for
the scenario) and adds one line of what it produced to the run's summary (``run_log``).
The usage-plan throttle is lifted on this gateway so that 429 is not one of the answers.
"""

from __future__ import annotations

import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor, wait
from typing import Any

import pytest
import requests

from tests.helpers.gateway import GatewayFactory, RunningGateway
from tests.helpers.run_log import RunLog

pytestmark = pytest.mark.e2e

# 50 writers on one conversation retry each other's conflicts through a moto that serialises its
# DynamoDB operations: on a 2-core machine the last append lands after ~25-30 s.
REQUEST_TIMEOUT = 90
SCENARIO_DEADLINE = 120
# Usage is counted by the stream relay, which the gateway's poller feeds twice a second.
USAGE_DEADLINE = 30
USAGE_SETTLED = 2.0
TURN = "/c/furniture-shop/web-en-US"
# Distinct words with no digits, money, sizes or intents in them: each turn re-states the intent
# while the budget question is pending, so no turn fulfils, escalates or counts as incomprehension.
WORDS = (
    "alpha bravo charlie delta echo foxtrot golf hotel india juliett "
    "kilo lima mike november oscar papa quebec romeo sierra tango"
).split()


@pytest.fixture(scope="module")
def busy_gateway(gateway_factory: GatewayFactory) -> RunningGateway:
    return gateway_factory("--parameter-overrides", "ThrottlingRateLimit=10000", "ThrottlingBurstLimit=10000")


def _bearer(gateway: RunningGateway) -> dict[str, str]:
    return {"Authorization": f"Bearer {gateway.demo_key}"}


def burst[T](workers: int, calls: Iterable[Callable[[], T]]) -> list[T]:
    """Run every call at once on ``workers`` threads; fail (not hang) past the scenario deadline."""
    with ThreadPoolExecutor(max_workers=workers) as pool:
        futures = [pool.submit(call) for call in calls]
        _, pending = wait(futures, timeout=SCENARIO_DEADLINE)
        for future in pending:
            future.cancel()
        assert not pending, f"{len(pending)} of {len(futures)} still running after {SCENARIO_DEADLINE}s"
        return [future.result() for future in futures]


def summary(run_log: RunLog, scenario: str, responses: list[requests.Response], **extra: object) -> str:
    counts = Counter(response.status_code for response in responses)
    line = f"[concurrency] {scenario}: " + ", ".join(f"{n}x{status}" for status, n in sorted(counts.items()))
    if extra:
        line += " | " + ", ".join(f"{key}={value}" for key, value in extra.items())
    # The run log records what each scenario produced, passed or failed (also under pytest-xdist).
    run_log.add(line)
    return line


def test_fifty_concurrent_appends_to_one_conversation_all_land_once_each_contiguous(
    busy_gateway: RunningGateway, run_log: RunLog
) -> None:
    api = f"{busy_gateway.url}/api/v1/conversations"
    created = requests.post(
        api,
        json={"promptId": "concurrency", "content": "User: start", "status": "active"},
        headers=_bearer(busy_gateway),
        timeout=REQUEST_TIMEOUT,
    )
    assert created.status_code == 200, created.text
    conversation = created.json()["id"]
    per_call = 3

    def append(writer: int) -> Callable[[], requests.Response]:
        messages = [{"role": "user", "content": f"w{writer:02d}-m{n}"} for n in range(per_call)]
        return lambda: requests.post(
            f"{api}/{conversation}/messages",
            json={"messages": messages},
            headers=_bearer(busy_gateway),
            timeout=REQUEST_TIMEOUT,
        )

    responses = burst(50, [append(writer) for writer in range(50)])

    stored = requests.get(f"{api}/{conversation}", headers=_bearer(busy_gateway), timeout=REQUEST_TIMEOUT)
    contents = [m["content"] for m in stored.json()["messages"]]
    summary(run_log, "50 appends to one conversation", responses, messages=len(contents))
    assert [r.status_code for r in responses] == [200] * 50, [r.text for r in responses if r.ok is False]
    assert contents[0] == "start"
    appended = contents[1:]
    assert len(appended) == 50 * per_call
    assert Counter(appended) == Counter(f"w{w:02d}-m{n}" for w in range(50) for n in range(per_call))
    for start in range(0, len(appended), per_call):
        writer = appended[start].split("-")[0]
        assert appended[start : start + per_call] == [f"{writer}-m{n}" for n in range(per_call)]


def test_fifty_concurrent_identical_conversions_record_one_conversion(
    busy_gateway: RunningGateway, run_log: RunLog
) -> None:
    session = f"concurrent-{uuid.uuid4().hex[:8]}"
    # A served question makes the crediting visible in the statistics.
    asked = requests.post(
        f"{busy_gateway.url}/v1/next-questions",
        json={"session_id": session, "context": "An outdoor table for the terrace."},
        headers=_bearer(busy_gateway),
        timeout=REQUEST_TIMEOUT,
    )
    assert asked.status_code == 200, asked.text
    served = asked.json()["next_question"]["external_id"]
    served_before = _stat(busy_gateway, f"s#{served}")
    url = f"{busy_gateway.url}/v1/sessions/{session}/conversion"
    headers = {**_bearer(busy_gateway), "Idempotency-Key": str(uuid.uuid4())}
    body = {"outcome": "purchase", "metadata": {"order_value": 1290, "currency": "EUR"}}

    def convert() -> requests.Response:
        return requests.post(url, json=body, headers=headers, timeout=REQUEST_TIMEOUT)

    responses = burst(50, [convert] * 50)

    accepted = {r.json()["conversion_id"] for r in responses if r.status_code == 202}
    conflicts = [r for r in responses if r.status_code == 409]
    items = _conversion_items(busy_gateway, session)
    summary(run_log, "50 identical conversions", responses, conversion_ids=len(accepted), stored=len(items))
    assert len(accepted) == 1
    assert sum(1 for r in responses if r.status_code == 202) + len(conflicts) == 50
    for conflict in conflicts:
        assert conflict.headers["Content-Type"].startswith("application/problem+json")
        assert conflict.json()["type"].endswith("/conflict")
        assert conflict.headers["Retry-After"] == "1"
    assert len(items) == 1
    assert items[0]["sk"]["S"] == f"CONVERSION#{accepted.pop()}"
    # One queue message, so one crediting: the served question's count moves by exactly one.
    deadline = time.monotonic() + 20
    while "credited" not in _conversion_items(busy_gateway, session)[0] and time.monotonic() < deadline:
        time.sleep(0.5)
    assert "credited" in _conversion_items(busy_gateway, session)[0]
    time.sleep(2)  # a duplicate message would be credited within the worker's next polls
    assert _stat(busy_gateway, f"s#{served}") == served_before + 1


def test_twenty_concurrent_turns_on_one_conversation_apply_or_conflict(
    busy_gateway: RunningGateway, run_log: RunLog
) -> None:
    url = f"{busy_gateway.url}{TURN}"
    headers = {"nlx-api-key": str(busy_gateway.demo_key)}
    first = requests.post(
        url,
        json={"request": {"unstructured": {"text": "I need a garden table"}}},
        headers=headers,
        timeout=REQUEST_TIMEOUT,
    )
    assert first.status_code == 200, first.text
    conversation = first.json()["conversationId"]
    texts = [f"I need a garden table, note {word}" for word in WORDS]

    def turn(text: str) -> Callable[[], requests.Response]:
        return lambda: requests.post(
            url,
            json={"conversationId": conversation, "request": {"unstructured": {"text": text}}},
            headers=headers,
            timeout=REQUEST_TIMEOUT,
        )

    responses = burst(20, [turn(text) for text in texts])

    applied = [text for text, r in zip(texts, responses, strict=True) if r.status_code == 200]
    refused = [r for r in responses if r.status_code == 409]
    transcript = requests.get(
        f"{busy_gateway.url}/api/v1/conversations/{conversation}",
        headers=_bearer(busy_gateway),
        timeout=REQUEST_TIMEOUT,
    ).json()
    user_lines = [m["content"] for m in transcript["messages"] if m["role"] == "user"]
    summary(
        run_log, "20 turns on one conversation", responses, applied=len(applied), user_lines=len(user_lines)
    )
    assert len(applied) + len(refused) == 20, [r.text for r in responses if r.status_code not in (200, 409)]
    assert applied, "at least one turn applies"
    for response in responses:
        if response.status_code == 200:
            assert response.json()["conversationId"] == conversation
    for conflict in refused:
        assert conflict.headers["Content-Type"].startswith("application/problem+json")
        assert conflict.json()["type"].endswith("/conflict")
    assert Counter(user_lines) == Counter(["I need a garden table", *applied])


def test_two_hundred_next_questions_across_twenty_sessions_count_twenty_sessions(
    busy_gateway: RunningGateway, run_log: RunLog
) -> None:
    before = _settled_usage_total(busy_gateway)
    run = uuid.uuid4().hex[:8]
    sessions = [f"nbq-{run}-{n:02d}" for n in range(20)]

    def ask(session: str) -> Callable[[], requests.Response]:
        return lambda: requests.post(
            f"{busy_gateway.url}/v1/next-questions",
            json={"session_id": session, "context": "We want an outdoor dining table."},
            headers=_bearer(busy_gateway),
            timeout=REQUEST_TIMEOUT,
        )

    responses = burst(50, [ask(session) for _ in range(10) for session in sessions])

    # Counted by the stream relay from the sessions' INSERTs: wait for the 20, then make sure
    # nothing more arrives (a session counted twice would).
    deadline = time.monotonic() + USAGE_DEADLINE
    while _usage_total(busy_gateway) < before + 20 and time.monotonic() < deadline:
        time.sleep(0.5)
    after = _settled_usage_total(busy_gateway)
    calls = {session: _session_calls(busy_gateway, session) for session in sessions}
    summary(
        run_log,
        "200 next-questions across 20 sessions",
        responses,
        sessions_counted=after - before,
        calls_per_session=sorted(set(calls.values())),
    )
    assert [r.status_code for r in responses] == [200] * 200
    assert after - before == 20
    assert calls == dict.fromkeys(sessions, 10)


def _usage_total(gateway: RunningGateway) -> int:
    response = requests.get(f"{gateway.url}/v1/usage", headers=_bearer(gateway), timeout=REQUEST_TIMEOUT)
    assert response.status_code == 200, response.text
    return int(response.json()["total_sessions"])


def _settled_usage_total(gateway: RunningGateway) -> int:
    """The total once it stopped moving for a few stream polls (earlier sessions all counted)."""
    deadline = time.monotonic() + USAGE_DEADLINE
    total = _usage_total(gateway)
    while time.monotonic() < deadline:
        time.sleep(USAGE_SETTLED)
        again = _usage_total(gateway)
        if again == total:
            return total
        total = again
    return total


def _session_calls(gateway: RunningGateway, session: str) -> int:
    item = gateway.client("dynamodb").get_item(
        TableName=gateway.state["tables"]["SessionsTable"],
        Key={"pk": {"S": f"TENANT#demo#NBQ#{session}"}, "sk": {"S": "SESSION"}},
        ConsistentRead=True,
    )["Item"]
    return int(item["calls"]["N"])


def _conversion_items(gateway: RunningGateway, session: str) -> list[dict[str, Any]]:
    return gateway.client("dynamodb").query(
        TableName=gateway.state["tables"]["SessionsTable"],
        KeyConditionExpression="pk = :pk AND begins_with(sk, :c)",
        ExpressionAttributeValues={":pk": {"S": f"TENANT#demo#NBQ#{session}"}, ":c": {"S": "CONVERSION#"}},
        ConsistentRead=True,
    )["Items"]


def _stat(gateway: RunningGateway, name: str) -> int:
    item = (
        gateway.client("dynamodb")
        .get_item(
            TableName=gateway.state["tables"]["TenantsTable"],
            Key={"pk": {"S": "TENANT#demo"}, "sk": {"S": "NBQ#STATS"}},
            ConsistentRead=True,
        )
        .get("Item", {})
    )
    return int(item.get(name, {}).get("N", "0"))
