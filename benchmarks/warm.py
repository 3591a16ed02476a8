"""Section: warm overhead per endpoint — thousands of invocations in one process, AWS answered by
canned responses (a ``before-send`` hook), so what is timed is the handler's own CPU.

For each function: under ``moto.mock_aws`` (seeded like the other sections) import ``app.py``,
serve the event once (the cold request fills the container's caches) and once more as the
request to be repeated, recording the raw HTTP response of every AWS call it makes, filed under
the call's identity (``call_identity``). Then leave moto, keeping its data, and replay: a
``before-send`` hook on every client answers each call with a response recorded for the same
identity (in the order the recorded request made such calls), without HTTP.

A call no recorded call matches (a cache refresh: the turn's statistics after 10 s, its
deployment after 60 s) is answered by moto itself, from the data the recording left, and that
answer is kept for the next such call; the section lists these calls. More than
``MAX_UNRECORDED_CALLS`` of them (requests that keep differing from the recording) fail the
benchmark, naming them: a call is never answered with the response to another.
"""

from __future__ import annotations

import contextlib
import functools
import gc
import json
import multiprocessing
import os
import statistics
import sys
import threading
import time
import warnings
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from benchmarks import work
from benchmarks.aws_calls import _Context, _import
from benchmarks.common import ROOT, BenchContext, BenchmarkError, SectionResult, percentile, table
from benchmarks.own_time import Owners
from benchmarks.stack import (
    FAKE_AWS_ENV,
    FunctionSpec,
    create_and_seed,
    environment,
    function_specs,
    prepared_event,
    resolved_environment,
    succeeded,
)

if TYPE_CHECKING:
    from botocore.client import BaseClient
    from botocore.session import Session

    # botocore's private BaseClient._make_api_call(self, operation_name, api_params) -> parsed.
    MakeApiCall = Callable[[BaseClient, str, dict[str, Any]], dict[str, Any]]

# 1,000 timed requests per function (p99 = the 990th): with every function of the template (37),
# 2,000 would take this section alone to about 7 of `make bench`'s 10 minutes (estimated from the
# handlers' p50s and each function's start-up in its own process).
DEFAULT_ITERATIONS = 1000
WARMUP_ITERATIONS = 100
# Requests served under the profiler for a route over its target, after the timed ones.
PROFILED_ITERATIONS = 150
# Calls per function answered by moto because no recorded call matched: cache refreshes are a few.
MAX_UNRECORDED_CALLS = 10
TARGET_P50_MS = 0.2
# The target applies to every API route (functions with an Api event); the authorizer and
# the workers are reported without a verdict.
API_TRIGGER = "Api"


def iterations_from_env() -> int:
    value = int(os.environ.get("BENCH_WARM_ITERATIONS", str(DEFAULT_ITERATIONS)))
    if value < 10:
        raise BenchmarkError(f"BENCH_WARM_ITERATIONS must be at least 10, got {value}")
    return value


# Operations that write a new unit of work on every request: their values (new ids, timestamps,
# idempotency keys, message bodies) differ from the recorded request's by design, so a replayed
# one is matched by its shape. Every other call (the reads) must match a recorded call exactly.
WRITES = {
    "dynamodb": frozenset({"PutItem", "UpdateItem", "DeleteItem", "BatchWriteItem", "TransactWriteItems"}),
    "sqs": frozenset({"SendMessage", "SendMessageBatch", "DeleteMessage", "DeleteMessageBatch"}),
}
# What a write's shape keeps verbatim: where it writes and how (tables, queues, expressions and
# the attribute names they use); every other value is reduced to its type, and the attributes of
# an item, a key or expression values to their names and DynamoDB types (a small shape is quick
# to compute; its time is left out of the measurement anyway, see Replayer.harness_seconds).
SHAPE_KEEPS = frozenset(
    {
        "TableName",
        "IndexName",
        "QueueUrl",
        "ConditionExpression",
        "UpdateExpression",
        "ExpressionAttributeNames",
        "ProjectionExpression",
        "ReturnValues",
        "ReturnValuesOnConditionCheckFailure",
    }
)

