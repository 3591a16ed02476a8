"""DynamoDB calls and consumed capacity per Conversations route, and List latency at 10,000.

Runs in-process under moto (``mock_aws``), with the tables built from template.yaml and each
function loaded like Lambda loads it. Every DynamoDB call is counted through botocore's event
hooks, which also ask for ``ReturnConsumedCapacity=TOTAL``; capacity is what moto reports (it
follows DynamoDB's rounding: 4 KB per read unit, 1 KB per write unit, transactions doubled, as far
as moto implements it). Times are moto's in this process, not DynamoDB's: moto answers a GSI
Query by walking every item of the table, so its list latency grows with the table; DynamoDB reads
only the matching index partition.

    .venv/bin/python -m benchmarks.conversations_calls [--conversations 10000]
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import statistics
import sys
import time
import uuid
from collections import defaultdict
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import ModuleType
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "layers" / "shared"))
for _name, _value in {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_DEFAULT_REGION": "us-east-1",
    "POWERTOOLS_METRICS_NAMESPACE": "Parley",
    "POWERTOOLS_LOG_LEVEL": "ERROR",
}.items():
    os.environ[_name] = _value
os.environ.pop("AWS_ENDPOINT_URL", None)

FUNCTIONS = {
    "create": "CreateConversationFunction",
    "append": "AppendMessagesFunction",
    "list": "ListConversationsFunction",
    "get": "GetConversationFunction",
    "insights": "GetConversationInsightsFunction",
}


def _value_size(value: dict[str, Any]) -> int:
    ((kind, inner),) = value.items()
    if kind in ("S", "B"):
        return len(inner.encode()) if isinstance(inner, str) else len(inner)
    if kind == "N":
        return (len(inner.lstrip("-").replace(".", "")) + 1) // 2 + 1
    if kind == "M":
        return 3 + sum(len(k.encode()) + _value_size(v) for k, v in inner.items())
    if kind == "L":
        return 3 + sum(_value_size(v) for v in inner)
    return 1


def item_size(item: dict[str, Any]) -> int:
    return sum(len(name.encode()) + _value_size(value) for name, value in item.items())


def estimated_units(operation: str, params: dict[str, Any], parsed: dict[str, Any]) -> float:
    """Capacity by DynamoDB's published rules, from the sizes of the items read or written.

    moto reports none for transactions and a flat figure for reads. Reads: 4 KB per unit (per
    item for GetItem, summed for Query), half when eventually consistent. Writes: 1 KB per unit
    per item, doubled in a transaction; an Update is counted as 1 KB (headers and counters are
    smaller). GSI writes are not included (see the note printed at the end).
    """
    factor = 1.0 if params.get("ConsistentRead") else 0.5
    if operation == "GetItem":
        return max(1, -(-item_size(parsed.get("Item") or {}) // 4096)) * factor
    if operation == "Query":
        size = sum(item_size(item) for item in parsed.get("Items", []))
        return max(1, -(-size // 4096)) * factor
    if operation == "TransactWriteItems":
        units = 0
        for entry in params["TransactItems"]:
            ((kind, request),) = entry.items()
            units += max(1, -(-item_size(request["Item"]) // 1024)) if kind == "Put" else 1
        return 2.0 * units
    return 0.0


class Recorder:
    def __init__(self) -> None:
        self.calls: list[tuple[str, float, float]] = []
        self._params: dict[str, Any] = {}

    def add_capacity(self, params: dict[str, Any], **_: Any) -> None:
        params.setdefault("ReturnConsumedCapacity", "TOTAL")
        self._params = params

    def record(self, http_response: Any, parsed: dict[str, Any], model: Any, **_: Any) -> None:
        consumed = parsed.get("ConsumedCapacity")
        entries = consumed if isinstance(consumed, list) else [consumed] if consumed else []
        reported = sum(float(entry.get("CapacityUnits", 0)) for entry in entries)
        self.calls.append((model.name, reported, estimated_units(model.name, self._params, parsed)))


def load(logical_id: str, template: Any, resolver: Any) -> ModuleType:
    properties = template.resources[logical_id]["Properties"]
    for name, value in resolver.resolve(properties.get("Environment", {}).get("Variables", {})).items():
        os.environ[name] = str(value)
    name = f"bench_{logical_id}_{uuid.uuid4().hex[:6]}"
    spec = importlib.util.spec_from_file_location(name, ROOT / properties["CodeUri"] / "app.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def event(
    relative: str, conversation_id: str | None = None, body: Any = None, query: Any = None
) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((ROOT / "events" / relative).read_text())
    if conversation_id:
        data["path"] = data["path"].replace("conv_0123456789abcdef01234567", conversation_id)
        data["pathParameters"] = {"id": conversation_id}
    if body is not None:
        data["body"] = json.dumps(body)
    if query is not None:
        data["queryStringParameters"] = query
    return data


class Context:
    function_name = "bench"
    function_version = "$LATEST"
    invoked_function_arn = "arn:aws:lambda:us-east-1:123456789012:function:bench"
    memory_limit_in_mb = 512
    aws_request_id = "bench"

    def get_remaining_time_in_millis(self) -> int:
        return 10_000


def seed(repository: Any, client: Any, table: str, count: int) -> None:
    """``count`` conversations of tenant demo, written directly (headers and counters only)."""
    from parley.conversations.entities import Conversation
    from parley.conversations.items import LIST_INDEXES, header_item

    start = datetime(2025, 1, 1, tzinfo=UTC)
    totals: dict[str, int] = defaultdict(int)
    batch: list[dict[str, Any]] = []
    for n in range(count):
        created = start + timedelta(seconds=n)
        stamp = created.strftime("%Y-%m-%dT%H:%M:%SZ")
        conversation = Conversation(
            tenant_id="demo",
            id=f"conv_{n:024x}",
            prompt_id=f"prompt_{n % 10}",
            status=("completed", "active")[n % 2],
            created_at=stamp,
            updated_at=stamp,
            message_count=2,
            content_bytes=40,
        )
        item = header_item(conversation, f"{int(created.timestamp() * 1e6):017d}#{conversation.id}")
        batch.append({"PutRequest": {"Item": item}})
        for index in LIST_INDEXES:
            totals[item[index.pk_attribute]["S"]] += 1
        if len(batch) == 25:
            client.batch_write_item(RequestItems={table: batch})
            batch = []
    if batch:
        client.batch_write_item(RequestItems={table: batch})
    for partition, total in totals.items():
        client.put_item(
            TableName=table,
            Item={"pk": {"S": f"COUNT#{partition}"}, "sk": {"S": "COUNT"}, "total": {"N": str(total)}},
        )


def _cursor_at(invoke: Any, event: Any, depth: int) -> str:
    """The nextCursor of the page that ends at ``depth`` (walked by cursor, 100 at a time)."""
    cursor: str | None = None
    for _ in range(depth // 100):
        query = {"limit": "100", **({"cursor": cursor} if cursor else {})}
        cursor = invoke(event("list_conversations/default.json", query=query))["pagination"]["nextCursor"]
    assert cursor is not None
    return cursor


def main() -> None:  # noqa: PLR0915 -- one linear script
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.conversations_calls", description=__doc__.split("\n", 1)[0]
    )
    parser.add_argument("--conversations", type=int, default=10_000)
    args = parser.parse_args()

    from moto import mock_aws

    from localgw.resources import create_resources
    from localgw.template import load_template
    from parley import aws
    from parley.conversations.models import Insights
    from parley.conversations.repository import DynamoConversationRepository

    with mock_aws():
        template = load_template(ROOT / "template.yaml")
        resources = create_resources(template)
        resolver = resources.resolver(template)
        aws.client.cache_clear()
        recorder = Recorder()
        client = aws.dynamodb()
        client.meta.events.register("before-parameter-build.dynamodb", recorder.add_capacity)
        client.meta.events.register("after-call.dynamodb", recorder.record)
        apps = {route: load(logical_id, template, resolver) for route, logical_id in FUNCTIONS.items()}
        context = Context()
        table = resources.tables["ConversationsTable"]
        repository = DynamoConversationRepository(client, table)

        def measure(label: str, route: str, request: dict[str, Any]) -> dict[str, Any]:
            recorder.calls.clear()
            response = apps[route].lambda_handler(request, context)
            assert response["statusCode"] == 200, response["body"]
            calls = list(recorder.calls)
            print(
                f"{label:<42} {len(calls):>2} calls  moto {sum(c[1] for c in calls):>5.1f} CU  "
                f"est. {sum(c[2] for c in calls):>6.1f} CU  " + ", ".join(f"{c[0]} {c[2]:g}" for c in calls)
            )
            body: dict[str, Any] = json.loads(response["body"])
            return body

        def invoke(request: dict[str, Any]) -> dict[str, Any]:
            body: dict[str, Any] = json.loads(apps["list"].lambda_handler(request, context)["body"])
            return body

        print("== DynamoDB calls and consumed capacity (moto) per request ==")
        created = measure(
            "create (spec example, status completed)",
            "create",
            event("create_conversation/spec_example.json"),
        )
        measure(
            "create with idempotencyKey (first)", "create", event("create_conversation/idempotency_key.json")
        )
        measure(
            "create with idempotencyKey (replay)", "create", event("create_conversation/idempotency_key.json")
        )
        big = "\n".join(f"{('User', 'Assistant')[n % 2]}: " + "x" * 1000 for n in range(500))
        large = measure(
            "create 500 messages / ~500 KB",
            "create",
            event(
                "create_conversation/spec_example.json",
                body={"promptId": "p", "content": big, "status": "active"},
            ),
        )
        opened = measure("create (status active)", "create", event("create_conversation/open_active.json"))
        measure(
            "append 2 messages (spec example)",
            "append",
            event("append_messages/spec_example.json", opened["id"]),
        )
        measure(
            "append completing (status completed)",
            "append",
            event("append_messages/complete.json", opened["id"]),
        )
        measure("get (small)", "get", event("get_conversation/ok.json", created["id"]))
        measure("get (500 messages / ~500 KB)", "get", event("get_conversation/ok.json", large["id"]))
        # Every field given: mypy does not read pydantic's positional Field(None) as a default.
        insights = Insights(
            sentiment="positive",
            sentiment_score=None,
            task_completed=None,
            summary="",
            created_at="2025-01-20T14:35:00Z",
        )
        repository.put_insights("demo", created["id"], insights)
        measure("insights", "insights", event("get_conversation_insights/ok.json", created["id"]))
        measure("list (default, 20)", "list", event("list_conversations/default.json"))

        print(f"\n== List with {args.conversations:,} conversations in the tenant (moto times) ==")
        seed(repository, client, table, args.conversations)
        deep_cursor = _cursor_at(invoke, event, args.conversations // 2)
        for label, query in (
            ("default (limit 20)", None),
            ("limit 100", {"limit": "100"}),
            ("promptId + status", {"promptId": "prompt_3", "status": "active"}),
            ("offset 1000 (the deepest offset)", {"offset": "1000", "limit": "20"}),
            (f"cursor at {args.conversations // 2:,} (a deep page)", {"cursor": deep_cursor, "limit": "20"}),
        ):
            timings = []
            for run in range(5):
                start = time.perf_counter()
                request = event("list_conversations/default.json", query=query)
                body = measure(f"list {label}", "list", request) if run == 0 else invoke(request)
                timings.append((time.perf_counter() - start) * 1000)
            print(
                f"    total={body['pagination']['total']}  median {statistics.median(timings):.1f} ms (moto)"
            )
        refused = invoke(event("list_conversations/default.json", query={"offset": "5000"}))
        code = refused["type"].rsplit("/", 1)[-1]
        print(f"    offset 5000: {refused['status']} {code} (follow nextCursor)")
        print(
            "\nNot in the estimates: GSI writes. A create writes 8 index entries (8 WCU; entries are"
            " < 1 KB); a completion or new insights moves 4 entries and rewrites the other 4 (~12 WCU);"
            " a plain append changes no projected attribute, so no GSI write."
        )


if __name__ == "__main__":
    main()
