"""One cold start in a fresh interpreter: import a handler's ``app.py`` by path, serve one event.

Run as a script by ``benchmarks.cold_start`` (never imported): ``python child.py APP EVENT``.
Before the handler's import it loads only ``importlib.util`` and ``resource`` (no ``typing``,
no ``json``, no ``argparse`` unless asked for ``--help``), so the measured import is the
handler's own. Prints one ``BENCH-RESULT {json}`` line on stdout; writes ``BENCH-IMPORT`` on
stderr just before the import so ``-X importtime`` output can be split there.
"""

import importlib._bootstrap_external as bootstrap_external
import importlib.util
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


# A deliberate patch of the standard library's loader, for this process only.
bootstrap_external.SourceLoader.source_to_code = _recording_source_to_code  # type: ignore[method-assign]


class LambdaContext:
    function_name = "bench-function"
    function_version = "$LATEST"
    invoked_function_arn = "arn:aws:lambda:us-east-1:123456789012:function:bench-function"
    memory_limit_in_mb = 512
    aws_request_id = "52fdfc07-2182-454f-963f-5f0f9a621d72"
    log_group_name = "/aws/lambda/bench-function"
    log_stream_name = "2026/11/23/[$LATEST]abcdef"

    def get_remaining_time_in_millis(self) -> int:
        return 10_000


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


def parse_args(argv: list[str]) -> tuple[str, str]:
    """APP and EVENT. argparse only for anything but two paths (``--help``, a mistake): importing
    it before the handler would put it, and the modules it loads, in the handler's import."""
    if len(argv) == 2 and not any(argument.startswith("-") for argument in argv):
        return argv[0], argv[1]
    import argparse

    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.child", description=__doc__.split("\n\n", 1)[0]
    )
    parser.add_argument("app", metavar="APP", help="the handler's app.py")
    parser.add_argument("event", metavar="EVENT", help="the event JSON file to serve once")
    args = parser.parse_args(argv)
    return str(args.app), str(args.event)


def main(app_path: str, event_path: str) -> None:
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
    context = LambdaContext()
    aws_calls = AwsCallClock()
    aws_calls.install()
    invoke_started = time.perf_counter()
    response = module.lambda_handler(event, context)
    invoked = time.perf_counter()

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
        "response": response,
    }
    sys.stdout.write("\n" + RESULT_PREFIX + json.dumps(result, default=str) + "\n")
    sys.stdout.flush()


if __name__ == "__main__":
    main(*parse_args(sys.argv[1:]))