ATTRIBUTE_MAPS = frozenset({"Item", "Key", "ExpressionAttributeValues"})
# A Query's number bounds are most often the clock ("idle_expires_at <= :now", one value a second):
# its identity keeps the partition and every string, and only the numbers' type.
RANGE_READS = frozenset({"Query", "Scan"})
Identity = tuple[str, str, str]


def _shape(value: Any, name: str = "") -> Any:
    if name in SHAPE_KEEPS:
        return value
    if name in ATTRIBUTE_MAPS and isinstance(value, dict):
        return {
            attribute: "".join(typed) if isinstance(typed, dict) else "?"
            for attribute, typed in value.items()
        }
    if isinstance(value, dict):
        return {key: _shape(item, key) for key, item in value.items()}
    if isinstance(value, list):
        return [_shape(item) for item in value]
    return type(value).__name__


def call_identity(service: str, operation: str, params: dict[str, Any]) -> Identity:
    """The call a recorded response answers: its parameters, or for a write its shape (the
    parameters and their structure with the values written reduced to their types)."""
    if operation in WRITES.get(service, ()):
        return service, operation, json.dumps(_shape(params), sort_keys=True)
    if operation in RANGE_READS and "ExpressionAttributeValues" in params:
        values = {
            name: {"N": "?"} if isinstance(value, dict) and "N" in value else value
            for name, value in params["ExpressionAttributeValues"].items()
        }
        params = {**params, "ExpressionAttributeValues": values}
    return service, operation, repr(params)  # the same code builds the same dict, in the same order


def describe_call(service: str, operation: str, params: dict[str, Any]) -> str:
    """``service.Operation`` with where it points (table or queue, and key) for messages."""
    parts = [f"{service}.{operation}"]
    target = params.get("TableName") or params.get("QueueUrl")
    if isinstance(target, str):
        parts.append(target.rsplit("/", 1)[-1])
    key = params.get("Key")
    if isinstance(key, dict):
        values = {
            name: next(iter(value.values()), None) for name, value in key.items() if isinstance(value, dict)
        }
        parts.append(json.dumps(values, sort_keys=True, default=str))
    elif "RequestItems" in params:
        parts.append(json.dumps(params["RequestItems"], sort_keys=True, default=str)[:160])
    return " ".join(parts)


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
class _Call:
    """The API call in progress on a thread (``_make_api_call`` → ``before-send`` → ``before-parse``)."""

    identity: Identity
    service: str
    operation: str
    params: dict[str, Any]
    from_moto: bool = False
    moto_asked_at: float = 0.0


