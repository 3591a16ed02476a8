"""Local gateways for HTTP tests.

Each gateway runs as `python -m localgw --port 0` in its own process: it sets AWS variables
process-wide and runs an embedded moto server, which must not leak into `mock_aws` unit tests
running in this process. Talk to its moto with `gateway.client("dynamodb")`.

Under pytest-xdist each worker starts its own gateways (the fixtures in ``tests/e2e/conftest.py``
are session-scoped, and a session is a worker): ports are chosen by the OS and state lives in the
worker's own temporary folder, so gateways never share anything.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3
import pytest

from tests.helpers.paths import ROOT

START_TIMEOUT_SECONDS = 90


@dataclass
class RunningGateway:
    url: str
    state: dict[str, Any]
    state_file: Path
    log_file: Path
    process: subprocess.Popen[bytes]

    @property
    def demo_key(self) -> str | None:
        return self.state.get("demo_key")

    def client(self, service: str) -> Any:
        """A boto3 client of the gateway's own moto server."""
        return boto3.client(
            service,
            endpoint_url=self.state["endpoint_url"],
            region_name=self.state["region"],
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
        )

    def log(self) -> str:
        return self.log_file.read_text(errors="replace")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


GatewayFactory = Callable[..., RunningGateway]


def spawn_gateway(workdir: Path, *args: str) -> RunningGateway:
    """Start `python -m localgw` and wait until its state file says it serves."""
    workdir.mkdir(parents=True, exist_ok=True)
    state_file = workdir / "state.json"
    log_file = workdir / "gateway.log"
    env = {key: value for key, value in os.environ.items() if not key.startswith("AWS_")}
    with log_file.open("wb") as log:
        process = subprocess.Popen(  # noqa: S603 -- this interpreter, fixed arguments
            [sys.executable, "-m", "localgw", "--port", "0", "--state-file", str(state_file), *args],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    deadline = time.monotonic() + START_TIMEOUT_SECONDS
    while not state_file.exists():
        if process.poll() is not None or time.monotonic() > deadline:
            if process.poll() is None:
                process.kill()
            pytest.fail(f"local gateway did not start:\n{log_file.read_text(errors='replace')}")
        time.sleep(0.1)
    state = json.loads(state_file.read_text())
    return RunningGateway(state["api_url"], state, state_file, log_file, process)
