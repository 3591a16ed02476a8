"""TransactWriteItems on the local moto backend: moto's rollback semantics, kept by an undo log of
the items a transaction names instead of copies of whole tables (localgw/moto_transactions.py).

The ``dynamodb_like_isolation`` fixture of this folder's conftest installs it, as the gateway does.
"""

from __future__ import annotations

import contextlib
import copy
import uuid
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError
from moto import mock_aws

from localgw.moto_transactions import UndoLog

REGION = "us-east-1"
ACCOUNT = "123456789012"
RANGED = "txn_ranged"  # pk + sk, a GSI, an LSI, TTL and a stream
PLAIN = "txn_plain"  # pk only


def _s(value: str) -> dict[str, str]:
    return {"S": value}


def _n(value: int) -> dict[str, str]:
    return {"N": str(value)}


@pytest.fixture
def dynamodb(fake_aws_environment: None) -> Iterator[Any]:
    with mock_aws():
        client = boto3.client("dynamodb", region_name=REGION)
        client.create_table(
            TableName=RANGED,
            AttributeDefinitions=[
                {"AttributeName": "pk", "AttributeType": "S"},
                {"AttributeName": "sk", "AttributeType": "S"},
                {"AttributeName": "status", "AttributeType": "S"},
                {"AttributeName": "rank", "AttributeType": "N"},
            ],
            KeySchema=[
                {"AttributeName": "pk", "KeyType": "HASH"},
                {"AttributeName": "sk", "KeyType": "RANGE"},
            ],
            GlobalSecondaryIndexes=[
                {
                    "IndexName": "by_status",
                    "KeySchema": [
                        {"AttributeName": "status", "KeyType": "HASH"},
                        {"AttributeName": "sk", "KeyType": "RANGE"},
                    ],
                    "Projection": {"ProjectionType": "ALL"},
                }
            ],
            LocalSecondaryIndexes=[
                {
                    "IndexName": "by_rank",
                    "KeySchema": [
                        {"AttributeName": "pk", "KeyType": "HASH"},
                        {"AttributeName": "rank", "KeyType": "RANGE"},
                    ],
                    "Projection": {"ProjectionType": "KEYS_ONLY"},
                }
            ],
            StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"},
            BillingMode="PAY_PER_REQUEST",
        )
        client.update_time_to_live(
            TableName=RANGED, TimeToLiveSpecification={"Enabled": True, "AttributeName": "expires_at"}
        )
        client.create_table(
            TableName=PLAIN,
            AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
            KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
            BillingMode="PAY_PER_REQUEST",
        )
        yield client


def _backend() -> Any:
    from moto.dynamodb.models import dynamodb_backends

    return dynamodb_backends[ACCOUNT][REGION]


def _seed(client: Any) -> None:
    for n in range(3):
        client.put_item(
            TableName=RANGED,
            Item={
                "pk": _s("conv"),
                "sk": _s(f"item#{n}"),
                "status": _s("open"),
                "rank": _n(n),
                "expires_at": _n(2_000_000_000 + n),
                "body": _s(f"body {n}"),
            },
        )
    client.put_item(TableName=RANGED, Item={"pk": _s("other"), "sk": _s("item#0"), "status": _s("open")})
    for name in ("a", "b", "c"):
        client.put_item(TableName=PLAIN, Item={"pk": _s(name), "count": _n(1)})


def _state(client: Any) -> dict[str, Any]:
    """Everything a client can read: both tables, both indexes, TTL, item counts, and moto's own
    partitions in their order (what a table copy would have kept)."""
    return {
        "ranged": client.scan(TableName=RANGED, ConsistentRead=True)["Items"],
        "plain": client.scan(TableName=PLAIN, ConsistentRead=True)["Items"],
        "gsi_open": client.query(
            TableName=RANGED,
            IndexName="by_status",
            KeyConditionExpression="#s = :s",
            ExpressionAttributeNames={"#s": "status"},
            ExpressionAttributeValues={":s": _s("open")},
        )["Items"],
        "gsi_closed": client.query(
            TableName=RANGED,
            IndexName="by_status",
            KeyConditionExpression="#s = :s",
            ExpressionAttributeNames={"#s": "status"},
            ExpressionAttributeValues={":s": _s("closed")},
        )["Items"],
        "lsi": client.query(
            TableName=RANGED,
            IndexName="by_rank",
            KeyConditionExpression="pk = :pk",
            ExpressionAttributeValues={":pk": _s("conv")},
        )["Items"],
        "ttl": client.describe_time_to_live(TableName=RANGED)["TimeToLiveDescription"],
        "counts": [client.describe_table(TableName=name)["Table"]["ItemCount"] for name in (RANGED, PLAIN)],
        "partitions": {
            name: [
                (str(hash_key), [str(r) for r in partition] if isinstance(partition, dict) else None)
                for hash_key, partition in _backend().tables[name].items.items()
            ]
            for name in (RANGED, PLAIN)
        },
    }


