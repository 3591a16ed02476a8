"""Hostile JSON against every route that stores JSON, over HTTP: deep nesting, lone surrogates and
non-finite numbers — at the top level and inside embedded JSON — are refused with a 4xx
problem+json, never a 5xx, and nothing unreadable is left behind."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator

import pytest
import requests

from tests.helpers.gateway import RunningGateway

pytestmark = pytest.mark.e2e

DEEP = "[" * 300 + "]" * 300
DEEPER = "[" * 2000 + "]" * 2000
HOSTILE_VALUES = ["NaN", "Infinity", "-Infinity", "1e400", '"\\ud800"', '"a\\udfffb"', DEEP, DEEPER]


def hostile_bodies() -> Iterator[tuple[str, str, str]]:
    """(name, path template, raw body) for every route that stores JSON."""
    for n, value in enumerate(HOSTILE_VALUES):
        embedded = '{"messages": [{"role": "user", "content": "hi"}], "metadata": {"x": ' + value + "}}"
        yield (
            f"create-embedded-{n}",
            "/api/v1/conversations",
            json.dumps({"promptId": "p", "content": embedded}),
        )
        yield (
            f"create-embedded-message-{n}",
            "/api/v1/conversations",
            json.dumps(
                {
                    "promptId": "p",
                    "content": '{"messages": [{"role": "user", "content": "hi", "metadata": {"x": '
                    + value
                    + "}}]}",
                }
            ),
        )
        yield (
            f"append-{n}",
            "/api/v1/conversations/{id}/messages",
            '{"messages": [{"role": "user", "content": "hi", "latencyMs": 1}], "metadata": {"x": '
            + value
            + "}}",
        )
        yield (
            f"append-tool-call-{n}",
            "/api/v1/conversations/{id}/messages",
            '{"messages": [{"role": "tool", "toolCalls": [{"args": ' + value + "}]}]}",
        )
        # Converra's runs API: the same conversations, written from messages and top-level fields.
        yield (
            f"create-run-{n}",
            "/api/v1/runs",
            '{"agentName": "p", "messages": [{"role": "user", "content": "hi"}], "toolDefinitions": '
            '[{"name": "t", "parameters": ' + value + "}]}",
        )
        yield (
            f"create-run-content-{n}",
            "/api/v1/runs",
            json.dumps({"agentName": "p", "content": embedded}),
        )
        yield (
            f"append-run-{n}",
            "/api/v1/runs/{id}/messages",
            '{"messages": [{"role": "assistant", "content": "", "metadata": {"x": ' + value + "}}]}",
        )
        yield (
            f"conversion-{n}",
            "/v1/sessions/hostile/conversion",
            '{"outcome": "purchase", "metadata": {"x": ' + value + "}}",
        )
        yield (
            f"turn-context-{n}",
            "/c/furniture-shop/web-en-US",
            '{"request": {"unstructured": {"text": "hi"}}, "context": {"x": ' + value + "}}",
        )
        yield (
            f"next-questions-{n}",
            "/v1/next-questions",
            '{"session_id": "s", "context": "budget", "answered_question_ids": [' + value + "]}",
        )


@pytest.fixture(scope="module")
def open_conversation(gateway: RunningGateway) -> str:
    response = requests.post(
        f"{gateway.url}/api/v1/conversations",
        json={"promptId": "p", "content": "User: hi", "status": "active"},
        headers={"Authorization": f"Bearer {gateway.demo_key}"},
        timeout=30,
    )
    assert response.status_code == 200
    return str(response.json()["id"])


@pytest.mark.parametrize(
    ("name", "path", "body"), list(hostile_bodies()), ids=[n for n, _, _ in hostile_bodies()]
)
def test_hostile_json_is_a_clear_4xx_and_never_a_5xx(
    gateway: RunningGateway, open_conversation: str, name: str, path: str, body: str
) -> None:
    headers = {
        "Authorization": f"Bearer {gateway.demo_key}",
        "nlx-api-key": str(gateway.demo_key),
        "Content-Type": "application/json",
        "Idempotency-Key": str(uuid.uuid4()),
    }

    response = requests.post(
        gateway.url + path.format(id=open_conversation), data=body.encode(), headers=headers, timeout=30
    )

    assert 400 <= response.status_code < 500, (name, response.status_code, response.text[:300])
    assert response.headers["Content-Type"] == "application/problem+json"
    assert response.json()["status"] == response.status_code


def test_the_conversation_hostile_appends_aimed_at_is_still_readable(
    gateway: RunningGateway, open_conversation: str
) -> None:
    response = requests.get(
        f"{gateway.url}/api/v1/conversations/{open_conversation}",
        headers={"Authorization": f"Bearer {gateway.demo_key}"},
        timeout=30,
    )

    assert response.status_code == 200
    assert response.json()["messageCount"] == 1
