"""Section: the local gateway's append latency as the store grows from 0 to 10,000 conversations.

A child process (``python -m benchmarks.local_growth --child-output FILE``) starts the local
gateway the way ``make run`` does (``localgw.gateway.start``: embedded moto server, tables from the
template, demo tenant seeded, functions in-process), on 127.0.0.1 and a free port. It creates one
conversation over HTTP and makes copies of that conversation's own items (the header and its
message chunk, under new ids), which it puts into or takes out of moto's table directly,
in-process, to set the store's size: thousands of HTTP creates would take minutes, and the copies
skip the table's stream (the relay would otherwise be busy with them while appends are timed).
The sizes take turns, one timed append (two messages, over HTTP through the gateway) each, so
that load on the machine reaches every size alike.

    .venv/bin/python -m benchmarks.local_growth            # the section alone, printed
    LOCALGW_TRANSACTION_UNDO_LOG=0 LOCALGW_PARTITION_QUERIES=0 \
        .venv/bin/python -m benchmarks.local_growth --appends 10   # unpatched moto, to compare
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from benchmarks.common import ROOT, BenchContext, BenchmarkError, SectionResult, percentile, table

SIZES = (0, 1_000, 5_000, 10_000)
DEFAULT_APPENDS = 50
CONVERSATIONS_PER_SIZE = 5
WARM_UP_APPENDS = 5
TARGET_RATIO = 1.5
TIMES = "\u00d7"
CHILD_TIMEOUT_SECONDS = 600
# The usage plan's default throttle (50 rps, burst 100) is not what this measures.
OVERRIDES = {"ThrottlingRateLimit": "100000", "ThrottlingBurstLimit": "100000", "DailyQuota": "100000000"}
ACCOUNT = "123456789012"  # moto's default account
TRANSCRIPT = "\n".join(
    f"{('User', 'Assistant')[n % 2]}: "
    + ("I am looking for an outdoor dining table for my terrace, six seats. ", "Happy to help. ")[n % 2] * 3
    for n in range(8)
)
MESSAGES = [
    {"role": "user", "content": "Does it come in anthracite grey?"},
    {"role": "assistant", "content": "Yes: anthracite, sand and white, all powder-coated aluminium."},
]


class Client:
    """One keep-alive HTTP/1.1 connection to the gateway, with the demo key."""

    def __init__(self, url: str, key: str) -> None:
        host, _, port = url.removeprefix("http://").partition(":")
        if host != "127.0.0.1":
            raise BenchmarkError(f"the gateway must be on loopback, got {url}")
        self._connection = http.client.HTTPConnection(host, int(port), timeout=60)
        self._headers = {"Authorization": f"Bearer {key}", "Content-Type": "application/json"}

    def post(self, path: str, body: dict[str, Any]) -> tuple[dict[str, Any], float]:
        began = time.perf_counter()
        self._connection.request("POST", path, body=json.dumps(body).encode(), headers=self._headers)
        response = self._connection.getresponse()
        payload = response.read()
        elapsed_ms = (time.perf_counter() - began) * 1000
        if not 200 <= response.status < 300:
            raise BenchmarkError(f"POST {path}: {response.status} {payload[:300]!r}")
        answer: dict[str, Any] = json.loads(payload)
        return answer, elapsed_ms

    def create(self) -> str:
        body = {"promptId": "prompt_bench", "content": TRANSCRIPT, "status": "active", "llmModel": "gpt-4o"}
        answer, _ = self.post("/api/v1/conversations", body)
        return str(answer["id"])

    def append(self, conversation_id: str) -> float:
        _, elapsed_ms = self.post(
            f"/api/v1/conversations/{conversation_id}/messages", {"messages": MESSAGES, "status": "active"}
        )
        return elapsed_ms

    def close(self) -> None:
        self._connection.close()


class Store:
    """The conversations table inside the gateway's embedded moto, written to directly: copies of
    one conversation's items under new ids, built once, put in or taken out to set the size."""

    def __init__(self, table_name: str) -> None:
        from moto.dynamodb.models import dynamodb_backends

        from localgw.moto_backend import REGION

        self._table = dynamodb_backends[ACCOUNT][REGION].tables[table_name]
        self._copies: list[list[tuple[Any, Any, Any]]] = []  # per conversation: (hash, range, Item)
        self.stored = 0

    def items_of(self, conversation_id: str) -> list[str]:
        """The conversation's items (every one whose key names it), as JSON."""
        return [
            json.dumps(item.to_json()["Attributes"])
            for item in self._table.all_items()
            if conversation_id in json.dumps(item.to_json()["Attributes"]["pk"])
        ]

    def prepare(self, conversation_id: str, items: list[str], count: int) -> None:
        """``count`` copies of ``items``, each with the conversation id replaced by a new one."""
        from moto.dynamodb.models.dynamo_type import DynamoType, Item

        hash_name, range_name = self._table.hash_key_attr, self._table.range_key_attr
        for n in range(len(self._copies), count):
            new_id = f"conv_{n + 1:024x}"
            if len(new_id) != len(conversation_id):
                raise BenchmarkError(f"conversation ids look like {conversation_id!r}, not {new_id!r}")
            copies = []
            for blob in items:
                attrs = json.loads(blob.replace(conversation_id, new_id))
                hash_key, range_key = DynamoType(attrs[hash_name]), DynamoType(attrs[range_name])
                copies.append((hash_key, range_key, Item(hash_key, range_key, attrs)))
            self._copies.append(copies)

    def resize(self, count: int) -> None:
        """Exactly the first ``count`` copies stored, as moto stores items (``Table.items``), under
        the gateway's DynamoDB lock and without stream records."""
        from localgw.moto_backend import _dynamodb_lock

        items = self._table.items
        with _dynamodb_lock:
            for copies in self._copies[count : self.stored]:
                for hash_key, _, _ in copies:
                    items.pop(hash_key, None)
            for copies in self._copies[self.stored : count]:
                for hash_key, range_key, item in copies:
                    items[hash_key][range_key] = item
        self.stored = count

    def __len__(self) -> int:
        return len(self._table)


