"""Section: warm overhead per endpoint — thousands of invocations in one process, AWS answered by
canned responses (a ``before-send`` hook), so what is timed is the handler's own CPU.

For each function: under ``moto.mock_aws`` (seeded like the other sections) import ``app.py``,
serve the event once (the cold request fills the container's caches) and once more as the
request to be repeated, recording the raw HTTP response of every AWS call it makes. Then leave
moto and replay: a ``before-send`` hook on every client answers each call with the recorded
response of the same operation (in the order the recorded request made them), without HTTP. An
operation the recorded request did not make fails the benchmark.
"""

from __future__ import annotations

import contextlib
import functools
import gc
import json
import os
import statistics
import time
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, TextIO

from benchmarks.aws_calls import _Context, _import
from benchmarks.common import BenchContext, BenchmarkError, SectionResult, percentile, table
from benchmarks.stack import (
    FAKE_AWS_ENV,
    FunctionSpec,
    create_and_seed,
    environment,
    function_specs,
    resolved_environment,
    steady_event,
    succeeded,
)

DEFAULT_ITERATIONS = 2000
WARMUP_ITERATIONS = 100
TARGET_P50_MS = 0.2
# next-questions, conversion, get and append carry the target.
TARGETED = frozenset(
    {"NextQuestionFunction", "RecordConversionFunction", "GetConversationFunction", "AppendMessagesFunction"}
)


def iterations_from_env() -> int:
    value = int(os.environ.get("BENCH_WARM_ITERATIONS", str(DEFAULT_ITERATIONS)))
    if value < 10:
        raise BenchmarkError(f"BENCH_WARM_ITERATIONS must be at least 10, got {value}")
    return value


@dataclass(frozen=True)
class Recorded:
    status_code: int
    headers: dict[str, str]
    body: bytes


class _Raw:
    """What ``AWSResponse.content`` reads: ``raw.stream()``."""

    def __init__(self, body: bytes) -> None:
        self._body = body

    def stream(self, **_: Any) -> Iterator[bytes]:
        yield self._body


@dataclass
class Replayer:
    """Records responses per operation while ``recording``; answers from them while ``replaying``."""

    recording: bool = False
    replaying: bool = False
    responses: dict[str, list[Recorded]] = field(default_factory=dict)
    cursor: dict[str, int] = field(default_factory=dict)
    sdk_seconds: float = 0.0
    calls: int = 0

    def before_parse(self, operation_model: Any, response_dict: dict[str, Any], **_: Any) -> None:
        if self.recording:
            key = f"{operation_model.service_model.service_id.hyphenize()}.{operation_model.name}"
            body = response_dict.get("body") or b""
            recorded = Recorded(
                int(response_dict["status_code"]), dict(response_dict["headers"]), bytes(body)
            )
            self.responses.setdefault(key, []).append(recorded)

    def before_send(self, request: Any, **kwargs: Any) -> Any:
        if not self.replaying:
            return None
        from botocore.awsrequest import AWSResponse

        event_name = kwargs.get("event_name", "")
        _, service, operation = event_name.split(".", 2)
        key = f"{service}.{operation}"
        answers = self.responses.get(key)
        if not answers:
            raise BenchmarkError(f"{key}: not made by the recorded request, no canned response for it")
        position = self.cursor.get(key, 0)
        self.cursor[key] = position + 1
        answer = answers[position % len(answers)]
        return AWSResponse(request.url, answer.status_code, answer.headers, _Raw(answer.body))

    def next_request(self) -> None:
        self.cursor.clear()


@contextlib.contextmanager
def hooked(replayer: Replayer) -> Iterator[None]:
    """Hooks on every client created in the block, and SDK time (``_make_api_call``) summed."""
    import botocore.client
    import botocore.session

    original_create = botocore.session.Session.create_client
    original_call = botocore.client.BaseClient._make_api_call

    def create_client(self: Any, *args: Any, **kwargs: Any) -> Any:
        client = original_create(self, *args, **kwargs)
        client.meta.events.register("before-parse.*.*", replayer.before_parse)
        client.meta.events.register_first("before-send.*.*", replayer.before_send)
        return client

    def make_api_call(self: Any, operation_name: str, api_params: dict[str, Any]) -> Any:
        started = time.perf_counter()
        try:
            return original_call(self, operation_name, api_params)
        finally:
            replayer.sdk_seconds += time.perf_counter() - started
            replayer.calls += 1

    botocore.session.Session.create_client = create_client  # type: ignore[method-assign]
    botocore.client.BaseClient._make_api_call = make_api_call  # type: ignore[method-assign]
    try:
        yield
    finally:
        botocore.session.Session.create_client = original_create  # type: ignore[method-assign]
        botocore.client.BaseClient._make_api_call = original_call  # type: ignore[method-assign]


@dataclass
class Timings:
    total_ms: list[float] = field(default_factory=list)
    sdk_ms: list[float] = field(default_factory=list)
    own_ms: list[float] = field(default_factory=list)
    calls_per_request: float = 0.0

    def summary(self) -> dict[str, float]:
        return {
            "n": len(self.total_ms),
            "total_p50": statistics.median(self.total_ms),
            "total_p99": percentile(self.total_ms, 0.99),
            "own_p50": statistics.median(self.own_ms),
            "own_p99": percentile(self.own_ms, 0.99),
            "sdk_p50": statistics.median(self.sdk_ms),
            "sdk_p99": percentile(self.sdk_ms, 0.99),
            "aws_calls_per_request": self.calls_per_request,
        }


