"""Section: cold start per function, alternating with the floor, each in a fresh interpreter."""

from __future__ import annotations

import json
import os
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from benchmarks.build import Build, lambda_build
from benchmarks.common import BenchContext, BenchmarkError, SectionResult, Stats, table
from benchmarks.stack import (
    FAKE_AWS_ENV,
    create_and_seed,
    environment,
    function_specs,
    moto_server,
    resolved_environment,
    succeeded,
)

HERE = Path(__file__).resolve().parent
CHILD = HERE / "child.py"
FLOOR = "floor"
FLOOR_APP = HERE / "floor" / "app.py"
REFERENCE = "floor + Powertools + pydantic"
REFERENCE_APP = HERE / "floor_powertools_pydantic" / "app.py"
RESULT_PREFIX = "BENCH-RESULT "
IMPORT_MARKER = "BENCH-IMPORT"
TARGET_RATIO = 1.2
IMPORTTIME_TOP = 10
BEYOND_TOP = 6
TIMES = "\u00d7"
DASH = "\u2013"
CHILD_TIMEOUT_SECONDS = 60
KIB_PER_MIB = 1024


@dataclass(frozen=True)
class Target:
    name: str
    app: Path
    event: Path
    environment: dict[str, str]


@dataclass
class Samples:
    import_ms: list[float] = field(default_factory=list)
    first_invocation_ms: list[float] = field(default_factory=list)
    total_ms: list[float] = field(default_factory=list)
    process_ms: list[float] = field(default_factory=list)
    peak_rss_mib: list[float] = field(default_factory=list)
    aws_call_ms: list[float] = field(default_factory=list)
    total_without_aws_ms: list[float] = field(default_factory=list)

    def add(self, result: dict[str, Any], process_ms: float) -> None:
        self.import_ms.append(result["import_ms"])
        self.first_invocation_ms.append(result["first_invocation_ms"])
        self.total_ms.append(result["total_ms"])
        self.process_ms.append(process_ms)
        self.aws_call_ms.append(result["first_invocation_aws_ms"])
        self.total_without_aws_ms.append(result["total_ms"] - result["first_invocation_aws_ms"])
        self.peak_rss_mib.append(result["peak_rss_kib"] / KIB_PER_MIB)

    def stats(self) -> dict[str, Stats]:
        return {name: Stats.of(values) for name, values in vars(self).items()}


@dataclass(frozen=True)
class ImportEntry:
    module: str
    depth: int
    self_ms: float
    cumulative_ms: float


@dataclass(frozen=True)
class ChildRunner:
    """Starts fresh interpreters on the build, pointed at the moto server."""

    context: BenchContext
    build: Build
    endpoint: str

    def command(self, target: Target, importtime: bool = False) -> list[str]:
        # -s -P: no user site, no script folder on sys.path; the environment is built from scratch
        # (not -I, which would also drop PYTHONPATH, the layer's place on Lambda's sys.path).
        command = [self.context.python, "-X", "frozen_modules=on", "-s", "-P"]
        if importtime:
            command += ["-X", "importtime"]
        return [*command, str(self.build.path(CHILD)), str(self.build.path(target.app)), str(target.event)]

    def environment(self, target: Target) -> dict[str, str]:
        return {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "LANG": "C.UTF-8",
            "PYTHONPATH": str(self.build.layer),
            "PYTHONDONTWRITEBYTECODE": "1",
            **FAKE_AWS_ENV,
            "AWS_ENDPOINT_URL": self.endpoint,
            **target.environment,
        }

    def run(self, target: Target, importtime: bool = False) -> tuple[dict[str, Any], float, str]:
        """One fresh process: its reported result, its wall time (ms) and its stderr."""
        started = time.perf_counter()
        completed = subprocess.run(  # noqa: S603 - our own interpreter and script
            self.command(target, importtime),
            env=self.environment(target),
            cwd=self.build.path(target.app).parent,
            capture_output=True,
            text=True,
            timeout=CHILD_TIMEOUT_SECONDS,
            check=False,
        )
        wall_ms = (time.perf_counter() - started) * 1000
        lines = [line for line in completed.stdout.splitlines() if line.startswith(RESULT_PREFIX)]
        if completed.returncode != 0 or not lines:
            raise BenchmarkError(
                f"{target.name}: child exited {completed.returncode}\n"
                f"stdout: {completed.stdout[-2000:]}\nstderr: {completed.stderr[-4000:]}"
            )
        result: dict[str, Any] = json.loads(lines[-1].removeprefix(RESULT_PREFIX))
        self._check(target, result)
        return result, wall_ms, completed.stderr

    def _check(self, target: Target, result: dict[str, Any]) -> None:
        if result["compiled"]:
            raise BenchmarkError(
                f"{target.name}: compiled at run time (no usable .pyc): {result['compiled'][:10]}"
            )
        layer = result["parley_from"]
        if layer is not None and not Path(layer).is_relative_to(self.build.layer):
            raise BenchmarkError(f"{target.name}: imported parley from {layer}, not from the build")
        if not succeeded(result["response"]):
            raise BenchmarkError(f"{target.name}: the event did not succeed: {result['response']}")