def _order(sizes: Sequence[int], rounds: int) -> list[int]:
    """Sizes up, then down, and so on: whatever else loads the machine meanwhile (this gateway's
    own stream relay and workers included) reaches every size alike."""
    order: list[int] = []
    for n in range(rounds):
        order += list(sizes) if n % 2 == 0 else list(reversed(sizes))
    return order


def measure(sizes: Sequence[int], appends: int) -> dict[str, Any]:
    """In this process: start the gateway, then ``appends`` times over: for each size in turn (up,
    then down), set the store to it and time one append; the results."""
    from localgw.gateway import start
    from localgw.moto_queries import partition_queries_enabled
    from localgw.moto_transactions import undo_log_enabled

    with tempfile.TemporaryDirectory(prefix="parley-bench-growth-") as folder:
        started = time.perf_counter()
        gateway = start(
            port=0,
            template=ROOT / "template.yaml",
            parameter_overrides=OVERRIDES,
            state_file=Path(folder) / "state.json",
        )
        start_seconds = time.perf_counter() - started
        try:
            if not gateway.demo_key:
                raise BenchmarkError("the gateway seeded no demo key")
            client = Client(gateway.url, gateway.demo_key)
            store = Store(gateway.state["tables"]["ConversationsTable"])
            model = client.create()
            model_items = store.items_of(model)
            preparing = time.perf_counter()
            store.prepare(model, model_items, max(sizes))
            prepare_seconds = time.perf_counter() - preparing
            for _ in range(WARM_UP_APPENDS):  # cold starts of the authorizer and the functions
                client.append(client.create())
            latencies: dict[int, list[float]] = {size: [] for size in sizes}
            targets: dict[int, list[str]] = {}
            items: dict[int, int] = {}
            for size in _order(sizes, appends):  # one append per visit
                store.resize(size)
                items[size] = len(store)
                if size not in targets:
                    targets[size] = [client.create() for _ in range(CONVERSATIONS_PER_SIZE)]
                chosen = targets[size]
                latencies[size].append(client.append(chosen[len(latencies[size]) % len(chosen)]))
            client.close()
        finally:
            gateway.stop()
    rows = [
        {
            "conversations": size,
            "items": items[size],
            "appends": len(latencies[size]),
            "p50_ms": statistics.median(latencies[size]),
            "p95_ms": percentile(latencies[size], 0.95),
            "max_ms": max(latencies[size]),
            "latencies_ms": [round(value, 2) for value in latencies[size]],
        }
        for size in sizes
    ]
    return {
        "undo_log": undo_log_enabled(),
        "partition_queries": partition_queries_enabled(),
        "start_seconds": start_seconds,
        "prepare_seconds": prepare_seconds,
        "items_per_conversation": len(model_items),
        "rows": rows,
    }