def _events(spec: FunctionSpec, count: int, start: int) -> list[dict[str, Any]]:
    """Ready events (built before timing): conversion needs a new Idempotency-Key each time."""
    if spec.folder == "record_conversion":
        return [steady_event(spec, start + n) for n in range(count)]
    text = json.dumps(spec.event())
    return [json.loads(text) for _ in range(count)]


@functools.cache
def _sink() -> TextIO:
    """/dev/null for Powertools' log lines and metrics, open for the whole run: Powertools keeps the
    stream a service's logger first saw, and later sections reuse the same loggers."""
    return open(os.devnull, "w")  # lives as long as the process


def measure(context: BenchContext, spec: FunctionSpec, iterations: int) -> Timings:
    from moto import mock_aws

    from parley import aws

    replayer = Replayer()
    with (
        environment(FAKE_AWS_ENV, remove=("AWS_ENDPOINT_URL", "AWS_PROFILE")),
        hooked(replayer),
        warnings.catch_warnings(),
    ):
        sink = _sink()
        warnings.filterwarnings("ignore", "No application metrics to publish")
        aws.client.cache_clear()
        try:
            with mock_aws():
                resources = create_and_seed(context.template)
                variables = resolved_environment(spec, context.template, resources)
                with environment(variables), contextlib.redirect_stdout(sink):
                    module = _import(spec)
                    handler: Callable[[dict[str, Any], Any], Any] = module.lambda_handler
                    _check(spec, handler(spec.event(), _Context()), "cold")
                    replayer.recording = True
                    _check(spec, handler(_events(spec, 1, 0)[0], _Context()), "recorded")
                    replayer.recording = False
            # moto is off: every call is answered by the hook (moto's own stub is disabled).
            replayer.replaying = True
            lambda_context = _Context()
            timings = Timings()
            with environment(variables), contextlib.redirect_stdout(sink):
                events = _events(spec, WARMUP_ITERATIONS + iterations, 1)
                gc.collect()
                for n, event in enumerate(events):
                    replayer.next_request()
                    replayer.sdk_seconds = 0.0
                    started = time.perf_counter()
                    response = handler(event, lambda_context)
                    elapsed = time.perf_counter() - started
                    if not succeeded(response):
                        _check(spec, response, f"replay {n}")
                    if n >= WARMUP_ITERATIONS:
                        timings.total_ms.append(elapsed * 1000)
                        timings.sdk_ms.append(replayer.sdk_seconds * 1000)
                        timings.own_ms.append((elapsed - replayer.sdk_seconds) * 1000)
                replayer.calls = 0
                replayer.next_request()
                handler(_events(spec, 1, len(events) + 1)[0], lambda_context)
                timings.calls_per_request = replayer.calls
        finally:
            aws.client.cache_clear()
    return timings


def _check(spec: FunctionSpec, response: object, phase: str) -> None:
    if not succeeded(response):
        raise BenchmarkError(f"{spec.logical_id} ({phase}): the event failed: {response}")


def _verdict(name: str, own_p50: float) -> str:
    if name not in TARGETED:
        return "—"
    return "meets" if own_p50 <= TARGET_P50_MS else f"**MISSES** ({own_p50 / TARGET_P50_MS:.1f}x the target)"


class WarmSection:
    key = "warm"
    title = "Warm overhead per endpoint"

    def run(self, context: BenchContext) -> SectionResult:
        iterations = iterations_from_env()
        specs = function_specs(context.template, context.root)
        results = {spec.logical_id: measure(context, spec, iterations).summary() for spec in specs}
        rows = [
            (
                name,
                int(s["aws_calls_per_request"]),
                f"{s['total_p50']:.3f}",
                f"{s['total_p99']:.3f}",
                f"{s['sdk_p50']:.3f}",
                f"**{s['own_p50']:.3f}**",
                f"{s['own_p99']:.3f}",
                _verdict(name, s["own_p50"]),
            )
            for name, s in results.items()
        ]
        markdown = "\n".join(
            [
                f"One process; per function {iterations} timed invocations after {WARMUP_ITERATIONS} "
                "discarded ones, with the event the cold-start section uses (the conversion with a "
                "new Idempotency-Key each time, so every call does the real work, not a replay). "
                "Every AWS call is answered by a `before-send` hook (registered first on each "
                "client) with the raw HTTP response moto gave the same call while recording one "
                "request: botocore still serialises, signs and parses, but no socket is opened. "
                "Powertools' log lines and metrics go to /dev/null (their formatting is counted).",
                "",
                table(
                    (
                        "Function",
                        "AWS calls / request",
                        "handler p50 ms",
                        "handler p99 ms",
                        "in botocore p50 ms",
                        "own p50 ms",
                        "own p99 ms",
                        f"target own p50 ≤ {TARGET_P50_MS} ms",
                    ),
                    rows,
                ),
                "",
                "Columns: **handler** = `lambda_handler(event, context)` wall time; **in botocore** = "
                "time inside `BaseClient._make_api_call` (parameter validation, serialisation, "
                "SigV4 signing, the hooks, response parsing) — what each AWS call costs in client "
                "CPU before any network; **own** = handler minus botocore: routing, validation, the "
                "service logic, JSON, logging and metrics. The target applies to **own**; "
                "the botocore share is reported, not hidden (on Lambda the network round trips "
                "come on top of both).",
            ]
        )
        return SectionResult(self.title, markdown, {"iterations": iterations, "functions": results})