@dataclass
class Replayer:
    """Records responses by call identity while ``recording``; answers from them while ``replaying``.

    ``moto`` is the stopped mock whose data the recording left: started around a call no recorded
    call matches, so that moto answers it (and the answer is recorded for the next such call).
    ``harness_seconds`` sums what the replay adds to a call besides answering it (identifying the
    call, and moto's work for an unrecorded one): the measurement leaves it out, so a handler is
    timed as if every answer were canned.
    """

    recording: bool = False
    replaying: bool = False
    moto: Any = None
    responses: dict[Identity, list[Recorded]] = field(default_factory=dict)
    cursor: dict[Identity, int] = field(default_factory=dict)
    unrecorded: list[str] = field(default_factory=list)
    error: BenchmarkError | None = None
    sdk_seconds: float = 0.0
    harness_seconds: float = 0.0
    calls: int = 0
    # Switched off for the length of every AWS call (see ``own_time``), when a route is profiled.
    owners: Owners | None = None
    _local: threading.local = field(default_factory=threading.local)

    def begin_call(self, service: str, operation: str, params: dict[str, Any]) -> None:
        if self.recording or self.replaying:
            started = time.perf_counter()
            self._local.call = _Call(call_identity(service, operation, params), service, operation, params)
            self.harness_seconds += time.perf_counter() - started
        else:
            self._local.call = None

    def end_call(self) -> None:
        call: _Call | None = getattr(self._local, "call", None)
        self._local.call = None
        if call is not None and call.from_moto:
            started = time.perf_counter()
            self.moto.stop(remove_data=False)
            self.harness_seconds += time.perf_counter() - started

    def before_parse(self, operation_model: Any, response_dict: dict[str, Any], **_: Any) -> None:
        call: _Call | None = getattr(self._local, "call", None)
        if call is not None and call.from_moto:
            self.harness_seconds += time.perf_counter() - call.moto_asked_at
        if call is not None and (self.recording or call.from_moto):
            body = response_dict.get("body") or b""
            recorded = Recorded(
                int(response_dict["status_code"]), dict(response_dict["headers"]), bytes(body)
            )
            self.responses.setdefault(call.identity, []).append(recorded)

    def before_send(self, request: Any, **_: Any) -> Any:
        if not self.replaying:
            return None
        from botocore.awsrequest import AWSResponse

        call: _Call = self._local.call
        answers = self.responses.get(call.identity)
        if not answers:
            return self._ask_moto(call)
        position = self.cursor.get(call.identity, 0)
        self.cursor[call.identity] = position + 1
        answer = answers[position % len(answers)]
        # botocore-stubs ask for HTTPHeaders; AWSResponse wraps any mapping in a HeadersDict.
        return AWSResponse(request.url, answer.status_code, answer.headers, _Raw(answer.body))  # type: ignore[arg-type]

    def _ask_moto(self, call: _Call) -> None:
        """Let moto's own ``before-send`` handler, after this one, answer the call."""
        call.moto_asked_at = time.perf_counter()
        self.unrecorded.append(describe_call(call.service, call.operation, call.params))
        if len(self.unrecorded) > MAX_UNRECORDED_CALLS:
            self.error = BenchmarkError(
                f"{len(self.unrecorded)} calls matched no recorded call (the replayed requests keep "
                f"differing from the recorded one): {'; '.join(self.unrecorded)}"
            )
            raise self.error
        call.from_moto = True
        self.moto.start(reset=False)

    def next_request(self) -> None:
        self.cursor.clear()


@contextlib.contextmanager
def hooked(replayer: Replayer) -> Iterator[None]:
    """Hooks on every client created in the block, and SDK time (``_make_api_call``) summed."""
    import botocore.client
    import botocore.session

    original_create = botocore.session.Session.create_client
    # botocore-stubs leave out the private _make_api_call (hence attr-defined below).
    original_call: MakeApiCall = botocore.client.BaseClient._make_api_call  # type: ignore[attr-defined]

    def create_client(self: Session, *args: Any, **kwargs: Any) -> BaseClient:
        client = original_create(self, *args, **kwargs)
        client.meta.events.register("before-parse.*.*", replayer.before_parse)
        client.meta.events.register_first("before-send.*.*", replayer.before_send)
        return client

    def make_api_call(self: BaseClient, operation_name: str, api_params: dict[str, Any]) -> dict[str, Any]:
        if replayer.owners is not None:
            replayer.owners.pause()
        started = time.perf_counter()
        replayer.begin_call(self.meta.service_model.service_id.hyphenize(), operation_name, api_params)
        try:
            return original_call(self, operation_name, api_params)
        finally:
            replayer.end_call()
            replayer.sdk_seconds += time.perf_counter() - started
            replayer.calls += 1
            if replayer.owners is not None:
                replayer.owners.resume()

    # Patched for the block only, and restored: mypy flags any assignment to a method.
    botocore.session.Session.create_client = create_client  # type: ignore[method-assign]
    botocore.client.BaseClient._make_api_call = make_api_call  # type: ignore[attr-defined]
    try:
        yield
    finally:
        botocore.session.Session.create_client = original_create  # type: ignore[method-assign]
        botocore.client.BaseClient._make_api_call = original_call  # type: ignore[attr-defined]


