"""The warm benchmark names the cause of a route over its target: who owns its own time.

The profiler is switched off for the length of every AWS call, so botocore's work (already
reported as "in botocore") is not charged to the handler; a C built-in's time goes to its caller.
"""

from __future__ import annotations

import time
from typing import Any

from benchmarks.own_time import HARNESS, Owners, attribute, owner_of
from tests.helpers.replayed_table import TABLE, key

STDLIB_JSON = "/root/.pyenv/versions/3.12.1/lib/python3.12/json/encoder.py"


def test_given_files_when_owned_then_parley_domains_powertools_parts_and_stdlib_modules_are_named() -> None:
    assert owner_of("/opt/python/parley/sessions/progress.py") == "parley.sessions"
    assert owner_of("/var/task/functions/get_run/app.py") == "handler"
    assert (
        owner_of("/opt/python/aws_lambda_powertools/utilities/idempotency/base.py")
        == "Powertools idempotency"
    )
    assert owner_of("/opt/python/aws_lambda_powertools/metrics/metrics.py") == "Powertools metrics"
    assert owner_of("/opt/python/pydantic_core/core_schema.py") == "pydantic"
    assert owner_of("<frozen posixpath>") == "stdlib posixpath"
    assert owner_of("/work/main/benchmarks/warm.py") == HARNESS


def test_given_a_built_in_called_from_two_owners_when_attributed_then_its_time_is_split_by_caller() -> None:
    handler = ("/var/task/functions/x/app.py", 10, "handle")
    view = ("/opt/python/parley/configuration/view.py", 5, "view")
    harness = ("/work/main/benchmarks/warm.py", 1, "_replay")
    stats: dict[Any, tuple[Any, ...]] = {
        handler: (1, 1, 0.002, 0.010, {harness: (1, 1, 0.002, 0.010)}),
        view: (1, 1, 0.004, 0.006, {handler: (1, 1, 0.004, 0.006)}),
        harness: (1, 1, 0.050, 0.060, {}),
        ("~", 0, "<method 'get' of 'dict' objects>"): (
            4, 4, 0.004, 0.004, {handler: (1, 1, 0.001, 0.001), view: (3, 3, 0.003, 0.003)},
        ),
    }  # fmt: skip

    found = attribute(stats)

    owners = {share.owner: round(share.fraction, 3) for share in found.owners}
    assert owners == {"parley.configuration": 0.7, "handler": 0.3}  # (4 + 3) / 10, (2 + 1) / 10
    assert found.functions[0].owner == "parley.configuration: view (view.py:5)"


def test_given_a_profiled_request_when_it_calls_aws_then_botocore_is_left_out(replay: Any) -> None:
    replayer, client = replay
    owners = Owners()
    replayer.owners = owners

    def handler() -> None:
        client.get_item(TableName=TABLE, Key=key("NBQ#CATALOG"))
        deadline = time.perf_counter() + 0.01
        while time.perf_counter() < deadline:  # own work, in this test module
            pass

    owners.start()
    try:
        for _ in range(5):
            replayer.next_request()
            handler()
    finally:
        owners.stop()

    shares = {share.owner: share.fraction for share in owners.attribution().owners}
    assert shares["other"] > 0.95  # this test module's loop; botocore's call is not profiled
    assert not any(name.startswith("stdlib json") for name in shares)  # botocore's response parsing