def _mixed(check: dict[str, Any]) -> list[dict[str, Any]]:
    """Every kind of write across both tables, new and existing items, with ``check`` third."""
    return [
        # A new item (absent before), in a partition that did not exist.
        {"Put": {"TableName": RANGED, "Item": {"pk": _s("new"), "sk": _s("x"), "status": _s("open")}}},
        # An existing item replaced: its GSI and LSI keys change.
        {
            "Put": {
                "TableName": RANGED,
                "Item": {"pk": _s("conv"), "sk": _s("item#0"), "status": _s("closed"), "rank": _n(99)},
            }
        },
        check,
        # An existing item updated in place: GSI key moved, TTL attribute changed, body removed.
        {
            "Update": {
                "TableName": RANGED,
                "Key": {"pk": _s("conv"), "sk": _s("item#1")},
                "UpdateExpression": "SET #s = :closed, expires_at = :soon REMOVE body",
                "ExpressionAttributeNames": {"#s": "status"},
                "ExpressionAttributeValues": {":closed": _s("closed"), ":soon": _n(1)},
            }
        },
        # An existing item deleted (it must come back in its place).
        {"Delete": {"TableName": RANGED, "Key": {"pk": _s("conv"), "sk": _s("item#2")}}},
        # The other table: a new item made by an Update, an update, a delete.
        {
            "Update": {
                "TableName": PLAIN,
                "Key": {"pk": _s("z")},
                "UpdateExpression": "ADD #c :one",
                "ExpressionAttributeNames": {"#c": "count"},
                "ExpressionAttributeValues": {":one": _n(1)},
            }
        },
        {
            "Update": {
                "TableName": PLAIN,
                "Key": {"pk": _s("a")},
                "UpdateExpression": "ADD #c :one",
                "ExpressionAttributeNames": {"#c": "count"},
                "ExpressionAttributeValues": {":one": _n(1)},
            }
        },
        {"Delete": {"TableName": PLAIN, "Key": {"pk": _s("b")}}},
    ]


FAILING_CHECK = {
    "ConditionCheck": {
        "TableName": PLAIN,
        "Key": {"pk": _s("c")},
        "ConditionExpression": "#c = :five",
        "ExpressionAttributeNames": {"#c": "count"},
        "ExpressionAttributeValues": {":five": _n(5)},
        "ReturnValuesOnConditionCheckFailure": "ALL_OLD",
    }
}
PASSING_CHECK = {
    "ConditionCheck": {
        "TableName": PLAIN,
        "Key": {"pk": _s("c")},
        "ConditionExpression": "#c = :one",
        "ExpressionAttributeNames": {"#c": "count"},
        "ExpressionAttributeValues": {":one": _n(1)},
    }
}


def _cancelled(client: Any, items: list[dict[str, Any]]) -> ClientError:
    with pytest.raises(ClientError) as cancelled:
        client.transact_write_items(TransactItems=items)
    return cancelled.value


def test_a_failed_condition_check_leaves_every_item_as_it_was(dynamodb: Any) -> None:
    _seed(dynamodb)
    before = _state(dynamodb)

    error = _cancelled(dynamodb, _mixed(FAILING_CHECK))

    assert error.response["Error"]["Code"] == "TransactionCanceledException"
    reasons = error.response["CancellationReasons"]
    assert [reason["Code"] for reason in reasons] == ["None", "None", "ConditionalCheckFailed", *["None"] * 5]
    assert reasons[2]["Item"] == {"pk": _s("c"), "count": _n(1)}  # ALL_OLD
    assert _state(dynamodb) == before


def test_a_successful_transaction_writes_everything(dynamodb: Any) -> None:
    _seed(dynamodb)

    dynamodb.transact_write_items(TransactItems=_mixed(PASSING_CHECK))

    def get(table: str, **key: str) -> dict[str, Any] | None:
        found: dict[str, Any] | None = dynamodb.get_item(
            TableName=table, Key={name: _s(value) for name, value in key.items()}
        ).get("Item")
        return found

    assert get(RANGED, pk="new", sk="x") == {"pk": _s("new"), "sk": _s("x"), "status": _s("open")}
    assert get(RANGED, pk="conv", sk="item#0") == {
        "pk": _s("conv"),
        "sk": _s("item#0"),
        "status": _s("closed"),
        "rank": _n(99),
    }
    updated = get(RANGED, pk="conv", sk="item#1")
    assert updated is not None
    assert (updated["status"], updated["expires_at"], "body" in updated) == (_s("closed"), _n(1), False)
    assert get(RANGED, pk="conv", sk="item#2") is None
    assert get(PLAIN, pk="z") == {"pk": _s("z"), "count": _n(1)}
    assert get(PLAIN, pk="a") == {"pk": _s("a"), "count": _n(2)}
    assert get(PLAIN, pk="b") is None
    state = _state(dynamodb)
    assert [item["sk"]["S"] for item in state["gsi_closed"]] == ["item#0", "item#1"]


