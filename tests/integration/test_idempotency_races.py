"""Powertools Idempotency under races: what Powertools gives up on becomes a retryable answer.

Powertools raises ``IdempotencyInconsistentStateError`` when its conditional put and the record it
then reads disagree (a record expired or replaced between the two) and it has retried twice. Seen
on the local gateway with 50 identical conversions at once: one client got a 500. The race is
forced here by storing a record Powertools reads as expired yet cannot overwrite.
"""

from __future__ import annotations

from typing import Any

import pytest

from parley import aws
from parley.errors import RequestInProgress
from parley.idempotency import PowertoolsIdempotency
from tests.helpers.events import FakeContext


def _guard(table: str) -> PowertoolsIdempotency:
    guard = PowertoolsIdempotency(
        table,
        aws.dynamodb(),
        key_fields=("tenant_id", "idempotency_key"),
        payload_fields=("outcome",),
        record_name="race_test",
    )
    guard.register_lambda_context(FakeContext())
    return guard


def test_a_record_that_changes_under_powertools_is_an_in_progress_answer_not_a_500(
    moto_resources: Any,
) -> None:
    table = moto_resources.tables["IdempotencyTable"]
    guard = _guard(table)
    key, payload = {"tenant_id": "demo", "idempotency_key": "k-race-1"}, {"outcome": "purchase"}
    runs: list[str] = []

    def action() -> dict[str, Any]:
        runs.append("ran")
        return {"conversion_id": "cv_1"}

    # Given a first request that completed, whose record another writer then left inconsistent
    assert guard.run(key, payload, action) == {"conversion_id": "cv_1"}
    client = aws.dynamodb()
    (record,) = client.scan(TableName=table)["Items"]
    client.update_item(
        TableName=table,
        Key={"id": record["id"]},
        UpdateExpression="SET #s = :expired",
        ExpressionAttributeNames={"#s": "status"},
        ExpressionAttributeValues={":expired": {"S": "EXPIRED"}},
    )

    # When the same request is sent again
    with pytest.raises(RequestInProgress) as raised:
        guard.run(key, payload, action)

    # Then the client is told to retry shortly (409 idempotency_contention, Retry-After), and the
    # action did not run twice
    assert raised.value.retry_after == 1
    assert runs == ["ran"]
