"""Sections that run one of the APIs' own benchmark scripts as they are, each in its own
interpreter (they set process-wide AWS variables at import), with the report included verbatim."""

from __future__ import annotations

import os
import subprocess
import time

from benchmarks.common import BenchContext, BenchmarkError, SectionResult

TIMEOUT_SECONDS = 240


class ScriptSection:
    def __init__(self, key: str, title: str, module: str, arguments: list[str], description: str) -> None:
        self.key, self.title = key, title
        self._module, self._arguments, self._description = module, arguments, description

    def run(self, context: BenchContext) -> SectionResult:
        command = [context.python, "-m", self._module, *self._arguments]
        env = {key: value for key, value in os.environ.items() if not key.startswith("AWS_")}
        started = time.perf_counter()
        completed = subprocess.run(  # noqa: S603 - our own interpreter and module
            command,
            cwd=context.root,
            env=env,
            capture_output=True,
            text=True,
            timeout=TIMEOUT_SECONDS,
            check=False,
        )
        seconds = time.perf_counter() - started
        if completed.returncode != 0:
            raise BenchmarkError(f"{self._module} exited {completed.returncode}:\n{completed.stderr[-4000:]}")
        # The functions' embedded metrics (one JSON line per flush, CloudWatch's input) are not the report.
        lines = completed.stdout.strip().splitlines()
        report = "\n".join(line for line in lines if not line.startswith('{"_aws"'))
        markdown = "\n".join(
            [
                f"`python -m {self._module} {' '.join(self._arguments)}` ({seconds:.0f} s). "
                + self._description,
                "",
                "```text",
                report,
                "```",
            ]
        )
        return SectionResult(
            self.title, markdown, {"command": command, "seconds": seconds, "report": report.splitlines()}
        )


CONVERSATIONS = 10_000
ConversationsSection = ScriptSection(
    "conversations",
    "Conversations API: DynamoDB calls, capacity, List at 10,000",
    "benchmarks.conversations_calls",
    ["--conversations", str(CONVERSATIONS)],
    "In-process moto. Per request: DynamoDB calls, the capacity moto reports, and an estimate by "
    f"DynamoDB's published rules from the item sizes; then List with {CONVERSATIONS:,} conversations in "
    "the tenant (moto's times: moto walks the whole table for a GSI query, DynamoDB reads only the index "
    "partition).",
)
TurnLatencySection = ScriptSection(
    "turn_latency",
    "Turn latency and AWS calls per turn",
    "benchmarks.turn_latency",
    ["--conversations", "50"],
    "In-process moto, warm container: p50/p99 per kind of turn of the demo deployment's scripted "
    "conversation, the time outside AWS calls (Parley's own code), and the AWS calls per turn "
    "(botocore hooks). Nearly all of the total is moto's.",
)