def parse_importtime(stderr: str) -> list[ImportEntry]:
    """The ``-X importtime`` lines written after the child's import marker."""
    _, _, after = stderr.partition(IMPORT_MARKER + "\n")
    entries = []
    for line in after.splitlines():
        if not line.startswith("import time:") or "imported package" in line:
            continue
        self_us, cumulative_us, name = line.removeprefix("import time:").split("|", 2)
        stripped = name.lstrip(" ")
        depth = (len(name) - len(stripped) - 1) // 2
        entries.append(ImportEntry(stripped, depth, int(self_us) / 1000, int(cumulative_us) / 1000))
    return entries


def beyond_floor(entries: list[ImportEntry], floor: list[ImportEntry]) -> list[tuple[str, float, int]]:
    """Self time of the modules the floor does not import, by top-level package, largest first."""
    floor_modules = {entry.module for entry in floor}
    packages: dict[str, tuple[float, int]] = {}
    for entry in entries:
        if entry.module not in floor_modules:
            package = entry.module.split(".", 1)[0]
            self_ms, count = packages.get(package, (0.0, 0))
            packages[package] = (self_ms + entry.self_ms, count + 1)
    return sorted(((name, ms, n) for name, (ms, n) in packages.items()), key=lambda item: -item[1])


def targets(context: BenchContext, resources: Any) -> list[Target]:
    sam = context.template
    functions = [
        Target(spec.logical_id, spec.app_path, spec.event_path, resolved_environment(spec, sam, resources))
        for spec in function_specs(sam, context.root)
    ]
    floor_env = {"PARLEY_TENANTS_TABLE": resources.tables["TenantsTable"]}
    return [
        Target(FLOOR, FLOOR_APP, functions[0].event, floor_env),
        Target(REFERENCE, REFERENCE_APP, functions[0].event, floor_env),
        *functions,
    ]