def test_a_cancellation_with_several_reasons_reports_them_in_order(dynamodb: Any) -> None:
    _seed(dynamodb)
    before = _state(dynamodb)
    items = [
        {"Put": {"TableName": PLAIN, "Item": {"pk": _s("fresh")}}},
        {
            "Put": {
                "TableName": PLAIN,
                "Item": {"pk": _s("a"), "count": _n(7)},
                "ConditionExpression": "attribute_not_exists(pk)",
            }
        },
        {"Delete": {"TableName": RANGED, "Key": {"pk": _s("conv"), "sk": _s("item#0")}}},
        FAILING_CHECK,
    ]

    error = _cancelled(dynamodb, items)

    codes = [reason["Code"] for reason in error.response["CancellationReasons"]]
    assert codes == ["None", "ConditionalCheckFailed", "None", "ConditionalCheckFailed"]
    assert _state(dynamodb) == before


def test_an_item_too_large_midway_rolls_back_the_writes_before_it(dynamodb: Any) -> None:
    _seed(dynamodb)
    before = _state(dynamodb)
    items = [
        {"Delete": {"TableName": PLAIN, "Key": {"pk": _s("a")}}},
        {
            "Update": {
                "TableName": RANGED,
                "Key": {"pk": _s("conv"), "sk": _s("item#1")},
                "UpdateExpression": "SET body = :huge",
                "ExpressionAttributeValues": {":huge": _s("x" * 420_000)},
            }
        },
        {"Put": {"TableName": PLAIN, "Item": {"pk": _s("after")}}},
    ]

    error = _cancelled(dynamodb, items)

    # moto raises it as a ValidationException (DynamoDB cancels with a ValidationError reason).
    assert error.response["Error"]["Code"] == "ValidationException", error.response
    assert "Item size to update has exceeded" in error.response["Error"]["Message"]
    assert _state(dynamodb) == before


def test_an_update_that_creates_an_item_and_then_fails_leaves_no_item(dynamodb: Any) -> None:
    # moto's Update of an absent item stores a key-only item first, then applies the expression.
    _seed(dynamodb)
    before = _state(dynamodb)
    items = [
        {
            "Update": {
                "TableName": RANGED,
                "Key": {"pk": _s("ghost"), "sk": _s("g")},
                "UpdateExpression": "SET body = :huge",
                "ExpressionAttributeValues": {":huge": _s("x" * 420_000)},
            }
        }
    ]

    _cancelled(dynamodb, items)

    assert _state(dynamodb) == before


def test_a_validation_error_midway_is_raised_and_rolls_back(dynamodb: Any) -> None:
    # Two operations on one item: moto finds it at the third entry, after two writes.
    _seed(dynamodb)
    before = _state(dynamodb)
    items = [
        {"Put": {"TableName": PLAIN, "Item": {"pk": _s("a"), "count": _n(40)}}},
        {"Put": {"TableName": RANGED, "Item": {"pk": _s("new"), "sk": _s("x")}}},
        {"Delete": {"TableName": PLAIN, "Key": {"pk": _s("a")}}},
    ]

    error = _cancelled(dynamodb, items)

    assert error.response["Error"]["Code"] == "ValidationException"
    assert _state(dynamodb) == before


def test_a_failing_check_on_an_absent_item_leaves_no_trace(dynamodb: Any) -> None:
    _seed(dynamodb)
    before = _state(dynamodb)
    items = [
        {"Put": {"TableName": PLAIN, "Item": {"pk": _s("d")}}},
        {
            "ConditionCheck": {
                "TableName": RANGED,
                "Key": {"pk": _s("nobody"), "sk": _s("n")},
                "ConditionExpression": "attribute_exists(pk)",
            }
        },
    ]

    _cancelled(dynamodb, items)

    assert _state(dynamodb) == before  # partitions included: no empty "nobody" partition left


def _stream_records(client: Any) -> list[dict[str, Any]]:
    streams = boto3.client("dynamodbstreams", region_name=REGION)
    arn = client.describe_table(TableName=RANGED)["Table"]["LatestStreamArn"]
    shard = streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"][0]["ShardId"]
    iterator = streams.get_shard_iterator(StreamArn=arn, ShardId=shard, ShardIteratorType="TRIM_HORIZON")
    records: list[dict[str, Any]] = streams.get_records(ShardIterator=iterator["ShardIterator"])["Records"]
    return records


