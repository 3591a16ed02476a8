"""Section: AWS API calls per request (import, first and second invocation), in-process moto."""

from __future__ import annotations

import importlib.util
import sys
import uuid
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any

from benchmarks.common import BenchContext, BenchmarkError, SectionResult, table
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

PHASES = ("import", "cold", "warm", "steady")
DYNAMODB = "dynamodb"
READS = frozenset({"GetItem", "BatchGetItem", "Query", "Scan", "TransactGetItems"})
WRITES = frozenset(
    {"PutItem", "UpdateItem", "DeleteItem", "BatchWriteItem", "TransactWriteItems", "ExecuteStatement"}
)


@dataclass
class Call:
    service: str
    operation: str
    capacity_units: float | None = None
    table: str | None = None


@dataclass
class CallLog:
    """Every API call of every client created while installed, filed under the current phase."""

    phase: str = "setup"
    calls: dict[str, list[Call]] = field(default_factory=dict)
    _pending: dict[int, Call] = field(default_factory=dict)
    _next_table: str | None = None
    idempotency_table: str | None = None

    def before_parameters(self, params: dict[str, Any], **_: Any) -> None:
        """The table a DynamoDB call names (calls are sequential: the next before-call is it)."""
        table = params.get("TableName")
        self._next_table = table if isinstance(table, str) else None

    def before_call(self, model: Any, context: dict[str, Any], **_: Any) -> None:
        call = Call(model.service_model.service_id.hyphenize(), model.name, table=self._next_table)
        self._next_table = None
        self.calls.setdefault(self.phase, []).append(call)
        self._pending[id(context)] = call

    def after_call(self, parsed: dict[str, Any], context: dict[str, Any], **_: Any) -> None:
        call = self._pending.pop(id(context), None)
        consumed = parsed.get("ConsumedCapacity")
        if call is None or consumed is None:
            return
        entries = consumed if isinstance(consumed, list) else [consumed]
        call.capacity_units = sum(float(entry.get("CapacityUnits", 0)) for entry in entries)


def request_consumed_capacity(params: dict[str, Any], model: Any, **_: Any) -> None:
    """Ask DynamoDB for ConsumedCapacity on every operation that can report it."""
    if "ReturnConsumedCapacity" in model.input_shape.members:
        params.setdefault("ReturnConsumedCapacity", "TOTAL")


@contextmanager
def recording(log: CallLog) -> Iterator[None]:
    """Register the hooks on every botocore client created in the block (parley.aws's included)."""
    import botocore.session

    original = botocore.session.Session.create_client

    def create_client(self: Any, *args: Any, **kwargs: Any) -> Any:
        client = original(self, *args, **kwargs)
        client.meta.events.register("before-parameter-build.dynamodb", request_consumed_capacity)
        client.meta.events.register("before-parameter-build.dynamodb", log.before_parameters)
        client.meta.events.register("before-call.*.*", log.before_call)
        client.meta.events.register("after-call.*.*", log.after_call)
        return client

    botocore.session.Session.create_client = create_client  # type: ignore[method-assign]
    try:
        yield
    finally:
        botocore.session.Session.create_client = original  # type: ignore[method-assign]


class _Context:
    function_name = "bench-function"
    function_version = "$LATEST"
    invoked_function_arn = "arn:aws:lambda:us-east-1:123456789012:function:bench-function"
    aws_request_id = "52fdfc07-2182-454f-963f-5f0f9a621d72"
    log_group_name = "/aws/lambda/bench-function"
    log_stream_name = "2026/11/23/[$LATEST]abcdef"

    def __init__(self, spec: FunctionSpec | None = None) -> None:
        # The function's own timeout and memory: the workers start a record only with enough time left.
        self.memory_limit_in_mb = spec.memory_size if spec is not None else 512
        self._remaining_ms = spec.remaining_ms if spec is not None else 10_000

    def get_remaining_time_in_millis(self) -> int:
        return self._remaining_ms