class ColdStartSection:
    key = "cold_start"
    title = "Cold start per function"

    def run(self, context: BenchContext) -> SectionResult:
        with (
            lambda_build(context.root, context.python) as build,
            moto_server() as endpoint,
            environment({**FAKE_AWS_ENV, "AWS_ENDPOINT_URL": endpoint}),
        ):
            runner = ChildRunner(context, build, endpoint)
            resources = create_and_seed(context.template)
            floor, *functions = targets(context, resources)
            samples = {target.name: Samples() for target in (floor, *functions)}
            for target in (floor, *functions):  # warm-up (page cache, moto's first requests): discarded
                runner.run(target)
            paired: dict[str, list[float]] = {function.name: [] for function in functions}
            for _ in range(context.runs):
                for function in functions:
                    floor_result, wall_ms, _ = runner.run(floor)
                    samples[floor.name].add(floor_result, wall_ms)
                    result, wall_ms, _ = runner.run(function)
                    samples[function.name].add(result, wall_ms)
                    paired[function.name].append(result["total_ms"] / floor_result["total_ms"])
            imports = {
                target.name: parse_importtime(runner.run(target, importtime=True)[2])
                for target in (floor, *functions)
            }
        stats = {name: sample.stats() for name, sample in samples.items()}
        return SectionResult(
            self.title,
            _markdown(context, stats, paired, imports, [f.name for f in functions]),
            {
                "runs": context.runs,
                "target_ratio": TARGET_RATIO,
                "order": "floor, f1, floor, f2, … repeated `runs` times (floor has runs x functions samples)",
                "samples": {name: vars(sample) for name, sample in samples.items()},
                "stats": {
                    name: {metric: value.as_dict() for metric, value in metrics.items()}
                    for name, metrics in stats.items()
                },
                "ratio_to_floor": {
                    name: stats[name]["total_ms"].median / stats[FLOOR]["total_ms"].median
                    for name in stats
                    if name != FLOOR
                },
                "ratio_to_floor_without_aws_calls": {
                    name: stats[name]["total_without_aws_ms"].median
                    / stats[FLOOR]["total_without_aws_ms"].median
                    for name in stats
                    if name != FLOOR
                },
                "paired_ratio_to_floor": paired,
                "importtime_top": {
                    name: [vars(entry) for entry in _top(entries)] for name, entries in imports.items()
                },
                "importtime_beyond_floor_ms_by_package": {
                    name: {package: ms for package, ms, _ in beyond_floor(entries, imports[FLOOR])}
                    for name, entries in imports.items()
                    if name != FLOOR
                },
            },
        )


def _top(entries: list[ImportEntry]) -> list[ImportEntry]:
    return sorted(entries, key=lambda entry: entry.cumulative_ms, reverse=True)[:IMPORTTIME_TOP]


def _paired(ratios: list[float]) -> str:
    summary = Stats.of(ratios)
    return f"{summary.median:.2f}{TIMES} ({summary.spread(2)})"


def _verdict(ratio: float) -> str:
    return "meets" if ratio <= TARGET_RATIO else f"**MISSES** (> {TARGET_RATIO}{TIMES})"