def run_child(root: Path, sizes: Sequence[int], appends: int) -> dict[str, Any]:
    """``measure`` in a child process (the gateway patches moto process-wide), its results."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("AWS_")}
    with tempfile.TemporaryDirectory(prefix="parley-bench-growth-") as folder:
        output = Path(folder) / "result.json"
        command = [
            sys.executable,
            "-m",
            "benchmarks.local_growth",
            "--appends",
            str(appends),
            "--sizes",
            ",".join(str(size) for size in sizes),
            "--child-output",
            str(output),
        ]
        done = subprocess.run(  # noqa: S603 - this interpreter, fixed arguments
            command,
            cwd=root,
            env=env,
            stdout=subprocess.DEVNULL,  # the functions' own logs
            stderr=subprocess.PIPE,
            text=True,
            timeout=CHILD_TIMEOUT_SECONDS,
            check=False,
        )
        if done.returncode != 0 or not output.exists():
            raise BenchmarkError(f"local growth child failed ({done.returncode}):\n{done.stderr[-4000:]}")
        result: dict[str, Any] = json.loads(output.read_text())
    return result


def render(result: dict[str, Any], appends: int) -> tuple[str, dict[str, Any]]:
    rows = result["rows"]
    empty = rows[0]["p50_ms"]
    largest = rows[-1]
    ratio = largest["p50_ms"] / empty
    met = ratio <= TARGET_RATIO
    verdict = (
        f"**{ratio:.2f}{TIMES}** the empty store's p50 at {largest['conversations']:,} conversations "
        f"(target ≤ {TARGET_RATIO}{TIMES})" + ("" if met else " — **MISSES**")
    )
    lines = [
        f"Target: append p50 at {largest['conversations']:,} stored conversations within "
        f"{TARGET_RATIO}{TIMES} of the empty store's. Result: {verdict}.",
        "",
        table(
            (
                "stored conversations",
                "items in the table",
                "appends",
                "p50 ms",
                "p95 ms",
                "max ms",
                f"{TIMES} empty",
            ),
            [
                (
                    f"{row['conversations']:,}",
                    f"{row['items']:,}",
                    row["appends"],
                    f"**{row['p50_ms']:.1f}**",
                    f"{row['p95_ms']:.1f}",
                    f"{row['max_ms']:.1f}",
                    f"{row['p50_ms'] / empty:.2f}",
                )
                for row in rows
            ],
        ),
        "",
        "The local gateway as `make run` starts it (`localgw.gateway.start`, embedded moto, demo "
        f"tenant seeded; started in {result['start_seconds']:.1f} s) in a child process, "
        f"throttle lifted (`{' '.join(f'{k}={v}' for k, v in OVERRIDES.items())}`). One "
        "conversation is created over HTTP; the store is set to each size with copies of its "
        f"{result['items_per_conversation']} items under new ids, put straight into (or taken out "
        "of) moto's table in-process, without stream records (thousands of HTTP creates would "
        "take minutes). Five conversations are created over HTTP at each size, then appended to "
        f"(two messages, `POST /api/v1/conversations/{{id}}/messages`: a GetItem, one "
        "TransactWriteItems and a Query reading the messages back) over one keep-alive "
        f"connection, after {WARM_UP_APPENDS} discarded warm-up appends. The sizes take turns, "
        f"one append each, up then down, {appends} times, so that whatever else loads the "
        "machine (this gateway's own stream relay and queue workers included, which run after "
        "each append) reaches every size alike; the store is resized between appends, untimed.",
        "",
        "moto as the local gateway runs it: "
        + (
            "a transaction keeps an undo log of the items it names (`localgw/moto_transactions.py`)"
            if result["undo_log"]
            else "**moto's own transaction rollback** (`LOCALGW_TRANSACTION_UNDO_LOG=0`: a deep "
            "copy of every table a transaction names)"
        )
        + "; "
        + (
            "a Query on the table's key reads that partition (`localgw/moto_queries.py`)."
            if result["partition_queries"]
            else "**moto's own Query** (`LOCALGW_PARTITION_QUERIES=0`: every item of the table "
            "sorted, then filtered)."
        )
        + " Unpatched moto 5.2.5 (both variables `0`, `python -m benchmarks.local_growth "
        "--appends 10`) took 2.1\u20133.6 s per append at 10,000 conversations: "
        "docs/upstream/moto-transact-write-undo-log.md has the numbers.",
    ]
    data = {**result, "appends": appends, "target_ratio": TARGET_RATIO, "ratio": ratio, "met": met}
    return "\n".join(lines), data


class LocalGrowthSection:
    key = "local_growth"
    title = "Local gateway: append latency as data grows"

    def run(self, context: BenchContext) -> SectionResult:
        appends = int(os.environ.get("BENCH_GROWTH_APPENDS", str(DEFAULT_APPENDS)))
        result = run_child(context.root, SIZES, appends)
        markdown, data = render(result, appends)
        return SectionResult(self.title, markdown, data)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.local_growth", description=__doc__)
    parser.add_argument("--appends", type=int, default=DEFAULT_APPENDS)
    parser.add_argument("--sizes", default=",".join(str(size) for size in SIZES))
    parser.add_argument("--child-output", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    sizes = [int(size) for size in args.sizes.split(",")]
    if args.child_output:
        args.child_output.write_text(json.dumps(measure(sizes, args.appends)))
        return 0
    markdown, _ = render(run_child(ROOT, sizes, args.appends), args.appends)
    print(markdown)
    return 0


if __name__ == "__main__":
    sys.exit(main())