def _import(spec: FunctionSpec) -> ModuleType:
    name = f"parley_bench_{spec.logical_id}_{uuid.uuid4().hex[:8]}"
    module_spec = importlib.util.spec_from_file_location(name, spec.app_path)
    if module_spec is None or module_spec.loader is None:
        raise BenchmarkError(f"cannot load {spec.app_path}")
    module = importlib.util.module_from_spec(module_spec)
    sys.modules[name] = module
    try:
        module_spec.loader.exec_module(module)
    finally:
        sys.modules.pop(name, None)
    return module


def measure(context: BenchContext, spec: FunctionSpec) -> CallLog:
    """A fresh moto account and container: import, serve the event twice, then a new unit of work."""
    from moto import mock_aws

    from parley import aws

    log = CallLog()
    with environment(FAKE_AWS_ENV, remove=("AWS_ENDPOINT_URL", "AWS_PROFILE")), mock_aws():
        aws.client.cache_clear()
        try:
            resources = create_and_seed(context.template)
            log.idempotency_table = resources.tables.get("IdempotencyTable")
            with environment(resolved_environment(spec, context.template, resources)), recording(log):
                log.phase = "setup"
                first = prepared_event(spec, 0, resources)
                log.phase = "import"
                module = _import(spec)
                for phase in ("cold", "warm", "steady"):
                    log.phase = "setup"  # what the unit needs in the store is not the function's
                    event = first if phase != "steady" else prepared_event(spec, 1, resources)
                    log.phase = phase
                    with warnings.catch_warnings():
                        warnings.filterwarnings("ignore", "No application metrics to publish")
                        response = module.lambda_handler(event, _Context(spec))
                    if not succeeded(response, spec.folder):
                        raise BenchmarkError(f"{spec.logical_id} ({phase}): the event failed: {response}")
        finally:
            aws.client.cache_clear()
    return log


def _describe(calls: list[Call]) -> str:
    if not calls:
        return "0"
    counts: dict[str, int] = {}
    for call in calls:
        counts[call.operation] = counts.get(call.operation, 0) + 1
    return f"{len(calls)} (" + ", ".join(f"{n}\u00d7 {op}" for op, n in counts.items()) + ")"


def _capacity(calls: list[Call]) -> str:
    units = [call.capacity_units for call in calls if call.capacity_units is not None]
    return f"{sum(units):g}" if units else "—"


def dynamodb_reads_writes(calls: list[Call]) -> tuple[int, int]:
    reads = sum(1 for c in calls if c.service == DYNAMODB and c.operation in READS)
    writes = sum(1 for c in calls if c.service == DYNAMODB and c.operation in WRITES)
    return reads, writes


@dataclass(frozen=True)
class Verdict:
    function: str
    request: str
    target: str
    measured: str
    met: bool


def verdicts(logs: dict[str, CallLog], idempotency_tables: set[str]) -> list[Verdict]:
    """The issue's steady-state targets, for the functions that have one."""
    found = []
    log = logs.get("NextQuestionFunction")
    if log is not None:
        for phase, request in (
            ("warm", "2nd call of a session"),
            ("steady", "1st call of a new session (warm container)"),
        ):
            reads, writes = dynamodb_reads_writes(log.calls.get(phase, []))
            found.append(
                Verdict(
                    "NextQuestionFunction",
                    request,
                    "≤ 1 DynamoDB read and ≤ 1 write",
                    f"{reads} read(s), {writes} write(s)",
                    reads <= 1 and writes <= 1,
                )
            )
    log = logs.get("RecordConversionFunction")
    if log is not None:
        calls = log.calls.get("steady", [])
        # Powertools' idempotency record: a conditional PutItem (in progress), then an UpdateItem
        # (completed), both on the idempotency table.
        record = [c for c in calls if c.table in idempotency_tables]
        further = len(calls) - len(record)
        found.append(
            Verdict(
                "RecordConversionFunction",
                "new Idempotency-Key (warm container)",
                "idempotency record + ≤ 2 further calls",
                f"{len(calls)} calls = idempotency record ("
                + ", ".join(c.operation for c in record)
                + f") + {further} further ("
                + ", ".join(c.operation for c in calls if c not in record)
                + ")",
                further <= 2,
            )
        )
    return found


