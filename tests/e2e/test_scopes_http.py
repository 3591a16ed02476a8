"""Key scopes over HTTP, through the real authorizer and API Gateway's ACCESS_DENIED response: a
publishable key (the one a chat widget puts in a page) holds conversations through the turn API and
nothing else; each API reads its own header; a key without a route's scope gets a 403
``insufficient_scope`` problem."""

from __future__ import annotations

import pytest
import requests

from tests.helpers.gateway import RunningGateway
from tests.helpers.tenants import admin_json

pytestmark = pytest.mark.e2e
PUBLISHABLE = "pub_test_demoDEMOdemoDEMOdemoDEMO01"
TURN = "/c/furniture-shop/web-en-US"


def _problem(response: requests.Response, status: int, code: str) -> dict:
    assert response.status_code == status, response.text
    assert response.headers["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["type"].endswith("/" + code) and body["status"] == status
    return body


def test_the_demo_publishable_key_holds_a_conversation_through_the_turn_api(gateway: RunningGateway) -> None:
    response = requests.post(
        gateway.url + TURN,
        json={"request": {"unstructured": {"text": "I need a garden table"}}},
        headers={"nlx-api-key": PUBLISHABLE},
        timeout=30,
    )

    assert response.status_code == 200, response.text
    assert response.json()["messages"]


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/api/v1/conversations"),
        ("GET", "/v1/usage"),
        ("POST", "/v1/sessions/s-1/conversion"),
        ("POST", "/v1/next-questions"),
    ],
)
def test_a_publishable_key_reads_no_transcript_usage_or_conversion(
    gateway: RunningGateway, method: str, path: str
) -> None:
    response = requests.request(
        method, gateway.url + path, json={}, headers={"Authorization": f"Bearer {PUBLISHABLE}"}, timeout=30
    )

    body = _problem(response, 403, "insufficient_scope")
    assert "scope" in body["detail"]
    # with the `error` member every other problem carries (the Conversations spec's clients read it)
    assert body["error"] == {"code": "FORBIDDEN", "message": "Insufficient scope"}


def test_each_api_reads_its_own_header(gateway: RunningGateway) -> None:
    secret = str(gateway.demo_key)

    turn = requests.post(
        gateway.url + TURN,
        json={"request": {"unstructured": {"text": "hi"}}},
        headers={"Authorization": f"Bearer {secret}"},
        timeout=30,
    )
    listing = requests.get(f"{gateway.url}/api/v1/conversations", headers={"nlx-api-key": secret}, timeout=30)

    _problem(turn, 401, "missing_tenant_id")
    _problem(listing, 401, "missing_tenant_id")


def test_a_secret_key_issued_with_one_scope_calls_only_that_api(gateway: RunningGateway) -> None:
    nbq_only = admin_json(gateway, "issue-key", "demo", "--test", "--scope", "nbq")["api_key"]

    usage = requests.get(
        f"{gateway.url}/v1/usage", headers={"Authorization": f"Bearer {nbq_only}"}, timeout=30
    )
    listing = requests.get(
        f"{gateway.url}/api/v1/conversations", headers={"Authorization": f"Bearer {nbq_only}"}, timeout=30
    )

    assert usage.status_code == 200
    body = _problem(listing, 403, "insufficient_scope")
    assert "conversations scope" in body["detail"]
