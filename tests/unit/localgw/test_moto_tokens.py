"""The local gateway's moto honours TransactWriteItems' ClientRequestToken as DynamoDB does."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import boto3
import pytest
from botocore.exceptions import ClientError

from localgw.moto_backend import aws_environment, patched_environ, start_moto


@pytest.fixture(scope="module")
def dynamodb() -> Iterator[object]:
    server, endpoint = start_moto()
    try:
        with patched_environ(aws_environment(endpoint)):
            client = boto3.client("dynamodb")
            client.create_table(
                TableName="counters",
                AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
                KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
                BillingMode="PAY_PER_REQUEST",
            )
            yield client
    finally:
        server.stop()


def _add(client, pk: str, amount: int, token: str) -> None:
    client.transact_write_items(
        ClientRequestToken=token,
        TransactItems=[
            {
                "Update": {
                    "TableName": "counters",
                    "Key": {"pk": {"S": pk}},
                    "UpdateExpression": "ADD n :amount",
                    "ExpressionAttributeValues": {":amount": {"N": str(amount)}},
                }
            }
        ],
    )


def _value(client, pk: str) -> int:
    return int(client.get_item(TableName="counters", Key={"pk": {"S": pk}})["Item"]["n"]["N"])


def test_a_repeated_token_succeeds_without_applying_the_transaction_again(dynamodb) -> None:
    pk, token = uuid.uuid4().hex, str(uuid.uuid4())

    _add(dynamodb, pk, 1, token)
    _add(dynamodb, pk, 1, token)  # a retry of the same call: DynamoDB answers success, applies nothing
    _add(dynamodb, pk, 1, str(uuid.uuid4()))  # another call

    assert _value(dynamodb, pk) == 2


def test_a_token_reused_with_other_items_is_a_parameter_mismatch(dynamodb) -> None:
    pk, token = uuid.uuid4().hex, str(uuid.uuid4())
    _add(dynamodb, pk, 1, token)

    with pytest.raises(ClientError) as refused:
        _add(dynamodb, pk, 5, token)

    assert refused.value.response["Error"]["Code"] == "IdempotentParameterMismatchException"
    assert _value(dynamodb, pk) == 1


def test_calls_without_an_explicit_token_are_each_applied(dynamodb) -> None:
    # botocore fills a fresh token per call (its retries of one call reuse it).
    pk = uuid.uuid4().hex
    for _ in range(3):
        dynamodb.transact_write_items(
            TransactItems=[
                {
                    "Update": {
                        "TableName": "counters",
                        "Key": {"pk": {"S": pk}},
                        "UpdateExpression": "ADD n :one",
                        "ExpressionAttributeValues": {":one": {"N": "1"}},
                    }
                }
            ]
        )

    assert _value(dynamodb, pk) == 3