def test_a_cancelled_transaction_emits_no_stream_record(dynamodb: Any) -> None:
    _seed(dynamodb)
    seeded = _stream_records(dynamodb)

    _cancelled(dynamodb, _mixed(FAILING_CHECK))
    assert _stream_records(dynamodb) == seeded

    dynamodb.transact_write_items(TransactItems=_mixed(PASSING_CHECK))
    after = _stream_records(dynamodb)
    assert [record["eventName"] for record in after[len(seeded) :]] == [
        "INSERT",
        "MODIFY",
        "MODIFY",
        "REMOVE",
    ]


def test_a_replayed_client_request_token_applies_once(dynamodb: Any) -> None:
    _seed(dynamodb)
    token = str(uuid.uuid4())
    add = [
        {
            "Update": {
                "TableName": PLAIN,
                "Key": {"pk": _s("a")},
                "UpdateExpression": "ADD #c :one",
                "ExpressionAttributeNames": {"#c": "count"},
                "ExpressionAttributeValues": {":one": _n(1)},
            }
        }
    ]

    first = dynamodb.transact_write_items(TransactItems=add, ClientRequestToken=token)
    again = dynamodb.transact_write_items(TransactItems=add, ClientRequestToken=token)
    with pytest.raises(ClientError) as mismatch:
        dynamodb.transact_write_items(TransactItems=_mixed(PASSING_CHECK), ClientRequestToken=token)

    assert again.get("ItemCollectionMetrics") == first.get("ItemCollectionMetrics")
    assert mismatch.value.response["Error"]["Code"] == "IdempotentParameterMismatchException"
    item = dynamodb.get_item(TableName=PLAIN, Key={"pk": _s("a")})["Item"]
    assert item["count"] == _n(2)
    assert dynamodb.get_item(TableName=RANGED, Key={"pk": _s("new"), "sk": _s("x")}).get("Item") is None


def _fill(count: int) -> None:
    """``count`` items straight into moto's table (no stream on PLAIN, no HTTP)."""
    table = _backend().tables[PLAIN]
    for n in range(count):
        table.put_item({"pk": _s(f"filler#{n:06d}"), "body": _s("y" * 200), "count": _n(n)})


def _deepcopies(monkeypatch: pytest.MonkeyPatch, client: Any, items: list[dict[str, Any]]) -> list[str]:
    """The type of every object ``copy.deepcopy`` copied (recursion included) during one call."""
    from moto.dynamodb.models.table import Table

    copied: list[str] = []
    real = copy.deepcopy

    def counting(value: Any, memo: Any = None, _nil: Any = None) -> Any:
        copied.append("Table" if isinstance(value, Table) else type(value).__name__)
        return real(value, memo)

    with monkeypatch.context() as patch:
        patch.setattr(copy, "deepcopy", counting)
        with contextlib.suppress(ClientError):
            client.transact_write_items(TransactItems=items)
    return copied


@pytest.mark.parametrize("check", [PASSING_CHECK, FAILING_CHECK], ids=["committed", "cancelled"])
def test_a_transaction_copies_what_it_touches_not_the_table(
    dynamodb: Any, monkeypatch: pytest.MonkeyPatch, check: dict[str, Any]
) -> None:
    _seed(dynamodb)
    small = _deepcopies(monkeypatch, dynamodb, _mixed(check))
    # Back to the seeded items, then 10,000 more in the table the transaction writes to.
    dynamodb.delete_item(TableName=RANGED, Key={"pk": _s("new"), "sk": _s("x")})
    dynamodb.delete_item(TableName=PLAIN, Key={"pk": _s("z")})
    _seed(dynamodb)
    _fill(10_000)
    before = _state(dynamodb) if check is FAILING_CHECK else None

    large = _deepcopies(monkeypatch, dynamodb, _mixed(check))

    assert "Table" not in small + large
    assert len(large) == len(small)  # the same work with 3 items or 10,003 in the table
    if before is not None:
        assert _state(dynamodb) == before


def test_an_undo_log_records_each_item_once_and_only_the_named_ones(dynamodb: Any) -> None:
    _seed(dynamodb)
    backend = _backend()
    items = [
        *_mixed(PASSING_CHECK),
        {"Put": {"TableName": "no_such_table", "Item": {"pk": _s("a")}}},  # moto refuses it
        {"Delete": {"TableName": PLAIN, "Key": {"other": _s("a")}}},  # a malformed key
    ]

    assert len(UndoLog.before(backend, items)) == 8
    assert len(UndoLog.before(backend, "not a list")) == 0
