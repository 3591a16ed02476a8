"""Webhooks under moto, delivered over real HTTP to a receiver on 127.0.0.1 that checks signatures.

Events, deliveries and retries travel through the real (moto) webhooks queue and back through
``decode``, as the webhooks function sees them; only the SQS delay is skipped (the queue records
the delay it was asked for).
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import partial
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from parley import __version__, admin, aws
from parley.queues.messages import QueueMessage, WebhookDelivery, WebhookEvent, decode
from parley.queues.sqs import SqsQueue
from parley.tenants.models import TenantNotFound
from parley.tenants.repository import DynamoTenantRepository
from parley.tenants.service import TenantService
from parley.webhooks.delivery import post_json
from parley.webhooks.models import InvalidWebhook
from parley.webhooks.repository import DynamoWebhookRepository
from parley.webhooks.service import (
    DEAD_LETTERED,
    DELIVERED,
    DROPPED,
    FANNED_OUT,
    MAX_ATTEMPTS,
    NO_ENDPOINT,
    RETRYING,
    WebhookService,
)
from parley.webhooks.signing import verify

NOW = 1_790_000_000.0
CREATED_AT = "2026-09-21T14:13:20Z"


def event(event_type: str, data: dict[str, Any], event_id: str, tenant_id: str = "acme") -> WebhookEvent:
    return WebhookEvent(tenant_id, event_id, event_type, data, CREATED_AT)


# ------------------------------------------------------------------------------------------------
# A local receiver
# ------------------------------------------------------------------------------------------------
@dataclass
class Received:
    headers: dict[str, str]
    body: bytes
    path: str
    signature_valid: bool


@dataclass
class Receiver:
    url: str
    secret: str = ""
    statuses: list[int] = field(default_factory=list)  # answered in order, then 200
    requests: list[Received] = field(default_factory=list)
    redirect_to: str | None = None


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    state = Receiver(url="")

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            state.requests.append(
                Received(
                    headers=dict(self.headers.items()),
                    body=body,
                    path=self.path,
                    # The signature's timestamp is the delivery's `now`, so verify against it.
                    signature_valid=verify(state.secret, self.headers.get("Parley-Signature"), body, now=NOW),
                )
            )
            status = state.statuses.pop(0) if state.statuses else 200
            self.send_response(status)
            if state.redirect_to and 300 <= status < 400:
                self.send_header("Location", state.redirect_to)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            return None

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    state.url = f"http://127.0.0.1:{server.server_port}/hooks/parley"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield state
    server.shutdown()
    server.server_close()


# ------------------------------------------------------------------------------------------------
# Wiring as the worker will do it
# ------------------------------------------------------------------------------------------------
class SkipDelayQueue(SqsQueue):
    """The real queue, minus the wait: records the delay asked for, sends without it."""

    def __init__(self, client: Any, queue_url: str) -> None:
        super().__init__(client, queue_url)
        self.delays: list[int] = []

    def send(self, message: QueueMessage, delay_seconds: int = 0) -> None:
        self.delays.append(delay_seconds)
        super().send(message)


@dataclass
class World:
    service: WebhookService
    repository: DynamoWebhookRepository
    queue: SkipDelayQueue
    dead_letter_queue: SqsQueue
    queue_url: str
    dead_letter_queue_url: str

    def drain(self, queue_url: str) -> list[WebhookDelivery]:
        sqs = aws.client("sqs")
        messages = sqs.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10).get("Messages", [])
        for message in messages:
            sqs.delete_message(QueueUrl=queue_url, ReceiptHandle=message["ReceiptHandle"])
        decoded = [decode(message["Body"]) for message in messages]
        assert all(isinstance(message, WebhookDelivery) for message in decoded)
        return decoded  # type: ignore[return-value]

    def deliver(self, message: WebhookDelivery) -> str:
        return self.service.deliver(message, self.queue, self.dead_letter_queue, now=NOW)


@pytest.fixture
def world(moto_resources) -> World:
    tenants_table = moto_resources.tables["TenantsTable"]
    tenants = TenantService(DynamoTenantRepository(aws.dynamodb(), tenants_table), None)
    tenants.create_tenant("acme", "Acme Outdoor")
    tenants.create_tenant("globex", "Globex")
    repository = DynamoWebhookRepository(
        aws.dynamodb(), moto_resources.tables["WebhooksTable"], tenants_table
    )
    queue_url = moto_resources.queues["WebhooksQueue"]
    dead_letter_queue_url = moto_resources.queues["WebhooksDeadLetterQueue"]
    return World(
        service=WebhookService(
            repository,
            allow_private=True,  # what PARLEY_WEBHOOKS_ALLOW_PRIVATE=true gives local runs
            transport=partial(post_json, connect_timeout=1, read_timeout=1),
            clock=lambda: NOW,
        ),
        repository=repository,
        queue=SkipDelayQueue(aws.client("sqs"), queue_url),
        dead_letter_queue=SqsQueue(aws.client("sqs"), dead_letter_queue_url),
        queue_url=queue_url,
        dead_letter_queue_url=dead_letter_queue_url,
    )


_event_of = event


def _one_delivery(world: World, receiver: Receiver, event: str = "conversation.completed") -> WebhookDelivery:
    endpoint, receiver.secret = world.service.register("acme", receiver.url, [event])
    (message,) = world.service.fan_out(_event_of(event, {"conversation_id": "conv_1"}, "evt_1"))
    assert message.webhook_id == endpoint.webhook_id
    return message


# ------------------------------------------------------------------------------------------------
# Registration and fan-out
# ------------------------------------------------------------------------------------------------
def test_fan_out_reaches_only_the_endpoints_subscribed_to_the_event(world: World) -> None:
    completed, _ = world.service.register(
        "acme", "http://127.0.0.1:9/a", ["conversation.completed", "insights.generated"]
    )
    world.service.register("acme", "http://127.0.0.1:9/b", ["conversion.recorded"])
    deleted, _ = world.service.register("acme", "http://127.0.0.1:9/c", ["conversation.completed"])
    world.service.delete("acme", deleted.webhook_id)
    world.service.register("globex", "http://127.0.0.1:9/other-tenant", ["conversation.completed"])

    messages = world.service.fan_out(event("conversation.completed", {"conversation_id": "conv_1"}, "evt_1"))

    assert [m.webhook_id for m in messages] == [completed.webhook_id]
    assert messages[0].attempt == 1
    assert messages[0].payload == {
        "id": "evt_1",
        "type": "conversation.completed",
        "created_at": "2026-09-21T14:13:20Z",
        "data": {"conversation_id": "conv_1"},
    }
    assert world.service.fan_out(event("conversation.updated", {}, "evt_2")) == []


def test_an_event_on_the_webhooks_queue_becomes_one_queued_delivery_per_endpoint(world: World) -> None:
    first, _ = world.service.register("acme", "http://127.0.0.1:9/a", ["insights.generated"])
    second, _ = world.service.register("acme", "http://127.0.0.1:9/b", ["insights.generated"])

    outcome = world.service.handle(
        event("insights.generated", {"conversation_id": "conv_1"}, "evt_9"),
        world.queue,
        world.dead_letter_queue,
    )

    assert outcome == FANNED_OUT
    queued = world.drain(world.queue_url)
    assert sorted(m.webhook_id for m in queued) == sorted([first.webhook_id, second.webhook_id])
    assert {m.payload["id"] for m in queued} == {"evt_9"}
    assert (
        world.service.handle(event("conversion.recorded", {}, "evt_10"), world.queue, world.dead_letter_queue)
        == NO_ENDPOINT
    )


def test_registration_shows_the_secret_once_and_keeps_it_only_to_sign(world: World) -> None:
    endpoint, secret = world.service.register("acme", "http://127.0.0.1:9/a", ["insights.generated"])

    assert secret.startswith("whsec_") and len(secret) > 40
    assert endpoint.webhook_id.startswith("wh_")
    stored = world.repository.get("acme", endpoint.webhook_id)
    assert stored is not None and stored.secret == secret and stored.events == {"insights.generated"}
    _, other_secret = world.service.register("acme", "http://127.0.0.1:9/a", ["insights.generated"])
    assert other_secret != secret


@pytest.mark.parametrize(
    ("url", "events"),
    [
        ("http://127.0.0.1:9/a", ["no.such.event"]),
        ("http://127.0.0.1:9/a", []),
        ("ftp://127.0.0.1/a", ["insights.generated"]),
    ],
)
def test_registration_refuses_unknown_events_and_bad_urls(world: World, url: str, events: list[str]) -> None:
    with pytest.raises(InvalidWebhook):
        world.service.register("acme", url, events)
    assert world.service.list_endpoints("acme") == []


def test_production_registration_refuses_http_and_private_addresses(world: World) -> None:
    production = WebhookService(world.repository)

    for url in (
        "http://hooks.example.com/",
        "https://127.0.0.1/",
        "https://[::1]/",
        "https://169.254.169.254/",
    ):
        with pytest.raises(InvalidWebhook):
            production.register("acme", url, ["insights.generated"])


def test_registration_for_an_unknown_tenant_fails(world: World) -> None:
    with pytest.raises(TenantNotFound):
        world.service.register("nobody", "http://127.0.0.1:9/a", ["insights.generated"])


# ------------------------------------------------------------------------------------------------
# Delivery
# ------------------------------------------------------------------------------------------------
def test_a_delivery_is_a_signed_post_the_receiver_can_verify(world: World, receiver: Receiver) -> None:
    message = _one_delivery(world, receiver)

    assert world.deliver(message) == DELIVERED

    (request,) = receiver.requests
    assert request.signature_valid
    assert request.path == "/hooks/parley"
    assert json.loads(request.body) == message.payload
    assert request.headers["Content-Type"] == "application/json"
    assert request.headers["Parley-Event"] == "conversation.completed"
    assert request.headers["Parley-Delivery"] == "evt_1"
    assert request.headers["User-Agent"] == f"Parley-Webhooks/{__version__}"
    assert request.headers["Parley-Signature"].startswith(f"t={int(NOW)},v1=")
    assert not verify("whsec_someone_else", request.headers["Parley-Signature"], request.body, now=NOW)
    assert world.drain(world.queue_url) == []


def test_failures_are_retried_through_the_queue_with_backoff_until_one_succeeds(
    world: World, receiver: Receiver
) -> None:
    receiver.statuses = [500, 500]
    message = _one_delivery(world, receiver)

    assert world.deliver(message) == RETRYING
    (second,) = world.drain(world.queue_url)
    assert world.deliver(second) == RETRYING
    (third,) = world.drain(world.queue_url)
    assert world.deliver(third) == DELIVERED

    assert (second.attempt, third.attempt) == (2, 3)
    assert world.queue.delays == [5, 30]
    assert third.payload == message.payload  # the same event, byte for byte, on every attempt
    assert [r.signature_valid for r in receiver.requests] == [True, True, True]
    assert len({r.body for r in receiver.requests}) == 1
    assert world.drain(world.queue_url) == [] and world.drain(world.dead_letter_queue_url) == []


def test_after_the_last_failed_attempt_the_delivery_goes_to_the_dead_letter_queue(
    world: World, receiver: Receiver
) -> None:
    receiver.statuses = [503] * MAX_ATTEMPTS
    message = _one_delivery(world, receiver)

    outcomes = []
    for _ in range(MAX_ATTEMPTS):
        outcomes.append(world.deliver(message))
        queued = world.drain(world.queue_url)
        if queued:
            (message,) = queued

    assert outcomes == [RETRYING] * (MAX_ATTEMPTS - 1) + [DEAD_LETTERED]
    assert world.queue.delays == [5, 30, 120, 600, 900]
    (dead,) = world.drain(world.dead_letter_queue_url)
    assert (dead.event_id, dead.webhook_id, dead.attempt) == ("evt_1", message.webhook_id, MAX_ATTEMPTS)
    assert len(receiver.requests) == MAX_ATTEMPTS


def test_redirects_are_not_followed(world: World, receiver: Receiver) -> None:
    receiver.statuses = [307]
    receiver.redirect_to = "http://169.254.169.254/latest/meta-data/"
    message = _one_delivery(world, receiver)

    assert world.deliver(message) == RETRYING
    assert len(receiver.requests) == 1


def test_production_delivery_never_calls_a_private_address(world: World, receiver: Receiver) -> None:
    message = _one_delivery(world, receiver)  # registered in local mode
    production = WebhookService(world.repository, clock=lambda: NOW)

    assert production.deliver(message, world.queue, world.dead_letter_queue) == RETRYING
    assert receiver.requests == []


def test_a_deleted_endpoint_drops_its_queued_deliveries(world: World, receiver: Receiver) -> None:
    message = _one_delivery(world, receiver)
    world.service.delete("acme", message.webhook_id)

    assert world.deliver(message) == DROPPED
    assert receiver.requests == []
    assert world.drain(world.queue_url) == [] and world.drain(world.dead_letter_queue_url) == []


def test_our_own_storage_errors_raise_so_the_worker_retries_the_record(
    world: World, receiver: Receiver
) -> None:
    from botocore.exceptions import ClientError

    message = _one_delivery(world, receiver)
    broken = WebhookService(
        DynamoWebhookRepository(aws.dynamodb(), "NoSuchTable", "NoSuchTable"), allow_private=True
    )

    with pytest.raises(ClientError):
        broken.deliver(message, world.queue, world.dead_letter_queue, now=NOW)
    assert receiver.requests == []


# ------------------------------------------------------------------------------------------------
# Admin command
# ------------------------------------------------------------------------------------------------
def _admin(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, dict[str, Any]]:
    code = admin.main(list(argv))
    out = capsys.readouterr().out
    return code, (json.loads(out) if out.strip() else {})


def test_admin_registers_lists_and_deletes_webhooks(moto_resources, world, tmp_path, capsys) -> None:
    state = tmp_path / "state.json"
    state.write_text(
        json.dumps({"endpoint_url": None, "region": "us-east-1", "tables": moto_resources.tables})
    )
    local = ["--local-state", str(state)]

    code, registered = _admin(
        capsys,
        *local,
        "register-webhook",
        "acme",
        "http://127.0.0.1:8000/in",
        "--events",
        "conversation.completed,insights.generated",
    )
    assert code == 0
    assert registered["secret"].startswith("whsec_")
    assert "not shown again" in registered["note"]
    assert registered["events"] == ["conversation.completed", "insights.generated"]

    code, listing = _admin(capsys, *local, "list-webhooks", "acme")
    assert code == 0
    assert listing["webhooks"] == [
        {
            "webhook_id": registered["webhook_id"],
            "url": "http://127.0.0.1:8000/in",
            "events": ["conversation.completed", "insights.generated"],
            "created_at": listing["webhooks"][0]["created_at"],
            "status": "active",
        }
    ]
    assert registered["secret"] not in json.dumps(listing)

    assert _admin(capsys, *local, "delete-webhook", "acme", registered["webhook_id"])[0] == 0
    assert _admin(capsys, *local, "list-webhooks", "acme")[1]["webhooks"] == []
    assert admin.main([*local, "delete-webhook", "acme", registered["webhook_id"]]) == 1
    assert "WebhookNotFound" in capsys.readouterr().err


def test_admin_outside_local_mode_refuses_plain_http_and_private_addresses(
    moto_resources, world, capsys
) -> None:
    deployed = [
        "--tenants-table",
        moto_resources.tables["TenantsTable"],
        "--webhooks-table",
        moto_resources.tables["WebhooksTable"],
    ]

    for url in ("http://127.0.0.1:8000/in", "https://10.0.0.8/in"):
        assert admin.main([*deployed, "register-webhook", "acme", url, "--events", "insights.generated"]) == 1
        assert "InvalidWebhook" in capsys.readouterr().err
    assert admin.main([*deployed, "register-webhook", "acme", "https://8.8.8.8/in", "--events", "bogus"]) == 1
    assert _admin(capsys, *deployed, "list-webhooks", "acme")[1]["webhooks"] == []
