"""Insights worker throughput: completed 20-message conversations analysed per second.

In one process under moto (in-process `mock_aws`): create N completed conversations through the
real CreateConversationFunction, then hand their queue messages to InsightsWorkerFunction in SQS
batches of the template's size, and time the worker alone. moto's DynamoDB is slower than
DynamoDB's own latency budget per call would suggest for reads but has no network; read the
figure as the worker's CPU-bound rate on this machine.

    .venv/bin/python -m benchmarks.insights_throughput [N]
"""

from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any, cast

if TYPE_CHECKING:
    from mypy_boto3_sqs import SQSClient

ROOT = Path(__file__).resolve().parents[1]
TURNS = [
    ("user", "Hi, I'm looking for an outdoor dining table for my terrace, something that seats six."),
    ("assistant", "Happy to help! Do you have a budget in mind?"),
    ("user", "Around 1,200 euros, and I'd prefer teak or aluminium."),
    ("assistant", "The Sahara teak table is 1,150 euros and seats six."),
    ("user", "Does it survive rain and frost? We leave everything outside all year."),
    ("assistant", "Teak weathers well; we recommend a cover in winter."),
    ("user", "What about delivery? I need it before the end of May."),
    ("assistant", "Delivery takes about two weeks."),
    ("user", "Great. Are chairs included?"),
    ("assistant", "Chairs are sold separately; the matching set is 480 euros."),
]


class LambdaContext:
    """The context attributes the handlers and Powertools read (the integration tests' values)."""

    function_name = "test-function"
    function_version = "$LATEST"
    invoked_function_arn = "arn:aws:lambda:us-east-1:123456789012:function:test-function"
    memory_limit_in_mb = 512
    aws_request_id = "52fdfc07-2182-454f-963f-5f0f9a621d72"
    log_group_name = "/aws/lambda/test-function"
    log_stream_name = "2026/11/23/[$LATEST]abcdef"

    def get_remaining_time_in_millis(self) -> int:
        return 10_000


def load_event(relative: str) -> dict[str, Any]:
    event: dict[str, Any] = json.loads((ROOT / "events" / relative).read_text())
    return event


def main(count: int) -> dict[str, float]:
    from localgw.moto_backend import FAKE_CREDENTIALS

    os.environ.update(FAKE_CREDENTIALS, AWS_DEFAULT_REGION="us-east-1")
    os.environ.pop("AWS_ENDPOINT_URL", None)
    from moto import mock_aws

    from localgw.moto_backend import serialize_dynamodb
    from localgw.resources import create_resources
    from localgw.stream_poller import StreamCursor, stream_event
    from localgw.template import load_template
    from parley import aws

    serialize_dynamodb()
    sam = load_template(ROOT / "template.yaml")
    with mock_aws():
        aws.client.cache_clear()
        resources = create_resources(sam)
        resolver = resources.resolver(sam)

        def load(logical_id: str) -> ModuleType:
            import importlib.util

            properties = sam.resources[logical_id]["Properties"]
            os.environ.update(
                {k: str(v) for k, v in resolver.resolve(properties["Environment"]["Variables"]).items()}
            )
            spec = importlib.util.spec_from_file_location(
                f"bench_{logical_id}", ROOT / properties["CodeUri"] / "app.py"
            )
            assert spec is not None and spec.loader is not None
            module = importlib.util.module_from_spec(spec)
            spec.loader.exec_module(module)
            return module

        create, worker = load("CreateConversationFunction"), load("InsightsWorkerFunction")
        event = load_event("create_conversation/spec_example.json")
        messages = [{"role": r, "content": c} for r, c in TURNS * 2]
        for _ in range(count):
            event["body"] = json.dumps(
                {
                    "promptId": "prompt_123",
                    "content": json.dumps({"messages": messages}),
                    "status": "completed",
                }
            )
            assert create.lambda_handler(event, LambdaContext())["statusCode"] == 200
        # Completions reach the queue through the table's stream and the relay, as deployed.
        relay = load("StreamRelayFunction")
        cursor = StreamCursor(aws.client("dynamodbstreams"), resources.stream_arns["ConversationsTable"])
        while found := cursor.read(100):
            shard_id, records = found
            answer = relay.lambda_handler(
                stream_event(records, cursor.stream_arn, resources.region), LambdaContext()
            )
            assert answer == {"batchItemFailures": []}
            cursor.checkpoint(shard_id, records, None)
        sqs = cast("SQSClient", aws.client("sqs"))
        bodies: list[str] = []
        while batch := sqs.receive_message(
            QueueUrl=resources.queues["InsightsQueue"], MaxNumberOfMessages=10
        ).get("Messages"):
            bodies += [m["Body"] for m in batch if json.loads(m["Body"])["kind"] == "conversation.completed"]
        assert len(bodies) == count
        template = load_event("insights_worker/batch.json")["Records"][0]
        started = time.perf_counter()
        for first in range(0, count, 5):
            records = [
                {**template, "messageId": f"m{n}", "body": b} for n, b in enumerate(bodies[first : first + 5])
            ]
            assert worker.lambda_handler({"Records": records}, LambdaContext()) == {"batchItemFailures": []}
        elapsed = time.perf_counter() - started
    return {"conversations": count, "seconds": round(elapsed, 2), "per_second": round(count / elapsed, 1)}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.insights_throughput", description=__doc__.split("\n", 1)[0]
    )
    parser.add_argument(
        "count", nargs="?", type=int, default=100, metavar="N", help="conversations (default: 100)"
    )
    return parser


if __name__ == "__main__":
    print(json.dumps(main(build_parser().parse_args().count)))
