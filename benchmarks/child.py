"""One cold start in a fresh interpreter: import a handler's ``app.py`` by path, serve one event.

Run as a script by ``benchmarks.cold_start`` (never imported by the benchmark; tests import its
checks): ``python child.py APP EVENT [ALLOWED]``. Standard library only. Before the handler's
import it loads only ``importlib.util`` and ``resource`` (no ``typing``, no ``json``, no
``argparse`` unless asked for ``--help``), so the measured import is the handler's own. Prints
one ``BENCH-RESULT {json}`` line on stdout; writes ``BENCH-IMPORT`` on stderr just before the
import so ``-X importtime`` output can be split there.

With ALLOWED (folders joined by ``os.pathsep``: the function's, the layer's, the runtime's) the
child asserts Lambda's environment and exits with status 3 and a ``BENCH-ENVIRONMENT`` message
when it is not: before the import, every ``sys.path`` entry is one of those folders or the
standard library (never a ``site-packages``), and none of ``FORBIDDEN`` (development tools
Lambda does not have) is importable; after the first invocation, every loaded module's file is
in one of those folders or the standard library.
"""

import importlib._bootstrap_external as bootstrap_external
import importlib.util
import os
import resource
import sys
import time

# typing.TYPE_CHECKING without importing typing (mypy honours any constant of that name): the
# annotations below are strings, so the names imported for them are never loaded at run time.
TYPE_CHECKING = False
if TYPE_CHECKING:
    import ast
    from collections.abc import Callable
    from types import CodeType
    from typing import Any

    from _typeshed import ReadableBuffer, StrPath
    from botocore.client import BaseClient

    # botocore's private BaseClient._make_api_call(self, operation_name, api_params) -> parsed.
    MakeApiCall = Callable[[BaseClient, str, dict[str, Any]], dict[str, Any]]

RESULT_PREFIX = "BENCH-RESULT "
IMPORT_MARKER = "BENCH-IMPORT"
ENVIRONMENT_MARKER = "BENCH-ENVIRONMENT"
ENVIRONMENT_EXIT = 3
# Importable in the development venv, never on Lambda (benchmarks.runtime_env.FORBIDDEN_MODULES:
# kept equal by a test, this file imports nothing of the project).
FORBIDDEN = (
    "awscrt",
    "moto",
    "samcli",
    "pytest",
    "boto3_stubs",
    "mypy_boto3_dynamodb",
    "playwright",
)

compiled: list[str] = []
_source_to_code = bootstrap_external.SourceLoader.source_to_code


# The rest of SourceLoader.source_to_code's signature is private and varies by version: passed on.
def _recording_source_to_code(
    self: "bootstrap_external.SourceLoader",
    data: "ReadableBuffer | str | ast.Module | ast.Expression | ast.Interactive",
    path: "bytes | StrPath",
    *args: "Any",
    **kwargs: "Any",
) -> "CodeType":
    """Called only when no usable .pyc exists: a compile the Lambda build should have done."""
    compiled.append(str(path))
    return _source_to_code(self, data, path, *args, **kwargs)


def record_compiles() -> None:
    """A deliberate patch of the standard library's loader, for this process only (called by
    ``main``: importing this module for its checks changes nothing)."""
    bootstrap_external.SourceLoader.source_to_code = _recording_source_to_code  # type: ignore[method-assign]


def stdlib_folders() -> "tuple[str, str]":
    """The standard library's folder (lib-dynload inside it) and its zip, resolved."""
    folder = getattr(sys, "_stdlib_dir", None) or os.path.dirname(os.__file__)
    folder = os.path.realpath(folder)
    version = f"python{sys.version_info.major}{sys.version_info.minor}.zip"
    return folder, os.path.join(os.path.dirname(folder), version)


def _inside(path: str, folder: str) -> bool:
    return path == folder or path.startswith(folder.rstrip(os.sep) + os.sep)