METHOD_TEXT = (
    "Counted in-process under `moto.mock_aws` with a `before-call.*.*` hook registered on "
    "every botocore client created after the function's import starts (including "
    "`parley.aws`'s clients). Each function gets a fresh moto account seeded like the "
    "cold-start section, a fresh import of its `app.py`, then three requests: the event "
    "as a new unit of work (**cold**: first request of the container; "
    "`benchmarks/work.py` creates what it needs first — a new Zelinqa session for the "
    "session mutations, the current draft revision, a queued publication for the "
    "compiler — and those calls are not counted), the same event again (**warm**: for "
    "next-questions the 2nd call of the same session, for an event with an "
    "Idempotency-Key its replay), and another new unit of work in the warm container "
    "(**steady**: next-questions with a new session id, a new Idempotency-Key wherever "
    "the event carries one; the reads unchanged)."
)


COLUMNS_TEXT = (
    "Columns: **calls** = botocore API calls (one per `client.<operation>()`; retries "
    "would not add calls) with the operations; **RCU/WCU** = the sum of "
    "`ConsumedCapacity.CapacityUnits` that DynamoDB reported. Production code does not "
    "ask for it: the benchmark's `before-parameter-build` hook adds "
    "`ReturnConsumedCapacity=TOTAL` to every DynamoDB operation that accepts it. moto "
    "reports fixed nominal units (GetItem 0.5, Query/PutItem 1.0 whatever the item "
    "size) and none for TransactWriteItems (0 here) or for a failed conditional write "
    "(—), so read them as a count of billed requests, not as AWS's real capacity (the "
    "conversations section below estimates real units from item sizes). A warm count "
    "below the cold one means the function answered from its container cache "
    "(`parley.health` keeps its report 5 s; the authorizer keeps key lookups "
    "`PARLEY_TENANT_CACHE_TTL_SECONDS`, 30 s by default; next-questions keeps the "
    "catalog 60 s and the statistics 10 s)."
)


class AwsCallsSection:
    key = "aws_calls"
    title = "AWS calls per request"

    def run(self, context: BenchContext) -> SectionResult:
        specs = function_specs(context.template, context.root)
        logs = {spec.logical_id: measure(context, spec) for spec in specs}
        idempotency_tables = {log.idempotency_table for log in logs.values() if log.idempotency_table}
        rows = []
        for spec in specs:
            calls = logs[spec.logical_id].calls
            rows.append(
                (
                    spec.logical_id,
                    f"`{spec.event_path.relative_to(context.root)}`",
                    _describe(calls.get("import", [])),
                    _describe(calls.get("cold", [])),
                    _capacity(calls.get("cold", [])),
                    _describe(calls.get("warm", [])),
                    _capacity(calls.get("warm", [])),
                    _describe(calls.get("steady", [])),
                    _capacity(calls.get("steady", [])),
                )
            )
        checked = verdicts(logs, idempotency_tables)
        markdown = "\n".join(
            [
                METHOD_TEXT,
                "",
                table(
                    (
                        "Function",
                        "event",
                        "calls at import",
                        "calls, 1st request (cold)",
                        "RCU/WCU cold",
                        "calls, same event again (warm)",
                        "RCU/WCU warm",
                        "calls, new unit of work (steady)",
                        "RCU/WCU steady",
                    ),
                    rows,
                ),
                "",
                "Targets (issue #8), steady state:",
                "",
                table(
                    ("Function", "request", "target", "measured", "verdict"),
                    (
                        (v.function, v.request, v.target, v.measured, "meets" if v.met else "**MISSES**")
                        for v in checked
                    ),
                ),
                "",
                COLUMNS_TEXT,
            ]
        )
        data = {
            name: {phase: [vars(call) for call in log.calls.get(phase, [])] for phase in PHASES}
            for name, log in logs.items()
        }
        return SectionResult(self.title, markdown, {"functions": data, "targets": [vars(v) for v in checked]})
