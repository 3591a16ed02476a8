"""The local gateway over HTTP: routing, authorizer, gateway responses, throttling, SQS."""

from __future__ import annotations

import time
import uuid

import pytest
import requests

from tests.helpers.gateway import GatewayFactory, RunningGateway
from tests.helpers.paths import E2E_FIXTURES as FIXTURES

pytestmark = pytest.mark.e2e
TIMEOUT = 10


def bearer(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


def assert_problem(response: requests.Response, status: int, type_suffix: str) -> dict:
    assert response.status_code == status, response.text
    assert response.headers["Content-Type"].startswith("application/problem+json")
    body = response.json()
    assert body["type"].endswith(type_suffix)
    assert body["request_id"]
    return body


def test_health_needs_no_key(gateway: RunningGateway) -> None:
    response = requests.get(f"{gateway.url}/v1/health", timeout=TIMEOUT)

    assert response.status_code == 200, response.text


def test_usage_with_the_demo_key(gateway: RunningGateway) -> None:
    assert gateway.demo_key
    response = requests.get(f"{gateway.url}/v1/usage", headers=bearer(gateway.demo_key), timeout=TIMEOUT)

    assert response.status_code == 200, response.text
    assert response.json()["tenant_id"] == "demo"


def test_usage_without_a_key_is_403_problem(gateway: RunningGateway) -> None:
    response = requests.get(f"{gateway.url}/v1/usage", timeout=TIMEOUT)

    body = assert_problem(response, 403, "missing_tenant_id")
    assert body["request_id"] == response.headers["x-amzn-RequestId"]


@pytest.mark.parametrize(
    "key",
    ["not-a-key", "pk_test_" + "x" * 26, "pk_live_demoDEMOdemoDEMOdemoDEMO01", "Bearer"],
)
def test_malformed_or_unknown_key_is_403(gateway: RunningGateway, key: str) -> None:
    response = requests.get(f"{gateway.url}/v1/usage", headers=bearer(key), timeout=TIMEOUT)

    assert_problem(response, 403, "missing_tenant_id")


@pytest.mark.parametrize(("method", "path"), [("GET", "/v1/nope"), ("POST", "/v1/health"), ("GET", "/")])
def test_unknown_route_is_404_problem(gateway: RunningGateway, method: str, path: str) -> None:
    response = requests.request(method, f"{gateway.url}{path}", timeout=TIMEOUT)

    body = assert_problem(response, 404, "not_found")
    assert body["request_id"] == response.headers["x-amzn-RequestId"]


def test_non_utf8_body_reaches_the_function(gateway: RunningGateway) -> None:
    # SAM local alone answers 502 here; API Gateway hands the request to the function.
    response = requests.get(
        f"{gateway.url}/v1/health",
        data=b"\xff\xfe{not utf-8",
        headers={"Content-Type": "application/json"},
        timeout=TIMEOUT,
    )

    assert response.status_code < 500, response.text


def test_the_authorizer_stage_wide_resource_is_allowed(gateway: RunningGateway) -> None:
    # The authorizer returns `…/<stage>/*`; SAM local matches it as a regex against the method ARN.
    assert gateway.demo_key
    for path in ("/v1/usage", "/v1/usage/"):
        response = requests.get(f"{gateway.url}{path}", headers=bearer(gateway.demo_key), timeout=TIMEOUT)
        assert response.status_code == 200, response.text


def test_usage_plan_throttle_answers_429_problem(gateway_factory: GatewayFactory) -> None:
    throttled = gateway_factory("--parameter-overrides", "ThrottlingRateLimit=1", "ThrottlingBurstLimit=2")
    assert throttled.demo_key
    responses = [
        requests.get(f"{throttled.url}/v1/usage", headers=bearer(throttled.demo_key), timeout=TIMEOUT)
        for _ in range(5)
    ]

    statuses = [response.status_code for response in responses]
    assert statuses[:2] == [200, 200], statuses
    assert 429 in statuses, statuses
    limited = next(response for response in responses if response.status_code == 429)
    assert_problem(limited, 429, "rate_limited")
    assert limited.headers["Retry-After"] == "1"


def test_sqs_worker_deletes_good_records_and_dead_letters_poison(gateway_factory: GatewayFactory) -> None:
    worker = gateway_factory("--template", str(FIXTURES / "sqs_template.yaml"), "--no-seed")
    sqs = worker.client("sqs")
    run = uuid.uuid4().hex[:8]
    good = [f"good-{run}-{i}" for i in range(3)]
    sqs.send_message_batch(
        QueueUrl=worker.state["queues"]["WorkQueue"],
        Entries=[{"Id": str(i), "MessageBody": body} for i, body in enumerate([*good, f"poison-{run}"])],
    )

    dead = wait_for_messages(sqs, worker.state["queues"]["WorkDeadLetterQueue"], timeout=30)

    assert [message["Body"] for message in dead] == [f"poison-{run}"]
    assert int(dead[0]["Attributes"]["ApproximateReceiveCount"]) >= 2
    counts = sqs.get_queue_attributes(
        QueueUrl=worker.state["queues"]["WorkQueue"],
        AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
    )["Attributes"]
    assert counts == {"ApproximateNumberOfMessages": "0", "ApproximateNumberOfMessagesNotVisible": "0"}
    items = worker.client("dynamodb").scan(TableName=worker.state["tables"]["ProcessedTable"])["Items"]
    assert sorted(item["body"]["S"] for item in items) == good
    assert {item["receive_count"]["S"] for item in items} == {"1"}


def wait_for_messages(sqs: object, queue_url: str, timeout: float) -> list[dict]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        messages = sqs.receive_message(  # type: ignore[attr-defined]
            QueueUrl=queue_url, MaxNumberOfMessages=10, WaitTimeSeconds=1, AttributeNames=["All"]
        ).get("Messages", [])
        if messages:
            return messages
    pytest.fail(f"nothing reached {queue_url} in {timeout}s")