def outside(paths: "list[str]", allowed: "list[str]", stdlib: "tuple[str, str]") -> "list[str]":
    """The paths in none of the allowed folders nor the standard library (whose ``site-packages``,
    where an interpreter's own installs go, does not count as the standard library)."""
    folder, archive = stdlib
    roots = [os.path.realpath(root) for root in allowed]
    found = []
    for path in paths:
        real = os.path.realpath(path)
        if any(_inside(real, root) for root in roots):
            continue
        in_stdlib = _inside(real, folder) or _inside(real, archive)
        if in_stdlib and "site-packages" not in real[len(folder) :].split(os.sep):
            continue
        found.append(path)
    return found


def importable(names: "tuple[str, ...]") -> "list[str]":
    """The names that ``import`` would find."""
    return [name for name in names if importlib.util.find_spec(name) is not None]


def module_files() -> "list[str]":
    """Every loaded module's file, and the folders of namespace packages (which have none)."""
    files = []
    for module in list(sys.modules.values()):
        path = getattr(module, "__file__", None)
        if isinstance(path, str):
            files.append(path)
        elif getattr(getattr(module, "__spec__", None), "origin", "") is None:
            files += [entry for entry in getattr(module, "__path__", []) or [] if isinstance(entry, str)]
    return files


def check_before_import(allowed: "list[str]") -> None:
    """Lambda's sys.path and nothing of a development venv, or exit 3. The path finders the
    search creates are dropped again, so the handler's import lists its folders itself."""
    known = set(sys.path_importer_cache)
    problems = [
        f"sys.path entry outside the build: {p}" for p in outside(sys.path, allowed, stdlib_folders())
    ]
    problems += [f"importable here, absent on Lambda: {name}" for name in importable(FORBIDDEN)]
    for entry in set(sys.path_importer_cache) - known:
        del sys.path_importer_cache[entry]
    _fail_on(problems)


def check_after_invocation(allowed: "list[str]") -> None:
    """Every module the handler and its first invocation loaded comes from the build or the
    standard library, or exit 3. This bootstrap (``__main__``) stands for Lambda's own."""
    stray = outside(module_files(), [*allowed, os.path.abspath(__file__)], stdlib_folders())
    _fail_on([f"module loaded from outside the build: {path}" for path in stray])


def _fail_on(problems: "list[str]") -> None:
    if problems:
        sys.stderr.write(
            ENVIRONMENT_MARKER + ": not Lambda's environment:\n  " + "\n  ".join(problems) + "\n"
        )
        sys.stderr.flush()
        raise SystemExit(ENVIRONMENT_EXIT)


