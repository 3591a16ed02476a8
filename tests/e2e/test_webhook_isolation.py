"""A receiver that trickles its answer holds only its own delivery, and only until the deadline:
another tenant's insights are ready as fast as ever (webhooks have their own queue and function)."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest
import requests

from parley.webhooks.delivery import DELIVERY_DEADLINE_SECONDS
from tests.helpers.gateway import RunningGateway
from tests.helpers.run_log import RunLog
from tests.helpers.tenants import admin_json, tenant_with_key

pytestmark = pytest.mark.e2e
TRICKLE = b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"


@dataclass
class Trickler:
    """Accepts a delivery, then answers one byte every second: a 40-second answer."""

    url: str = ""
    connected: list[float] = field(default_factory=list)
    cut_off: list[float] = field(default_factory=list)


@pytest.fixture
def trickler() -> Iterator[Trickler]:
    state = Trickler()
    server = socket.create_server(("127.0.0.1", 0))
    state.url = f"http://127.0.0.1:{server.getsockname()[1]}/hooks"
    stop = threading.Event()

    def serve(connection: socket.socket) -> None:
        state.connected.append(time.monotonic())
        with connection:
            connection.recv(65536)
            for byte in TRICKLE:
                if stop.is_set():
                    return
                try:
                    connection.sendall(bytes([byte]))
                except OSError:
                    state.cut_off.append(time.monotonic())  # Parley hung up on us
                    return
                time.sleep(1.0)

    def accept() -> None:
        server.settimeout(0.5)
        while not stop.is_set():
            try:
                connection, _ = server.accept()
            except TimeoutError:
                continue
            except OSError:
                return  # closed at the end of the test
            threading.Thread(target=serve, args=(connection,), daemon=True).start()

    threading.Thread(target=accept, daemon=True).start()
    yield state
    stop.set()
    server.close()


def _complete_a_conversation(gateway: RunningGateway, key: str) -> str:
    response = requests.post(
        f"{gateway.url}/api/v1/conversations",
        json={"promptId": "p", "content": "User: I love this table, thank you!\nAssistant: Glad to help."},
        headers={"Authorization": f"Bearer {key}"},
        timeout=30,
    )
    assert response.status_code == 200, response.text
    return str(response.json()["id"])


def test_a_trickling_receiver_does_not_delay_another_tenants_insights(
    gateway: RunningGateway, trickler: Trickler, run_log: RunLog
) -> None:
    # Given tenant "slowhooks" whose webhook receiver trickles its answer, a byte a second
    slow_key = tenant_with_key(gateway, "slowhooks", "Slow Hooks")
    admin_json(gateway, "register-webhook", "slowhooks", trickler.url, "--events", "conversation.completed")
    other_key = tenant_with_key(gateway, "quickhooks", "Quick Hooks")

    # When its conversation completes (a delivery to the trickler starts) and then another tenant's
    _complete_a_conversation(gateway, slow_key)
    deadline = time.monotonic() + 15
    while not trickler.connected and time.monotonic() < deadline:
        time.sleep(0.1)
    assert trickler.connected, "the webhook delivery never reached the receiver"
    started = time.monotonic()
    other = _complete_a_conversation(gateway, other_key)

    # Then the other tenant's insights are ready well within one delivery deadline
    while time.monotonic() - started < DELIVERY_DEADLINE_SECONDS:
        insights = requests.get(
            f"{gateway.url}/api/v1/conversations/{other}/insights",
            headers={"Authorization": f"Bearer {other_key}"},
            timeout=30,
        )
        if insights.status_code == 200:
            break
        time.sleep(0.25)
    waited = time.monotonic() - started
    assert insights.status_code == 200, f"no insights after {waited:.1f} s"
    run_log.add(f"[webhooks] another tenant's insights after {waited:.2f} s while a receiver trickled")

    # And the trickler loses the delivery at the deadline, not when it finishes (40 s)
    cut_deadline = trickler.connected[0] + DELIVERY_DEADLINE_SECONDS + 5
    while not trickler.cut_off and time.monotonic() < cut_deadline:
        time.sleep(0.2)
    assert trickler.cut_off, "the delivery was not cut off at its deadline"
    held = trickler.cut_off[0] - trickler.connected[0]
    # (The trickler notices the hang-up at its next write or two: a second or two after it.)
    assert DELIVERY_DEADLINE_SECONDS - 1 <= held <= DELIVERY_DEADLINE_SECONDS + 3
    run_log.add(f"[webhooks] the trickling receiver was cut off after {held:.1f} s")