@dataclass
class Timings:
    total_ms: list[float] = field(default_factory=list)
    sdk_ms: list[float] = field(default_factory=list)
    own_ms: list[float] = field(default_factory=list)
    calls_per_request: float = 0.0
    # Calls that matched no recorded call, answered by moto (cache refreshes), in order.
    answered_by_moto: list[str] = field(default_factory=list)
    # For an API route over its target: who owns its own time (``own_time``).
    causes: dict[str, Any] | None = None

    def summary(self) -> dict[str, Any]:
        return {
            "n": len(self.total_ms),
            "total_p50": statistics.median(self.total_ms),
            "total_p99": percentile(self.total_ms, 0.99),
            "own_p50": statistics.median(self.own_ms),
            "own_p99": percentile(self.own_ms, 0.99),
            "sdk_p50": statistics.median(self.sdk_ms),
            "sdk_p99": percentile(self.sdk_ms, 0.99),
            "aws_calls_per_request": self.calls_per_request,
            "answered_by_moto": self.answered_by_moto,
            "causes": self.causes,
        }


def _events(spec: FunctionSpec, recorded: dict[str, Any], count: int, start: int) -> list[dict[str, Any]]:
    """Ready events (built before timing), each a new unit of work on the recorded request's state:
    a new Idempotency-Key wherever the event carries one (conversion, the session and
    configuration mutations, creates), so every call does the real work, not a replay.
    next-questions keeps its session (the 2nd call of a session, as the recording made it)."""
    if spec.folder == "next_question":
        text = json.dumps(recorded)
        return [json.loads(text) for _ in range(count)]
    return [work.vary(spec.folder, recorded, start + n) for n in range(count)]


@functools.cache
def _sink() -> TextIO:
    """/dev/null for Powertools' log lines and metrics, open for the whole run: Powertools keeps the
    stream a service's logger first saw, and later sections reuse the same loggers."""
    return open(os.devnull, "w")  # lives as long as the process


def measure(context: BenchContext, spec: FunctionSpec, iterations: int) -> Timings:
    from moto import mock_aws

    from parley import aws

    moto = mock_aws()
    replayer = Replayer(moto=moto)
    with (
        environment(FAKE_AWS_ENV, remove=("AWS_ENDPOINT_URL", "AWS_PROFILE")),
        hooked(replayer),
        warnings.catch_warnings(),
    ):
        sink = _sink()
        warnings.filterwarnings("ignore", "No application metrics to publish")
        aws.client.cache_clear()
        try:
            moto.start()
            try:
                resources = create_and_seed(context.template)
                variables = resolved_environment(spec, context.template, resources)
                with environment(variables), contextlib.redirect_stdout(sink):
                    cold = prepared_event(spec, 0, resources)
                    module = _import(spec)
                    handler: Callable[[dict[str, Any], Any], Any] = module.lambda_handler
                    _check(spec, handler(cold, _Context(spec)), "cold", replayer)
                    recorded = prepared_event(spec, 1, resources)
                    replayer.recording = True
                    _check(spec, handler(recorded, _Context(spec)), "recorded", replayer)
                    replayer.recording = False
            finally:
                moto.stop(remove_data=False)  # its data answers the calls nothing recorded
            # moto is off: every call is answered by the hook (moto's own stub is disabled), but
            # for one that matches no recorded call, which moto answers (see Replayer).
            replayer.replaying = True
            lambda_context = _Context(spec)
            timings = Timings()
            with environment(variables), contextlib.redirect_stdout(sink):
                events = _events(spec, recorded, WARMUP_ITERATIONS + iterations, 2)
                _replay(spec, handler, events, replayer, timings)
                served = len(events) + 2
                if API_TRIGGER in spec.triggers and statistics.median(timings.own_ms) > TARGET_P50_MS:
                    profiled = _events(spec, recorded, PROFILED_ITERATIONS, served)
                    timings.causes = _profiled(spec, handler, profiled, replayer, timings)
                    served += len(profiled)
                replayer.calls = 0
                replayer.next_request()
                last = _events(spec, recorded, 1, served)[0]
                _check(spec, handler(last, lambda_context), "last", replayer)
                timings.calls_per_request = replayer.calls
                timings.answered_by_moto = list(replayer.unrecorded)
        finally:
            aws.client.cache_clear()
            moto.reset()
    return timings