class LambdaContext:
    """The context Lambda passes: the function's memory and timeout come from the parent
    (``AWS_LAMBDA_FUNCTION_MEMORY_SIZE``, as Lambda sets it, and ``BENCH_REMAINING_MS``, removed
    before the handler's import)."""

    function_name = "bench-function"
    function_version = "$LATEST"
    invoked_function_arn = "arn:aws:lambda:us-east-1:123456789012:function:bench-function"
    aws_request_id = "52fdfc07-2182-454f-963f-5f0f9a621d72"
    log_group_name = "/aws/lambda/bench-function"
    log_stream_name = "2026/11/23/[$LATEST]abcdef"

    def __init__(self, remaining_ms: int) -> None:
        self.memory_limit_in_mb = int(os.environ.get("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "512"))
        self._remaining_ms = remaining_ms

    def get_remaining_time_in_millis(self) -> int:
        return self._remaining_ms


def peak_rss_kib() -> int:
    """VmHWM of this process's memory. ``ru_maxrss`` is not used: Linux carries it over ``execve``,
    so a child started by a big parent reports the parent's peak (checked: 311 MiB for a bare
    interpreter forked from a 300 MiB parent)."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return int(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)


class AwsCallClock:
    """Time spent inside botocore's ``_make_api_call`` during the first invocation: the AWS calls
    (client-side work plus moto's answer over local HTTP). Installed after the handler's import
    (botocore is loaded by then, and nothing is imported for it), so the import is measured as is."""

    def __init__(self) -> None:
        self.seconds = 0.0
        self.calls = 0

    def install(self) -> None:
        client_module = sys.modules.get("botocore.client")
        if client_module is None:
            return
        original: MakeApiCall = client_module.BaseClient._make_api_call
        clock = self

        def timed(
            client: "BaseClient", operation_name: str, api_params: "dict[str, Any]"
        ) -> "dict[str, Any]":
            started = time.perf_counter()
            try:
                return original(client, operation_name, api_params)
            finally:
                clock.seconds += time.perf_counter() - started
                clock.calls += 1

        client_module.BaseClient._make_api_call = timed


def parse_args(argv: list[str]) -> tuple[str, str, "list[str] | None"]:
    """APP, EVENT and the ALLOWED folders (None: no environment check). argparse only for anything
    else (``--help``, a mistake): importing it before the handler would put it, and the modules
    it loads, in the handler's import."""
    if len(argv) in (2, 3) and not any(argument.startswith("-") for argument in argv):
        allowed = [entry for entry in argv[2].split(os.pathsep) if entry] if len(argv) == 3 else None
        return argv[0], argv[1], allowed
    import argparse

    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.child", description=__doc__.split("\n\n", 1)[0]
    )
    parser.add_argument("app", metavar="APP", help="the handler's app.py")
    parser.add_argument("event", metavar="EVENT", help="the event JSON file to serve once")
    parser.add_argument(
        "allowed",
        metavar="ALLOWED",
        nargs="?",
        help="folders joined by the path separator: assert that modules come only from them and the stdlib",
    )
    args = parser.parse_args(argv)
    allowed = [entry for entry in args.allowed.split(os.pathsep) if entry] if args.allowed else None
    return str(args.app), str(args.event), allowed


def main(app_path: str, event_path: str, allowed: "list[str] | None" = None) -> None:
    remaining_ms = int(os.environ.pop("BENCH_REMAINING_MS", "10000"))
    record_compiles()
    if allowed is not None:
        check_before_import(allowed)
    sys.stderr.write(IMPORT_MARKER + "\n")
    sys.stderr.flush()
    started = time.perf_counter()
    spec = importlib.util.spec_from_file_location("app", app_path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["app"] = module
    spec.loader.exec_module(module)
    imported = time.perf_counter()

    import json  # after the handler's import: its cost belongs to the handler (or is already paid)

    with open(event_path, encoding="utf-8") as handle:
        event = json.load(handle)
    context = LambdaContext(remaining_ms)
    aws_calls = AwsCallClock()
    aws_calls.install()
    invoke_started = time.perf_counter()
    response = module.lambda_handler(event, context)
    invoked = time.perf_counter()
    if allowed is not None:
        check_after_invocation(allowed)

    result = {
        "import_ms": (imported - started) * 1000,
        "first_invocation_ms": (invoked - invoke_started) * 1000,
        "total_ms": (imported - started + invoked - invoke_started) * 1000,
        "first_invocation_aws_ms": aws_calls.seconds * 1000,
        "first_invocation_aws_calls": aws_calls.calls,
        "peak_rss_kib": peak_rss_kib(),
        "ru_maxrss_kib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
        "compiled": compiled,
        "parley_from": getattr(sys.modules.get("parley"), "__file__", None),
        "environment_checked": allowed is not None,
        "packages": sorted({name.split(".", 1)[0] for name in list(sys.modules)}),
        "response": response,
    }
    sys.stdout.write("\n" + RESULT_PREFIX + json.dumps(result, default=str) + "\n")
    sys.stdout.flush()


if __name__ == "__main__":
    main(*parse_args(sys.argv[1:]))
