"""Section: throughput of the local gateway (``python -m localgw``) under a bounded concurrent load.

The gateway runs as its own process on 127.0.0.1 (a free port), moto-backed and seeded with the
demo tenant; the load comes from threads of this process over keep-alive HTTP/1.1 connections.
Each phase has a fixed number of requests per thread and a time cap, whichever ends first.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from benchmarks.common import BenchContext, BenchmarkError, SectionResult, percentile, table
from benchmarks.stack import DEMO_KEY

THREADS = 8
DEFAULT_REQUESTS_PER_THREAD = 60
PHASE_CAP_SECONDS = 10.0
START_TIMEOUT_SECONDS = 90.0
REQUEST_TIMEOUT_SECONDS = 30.0
# The usage plan's default throttle (50 rps, burst 100) would answer 429s: this measures the gateway.
OVERRIDES = ("ThrottlingRateLimit=100000", "ThrottlingBurstLimit=100000", "DailyQuota=100000000")
HISTORY = [
    {"role": "assistant", "content": "Hi! Tell me about the space you are furnishing."},
    {"role": "user", "content": "I am looking for an outdoor dining table for my terrace."},
]


@dataclass
class PhaseResult:
    name: str
    latencies_ms: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def summary(self) -> dict[str, Any]:
        ordered = sorted(self.latencies_ms)
        ok = len(ordered)

        return {
            "requests": ok + len(self.errors),
            "ok": ok,
            "errors": len(self.errors),
            "first_errors": self.errors[:3],
            "seconds": self.seconds,
            "rps": ok / self.seconds if self.seconds else 0.0,
            "p50_ms": statistics.median(ordered) if ok else float("nan"),
            "p99_ms": percentile(ordered, 0.99) if ok else float("nan"),
            "max_ms": ordered[-1] if ok else float("nan"),
        }


@contextlib.contextmanager
def gateway(root: Path) -> Iterator[str]:
    """``python -m localgw --port 0`` in a temporary folder; yields its base URL, then stops it."""
    with tempfile.TemporaryDirectory(prefix="parley-bench-gw-") as folder:
        state_file = Path(folder) / "state.json"
        log_path = Path(folder) / "gateway.log"
        env = {key: value for key, value in os.environ.items() if not key.startswith("AWS_")}
        command = [
            sys.executable,
            "-m",
            "localgw",
            "--port",
            "0",
            "--state-file",
            str(state_file),
            "--log-level",
            "WARNING",
            "--parameter-overrides",
            *OVERRIDES,
        ]
        with log_path.open("wb") as log:
            process = subprocess.Popen(  # noqa: S603 - this interpreter, fixed arguments
                command, cwd=root, env=env, stdout=log, stderr=subprocess.STDOUT
            )
        try:
            deadline = time.monotonic() + START_TIMEOUT_SECONDS
            while not state_file.exists():
                if process.poll() is not None or time.monotonic() > deadline:
                    raise BenchmarkError(
                        f"local gateway did not start:\n{log_path.read_text(errors='replace')}"
                    )
                time.sleep(0.1)
            state = json.loads(state_file.read_text())
            if state.get("demo_key") != DEMO_KEY:
                raise BenchmarkError(f"the gateway's demo key is {state.get('demo_key')!r}, not {DEMO_KEY!r}")
            yield str(state["api_url"])
        finally:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
                try:
                    process.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()


def _request(base: str, kind: str, thread: int, n: int) -> tuple[str, str, bytes | None, dict[str, str]]:
    prefix = urlsplit(base).path.rstrip("/")
    if kind == "health":
        return "GET", f"{prefix}/v1/health", None, {}
    body = {
        "session_id": f"bench-{thread}-{n // 4}",  # four calls per session, as a conversation goes
        "conversation_history": HISTORY,
        "answered_question_ids": [],
    }
    headers = {"Authorization": f"Bearer {DEMO_KEY}", "Content-Type": "application/json"}
    return "POST", f"{prefix}/v1/next-questions", json.dumps(body).encode(), headers


def run_phase(base: str, kind: str, requests_per_thread: int) -> PhaseResult:
    parts = urlsplit(base)
    if parts.hostname != "127.0.0.1":
        raise BenchmarkError(f"the gateway must be on loopback, got {base}")
    result = PhaseResult(kind)
    lock = threading.Lock()
    start = threading.Barrier(THREADS + 1)
    deadline = [0.0]

    def worker(thread: int) -> None:
        connection = http.client.HTTPConnection(
            parts.hostname or "", parts.port, timeout=REQUEST_TIMEOUT_SECONDS
        )
        latencies, errors = [], []
        start.wait()
        try:
            for n in range(requests_per_thread):
                if time.perf_counter() > deadline[0]:
                    break
                method, path, body, headers = _request(base, kind, thread, n)
                began = time.perf_counter()
                try:
                    connection.request(method, path, body=body, headers=headers)
                    response = connection.getresponse()
                    payload = response.read()
                except (OSError, http.client.HTTPException) as exc:
                    errors.append(f"{type(exc).__name__}: {exc}")
                    connection.close()
                    connection = http.client.HTTPConnection(
                        parts.hostname or "", parts.port, timeout=REQUEST_TIMEOUT_SECONDS
                    )
                    continue
                elapsed = (time.perf_counter() - began) * 1000
                if 200 <= response.status < 300:
                    latencies.append(elapsed)
                else:
                    errors.append(f"{response.status}: {payload[:200]!r}")
        finally:
            connection.close()
            with lock:
                result.latencies_ms.extend(latencies)
                result.errors.extend(errors)

    threads = [threading.Thread(target=worker, args=(t,), daemon=True) for t in range(THREADS)]
    for thread in threads:
        thread.start()
    deadline[0] = time.perf_counter() + PHASE_CAP_SECONDS
    began = time.perf_counter()
    start.wait()
    for thread in threads:
        thread.join(PHASE_CAP_SECONDS + REQUEST_TIMEOUT_SECONDS + 5)
    result.seconds = time.perf_counter() - began
    return result


class ThroughputSection:
    key = "throughput"
    title = "Local gateway throughput"

    def run(self, context: BenchContext) -> SectionResult:
        requests_per_thread = int(os.environ.get("BENCH_GATEWAY_REQUESTS", str(DEFAULT_REQUESTS_PER_THREAD)))
        started = time.perf_counter()
        with gateway(context.root) as base:
            start_seconds = time.perf_counter() - started
            # Warm-up: the cold starts of the authorizer and both functions, discarded.
            warm = {kind: run_phase(base, kind, 3).summary() for kind in ("health", "next-questions")}
            phases = {
                kind: run_phase(base, kind, requests_per_thread).summary()
                for kind in ("health", "next-questions")
            }
        for kind, summary in (*warm.items(), *phases.items()):
            if summary["errors"]:
                raise BenchmarkError(
                    f"{kind}: {summary['errors']} failed requests, e.g. {summary['first_errors']}"
                )
        rows = [
            (
                f"`{'GET /v1/health' if kind == 'health' else 'POST /v1/next-questions'}`",
                s["requests"],
                f"{s['seconds']:.1f}",
                f"**{s['rps']:.0f}**",
                f"{s['p50_ms']:.1f}",
                f"**{s['p99_ms']:.1f}**",
                f"{s['max_ms']:.1f}",
                s["errors"],
            )
            for kind, s in phases.items()
        ]
        markdown = "\n".join(
            [
                f"`python -m localgw --port 0` (its own process, 127.0.0.1, moto-backed, demo tenant "
                f"and catalog seeded; started in {start_seconds:.1f} s) with "
                f"`--parameter-overrides {' '.join(OVERRIDES)}` so the usage plan's throttle (50 rps, "
                f"burst 100 by default) does not answer 429s. Load: {THREADS} threads of the "
                f"benchmark process, each with one keep-alive HTTP/1.1 connection, "
                f"{requests_per_thread} requests per thread or {PHASE_CAP_SECONDS:.0f} s, whichever "
                "ends first, after 3 discarded requests per thread (cold starts). next-questions "
                "sends the spec's two-turn history with the demo key, four calls per session. "
                "Every request must succeed (2xx) or the benchmark fails.",
                "",
                table(
                    ("request", "requests", "seconds", "requests/s", "p50 ms", "p99 ms", "max ms", "errors"),
                    rows,
                ),
                "",
                "This measures the local development gateway (SAM CLI's Flask service, the "
                "in-process Lambda runner, the authorizer flow and moto over local HTTP) on a "
                "2-core machine shared with the load generator — not API Gateway and Lambda, which "
                "scale out per request.",
            ]
        )
        return SectionResult(
            self.title,
            markdown,
            {
                "threads": THREADS,
                "requests_per_thread": requests_per_thread,
                "cap_seconds": PHASE_CAP_SECONDS,
                "overrides": list(OVERRIDES),
                "start_seconds": start_seconds,
                "phases": phases,
            },
        )
