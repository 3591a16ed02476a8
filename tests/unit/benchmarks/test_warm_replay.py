"""The warm benchmark's replayer answers each AWS call with a response recorded for that call.

It used to answer by operation and position: after a cache TTL the turn function made a GetItem
the recorded request had not made (its statistics), got the response of another GetItem, and
failed. Calls are now keyed by what they ask; one nothing recorded is answered by moto (and
listed), and too many of those fail the benchmark, naming them.
"""

from __future__ import annotations

from typing import Any

import pytest

from benchmarks.common import BenchmarkError
from benchmarks.warm import MAX_UNRECORDED_CALLS, Replayer, call_identity, describe_call
from tests.helpers.replayed_table import TABLE, key


def test_given_reads_when_identified_then_the_key_tells_them_apart() -> None:
    deployment = call_identity("dynamodb", "GetItem", {"TableName": TABLE, "Key": key("DEPLOYMENT#shop")})
    stats = call_identity("dynamodb", "GetItem", {"TableName": TABLE, "Key": key("NBQ#STATS")})

    assert deployment != stats
    assert deployment == call_identity(
        "dynamodb", "GetItem", {"TableName": TABLE, "Key": key("DEPLOYMENT#shop")}
    )


def test_given_writes_when_identified_then_new_values_match_and_another_shape_does_not() -> None:
    def put(conversation_id: str, at: str, condition: str = "attribute_not_exists(pk)") -> dict[str, Any]:
        item = {**key(f"TURN#{conversation_id}"), "created_at": {"S": at}, "count": {"N": "1"}}
        return {"TableName": TABLE, "Item": item, "ConditionExpression": condition}

    first = call_identity("dynamodb", "PutItem", put("conv_1", "2026-01-01T00:00:00Z"))

    assert first == call_identity("dynamodb", "PutItem", put("conv_2", "2026-01-02T00:00:00Z"))
    assert first != call_identity("dynamodb", "PutItem", put("conv_1", "x", condition="attribute_exists(pk)"))
    assert first != call_identity("dynamodb", "PutItem", {**put("conv_1", "x"), "TableName": "Other"})
    assert first != call_identity("dynamodb", "UpdateItem", put("conv_1", "2026-01-01T00:00:00Z"))


def test_describe_call_names_the_operation_table_and_key() -> None:
    description = describe_call("dynamodb", "GetItem", {"TableName": TABLE, "Key": key("NBQ#STATS")})

    assert description == 'dynamodb.GetItem Tenants {"pk": "TENANT#demo", "sk": "NBQ#STATS"}'


def what(client: Any, sk: str) -> str:
    return str(client.get_item(TableName=TABLE, Key=key(sk))["Item"]["what"]["S"])


def test_given_recorded_reads_when_replayed_in_another_order_then_each_gets_its_own_answer(
    replay: tuple[Replayer, Any],
) -> None:
    replayer, client = replay

    assert what(client, "NBQ#CATALOG") == "NBQ#CATALOG"
    replayer.next_request()
    assert what(client, "DEPLOYMENT#shop") == "DEPLOYMENT#shop"
    assert replayer.unrecorded == []


def test_given_a_read_nothing_recorded_when_replayed_then_moto_answers_it_once(
    replay: tuple[Replayer, Any],
) -> None:
    replayer, client = replay

    assert what(client, "NBQ#STATS") == "NBQ#STATS"
    assert what(client, "NBQ#STATS") == "NBQ#STATS"  # from moto's answer, recorded
    assert replayer.unrecorded == ['dynamodb.GetItem Tenants {"pk": "TENANT#demo", "sk": "NBQ#STATS"}']
    assert replayer.harness_seconds > 0  # moto's work is left out of the measurement
    assert replayer.error is None


def test_given_reads_that_keep_differing_when_replayed_then_the_benchmark_fails_naming_them(
    replay: tuple[Replayer, Any],
) -> None:
    replayer, client = replay
    for n in range(MAX_UNRECORDED_CALLS):
        client.get_item(TableName=TABLE, Key=key(f"MISSING#{n}"))

    with pytest.raises(BenchmarkError, match=r"MISSING#0.*MISSING#10"):
        client.get_item(TableName=TABLE, Key=key(f"MISSING#{MAX_UNRECORDED_CALLS}"))
    assert replayer.error is not None


def test_given_queries_bounded_by_the_clock_when_identified_then_only_the_partition_tells_them_apart() -> (
    None
):
    def idle(shard: str, now: int) -> dict[str, Any]:
        return {
            "TableName": "Sessions",
            "KeyConditionExpression": "idle_shard = :shard AND idle_expires_at <= :now",
            "ExpressionAttributeValues": {":shard": {"S": shard}, ":now": {"N": str(now)}},
        }

    assert call_identity("dynamodb", "Query", idle("IDLE#0", 1_700_000_000)) == call_identity(
        "dynamodb", "Query", idle("IDLE#0", 1_700_000_003)
    )
    assert call_identity("dynamodb", "Query", idle("IDLE#0", 1)) != call_identity(
        "dynamodb", "Query", idle("IDLE#1", 1)
    )
