"""Section: cold start per function, alternating with the floor, each in a fresh interpreter."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from benchmarks.build import Build, lambda_build
from benchmarks.cold_causes import causes_text
from benchmarks.common import BenchContext, BenchmarkError, SectionResult, Stats, runs_from_env, table
from benchmarks.memory_size import AWAITED, Suggestion, suggest
from benchmarks.memory_size import __doc__ as MEMORY_DOC
from benchmarks.runtime_env import (
    DEV_VENV_FLAGS,
    FAITHFUL_FLAGS,
    FORBIDDEN_MODULES,
    package_versions,
    pythonpath,
)
from benchmarks.stack import (
    FAKE_AWS_ENV,
    FunctionSpec,
    create_and_seed,
    environment,
    function_specs,
    moto_server,
    prepared_event,
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
# The references' context (they have no template entry): the Globals' memory and timeout.
DEFAULT_MEMORY = 512
DEFAULT_REMAINING_MS = 10_000
AWSCRT_MIN_PAIRS = 6
LISTED_PACKAGES = (
    "boto3",
    "botocore",
    "aws-lambda-powertools",
    "pydantic",
    "pydantic-core",
    "s3transfer",
    "urllib3",
)


@dataclass(frozen=True)
class Target:
    name: str
    app: Path
    event: Path
    environment: dict[str, str]
    # The template's function (None for the two references): its events are prepared per run.
    spec: FunctionSpec | None = None

    @property
    def folder(self) -> str:
        return self.spec.folder if self.spec is not None else ""


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


@dataclass
class ChildRunner:
    """Starts fresh interpreters on the build, pointed at the moto server. ``faithful`` (the
    default): Lambda's environment, asserted by the child; otherwise the development venv's
    site-packages come after it (``awscrt`` importable), for one comparison of the floor."""

    context: BenchContext
    build: Build
    endpoint: str
    resources: Any = None
    events: Path | None = None
    _units: int = 0

    def command(
        self, target: Target, event: Path, importtime: bool = False, faithful: bool = True
    ) -> list[str]:
        flags = FAITHFUL_FLAGS if faithful else DEV_VENV_FLAGS
        command = [self.context.python, *flags]
        if importtime:
            command += ["-X", "importtime"]
        command += [str(self.build.path(CHILD)), str(self.build.path(target.app)), str(event)]
        return [*command, pythonpath(self.build.allowed(target.app))] if faithful else command

    def environment(self, target: Target) -> dict[str, str]:
        spec = target.spec
        return {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "LANG": "C.UTF-8",
            "PYTHONPATH": pythonpath(self.build.sys_path(target.app)),
            "PYTHONDONTWRITEBYTECODE": "1",
            **FAKE_AWS_ENV,
            "AWS_ENDPOINT_URL": self.endpoint,
            "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": str(spec.memory_size if spec else DEFAULT_MEMORY),
            "BENCH_REMAINING_MS": str(spec.remaining_ms if spec else DEFAULT_REMAINING_MS),
            **target.environment,
        }

    def event_for(self, target: Target) -> Path:
        """The function's next unit of work, with what it needs in the store, as a file."""
        if target.spec is None or self.events is None:
            return target.event
        self._units += 1
        path = self.events / f"{target.name}-{self._units}.json"
        path.write_text(json.dumps(prepared_event(target.spec, self._units, self.resources)))
        return path

    def run(
        self, target: Target, importtime: bool = False, faithful: bool = True
    ) -> tuple[dict[str, Any], float, str]:
        """One fresh process: its reported result, its wall time (ms) and its stderr."""
        event = self.event_for(target)
        started = time.perf_counter()
        completed = subprocess.run(  # noqa: S603 - our own interpreter and script
            self.command(target, event, importtime, faithful),
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
        self._check(target, result, faithful)
        return result, wall_ms, completed.stderr

    def _check(self, target: Target, result: dict[str, Any], faithful: bool) -> None:
        if result["compiled"]:
            raise BenchmarkError(
                f"{target.name}: compiled at run time (no usable .pyc): {result['compiled'][:10]}"
            )
        if faithful and not result.get("environment_checked"):
            raise BenchmarkError(f"{target.name}: the child did not check its environment")
        layer = result["parley_from"]
        if layer is not None and not Path(layer).is_relative_to(self.build.layer):
            raise BenchmarkError(f"{target.name}: imported parley from {layer}, not from the build")
        if not succeeded(result["response"], target.folder):
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
        Target(
            spec.logical_id,
            spec.app_path,
            spec.event_path,
            resolved_environment(spec, sam, resources),
            spec,
        )
        for spec in function_specs(sam, context.root)
    ]
    floor_env = {"PARLEY_TENANTS_TABLE": resources.tables["TenantsTable"]}
    return [
        Target(FLOOR, FLOOR_APP, functions[0].event, floor_env),
        Target(REFERENCE, REFERENCE_APP, functions[0].event, floor_env),
        *functions,
    ]


