"""The cold-start environment: the child's assertion that it runs as Lambda would (only the
function's folder, the layer, the runtime and the standard library), the build's layout, the
units of work and the memory sizes derived from a run."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from benchmarks import child, work
from benchmarks.build import Build
from benchmarks.memory_size import suggest
from benchmarks.runtime_env import FAITHFUL_FLAGS, FORBIDDEN_MODULES, lambda_path, package_versions
from benchmarks.stack import succeeded
from tests.helpers.paths import ROOT

CHILD = ROOT / "benchmarks" / "child.py"
HANDLER = 'def lambda_handler(event, context):\n    return {"statusCode": 200}\n'
STDLIB = child.stdlib_folders()


def _run_child(function: Path, path: list[Path], allowed: list[Path]) -> subprocess.CompletedProcess[str]:
    """The child as the benchmark starts it (-S -P), on a handler of the standard library only."""
    event = function / "event.json"
    event.write_text("{}")
    return subprocess.run(  # noqa: S603 - this interpreter, our own script
        [sys.executable, *FAITHFUL_FLAGS, str(CHILD), str(function / "app.py"), str(event),
         os.pathsep.join(map(str, allowed))],
        env={"PATH": os.environ.get("PATH", ""), "PYTHONPATH": os.pathsep.join(map(str, path))},
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip


@pytest.fixture
def folders(tmp_path: Path) -> tuple[Path, Path, Path]:
    function, layer, elsewhere = tmp_path / "task", tmp_path / "layer", tmp_path / "elsewhere"
    for folder in (function, layer, elsewhere):
        folder.mkdir()
    (function / "app.py").write_text(HANDLER)
    return function, layer, elsewhere


def test_a_module_outside_the_allowed_folders_is_rejected(tmp_path: Path) -> None:
    allowed = [str(tmp_path / "task"), str(tmp_path / "layer")]
    paths = [
        str(tmp_path / "task" / "app.py"),
        str(tmp_path / "layer" / "boto3" / "__init__.py"),
        os.path.join(STDLIB[0], "json", "__init__.py"),
        os.path.join(STDLIB[0], "lib-dynload", "_json.so"),
        str(tmp_path / "venv" / "site-packages" / "awscrt" / "__init__.py"),
        os.path.join(STDLIB[0], "site-packages", "awscrt", "__init__.py"),
        str(tmp_path / "task-sibling" / "x.py"),
    ]

    assert child.outside(paths, allowed, STDLIB) == paths[4:]


def test_the_child_lists_the_same_forbidden_modules_as_the_environment() -> None:
    assert child.FORBIDDEN == FORBIDDEN_MODULES


def test_the_child_serves_the_event_in_lambdas_environment(folders: tuple[Path, Path, Path]) -> None:
    function, layer, _ = folders

    completed = _run_child(function, [function, layer], [function, layer])

    assert completed.returncode == 0, completed.stderr
    result = json.loads(completed.stdout.split(child.RESULT_PREFIX, 1)[1])
    assert result["environment_checked"] and result["response"] == {"statusCode": 200}
    assert "site" not in result["packages"]  # -S: the venv's site-packages were never added


def test_the_child_fails_on_a_path_entry_outside_the_build(folders: tuple[Path, Path, Path]) -> None:
    function, layer, elsewhere = folders

    completed = _run_child(function, [function, layer, elsewhere], [function, layer])

    assert completed.returncode == child.ENVIRONMENT_EXIT
    assert f"sys.path entry outside the build: {elsewhere}" in completed.stderr
    assert child.RESULT_PREFIX not in completed.stdout


def test_the_child_fails_when_a_development_tool_is_importable(folders: tuple[Path, Path, Path]) -> None:
    function, layer, _ = folders
    (layer / "awscrt").mkdir()
    (layer / "awscrt" / "__init__.py").write_text("")

    completed = _run_child(function, [function, layer], [function, layer])

    assert completed.returncode == child.ENVIRONMENT_EXIT
    assert "importable here, absent on Lambda: awscrt" in completed.stderr


def test_the_child_fails_on_a_module_loaded_from_elsewhere_during_the_invocation(
    folders: tuple[Path, Path, Path],
) -> None:
    function, layer, elsewhere = folders
    (elsewhere / "stray.py").write_text("")
    (function / "app.py").write_text(
        f"import sys\n\ndef lambda_handler(event, context):\n    sys.path.append({str(elsewhere)!r})\n"
        "    import stray\n    return {'statusCode': 200}\n"
    )

    completed = _run_child(function, [function, layer], [function, layer])

    assert completed.returncode == child.ENVIRONMENT_EXIT
    assert f"module loaded from outside the build: {elsewhere / 'stray.py'}" in completed.stderr


def test_the_build_puts_parley_in_the_layer_and_orders_sys_path_as_lambda(tmp_path: Path) -> None:
    build = Build(ROOT.resolve(), tmp_path, tmp_path / "runtime")
    app = ROOT / "functions" / "get_health" / "app.py"

    assert build.path(ROOT / "layers" / "shared" / "parley" / "aws.py") == build.layer / "parley" / "aws.py"
    assert build.path(app) == tmp_path / "functions" / "get_health" / "app.py"
    assert build.sys_path(app) == [
        tmp_path / "functions" / "get_health",
        build.layer / "lib" / "python3.12" / "site-packages",
        build.layer,
        tmp_path / "runtime",
    ]
    assert lambda_path(Path("/var/task"), Path("/opt/python"), Path("/var/runtime"))[1:3] == [
        Path("/opt/python/lib/python3.12/site-packages"),
        Path("/opt/python"),
    ]


def test_package_versions_are_read_from_dist_info_folders(tmp_path: Path) -> None:
    (tmp_path / "boto3-1.43.108.dist-info").mkdir()
    (tmp_path / "aws_lambda_powertools-3.37.0.dist-info").mkdir()

    assert package_versions(tmp_path, ("boto3", "aws-lambda-powertools", "pydantic")) == {
        "boto3": "1.43.108",
        "aws-lambda-powertools": "3.37.0",
    }


def test_a_unit_of_work_has_a_new_idempotency_key_and_next_questions_a_new_session() -> None:
    event: dict[str, Any] = {
        "headers": {"Idempotency-Key": "k-1"},
        "multiValueHeaders": {"idempotency-key": ["k-1"]},
    }
    varied = work.vary("create_session", event, 7)
    assert varied["headers"]["Idempotency-Key"] == varied["multiValueHeaders"]["idempotency-key"][0]
    assert varied["headers"]["Idempotency-Key"] != "k-1" and event["headers"]["Idempotency-Key"] == "k-1"
    assert work.vary("create_session", event, 8) != varied

    question = work.vary("next_question", {"body": json.dumps({"session_id": "s"})}, 3)
    assert json.loads(question["body"])["session_id"] == "bench-session-3"


def test_memory_size_follows_peak_rss_cpu_and_the_request_path() -> None:
    assert suggest(60, 1.1, ("Api",)).memory_mb == 512
    assert suggest(60, 1.1, ()).memory_mb == 512  # the authorizer
    assert suggest(60, 1.1, ("SQS",)).memory_mb == 256
    assert suggest(60, 1.6, ("SQS",)).memory_mb == 1024
    assert suggest(300, 1.1, ("Api",)).memory_mb == 640
    assert "CPU-bound" in suggest(60, 2.0, ("Api",)).reason
    assert suggest(50, 1.1, ("SQS",), awaited=True).memory_mb == 512


def test_designed_errors_and_the_idle_sweep_count_as_success() -> None:
    assert succeeded({"statusCode": 403}, "request_voice_token")
    assert not succeeded({"statusCode": 200}, "request_voice_token")
    assert not succeeded({"statusCode": 403}, "get_health")
    assert succeeded({"closed": 0})
