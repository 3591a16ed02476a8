"""localgw.runner: handlers loaded in-process, apart from each other, with their environment."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from samcli.lib.utils.stream_writer import StreamWriter
from samcli.local.services.base_local_service import LambdaOutputParser

from localgw.runner import FunctionSpec, InProcessRunner

HANDLER = """
import os

NAME = {name!r}
TABLE = os.environ["TABLE"]


def lambda_handler(event, context):
    if event.get("fail"):
        raise ValueError("no " + NAME)
    if event.get("unserialisable"):
        return {{"value": object()}}
    return {{
        "name": NAME,
        "table": TABLE,
        "function_name": context.function_name,
        "arn": context.invoked_function_arn,
        "memory": context.memory_limit_in_mb,
        "remaining": context.get_remaining_time_in_millis(),
    }}
"""


@pytest.fixture
def runner(tmp_path: Path) -> InProcessRunner:
    specs = {}
    for name in ("FirstFunction", "SecondFunction"):
        code_dir = tmp_path / name
        code_dir.mkdir()
        (code_dir / "app.py").write_text(HANDLER.format(name=name))
        specs[name] = FunctionSpec(
            name=name,
            code_dir=code_dir,
            handler="app.lambda_handler",
            timeout=10,
            memory=256,
            environment={"TABLE": f"{name}Table"},
        )
    return InProcessRunner(specs, "us-east-1", [])


def test_same_named_app_modules_stay_apart(runner: InProcessRunner) -> None:
    first = runner.invoke_event("FirstFunction", {}).payload
    second = runner.invoke_event("SecondFunction", {}).payload

    assert (first["name"], first["table"]) == ("FirstFunction", "FirstFunctionTable")
    assert (second["name"], second["table"]) == ("SecondFunction", "SecondFunctionTable")


def test_context_object(runner: InProcessRunner) -> None:
    payload = runner.invoke_event("FirstFunction", {}).payload

    assert payload["function_name"] == "FirstFunction"
    assert payload["arn"] == "arn:aws:lambda:us-east-1:123456789012:function:FirstFunction"
    assert payload["memory"] == 256
    assert 9000 < payload["remaining"] <= 10_000


def test_invoke_writes_what_sams_output_parser_reads(runner: InProcessRunner) -> None:
    stdout = io.StringIO()
    runner.invoke("FirstFunction", json.dumps({}), stdout=StreamWriter(stdout, auto_flush=True))

    output, is_error = LambdaOutputParser.get_lambda_output(stdout)
    assert is_error is False
    assert json.loads(output)["name"] == "FirstFunction"


def test_a_raise_becomes_the_lambda_error_shape(runner: InProcessRunner) -> None:
    stdout = io.StringIO()
    runner.invoke("FirstFunction", json.dumps({"fail": True}), stdout=StreamWriter(stdout, auto_flush=True))

    output, is_error = LambdaOutputParser.get_lambda_output(stdout)
    assert is_error is True
    error = json.loads(output)
    assert (error["errorType"], error["errorMessage"]) == ("ValueError", "no FirstFunction")
    assert isinstance(error["stackTrace"], list)


def test_unserialisable_result_is_a_marshal_error(runner: InProcessRunner) -> None:
    result = runner.invoke_event("FirstFunction", {"unserialisable": True})

    assert result.error is not None
    assert result.error["errorType"] == "Runtime.MarshalError"