@dataclass
class Measured:
    samples: dict[str, Samples]
    paired: dict[str, list[float]]
    imports: dict[str, list[ImportEntry]]
    functions: list[Target]
    awscrt: dict[str, Any]
    build: dict[str, Any]

    @cached_property
    def stats(self) -> dict[str, dict[str, Stats]]:
        return {name: sample.stats() for name, sample in self.samples.items()}

    def ratio(self, name: str, metric: str = "total_ms") -> float:
        return self.stats[name][metric].median / self.stats[FLOOR][metric].median

    def suggestions(self) -> dict[str, Suggestion]:
        return {
            target.name: suggest(
                self.stats[target.name]["peak_rss_mib"].median,
                self.ratio(target.name, "total_without_aws_ms")
                / self.ratio(REFERENCE, "total_without_aws_ms"),
                target.spec.triggers,
                target.name in AWAITED,
            )
            for target in self.functions
            if target.spec is not None
        }


def measure(runner: ChildRunner, everything: list[Target], runs: int) -> Measured:
    """Warm-up, then floor, f1, floor, f2, … ``runs`` times, then one ``-X importtime`` run each."""
    floor, *functions = everything
    samples = {target.name: Samples() for target in everything}
    for target in everything:  # warm-up (page cache, moto's first requests): discarded
        runner.run(target)
    paired: dict[str, list[float]] = {function.name: [] for function in functions}
    for _ in range(runs):
        for function in functions:
            floor_result, wall_ms, _ = runner.run(floor)
            samples[floor.name].add(floor_result, wall_ms)
            result, wall_ms, _ = runner.run(function)
            samples[function.name].add(result, wall_ms)
            paired[function.name].append(result["total_ms"] / floor_result["total_ms"])
    imports = {target.name: parse_importtime(runner.run(target, importtime=True)[2]) for target in everything}
    return Measured(samples, paired, imports, functions, measure_awscrt(runner, floor, runs), {})


def measure_awscrt(runner: ChildRunner, floor: Target, runs: int) -> dict[str, Any]:
    """The same floor, alternately in Lambda's environment and with the development venv's
    site-packages after it (``awscrt`` importable, so ``botocore.compat`` imports it)."""
    pairs = max(AWSCRT_MIN_PAIRS, runs * 2)
    runner.run(floor, faithful=False)  # warm-up
    faithful: list[float] = []
    dev: list[float] = []
    rss: dict[str, list[float]] = {"faithful": [], "dev": []}
    packages: dict[str, set[str]] = {"faithful": set(), "dev": set()}
    for _ in range(pairs):
        for mode, totals in (("faithful", faithful), ("dev", dev)):
            result, _, _ = runner.run(floor, faithful=mode == "faithful")
            totals.append(result["total_ms"])
            rss[mode].append(result["peak_rss_kib"] / KIB_PER_MIB)
            packages[mode].update(result["packages"])
    return {
        "pairs": pairs,
        "faithful_total_ms": faithful,
        "dev_venv_total_ms": dev,
        "faithful_peak_rss_mib": rss["faithful"],
        "dev_venv_peak_rss_mib": rss["dev"],
        "paired_ratio": [d / f for d, f in zip(dev, faithful, strict=True)],
        "only_with_dev_venv": sorted(packages["dev"] - packages["faithful"]),
    }


class ColdStartSection:
    key = "cold_start"
    title = "Cold start per function"

    def run(self, context: BenchContext) -> SectionResult:
        with (
            lambda_build(context.root, context.python) as build,
            moto_server() as endpoint,
            environment({**FAKE_AWS_ENV, "AWS_ENDPOINT_URL": endpoint}),
            tempfile.TemporaryDirectory(prefix="parley-bench-events-") as events,
        ):
            resources = create_and_seed(context.template)
            runner = ChildRunner(context, build, endpoint, resources, Path(events))
            measured = measure(runner, targets(context, resources), context.runs)
            measured.build = build_info(build)
        return SectionResult(self.title, _markdown(context, measured), _data(context, measured))


