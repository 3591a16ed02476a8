"""A webhook delivery that failed its last attempt lands in the webhooks dead-letter queue; the
admin command lists it (kind, age, ids, never its content) and, once the receiver is back, redrives
it to the webhooks queue, where the local gateway's poller delivers it: signed, once. A second
redrive moves nothing."""

from __future__ import annotations

import http.server
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest

from parley.queues.messages import WebhookDelivery
from parley.queues.sqs import SqsQueue
from parley.webhooks.service import MAX_ATTEMPTS
from parley.webhooks.signing import SIGNATURE_HEADER, verify
from tests.helpers.gateway import RunningGateway
from tests.helpers.run_log import RunLog
from tests.helpers.tenants import admin_json, tenant_with_key

pytestmark = pytest.mark.e2e
DLQ = "WebhooksDeadLetterQueue"
PRIVATE = "a detail only the receiver may read"
WAIT_SECONDS = 30


@dataclass
class Receiver:
    """A webhook receiver that is down (503) until ``healthy`` is set."""

    url: str = ""
    healthy: bool = False
    received: list[tuple[int, dict[str, str], bytes]] = field(default_factory=list)

    def answered(self, status: int) -> list[tuple[int, dict[str, str], bytes]]:
        return [r for r in self.received if r[0] == status]


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    state = Receiver()

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            status = 200 if state.healthy else 503
            state.received.append((status, dict(self.headers.items()), body))
            self.send_response(status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.url = f"http://127.0.0.1:{server.server_address[1]}/hooks"
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield state
    server.shutdown()
    server.server_close()


def _until(condition: Any, what: str) -> Any:
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        found = condition()
        if found:
            return found
        time.sleep(0.25)
    pytest.fail(f"waited {WAIT_SECONDS} s for {what}")


def _ours(gateway: RunningGateway, event_id: str) -> dict[str, Any] | None:
    listing = admin_json(gateway, "dlq", "list", "--messages", "--queue", DLQ)
    [queue] = listing["dead_letter_queues"]
    return next((m for m in queue["message_list"] if m.get("event_id") == event_id), None)


def test_a_dead_lettered_delivery_is_listed_then_redriven_to_success(
    gateway: RunningGateway, receiver: Receiver, run_log: RunLog
) -> None:
    # Given a tenant whose webhook receiver is down
    tenant_with_key(gateway, "dlqhooks", "DLQ Hooks")
    registered = admin_json(
        gateway, "register-webhook", "dlqhooks", receiver.url, "--events", "conversation.completed"
    )
    event_id = f"evt_dlq_{time.time_ns()}"
    delivery = WebhookDelivery(
        tenant_id="dlqhooks",
        webhook_id=registered["webhook_id"],
        event_id=event_id,
        event_type="conversation.completed",
        payload={"id": event_id, "type": "conversation.completed", "data": {"note": PRIVATE}},
        attempt=MAX_ATTEMPTS,
    )

    # When its delivery's last attempt fails (the webhooks function dead-letters it)
    SqsQueue(gateway.client("sqs"), gateway.state["queues"]["WebhooksQueue"]).send(delivery)
    listed = _until(lambda: _ours(gateway, event_id), "the delivery in the dead-letter queue")

    # Then the listing names its kind, tenant and ids, and nothing of its content
    assert receiver.answered(503), "the last attempt never reached the receiver"
    assert listed["kind"] == "webhook.delivery"
    assert listed["redrivable"] is True
    assert (listed["tenant_id"], listed["webhook_id"]) == ("dlqhooks", registered["webhook_id"])
    summary = admin_json(gateway, "dlq", "list", "--queue", DLQ)["dead_letter_queues"][0]
    assert summary["messages"] >= 1
    assert summary["kinds"]["webhook.delivery"]["messages"] >= 1
    assert summary["oldest"] is not None
    assert PRIVATE not in str(admin_json(gateway, "dlq", "list", "--messages"))

    # When the receiver is back and the dead-letter queue is redriven
    receiver.healthy = True
    redriven = admin_json(gateway, "dlq", "redrive", "--queue", DLQ)

    # Then it went back to the webhooks queue (re-sent: the local moto has no move task) ...
    [result] = redriven["redrives"]
    assert (result["method"], result["status"], result["destination"]) == ("resend", "moved", "WebhooksQueue")
    assert result["moved"] >= 1
    # ... and was delivered, signed with the endpoint's secret
    _, headers, body = _until(lambda: next(iter(receiver.answered(200)), None), "the redriven delivery")
    assert headers["Parley-Delivery"] == event_id
    assert verify(registered["secret"], headers[SIGNATURE_HEADER], body)
    assert _ours(gateway, event_id) is None
    run_log.add(f"[dlq] dead-lettered delivery redriven and delivered ({result['moved']} moved)")

    # When the redrive is run again
    again = admin_json(gateway, "dlq", "redrive", "--queue", DLQ)["redrives"][0]

    # Then nothing of ours moves, and the receiver gets the event exactly once
    assert again["moved"] == 0
    time.sleep(2)
    assert [h["Parley-Delivery"] for _, h, _ in receiver.answered(200)] == [event_id]
