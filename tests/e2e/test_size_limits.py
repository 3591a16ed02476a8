"""Every POST route refuses an oversized body with 413 problem+json before parsing it.

The bodies are one byte over the route's limit and not JSON at all: a 413 (not a 422 or 400)
shows the size was checked before any parsing. The multi-byte case shows that the limit counts
bytes, not characters. POST routes are read from template.yaml, so a new one needs a limit here.
"""

from __future__ import annotations

import uuid

import pytest
import requests
from samcli.yamlhelper import yaml_parse

from tests.helpers.gateway import RunningGateway
from tests.helpers.paths import TEMPLATE_PATH as TEMPLATE

pytestmark = pytest.mark.e2e

KIB = 1024
# Route template → (a concrete path, its body limit in bytes).
LIMITS: dict[str, tuple[str, int]] = {
    "/v1/next-questions": ("/v1/next-questions", 1024 * KIB),
    "/v1/sessions/{session_id}/conversion": ("/v1/sessions/size-limit/conversion", 16 * KIB),
    "/api/v1/conversations": ("/api/v1/conversations", 1024 * KIB),
    "/api/v1/conversations/{id}/messages": (
        "/api/v1/conversations/conv_000000000000000000000000/messages",
        1024 * KIB,
    ),
    # Converra's runs API: a run's body carries its transcript twice (messages and content).
    "/api/v1/runs": ("/api/v1/runs", 2048 * KIB),
    "/api/v1/runs/{id}/messages": ("/api/v1/runs/conv_000000000000000000000000/messages", 2048 * KIB),
    "/api/v1/sdk/agents/match": ("/api/v1/sdk/agents/match", 1024 * KIB),
    "/v1/sessions": ("/v1/sessions", 256 * KIB),
    "/v1/configuration/changes": ("/v1/configuration/changes", 1024 * KIB),
    "/v1/configuration/publish": ("/v1/configuration/publish", 16 * KIB),
    "/v1/sessions/{session_id}/next": ("/v1/sessions/ses_size/next", 256 * KIB),
    "/v1/sessions/{session_id}/events": ("/v1/sessions/ses_size/events", 256 * KIB),
    "/v1/sessions/{session_id}/feedback": ("/v1/sessions/ses_size/feedback", 256 * KIB),
    "/c/{deploymentKey}/{channelKey}": ("/c/furniture-shop/web-en-US", 64 * KIB),
    "/c/{deploymentKey}/{channelKey}/context": ("/c/furniture-shop/web-en-US/context", 64 * KIB),
    "/c/{deploymentKey}/{channelKey}/requestToken": ("/c/furniture-shop/web-en-US/requestToken", 64 * KIB),
}


def post_routes() -> set[str]:
    template = yaml_parse(TEMPLATE.read_text(encoding="utf-8"))
    return {
        str(event["Properties"]["Path"])
        for resource in template["Resources"].values()
        if resource.get("Type") == "AWS::Serverless::Function"
        for event in (resource["Properties"].get("Events") or {}).values()
        if event.get("Type") == "Api" and str(event["Properties"].get("Method", "")).upper() == "POST"
    }


def _post(gateway: RunningGateway, path: str, body: bytes) -> requests.Response:
    return requests.post(
        f"{gateway.url}{path}",
        data=body,
        headers={
            "Authorization": f"Bearer {gateway.demo_key}",
            "nlx-api-key": str(gateway.demo_key),
            "Content-Type": "application/json",
            "Idempotency-Key": str(uuid.uuid4()),
        },
        timeout=30,
    )


def test_every_post_route_in_the_template_has_a_size_limit_check() -> None:
    assert post_routes() == set(LIMITS)


@pytest.mark.parametrize("route", sorted(LIMITS))
def test_one_byte_over_the_limit_is_a_413_problem_before_parsing(gateway: RunningGateway, route: str) -> None:
    path, limit = LIMITS[route]

    response = _post(gateway, path, b"{" + b"x" * limit)

    assert response.status_code == 413, response.text[:300]
    assert response.headers["Content-Type"].startswith("application/problem+json")
    problem = response.json()
    assert problem["type"].endswith("/payload_too_large")
    assert problem["status"] == 413


@pytest.mark.parametrize("route", ["/v1/next-questions", "/v1/sessions/{session_id}/conversion"])
def test_the_limit_counts_bytes_not_characters(gateway: RunningGateway, route: str) -> None:
    path, limit = LIMITS[route]
    # Fewer characters than the limit, more bytes (é is two bytes in UTF-8).
    body = ("{" + "é" * (limit // 2 + 1)).encode()

    response = _post(gateway, path, body)

    assert response.status_code == 413, response.text[:300]
