"""Query on the local moto backend: a Query on a table's key reads that partition only
(localgw/moto_queries.py) and answers exactly what moto's walk over the whole table answers.

The ``dynamodb_like_isolation`` fixture of this folder's conftest installs it, as the gateway does.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from moto import mock_aws

REGION = "us-east-1"
ACCOUNT = "123456789012"
RANGED = "q_ranged"
PLAIN = "q_plain"
PARTITIONS = 40
PER_PARTITION = 30


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
                {"AttributeName": "kind", "AttributeType": "S"},
            ],
            KeySchema=[
                {"AttributeName": "pk", "KeyType": "HASH"},
                {"AttributeName": "sk", "KeyType": "RANGE"},
            ],
            GlobalSecondaryIndexes=[
                {
                    "IndexName": "by_kind",
                    "KeySchema": [
                        {"AttributeName": "kind", "KeyType": "HASH"},
                        {"AttributeName": "sk", "KeyType": "RANGE"},
                    ],
                    "Projection": {"ProjectionType": "ALL"},
                }
            ],
            BillingMode="PAY_PER_REQUEST",
        )
        client.create_table(
            TableName=PLAIN,
            AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
            KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
            BillingMode="PAY_PER_REQUEST",
        )
        # Written in an order that is not the key order, with a few 1 KB items for the size limit.
        ranged = [
            {
                "pk": _s(f"p{p:03d}"),
                "sk": _s(f"s#{n:03d}"),
                "kind": _s(("odd", "even")[n % 2]),
                "n": _n(n),
                "body": _s("x" * (1000 if n % 7 == 0 else 10)),
            }
            for n in reversed(range(PER_PARTITION))
            for p in range(PARTITIONS)
        ]
        plain = [{"pk": _s(f"p{p:03d}"), "n": _n(p)} for p in reversed(range(PARTITIONS))]
        for table, items in ((RANGED, ranged), (PLAIN, plain)):
            for start in range(0, len(items), 25):
                batch = [{"PutRequest": {"Item": item}} for item in items[start : start + 25]]
                client.batch_write_item(RequestItems={table: batch})
        yield client


QUERIES: list[dict[str, Any]] = [
    {
        "TableName": RANGED,
        "KeyConditionExpression": "pk = :pk",
        "ExpressionAttributeValues": {":pk": _s("p007")},
    },
    {
        "TableName": RANGED,
        "KeyConditionExpression": "pk = :pk AND sk BETWEEN :a AND :b",
        "ExpressionAttributeValues": {":pk": _s("p013"), ":a": _s("s#005"), ":b": _s("s#021")},
        "ScanIndexForward": False,
    },
    {
        "TableName": RANGED,
        "KeyConditionExpression": "pk = :pk AND begins_with(sk, :prefix)",
        "ExpressionAttributeValues": {":pk": _s("p000"), ":prefix": _s("s#01"), ":even": _s("even")},
        "FilterExpression": "kind = :even",
        "ProjectionExpression": "sk, n",
    },
    {
        "TableName": RANGED,
        "KeyConditionExpression": "pk = :pk AND sk > :after",
        "ExpressionAttributeValues": {":pk": _s("p039"), ":after": _s("s#010")},
        "Limit": 4,
    },
    {
        "TableName": RANGED,
        "KeyConditionExpression": "pk = :pk",
        "ExpressionAttributeValues": {":pk": _s("none")},
    },
    {
        "TableName": PLAIN,
        "KeyConditionExpression": "pk = :pk",
        "ExpressionAttributeValues": {":pk": _s("p021")},
    },
    {
        "TableName": PLAIN,
        "KeyConditionExpression": "pk = :pk",
        "ExpressionAttributeValues": {":pk": _s("none")},
    },
    {
        "TableName": RANGED,
        "IndexName": "by_kind",
        "KeyConditionExpression": "kind = :odd",
        "ExpressionAttributeValues": {":odd": _s("odd")},
        "Limit": 25,
    },
]


def _all_pages(client: Any, query: dict[str, Any]) -> list[dict[str, Any]]:
    pages, request = [], dict(query)
    while True:
        page = client.query(**request)
        pages.append({key: page.get(key) for key in ("Items", "Count", "ScannedCount", "LastEvaluatedKey")})
        if "LastEvaluatedKey" not in page:
            return pages
        request["ExclusiveStartKey"] = page["LastEvaluatedKey"]


@pytest.mark.parametrize("query", QUERIES, ids=[f"query{n}" for n in range(len(QUERIES))])
def test_a_partition_query_answers_what_motos_walk_answers(
    dynamodb: Any, monkeypatch: pytest.MonkeyPatch, query: dict[str, Any]
) -> None:
    from moto.dynamodb.models.table import Table

    partitioned = _all_pages(dynamodb, query)
    with monkeypatch.context() as patch:
        moto_own = getattr(Table.all_items, "__wrapped__", Table.all_items)  # every item, sorted
        patch.setattr(Table, "all_items", moto_own)
        walked = _all_pages(dynamodb, query)

    assert partitioned == walked
    assert sum(len(page["Items"]) for page in partitioned) == sum(page["Count"] for page in walked)


def test_a_query_on_the_table_key_reads_only_its_partition(
    dynamodb: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from moto.dynamodb.models import dynamodb_backends
    from moto.dynamodb.models.table import Table

    table = dynamodb_backends[ACCOUNT][REGION].tables[RANGED]
    assert len(table) == PARTITIONS * PER_PARTITION
    seen: list[int] = []
    current = Table.all_items

    def counting(self: Any) -> Any:
        items = current(self)
        seen.append(len(items))
        return items

    monkeypatch.setattr(Table, "all_items", counting)
    found = dynamodb.query(**QUERIES[0])["Items"]
    index = dynamodb.query(**QUERIES[-1])["Items"]

    assert len(found) == PER_PARTITION
    assert index
    # The key query saw one partition; the index query (moto keeps no index partitions) all items.
    assert seen == [PER_PARTITION, PARTITIONS * PER_PARTITION]
