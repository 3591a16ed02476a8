"""No API key and no message content in the logs (issue 7).

Representative requests — accepted and refused — carry distinctive markers in every place a
client can put text; the gateway's log (its own access lines and every function's Powertools JSON
lines, at the template's INFO level) is then searched for the markers and for the keys. The shared
gateway is used on purpose: its log also holds what every other e2e test of the session sent.
"""

from __future__ import annotations

import json
import time
import uuid

import pytest
import requests

from tests.helpers.gateway import RunningGateway
from tests.helpers.tenants import tenant_with_key

pytestmark = pytest.mark.e2e

TIMEOUT = 30
# The gateway's start-up banner prints the demo key on purpose, for `make run` users.
BANNER_PREFIXES = ("Demo API key:", "Try: curl")


def test_no_key_and_no_message_content_reaches_the_logs(gateway: RunningGateway) -> None:
    assert gateway.demo_key
    other_key = tenant_with_key(gateway, f"scrub{uuid.uuid4().hex[:6]}", "Scrub Ltd")
    unknown_key = "pk_test_" + uuid.uuid4().hex[:26]
    marker = f"zq{uuid.uuid4().hex[:10]}"
    secrets = [gateway.demo_key, other_key, unknown_key]
    url = gateway.url

    def bearer(key: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {key}"}

    demo = bearer(gateway.demo_key)
    session = f"scrub-{uuid.uuid4().hex[:8]}"
    answers = [
        requests.post(
            f"{url}/v1/next-questions",
            json={
                "session_id": session,
                "conversation_history": [{"role": "user", "content": f"{marker}-history table"}],
                "context": f"{marker}-context",
            },
            headers=demo,
            timeout=TIMEOUT,
        ),
        # Refused by validation: the problem must not echo the input into the log either.
        requests.post(
            f"{url}/v1/next-questions",
            json={
                "session_id": session,
                "conversation_history": [{"role": "robot", "content": f"{marker}-x"}],
            },
            headers=demo,
            timeout=TIMEOUT,
        ),
        requests.post(
            f"{url}/v1/sessions/{session}/conversion",
            json={"outcome": "lead", "metadata": {"note": f"{marker}-meta"}},
            headers={**demo, "Idempotency-Key": str(uuid.uuid4())},
            timeout=TIMEOUT,
        ),
        requests.get(f"{url}/v1/usage", headers=bearer(other_key), timeout=TIMEOUT),
        requests.get(f"{url}/v1/usage", headers=bearer(unknown_key), timeout=TIMEOUT),
        requests.get(f"{url}/api/v1/conversations", headers=bearer(unknown_key), timeout=TIMEOUT),
    ]
    created = requests.post(
        f"{url}/api/v1/conversations",
        json={"promptId": "scrub", "content": f"User: {marker}-create", "status": "active"},
        headers=demo,
        timeout=TIMEOUT,
    )
    conversation = created.json()["id"]
    answers += [
        created,
        requests.post(
            f"{url}/api/v1/conversations/{conversation}/messages",
            json={"messages": [{"role": "user", "content": f"{marker}-append"}], "status": "completed"},
            headers=demo,
            timeout=TIMEOUT,
        ),
        requests.post(
            f"{url}/c/furniture-shop/web-en-US",
            json={"request": {"unstructured": {"text": f"I need a garden table {marker}-turn"}}},
            headers={"nlx-api-key": gateway.demo_key},
            timeout=TIMEOUT,
        ),
    ]
    assert [a.status_code for a in answers] == [200, 422, 202, 200, 403, 401, 200, 200, 200]
    # The completed conversation's analysis runs in the worker: read the log once it has run.
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        insights = requests.get(
            f"{url}/api/v1/conversations/{conversation}/insights", headers=demo, timeout=TIMEOUT
        )
        if insights.status_code == 200:
            break
        time.sleep(0.5)
    assert insights.status_code == 200, insights.text

    leaks = [
        line
        for line in gateway.log().splitlines()
        if not line.startswith(BANNER_PREFIXES) and any(s in line for s in [*secrets, marker])
    ]
    assert leaks == []
    powertools_lines = [
        json.loads(line) for line in gateway.log().splitlines() if line.startswith('{"level"')
    ]
    assert {line["level"] for line in powertools_lines} <= {"INFO", "WARNING", "ERROR"}, (
        "the template's LogLevel is INFO"
    )
    assert any(line.get("path") == "/v1/usage" for line in powertools_lines), (
        "the authorizer's refusal is logged"
    )
