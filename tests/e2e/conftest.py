"""Local gateways for HTTP tests (the runner is ``tests/helpers/gateway.py``).

Session-scoped: under pytest-xdist a session is a worker, so each worker that runs e2e tests starts
its own gateways (on ports the OS picks, with state in the worker's own temporary folder).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.helpers.gateway import GatewayFactory, RunningGateway, spawn_gateway


@pytest.fixture(scope="module")
def gateway_factory(tmp_path_factory: pytest.TempPathFactory) -> Iterator[GatewayFactory]:
    """`gateway_factory("--parameter-overrides", "ThrottlingRateLimit=1", ...)`: one more gateway,
    stopped when its module ends (an idle gateway still polls its queues and schedule)."""
    started: list[RunningGateway] = []

    def factory(*args: str) -> RunningGateway:
        running = spawn_gateway(tmp_path_factory.mktemp("gateway"), *args)
        started.append(running)
        return running

    yield factory
    for running in started:
        running.stop()


@pytest.fixture(scope="session")
def gateway(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningGateway]:
    """The real template, seeded with the demo tenant: `gateway.url`, `gateway.demo_key`; shared
    by the worker's whole session."""
    running = spawn_gateway(tmp_path_factory.mktemp("gateway"))
    yield running
    running.stop()