def _replay(
    spec: FunctionSpec,
    handler: Callable[[dict[str, Any], Any], Any],
    events: list[dict[str, Any]],
    replayer: Replayer,
    timings: Timings,
) -> None:
    """Serve every event, timing those after the warm-up (what the replay harness adds left out)."""
    lambda_context = _Context(spec)
    gc.collect()
    for n, event in enumerate(events):
        replayer.next_request()
        replayer.sdk_seconds = replayer.harness_seconds = 0.0
        started = time.perf_counter()
        response = handler(event, lambda_context)
        elapsed = time.perf_counter() - started - replayer.harness_seconds
        if not succeeded(response, spec.folder) or replayer.error is not None:
            _check(spec, response, f"replay {n}", replayer)
        if n >= WARMUP_ITERATIONS:
            timings.total_ms.append(elapsed * 1000)
            sdk = replayer.sdk_seconds - replayer.harness_seconds
            timings.sdk_ms.append(sdk * 1000)
            timings.own_ms.append((elapsed - sdk) * 1000)


def _profiled(
    spec: FunctionSpec,
    handler: Callable[[dict[str, Any], Any], Any],
    events: list[dict[str, Any]],
    replayer: Replayer,
    timings: Timings,
) -> dict[str, Any]:
    """Serve ``events`` under the profiler (after the timed ones, never timed): the owners of
    the handler's own time, scaled to the measured own p50."""
    owners = Owners()
    replayer.owners = owners
    lambda_context = _Context(spec)
    owners.start()
    try:
        for n, event in enumerate(events):
            replayer.next_request()
            response = handler(event, lambda_context)
            if not succeeded(response, spec.folder) or replayer.error is not None:
                _check(spec, response, f"profiled {n}", replayer)
    finally:
        owners.stop()
        replayer.owners = None
    return owners.attribution().summary(statistics.median(timings.own_ms))


def _check(spec: FunctionSpec, response: object, phase: str, replayer: Replayer) -> None:
    """The handler's answer must be a success, and no hook may have failed (a handler turns an
    exception raised in a hook into a 500; the hook's own error names the call)."""
    if replayer.error is not None:
        raise BenchmarkError(f"{spec.logical_id} ({phase}): {replayer.error}") from replayer.error
    if not succeeded(response, spec.folder):
        moto_answered = f"; calls moto answered so far: {replayer.unrecorded}" if replayer.unrecorded else ""
        raise BenchmarkError(f"{spec.logical_id} ({phase}): the event failed: {response}{moto_answered}")


def _verdict(spec: FunctionSpec, own_p50: float) -> str:
    if API_TRIGGER not in spec.triggers:
        return "—"
    return "meets" if own_p50 <= TARGET_P50_MS else f"**MISSES** ({own_p50 / TARGET_P50_MS:.1f}x the target)"


def measure_alone(context: BenchContext, logical_id: str, iterations: int) -> dict[str, Any]:
    """``measure`` in a fresh interpreter, as a Lambda container holds one function: measured one
    after another in one process, each function ran beside every module, moto backend and garbage
    the ones before it left (the same handler measured up to 2x slower late in the run)."""
    with ProcessPoolExecutor(max_workers=1, mp_context=_fork_server()) as pool:
        return pool.submit(_measure_by_id, context.root, context.python, logical_id, iterations).result()


@functools.cache
def _fork_server() -> Any:
    """Processes forked from a server that imported ``benchmarks.warm_preload`` (moto, the template)."""
    server = multiprocessing.get_context("forkserver")
    server.set_forkserver_preload(["benchmarks.warm_preload"])
    return server


def _measure_by_id(root: Path, python: str, logical_id: str, iterations: int) -> dict[str, Any]:
    context = BenchContext(root=root, python=python)
    preloaded = sys.modules.get("benchmarks.warm_preload")
    if preloaded is not None and root == ROOT:
        context.template = preloaded.TEMPLATE  # the cached_property's value, as it would have read it
    spec = next(s for s in function_specs(context.template, context.root) if s.logical_id == logical_id)
    return measure(context, spec, iterations).summary()


