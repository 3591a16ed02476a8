"""Lambda inputs: the real events in ``events/`` (also used by ``sam local invoke -e``), an SQS batch
built from one of them, and a Lambda context."""

from __future__ import annotations

import json
from typing import Any

from tests.helpers.paths import EVENTS


def load_event(relative: str) -> dict[str, Any]:
    """A fresh copy of ``events/<relative>`` (tests may change it)."""
    event: dict[str, Any] = json.loads((EVENTS / relative).read_text())
    return event


def sqs_event(*bodies: str) -> dict[str, Any]:
    """An SQS batch event as Lambda's event source delivers it (shape of events/insights_worker)."""
    template = load_event("insights_worker/batch.json")["Records"][0]
    return {
        "Records": [
            {**template, "messageId": f"msg-{n}", "receiptHandle": f"rh-{n}", "body": body}
            for n, body in enumerate(bodies)
        ]
    }


class FakeContext:
    """The Lambda context a handler receives (what Powertools reads from it)."""

    function_name = "test-function"
    function_version = "$LATEST"
    invoked_function_arn = "arn:aws:lambda:us-east-1:123456789012:function:test-function"
    memory_limit_in_mb = 512
    aws_request_id = "52fdfc07-2182-454f-963f-5f0f9a621d72"
    log_group_name = "/aws/lambda/test-function"
    log_stream_name = "2026/11/23/[$LATEST]abcdef"

    def get_remaining_time_in_millis(self) -> int:
        return 60_000  # a fresh invocation of a 60 s function (the workers' timeout)