def build_info(build: Build) -> dict[str, Any]:
    packages = build.dependencies
    assert packages is not None
    return {
        "seconds": build.seconds,
        "dependencies_cached": packages.cached,
        "dependencies_seconds": packages.seconds,
        "layer": package_versions(build.layer, LISTED_PACKAGES),
        "runtime": package_versions(build.runtime, LISTED_PACKAGES),
        "sys_path": ["<function folder>", *map(str, build.sys_path(FLOOR_APP)[1:])],
        "python": sys.version.split()[0],
        "flags": " ".join(FAITHFUL_FLAGS),
    }


def _data(context: BenchContext, measured: Measured) -> dict[str, Any]:
    stats = measured.stats
    others = [name for name in stats if name != FLOOR]
    return {
        "runs": context.runs,
        "target_ratio": TARGET_RATIO,
        "environment": measured.build,
        "order": "floor, f1, floor, f2, … repeated `runs` times (floor has runs x functions samples)",
        "samples": {name: vars(sample) for name, sample in measured.samples.items()},
        "stats": {
            name: {metric: value.as_dict() for metric, value in metrics.items()}
            for name, metrics in stats.items()
        },
        "ratio_to_floor": {name: measured.ratio(name) for name in others},
        "ratio_to_floor_without_aws_calls": {
            name: measured.ratio(name, "total_without_aws_ms") for name in others
        },
        "paired_ratio_to_floor": measured.paired,
        "floor_with_and_without_awscrt": measured.awscrt,
        "suggested_memory_size": {name: vars(s) for name, s in measured.suggestions().items()},
        "importtime_top": {
            name: [vars(entry) for entry in _top(entries)] for name, entries in measured.imports.items()
        },
        "importtime_beyond_floor_ms_by_package": {
            name: {package: ms for package, ms, _ in beyond_floor(entries, measured.imports[FLOOR])}
            for name, entries in measured.imports.items()
            if name != FLOOR
        },
    }


def _top(entries: list[ImportEntry]) -> list[ImportEntry]:
    return sorted(entries, key=lambda entry: entry.cumulative_ms, reverse=True)[:IMPORTTIME_TOP]


def _paired(ratios: list[float]) -> str:
    summary = Stats.of(ratios)
    return f"{summary.median:.2f}{TIMES} ({summary.spread(2)})"


def _verdict(ratio: float) -> str:
    return "meets" if ratio <= TARGET_RATIO else f"**MISSES** (> {TARGET_RATIO}{TIMES})"


def _markdown(context: BenchContext, measured: Measured) -> str:
    parts = [
        _environment_text(measured),
        "",
        _method_text(context, measured),
        "",
        _main_table(measured),
        "",
        COLUMNS_TEXT,
        "",
        causes_text(measured, FLOOR, REFERENCE, TARGET_RATIO),
        "",
        "### The same floor with and without `awscrt` present (the development venv)",
        "",
        _awscrt_text(measured.awscrt),
        "",
        "### Suggested `MemorySize`",
        "",
        _memory_text(measured),
        "",
        "### Import time (`python -X importtime`, one extra run each, includes imports made during "
        "the first invocation)",
        "",
        f"Top {IMPORTTIME_TOP} modules by cumulative time (a module's time includes what it imports, "
        "so nested entries overlap; depth 0 = imported directly by `app.py` or by the first call).",
    ]
    return "\n".join(parts + _importtime_parts(measured))


