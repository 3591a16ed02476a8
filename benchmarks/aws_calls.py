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
    resolved_environment,
    succeeded,
)

PHASES = ("import", "cold", "warm")


@dataclass
class Call:
    service: str
    operation: str
    capacity_units: float | None = None


@dataclass
class CallLog:
    """Every API call of every client created while installed, filed under the current phase."""

    phase: str = "setup"
    calls: dict[str, list[Call]] = field(default_factory=dict)
    _pending: dict[int, Call] = field(default_factory=dict)

    def before_call(self, model: Any, context: dict[str, Any], **_: Any) -> None:
        call = Call(model.service_model.service_id.hyphenize(), model.name)
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
    memory_limit_in_mb = 512
    aws_request_id = "52fdfc07-2182-454f-963f-5f0f9a621d72"
    log_group_name = "/aws/lambda/bench-function"
    log_stream_name = "2026/11/23/[$LATEST]abcdef"

    def get_remaining_time_in_millis(self) -> int:
        return 10_000


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
    """A fresh moto account and container: import, then serve the event twice."""
    from moto import mock_aws

    from parley import aws

    log = CallLog()
    with environment(FAKE_AWS_ENV, remove=("AWS_ENDPOINT_URL", "AWS_PROFILE")), mock_aws():
        aws.client.cache_clear()
        try:
            resources = create_and_seed(context.template)
            with environment(resolved_environment(spec, context.template, resources)), recording(log):
                log.phase = "import"
                module = _import(spec)
                for phase in ("cold", "warm"):
                    log.phase = phase
                    with warnings.catch_warnings():
                        warnings.filterwarnings("ignore", "No application metrics to publish")
                        response = module.lambda_handler(spec.event(), _Context())
                    if not succeeded(response):
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


class AwsCallsSection:
    key = "aws_calls"
    title = "AWS calls per request"

    def run(self, context: BenchContext) -> SectionResult:
        specs = function_specs(context.template, context.root)
        logs = {spec.logical_id: measure(context, spec) for spec in specs}
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
                )
            )
        markdown = "\n".join(
            [
                "Counted in-process under `moto.mock_aws` with a `before-call.*.*` hook registered on "
                "every botocore client created after the function's import starts (including "
                "`parley.aws`'s clients). Each function gets a fresh moto account seeded like the "
                "cold-start section, a fresh import of its `app.py`, then the same event twice.",
                "",
                table(
                    (
                        "Function",
                        "event",
                        "calls at import",
                        "calls, 1st request (cold)",
                        "RCU/WCU cold",
                        "calls, 2nd request (warm)",
                        "RCU/WCU warm",
                    ),
                    rows,
                ),
                "",
                "Columns: **calls** = botocore API calls (one per `client.<operation>()`; retries "
                "would not add calls) with the operations; **RCU/WCU** = the sum of "
                "`ConsumedCapacity.CapacityUnits` that DynamoDB reported. Production code does not "
                "ask for it: the benchmark's `before-parameter-build` hook adds "
                "`ReturnConsumedCapacity=TOTAL` to every DynamoDB operation that accepts it. moto "
                "reports fixed nominal units (GetItem 0.5, Query/PutItem 1.0 whatever the item "
                "size), so read them as a count of billed requests, not as AWS's real capacity. "
                "A warm count below the cold one means the function answered from its container "
                "cache (`parley.health` keeps its report 5 s; the authorizer keeps key lookups "
                "`PARLEY_TENANT_CACHE_TTL_SECONDS`, 30 s by default).",
            ]
        )
        data = {
            name: {phase: [vars(call) for call in log.calls.get(phase, [])] for phase in PHASES}
            for name, log in logs.items()
        }
        return SectionResult(self.title, markdown, {"functions": data})