COLUMNS_TEXT = (
    "Columns: **handler** = `lambda_handler(event, context)` wall time; **in botocore** = "
    "time inside `BaseClient._make_api_call` (parameter validation, serialisation, "
    "SigV4 signing, the hooks, response parsing) — what each AWS call costs in client "
    "CPU before any network; **own** = handler minus botocore: routing, validation, the "
    "service logic, JSON, logging and metrics. The target applies to **own**; "
    "the botocore share is reported, not hidden (on Lambda the network round trips "
    "come on top of both)."
)


class WarmSection:
    key = "warm"
    title = "Warm overhead per endpoint"

    def run(self, context: BenchContext) -> SectionResult:
        iterations = iterations_from_env()
        specs = function_specs(context.template, context.root)
        results = {spec.logical_id: measure_alone(context, spec.logical_id, iterations) for spec in specs}
        by_id = {spec.logical_id: spec for spec in specs}
        rows = [
            (
                name,
                int(s["aws_calls_per_request"]),
                f"{s['total_p50']:.3f}",
                f"{s['total_p99']:.3f}",
                f"{s['sdk_p50']:.3f}",
                f"**{s['own_p50']:.3f}**",
                f"{s['own_p99']:.3f}",
                _verdict(by_id[name], s["own_p50"]),
            )
            for name, s in results.items()
        ]
        markdown = "\n".join(
            [
                f"One fresh process per function; {iterations} timed invocations after {WARMUP_ITERATIONS} "
                "discarded ones, with the event the cold-start section uses, each a new unit of work "
                "on the recorded request's state (`benchmarks/work.py`: a new Idempotency-Key "
                "wherever the event carries one — conversion, the session and configuration "
                "mutations, the creates — so every call does the real work, not a replay). "
                f"The target applies to every API route; the authorizer and the workers have none. "
                "Every AWS call is answered by a `before-send` hook (registered first on each "
                "client) with the raw HTTP response moto gave the same call while recording one "
                "request — the same parameters, or for a write (new ids and timestamps every "
                "time) the same tables, expressions and structure: botocore still serialises, "
                "signs and parses, but no socket is opened. A call the recorded request did not "
                "make (a cache refreshed after its TTL) is answered by moto the first time and by "
                "that answer afterwards; they are listed under the table. "
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
                COLUMNS_TEXT,
                "",
                _answered_by_moto(results),
                "",
                _causes_text(results),
            ]
        )
        return SectionResult(self.title, markdown, {"iterations": iterations, "functions": results})


def _answered_by_moto(results: dict[str, dict[str, Any]]) -> str:
    listed = [
        f"{name}: {', '.join(f'`{call}`' for call in summary['answered_by_moto'])}"
        for name, summary in results.items()
        if summary["answered_by_moto"]
    ]
    if not listed:
        return "Calls answered by moto (no recorded call matched): none."
    return "Calls answered by moto (no recorded call matched, once each): " + "; ".join(listed) + "."


def _causes_text(results: dict[str, dict[str, Any]]) -> str:
    missing = {name: s for name, s in results.items() if s.get("causes")}
    if not missing:
        return "No API route is over the target."
    rows = [
        (
            name,
            f"{summary['own_p50']:.3f}",
            "; ".join(
                f"{owner} {ms:.3f} ms ({fraction:.0%})" for owner, fraction, ms in summary["causes"]["owners"]
            ),
            "; ".join(f"{label} {fraction:.0%}" for label, fraction in summary["causes"]["functions"][:3]),
        )
        for name, summary in missing.items()
    ]
    return "\n".join(
        [
            f"**Each route over the target, and its measured cause.** {PROFILED_ITERATIONS} more requests "
            "of each such route under cProfile, switched off for the length of every AWS call, so it "
            "holds the handler's own code only (`benchmarks/own_time.py`). Its own time is charged to the "
            "code that spent it (a C built-in such as `dict.get` to its caller); the shares are the "
            "profile's, the milliseconds those shares of the measured own p50. The profiler slows "
            "every Python call it sees, so code made of many small calls (pure-Python loops) looks "
            "larger in its shares than in the timed runs, and C code (pydantic-core, json's "
            "encoder) smaller: read the shares as a ranking of causes, not as exact splits.",
            "",
            table(
                ("Function", "own p50 ms", "owners of the own time (largest first)", "top functions"), rows
            ),
        ]
    )
