"""Usage is counted from the sessions table's stream, not on the request path: the stream relay
(StreamRelayFunction) adds each batch's new next-questions sessions to the daily counters that
UsageFunction reports, once per session — also when SQS or the counter write fails mid-batch."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest
from botocore.exceptions import ClientError

from parley import admin, aws
from parley.queues.messages import decode
from tests.helpers.events import load_event
from tests.helpers.paths import ROOT


@pytest.fixture
def next_question(catalog_loaded, load_function):
    return load_function("NextQuestionFunction")


def ask(function: Any, context: Any, session_id: str) -> None:
    event = load_event("next_question/spec_with_context.json")
    body = {**json.loads(event["body"]), "session_id": session_id}
    response = function.lambda_handler({**event, "body": json.dumps(body)}, context)
    assert response["statusCode"] == 200, response["body"]


def record_conversion(load_function: Any, context: Any) -> None:
    response = load_function("RecordConversionFunction").lambda_handler(
        load_event("record_conversion/spec_purchase.json"), context
    )
    assert response["statusCode"] == 202, response["body"]


def usage(moto_resources: Any, tenant: str = "demo") -> dict[str, int]:
    items = aws.dynamodb().query(
        TableName=moto_resources.tables["TenantsTable"],
        KeyConditionExpression="pk = :pk AND begins_with(sk, :usage)",
        ExpressionAttributeValues={":pk": {"S": f"TENANT#{tenant}"}, ":usage": {"S": "USAGE#"}},
    )["Items"]
    return {item["sk"]["S"].removeprefix("USAGE#"): int(item["sessions"]["N"]) for item in items}


def queued(moto_resources: Any) -> list[Any]:
    response = aws.client("sqs").receive_message(
        QueueUrl=moto_resources.queues["InsightsQueue"], MaxNumberOfMessages=10
    )
    return [decode(m["Body"]) for m in response.get("Messages", [])]


def failures(answers: list[dict[str, Any]]) -> list[str]:
    return [item["itemIdentifier"] for answer in answers for item in answer["batchItemFailures"]]


def today() -> str:
    return datetime.now(UTC).date().isoformat()


def test_new_sessions_reach_get_usage_once_the_relay_has_read_the_stream(
    next_question, load_function, lambda_context, moto_resources, stream_relay
) -> None:
    for session_id in ("s-1", "s-2", "s-1", "s-3", "s-2"):
        ask(next_question, lambda_context, session_id)
    get_usage = load_function("UsageFunction")

    def total() -> int:
        response = get_usage.lambda_handler(load_event("get_usage/ok.json"), lambda_context)
        return int(json.loads(response["body"])["total_sessions"])

    assert total() == 0  # the requests only wrote their sessions
    stream_relay.pump()
    assert total() == 3
    assert stream_relay.pump() == []  # nothing left on the stream: counted once
    assert usage(moto_resources) == {today(): 3}


def test_a_session_a_turn_started_is_not_usage_as_before(
    load_function, lambda_context, moto_resources, stream_relay, capsys
) -> None:
    """Turns record the catalog questions they ask in the NBQ session of the conversation's id;
    only next-questions sessions are usage (a next-questions call on it later is no new session)."""
    where = ["--tenants-table", moto_resources.tables["TenantsTable"]]
    assert admin.main([*where, "load-config", str(ROOT / "tenants/demo")]) == 0
    capsys.readouterr()
    event = load_event("process_turn/unstructured_text.json")
    event = {**event, "body": json.dumps({"request": {"unstructured": {"text": "an outdoor dining table"}}})}
    turn = load_function("ProcessTurnFunction").lambda_handler(event, lambda_context)
    conversation = json.loads(turn["body"])["conversationId"]
    item = aws.dynamodb().get_item(
        TableName=moto_resources.tables["SessionsTable"],
        Key={"pk": {"S": f"TENANT#demo#NBQ#{conversation}"}, "sk": {"S": "SESSION"}},
    )["Item"]
    assert item["started_by"]["S"] == "turn"

    ask(load_function("NextQuestionFunction"), lambda_context, conversation)
    stream_relay.pump()

    assert usage(moto_resources) == {}


def test_when_sqs_refuses_a_record_the_sessions_after_it_are_counted_on_the_retry_and_once(
    next_question, load_function, lambda_context, moto_resources, stream_relay
) -> None:
    """The conversion's record fails; the stream delivers it and everything after it again. The
    session before it is counted at once, the one after it only when it comes again."""
    ask(next_question, lambda_context, "before")
    record_conversion(load_function, lambda_context)
    ask(next_question, lambda_context, "after")

    def refused(**_: object) -> None:
        raise ClientError(
            {"Error": {"Code": "ServiceUnavailable", "Message": "injected"}}, "SendMessageBatch"
        )

    sqs_events = aws.client("sqs").meta.events
    sqs_events.register("before-call.sqs.SendMessageBatch", refused)
    try:
        assert len(failures(stream_relay.pump())) == 1  # the conversion
    finally:
        sqs_events.unregister("before-call.sqs.SendMessageBatch", refused)
    assert usage(moto_resources) == {today(): 1}

    assert failures(stream_relay.pump()) == []
    assert usage(moto_resources) == {today(): 2}
    assert [message.kind for message in queued(moto_resources)] == ["conversion.recorded"]


def test_when_the_counter_write_fails_the_stream_retries_from_its_first_session(
    next_question, load_function, lambda_context, moto_resources, stream_relay
) -> None:
    """A conversion before the sessions is relayed (and not again); the sessions' increment fails,
    so their first record is reported, and the retry counts them — once."""
    record_conversion(load_function, lambda_context)
    ask(next_question, lambda_context, "one")
    ask(next_question, lambda_context, "two")

    def throttled(params: dict[str, Any], **_: object) -> None:
        if params.get("TableName") == moto_resources.tables["TenantsTable"]:
            raise ClientError(
                {"Error": {"Code": "ProvisionedThroughputExceededException", "Message": "injected"}},
                "UpdateItem",
            )

    dynamodb_events = aws.dynamodb().meta.events  # the container's one client, the relay's too
    dynamodb_events.register("before-parameter-build.dynamodb.UpdateItem", throttled)
    try:
        assert len(failures(stream_relay.pump())) == 1
    finally:
        dynamodb_events.unregister("before-parameter-build.dynamodb.UpdateItem", throttled)
    assert usage(moto_resources) == {}
    assert [message.kind for message in queued(moto_resources)] == ["conversion.recorded"]

    assert failures(stream_relay.pump()) == []
    assert usage(moto_resources) == {today(): 2}
    assert queued(moto_resources) == []  # the conversion was before the retried records


def test_the_sample_event_counts_per_tenant_and_day_of_the_first_call(
    load_function, lambda_context, moto_resources
) -> None:
    """events/relay_changes/new_sessions.json (also for ``sam local invoke -e``): two tenants, a
    session started at 23:59:59, one started by a turn and a later call (MODIFY)."""
    relay = load_function("StreamRelayFunction")

    assert relay.lambda_handler(load_event("relay_changes/new_sessions.json"), lambda_context) == {
        "batchItemFailures": []
    }

    assert usage(moto_resources, "demo") == {"2026-11-23": 2, "2026-11-24": 1}
    assert usage(moto_resources, "acme") == {"2026-11-23": 1}
    item = aws.dynamodb().get_item(
        TableName=moto_resources.tables["TenantsTable"],
        Key={"pk": {"S": "TENANT#acme"}, "sk": {"S": "USAGE#2026-11-23"}},
    )["Item"]
    first_seen = datetime(2026, 11, 23, 10, 0, 30, tzinfo=UTC)
    assert int(item["expires_at"]["N"]) == int(first_seen.timestamp()) + 400 * 24 * 3600
    assert queued(moto_resources) == []