def _markdown(
    context: BenchContext,
    stats: dict[str, dict[str, Stats]],
    paired: dict[str, list[float]],
    imports: dict[str, list[ImportEntry]],
    functions: list[str],
) -> str:
    floor_total = stats[FLOOR]["total_ms"].median
    floor_without_aws = stats[FLOOR]["total_without_aws_ms"].median
    rows = []
    for name in (FLOOR, *functions):
        metrics = stats[name]
        ratio = metrics["total_ms"].median / floor_total
        rows.append(
            (
                name,
                metrics["total_ms"].n,
                f"{metrics['import_ms'].median:.0f}",
                f"{metrics['first_invocation_ms'].median:.0f}",
                f"**{metrics['total_ms'].median:.0f}**",
                metrics["total_ms"].spread(),
                f"{metrics['total_ms'].q1:.0f}{DASH}{metrics['total_ms'].q3:.0f}",
                f"{metrics['process_ms'].median:.0f}",
                f"{metrics['peak_rss_mib'].median:.1f}",
                f"1.00{TIMES} (reference)" if name == FLOOR else f"**{ratio:.2f}{TIMES}**",
                "—" if name == FLOOR else _paired(paired[name]),
                "—" if name == FLOOR else "(reference)" if name == REFERENCE else _verdict(ratio),
                f"{metrics['aws_call_ms'].median:.0f}",
                f"{metrics['total_without_aws_ms'].median / floor_without_aws:.2f}{TIMES}",
            )
        )
    parts = [
        f"Each run is a fresh `python -X frozen_modules=on -s -P` process with a clean environment: "
        f"PYTHONPATH = the layer of a temporary copy of layers/shared, functions/ and the floor, "
        f"compiled like a Lambda build (`compileall --invalidation-mode unchecked-hash`); the "
        f"function's template environment; fake credentials; AWS_ENDPOINT_URL = a moto server on "
        f"127.0.0.1 seeded with the demo tenant, its key and usage "
        f"counters). It imports the function's `app.py` by path and serves one event from `events/`; "
        f"the event must succeed (200, or an Allow policy) and no module may be compiled at run time, "
        f"or the benchmark fails. Order: floor, f1, floor, f2, … repeated {context.runs} times after "
        f"one discarded warm-up of each; the floor (`benchmarks/floor/app.py`: json + one "
        f"`boto3.client('dynamodb')` at import + one GetItem per call) therefore has "
        f"{stats[FLOOR]['total_ms'].n} samples. A second reference, **{REFERENCE}** "
        f"(`benchmarks/floor_powertools_pydantic/app.py`), is the floor plus what every Parley API "
        f"function keeps by design — Powertools' Logger and Metrics decorators and one small "
        f"pydantic model validating the body — measured like a function: what a function costs "
        f"beyond it is Parley's own code and AWS calls.",
        "",
        table(
            (
                "Function",
                "n",
                "import ms",
                "1st invoke ms",
                "total ms",
                f"total min{DASH}max",
                "total IQR",
                "process ms",
                "peak RSS MiB",
                "total vs floor",
                "paired ratios median (min-max)",
                f"target ≤ {TARGET_RATIO}{TIMES}",
                "of 1st invoke: in AWS calls ms",
                "total without AWS calls vs floor's (information)",
            ),
            rows,
        ),
        "",
        "Columns (medians unless stated): **import** = executing `app.py` (module-level imports, "
        "settings, clients built at import); **1st invoke** = the first `lambda_handler` call, "
        "including anything created lazily on first use and its AWS calls to moto over local HTTP; "
        "**total** = import + 1st invoke, what a cold start adds over the runtime's own init; "
        "**min-max / IQR** = spread of total over the runs; **process** = wall time of the whole "
        "child as the parent sees it (interpreter start-up, the benchmark's bootstrap, exit); "
        "**peak RSS** = the child's `VmHWM` (`ru_maxrss` is in results.json but useless here: Linux "
        "carries it over `execve`, so every child reported the parent's peak); "
        "**total vs floor** = median total / the floor's median total (the target applies to it); "
        "**paired ratios** = each run's total / the total of the floor run just before it, which "
        "cancels slow drifts of a busy machine; **in AWS calls** = the part of the 1st invoke spent "
        "inside botocore's `_make_api_call` (client-side work plus moto's answer); **total without "
        "AWS calls vs floor's** = (total minus in AWS calls) / the same for the floor. The verdict stays "
        "on the total; the last column is there because moto serves a TransactWriteItems by "
        "deep-copying every table (~100 ms here, checked with cProfile), a cost the functions that "
        "write with transactions (create, append, turn, worker) carry in their total and DynamoDB "
        "does not.",
        "",
        "### Import time (`python -X importtime`, one extra run each, includes imports made during "
        "the first invocation)",
        "",
        f"Top {IMPORTTIME_TOP} modules by cumulative time (a module's time includes what it imports, "
        "so nested entries overlap; depth 0 = imported directly by `app.py` or by the first call).",
    ]
    for name in (FLOOR, *functions):
        entries = imports[name]
        direct = sum(entry.cumulative_ms for entry in entries if entry.depth == 0)
        summary = f"**{name}** — all imports: {direct:.0f} ms"
        if name != FLOOR:
            extra = beyond_floor(entries, imports[FLOOR])
            modules = sum(n for _, _, n in extra)
            summary += (
                f"; beyond the floor's modules: {sum(ms for _, ms, _ in extra):.0f} ms self time in "
                f"{modules} modules, mostly "
                + ", ".join(f"`{package}` {ms:.0f} ms ({n})" for package, ms, n in extra[:BEYOND_TOP])
            )
        parts += [
            "",
            summary,
            "",
            table(
                ("module", "cumulative ms", "self ms", "depth"),
                (
                    (f"`{e.module}`", f"{e.cumulative_ms:.1f}", f"{e.self_ms:.1f}", e.depth)
                    for e in _top(entries)
                ),
            ),
        ]
    return "\n".join(parts)