def _environment_text(measured: Measured) -> str:
    info = measured.build
    layer = ", ".join(f"{name} {version}" for name, version in sorted(info["layer"].items()))
    runtime = ", ".join(f"{name} {version}" for name, version in sorted(info["runtime"].items()))
    cached = "from the cache" if info["dependencies_cached"] else "built now"
    return (
        f"**Environment: Lambda's, not the development venv's** (`benchmarks/runtime_env.py`). Each "
        f"child is `python {info['flags']}` (CPython {info['python']}; `-S`: no `site`, so not one "
        f"directory of the venv) with `PYTHONPATH` exactly in Lambda's order: the function's folder "
        f"(`/var/task`), the layer (`/opt/python/lib/python3.12/site-packages`, then `/opt/python`: "
        f"`pip install --only-binary=:all: --target` of `layers/shared/requirements.txt`, x86_64 "
        f"wheels of the versions `sam build` fetches for arm64, plus `layers/shared/parley`), then "
        f"the runtime's SDK ({runtime}; AWS publishes no version for the python3.12 runtime, so the "
        f"layer's pins stand in). Layer: {layer}. Everything compiled with `compileall "
        f"--invalidation-mode unchecked-hash`, as `make build` does. The child asserts it: before the "
        f"handler's import every `sys.path` entry is one of those folders or the standard library "
        f"and none of {', '.join(f'`{name}`' for name in FORBIDDEN_MODULES)} is importable; after "
        f"the first invocation every loaded module's file is in those folders or the standard "
        f"library; otherwise the benchmark fails. Build: {info['seconds']:.1f} s (dependencies "
        f"{cached}, {info['dependencies_seconds']:.1f} s)."
    )


def _method_text(context: BenchContext, measured: Measured) -> str:
    return (
        f"Each run is a fresh process with a clean environment: the function's template environment "
        f"(its `Timeout` and `MemorySize` in the context), fake credentials, AWS_ENDPOINT_URL = a "
        f"moto server on 127.0.0.1 seeded with the demo tenant, its key, usage counters, catalog, "
        f"deployment, a conversation with insights, a webhook endpoint, a Zelinqa session and a "
        f"finished compilation. It imports the function's `app.py` by path and serves one event "
        f"from `events/` made a new unit of work for each run (`benchmarks/work.py`: a new "
        f"Idempotency-Key, a new session for the session mutations, the current draft revision, a "
        f"queued publication for the compiler), never an idempotent replay; the event must succeed "
        f"(2xx, an Allow policy, a batch without failures; voice's designed 403) and no module may "
        f"be compiled at run time, or the benchmark fails. Order: floor, f1, floor, f2, … repeated "
        f"{context.runs} times after one discarded warm-up of each; the floor "
        f"(`benchmarks/floor/app.py`: json + one `boto3.client('dynamodb')` at import + one GetItem "
        f"per call) therefore has {measured.stats[FLOOR]['total_ms'].n} samples. A second "
        f"reference, **{REFERENCE}** (`benchmarks/floor_powertools_pydantic/app.py`), is the floor "
        f"plus what every Parley API function keeps by design — Powertools' Logger and Metrics "
        f"decorators and one small pydantic model validating the body — measured like a function."
    )


def _main_table(measured: Measured) -> str:
    stats = measured.stats
    floor_without_aws = stats[FLOOR]["total_without_aws_ms"].median
    rows = []
    for name in (FLOOR, *(f.name for f in measured.functions)):
        metrics = stats[name]
        ratio = measured.ratio(name)
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
                "—" if name == FLOOR else _paired(measured.paired[name]),
                "—" if name == FLOOR else "(reference)" if name == REFERENCE else _verdict(ratio),
                f"{metrics['aws_call_ms'].median:.0f}",
                f"{metrics['total_without_aws_ms'].median / floor_without_aws:.2f}{TIMES}",
            )
        )
    headers = (
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
    )
    return table(headers, rows)


COLUMNS_TEXT = (
    "Columns (medians unless stated): **import** = executing `app.py` (module-level imports, "
    "settings, clients built at import); **1st invoke** = the first `lambda_handler` call, "
    "including anything created lazily on first use and its AWS calls to moto over local HTTP; "
    "**total** = import + 1st invoke, what a cold start adds over the runtime's own init; "
    "**min-max / IQR** = spread of total over the runs; **process** = wall time of the whole "
    "child as the parent sees it (interpreter start-up, the benchmark's bootstrap and checks, exit); "
    "**peak RSS** = the child's `VmHWM` (`ru_maxrss` is in results.json but useless here: Linux "
    "carries it over `execve`, so every child reported the parent's peak); "
    "**total vs floor** = median total / the floor's median total (the target applies to it); "
    "**paired ratios** = each run's total / the total of the floor run just before it, which "
    "cancels slow drifts of a busy machine; **in AWS calls** = the part of the 1st invoke spent "
    "inside botocore's `_make_api_call` (client-side work plus moto's answer); **total without "
    "AWS calls vs floor's** = (total minus in AWS calls) / the same for the floor. The verdict stays "
    "on the total; the last column is there because an AWS call's time here is moto's, not "
    "DynamoDB's (the moto server is the local gateway's, with its transaction undo log and "
    "partition queries, so a transaction no longer copies every table: "
    "docs/upstream/moto-transact-write-undo-log.md)."
)


