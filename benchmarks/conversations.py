"""Section: the conversations API's own benchmark, ``benchmarks/conversations_calls.py``, run as it is.

That script sets process-wide AWS variables at import and prints a report; it runs here in its own
interpreter (so it cannot change this process's environment) and its report is included verbatim.
"""

from __future__ import annotations

import os
import subprocess
import time

from benchmarks.common import BenchContext, BenchmarkError, SectionResult

CONVERSATIONS = 10_000
TIMEOUT_SECONDS = 240


class ConversationsSection:
    key = "conversations"
    title = "Conversations API: DynamoDB calls, capacity, List at 10,000"

    def run(self, context: BenchContext) -> SectionResult:
        module = "benchmarks.conversations_calls"
        command = [context.python, "-m", module, "--conversations", str(CONVERSATIONS)]
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
            raise BenchmarkError(
                f"conversations_calls exited {completed.returncode}:\n{completed.stderr[-4000:]}"
            )
        report = completed.stdout.strip()
        markdown = "\n".join(
            [
                f"`python -m benchmarks.conversations_calls --conversations {CONVERSATIONS}` "
                f"(in-process moto; {seconds:.0f} s). Per request: DynamoDB calls, the capacity moto "
                "reports, and an estimate by DynamoDB's published rules from the item sizes; then "
                f"List with {CONVERSATIONS:,} conversations in the tenant (moto's times: moto walks "
                "the whole table for a GSI query, DynamoDB reads only the index partition).",
                "",
                "```text",
                report,
                "```",
            ]
        )
        return SectionResult(
            self.title, markdown, {"command": command, "seconds": seconds, "report": report.splitlines()}
        )
