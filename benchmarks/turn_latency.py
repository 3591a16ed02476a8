"""Turn latency in-process (p50/p99, AWS calls included) and AWS calls per turn.

Runs under moto (``mock_aws``) with the tables and queues built from template.yaml, the demo
tenant loaded with the admin command, and ``ProcessTurnFunction`` loaded like Lambda loads it.
Each conversation is the README's script: free text that names the intent → a choice → free text
→ free text that fulfils it. Every AWS call is counted with botocore's ``before-call`` hook.
Latency is the handler's wall time in this process, moto's own work included (moto is slower than
DynamoDB for some operations and has no network); the first conversation warms the container's
caches (deployment, catalog) and is left out.

    .venv/bin/python -m benchmarks.turn_latency [--conversations 200]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path
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

SCRIPT: list[tuple[str, dict[str, Any]]] = [
    (
        "first (text, names the intent)",
        {"unstructured": {"text": "Hi, I'm looking for a table for my terrace"}},
    ),
    ("choice", {"structured": {"choiceId": "500-1000"}}),
    ("text (slot answer)", {"unstructured": {"text": "we are 6 people"}}),
    ("last (fulfilment, completes)", {"unstructured": {"text": "aluminium please"}}),
]


def main() -> None:  # noqa: PLR0915 -- one linear script
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.turn_latency", description=__doc__.split("\n", 1)[0]
    )
    parser.add_argument("--conversations", type=int, default=200)
    args = parser.parse_args()

    import warnings

    from moto import mock_aws

    from benchmarks.common import percentile
    from benchmarks.conversations_calls import Context, load
    from localgw.moto_backend import serialize_dynamodb
    from localgw.resources import create_resources
    from localgw.template import load_template
    from parley import admin, aws

    warnings.filterwarnings("ignore", message="No application metrics to publish")
    serialize_dynamodb()
    with mock_aws():
        template = load_template(ROOT / "template.yaml")
        resources = create_resources(template)
        aws.client.cache_clear()
        with open(os.devnull, "w") as sink:
            stdout, sys.stdout = sys.stdout, sink
            try:
                admin.main(
                    ["--tenants-table", resources.tables["TenantsTable"], "load-config", "tenants/demo"]
                )
            finally:
                sys.stdout = stdout
        module = load("ProcessTurnFunction", template, resources.resolver(template))
        calls: Counter[str] = Counter()
        in_aws = [0.0, 0.0]  # [time spent inside AWS calls, start of the current call]

        def count(model: Any, **_: Any) -> None:
            calls[f"{model.service_model.service_name}:{model.name}"] += 1
            in_aws[1] = time.perf_counter()

        def returned(**_: Any) -> None:
            in_aws[0] += time.perf_counter() - in_aws[1]

        for service in ("dynamodb", "sqs"):
            aws.client(service).meta.events.register("before-call.*.*", count)
            aws.client(service).meta.events.register("after-call.*.*", returned)

        base = json.loads((ROOT / "events/process_turn/unstructured_text.json").read_text())
        context = Context()
        latencies: dict[str, list[float]] = defaultdict(list)
        per_kind_calls: dict[str, Counter[str]] = defaultdict(Counter)
        every: list[float] = []
        own: list[float] = []  # the turn's time outside AWS calls
        for n in range(args.conversations + 1):
            conversation_id = None
            for kind, request in SCRIPT:
                body: dict[str, Any] = {"request": request}
                if conversation_id:
                    body["conversationId"] = conversation_id
                calls.clear()
                in_aws[0] = 0.0
                started = time.perf_counter()
                response = module.lambda_handler({**base, "body": json.dumps(body)}, context)
                elapsed = (time.perf_counter() - started) * 1000
                assert response["statusCode"] == 200, response["body"]
                conversation_id = json.loads(response["body"])["conversationId"]
                if n == 0:
                    continue  # the container's first conversation fills its caches
                latencies[kind].append(elapsed)
                every.append(elapsed)
                own.append(elapsed - in_aws[0] * 1000)
                per_kind_calls[kind] += calls

    print(f"{args.conversations} conversations x {len(SCRIPT)} turns (moto, in-process, warm container)")
    print(f"{'turn':34} {'p50 ms':>8} {'p99 ms':>8}  AWS calls per turn")
    for kind, _ in SCRIPT:
        values = latencies[kind]
        mean_calls = {name: count / len(values) for name, count in sorted(per_kind_calls[kind].items())}
        total = sum(mean_calls.values())
        detail = ", ".join(f"{name.split(':')[1]} {value:g}" for name, value in mean_calls.items())
        print(
            f"{kind:34} {percentile(values, 0.5):8.1f} {percentile(values, 0.99):8.1f}  {total:g} ({detail})"
        )
    print(f"{'all turns':34} {percentile(every, 0.5):8.1f} {percentile(every, 0.99):8.1f}")
    print(f"{'all turns, outside AWS calls':34} {percentile(own, 0.5):8.1f} {percentile(own, 0.99):8.1f}")


if __name__ == "__main__":
    main()
