"""The embedded moto server and the process environment that points every boto3 client at it."""

from __future__ import annotations

import functools
import json
import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from moto.server import ThreadedMotoServer

from localgw.moto_queries import install_partition_queries, partition_queries_enabled
from localgw.moto_transactions import install_undo_log, undo_log_enabled

REGION = "us-east-1"
FAKE_CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SECURITY_TOKEN": "testing",
    "AWS_SESSION_TOKEN": "testing",
}


# moto's TransactWriteItems rolls back a cancelled transaction by restoring a copy of each whole
# table taken when it began, which silently discards every write other threads made meanwhile
# (concurrent appends to one conversation lost half their messages). DynamoDB isolates
# transactions; one lock around moto's DynamoDB operations gives the same outcome locally. The
# copies themselves are replaced by an undo log of the items a transaction names
# (localgw/moto_transactions.py), which relies on this lock too; and a Query on a table's key reads
# its partition, not every item (localgw/moto_queries.py): neither costs more as the store grows.
_DYNAMODB_OPERATIONS = (
    "get_item",
    "put_item",
    "update_item",
    "delete_item",
    "query",
    "scan",
    "batch_get_item",
    "batch_write_item",
    "transact_get_items",
    "transact_write_items",
)
_dynamodb_lock = threading.RLock()
_serialized = False


def serialize_dynamodb() -> None:
    """Make moto's DynamoDB backend behave like DynamoDB under concurrency (idempotent)."""
    global _serialized  # noqa: PLW0603 — a process-wide patch, applied once
    if _serialized:
        return
    from moto.dynamodb.models import DynamoDBBackend
    from moto.dynamodb.models.table import Table

    undo_log = undo_log_enabled()
    if undo_log:
        install_undo_log(DynamoDBBackend, _dynamodb_lock)
    if partition_queries_enabled():
        install_partition_queries(Table)
    for name in _DYNAMODB_OPERATIONS:
        original = getattr(DynamoDBBackend, name)

        @functools.wraps(original)
        def locked(self: Any, *args: Any, __original: Any = original, **kwargs: Any) -> Any:
            with _dynamodb_lock:
                return __original(self, *args, **kwargs)

        setattr(DynamoDBBackend, name, locked)
    _share_streams_in_transactions(DynamoDBBackend, table_copies=not undo_log)
    _honour_client_request_tokens()
    _serialized = True


# DynamoDB keeps a TransactWriteItems' ClientRequestToken for 10 minutes.
TOKEN_WINDOW_SECONDS = 600


def _honour_client_request_tokens() -> None:
    """DynamoDB treats a TransactWriteItems with a ClientRequestToken it saw in the last 10
    minutes as the same transaction: the same request succeeds again without being applied again,
    other parameters are an IdempotentParameterMismatchException. botocore fills the token once per
    call, so its own retries (a read timeout on a loaded machine) are safe. moto ignores the token
    and applied a retried append twice (one of 50 concurrent appends landed twice under load)."""
    from moto.dynamodb.exceptions import DynamodbException
    from moto.dynamodb.responses import DynamoHandler

    seen: dict[str, tuple[float, str, Any]] = {}
    transact = DynamoHandler.transact_write_items

    @functools.wraps(transact)
    def transact_write_items(self: Any) -> Any:
        token = self.body.get("ClientRequestToken")
        if not token:
            return transact(self)
        fingerprint = json.dumps(self.body.get("TransactItems"), sort_keys=True)
        with _dynamodb_lock:
            now = time.monotonic()
            for old in [key for key, (at, _, _) in seen.items() if now - at > TOKEN_WINDOW_SECONDS]:
                del seen[old]
            if token in seen:
                _, previous, result = seen[token]
                if previous != fingerprint:
                    raise DynamodbException(
                        "com.amazonaws.dynamodb.v20120810#IdempotentParameterMismatchException",
                        "The request uses the same client token as a previous, but non-identical request.",
                    )
                return result
            result = transact(self)
            seen[token] = (now, fingerprint, result)
            return result

    DynamoHandler.transact_write_items = transact_write_items  # type: ignore[method-assign]


def _share_streams_in_transactions(backend: Any, table_copies: bool) -> None:
    """The records a cancelled transaction's writes added to a table's stream are cut off (an undo
    log restores items without adding records) — transactions are serialized above, so nothing
    else wrote to the stream meanwhile.

    ``table_copies``: moto's own rollback (LOCALGW_TRANSACTION_UNDO_LOG=0) deep-copies every table
    a transaction touches, stream included: with streams on, each transaction copied every record
    (and image) the stream ever had, and 50 concurrent appends timed out. The stream is then shared
    with the backup instead."""
    from moto.dynamodb.models.table import StreamShard

    def shared(self: Any, _memo: dict[int, Any]) -> Any:
        return self

    if table_copies:
        StreamShard.__deepcopy__ = shared  # type: ignore[attr-defined]
    transact = backend.transact_write_items

    @functools.wraps(transact)
    def transact_write_items(self: Any, *args: Any, **kwargs: Any) -> Any:
        with _dynamodb_lock:
            shards = [table.stream_shard for table in self.tables.values() if table.stream_shard]
            lengths = [len(shard.items) for shard in shards]
            try:
                return transact(self, *args, **kwargs)
            except Exception:
                for shard, length in zip(shards, lengths, strict=True):
                    del shard.items[length:]
                raise

    backend.transact_write_items = transact_write_items


def start_moto() -> tuple[ThreadedMotoServer, str]:
    serialize_dynamodb()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    return server, f"http://{host}:{port}"


def aws_environment(endpoint_url: str, region: str = REGION) -> dict[str, str]:
    return {
        **FAKE_CREDENTIALS,
        "AWS_ENDPOINT_URL": endpoint_url,
        "AWS_DEFAULT_REGION": region,
        "AWS_REGION": region,
        "SAM_CLI_TELEMETRY": "0",
    }


@contextmanager
def patched_environ(values: dict[str, str]) -> Iterator[None]:
    """Set variables for the gateway's lifetime and put the previous values back afterwards."""
    previous = {key: os.environ.get(key) for key in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for key, value in previous.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