def _awscrt_text(awscrt: dict[str, Any]) -> str:
    faithful = Stats.of(awscrt["faithful_total_ms"])
    dev = Stats.of(awscrt["dev_venv_total_ms"])
    extra = ", ".join(f"`{name}`" for name in awscrt["only_with_dev_venv"]) or "none"
    rows = [
        (label, stats.n, f"**{stats.median:.0f}**", stats.spread(), f"{Stats.of(awscrt[rss]).median:.1f}")
        for label, stats, rss in (
            ("Lambda's environment (no `awscrt`)", faithful, "faithful_peak_rss_mib"),
            ("with the dev venv's site-packages (`awscrt` importable)", dev, "dev_venv_peak_rss_mib"),
        )
    ]
    return "\n".join(
        [
            f"The floor alone, alternately in each environment ({awscrt['pairs']} pairs after a "
            "warm-up): the same child, the same `PYTHONPATH`, but `-s` instead of `-S`, so `site` "
            "appends the development venv's site-packages after it: `botocore.compat` then imports "
            "`awscrt` (its native module alone ≈ 55 ms here) and `botocore.httpsession` imports "
            "urllib3's pyOpenSSL support (`OpenSSL`, `cryptography`: ≈ 35 ms), neither of which the "
            "Lambda runtime has. Ratio of the medians: "
            f"**{dev.median / faithful.median:.2f}{TIMES}** "
            f"(paired ratios {_paired(awscrt['paired_ratio'])}); "
            f"top-level packages loaded only with the dev venv: {extra}. Every ratio measured in the "
            "dev venv (earlier results) had this much more in its floor.",
            "",
            table(("floor", "n", "total ms", f"min{DASH}max", "peak RSS MiB"), rows),
        ]
    )


def _memory_text(measured: Measured) -> str:
    suggestions = measured.suggestions()
    reference = measured.ratio(REFERENCE, "total_without_aws_ms")
    rows = [
        (
            target.name,
            f"{measured.stats[target.name]['peak_rss_mib'].median:.1f}",
            f"{measured.ratio(target.name, 'total_without_aws_ms') / reference:.2f}{TIMES}",
            ", ".join(target.spec.triggers) or "authorizer",
            f"**{suggestions[target.name].memory_mb}**",
            f"{suggestions[target.name].vcpu:.2f}",
            target.spec.memory_size,
            suggestions[target.name].reason,
        )
        for target in measured.functions
        if target.spec is not None
    ]
    return "\n".join(
        [
            (MEMORY_DOC or "").strip(),
            "",
            table(
                (
                    "Function",
                    "peak RSS MiB",
                    "own CPU vs the reference's",
                    "events",
                    "suggested MB",
                    "vCPU",
                    "template MB",
                    "why",
                ),
                rows,
            ),
        ]
    )


def _importtime_parts(measured: Measured) -> list[str]:
    imports = measured.imports
    parts = []
    for name in (FLOOR, *(f.name for f in measured.functions)):
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
        rows = (
            (f"`{e.module}`", f"{e.cumulative_ms:.1f}", f"{e.self_ms:.1f}", e.depth) for e in _top(entries)
        )
        parts += ["", summary, "", table(("module", "cumulative ms", "self ms", "depth"), rows)]
    return parts


def main(argv: list[str] | None = None) -> int:
    """This section alone: its Markdown on stdout (benchmarks/results.md is left as it is)."""
    import argparse

    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.cold_start",
        description="The cold-start section of `make bench` alone, in Lambda's environment: its Markdown.",
    )
    parser.add_argument("--runs", type=int, default=None, help="runs per function (default: BENCH_RUNS or 5)")
    args = parser.parse_args(argv)
    runs = args.runs if args.runs is not None else runs_from_env()
    print(ColdStartSection().run(BenchContext(runs=runs)).markdown)
    return 0


if __name__ == "__main__":
    sys.exit(main())
