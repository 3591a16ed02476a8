"""Injected faults: DynamoDB throttling and unavailability on every write route, a worker that
crashes mid-batch, and a Lambda that dies during an idempotent call.

Faults are raised by botocore event hooks on the container's one DynamoDB client, so the code
under test is unmodified: ``before-call`` fails the call *after* the SDK's retries (nothing
reaches the table), ``before-send`` fails one attempt *inside* the retry loop.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from botocore.awsrequest import AWSResponse
from botocore.exceptions import ClientError, EndpointConnectionError

from parley import aws
from parley.nbq.repository import DynamoNbqConfigRepository
from parley.queues.messages import ConversationCompleted, ConversionRecorded, encode
from tests.helpers.events import FakeContext, load_event, sqs_event
from tests.helpers.http import header
from tests.helpers.paths import ROOT
from tests.helpers.streams import drain

WRITES = ("PutItem", "UpdateItem", "DeleteItem", "TransactWriteItems", "BatchWriteItem")
COMPLETED_TRANSCRIPT = (
    "User: Hello, I need a dining table for six on my terrace.\n"
    "Assistant: Our teak table seats six.\nUser: Perfect, thank you so much!"
)


def throttled(operation: str) -> Exception:
    return ClientError(
        {"Error": {"Code": "ProvisionedThroughputExceededException", "Message": "injected"}}, operation
    )


def unreachable(_operation: str) -> Exception:
    return EndpointConnectionError(endpoint_url="https://dynamodb.us-east-1.amazonaws.com")


@pytest.fixture
def failing_writes() -> Iterator[Callable[[Callable[[str], Exception], tuple[str, ...]], None]]:
    """Make the given DynamoDB operations fail with a fault until the test ends."""
    registered: list[tuple[str, Callable[..., None]]] = []

    def install(fault: Callable[[str], Exception], operations: tuple[str, ...] = WRITES) -> None:
        for operation in operations:

            def raiser(operation: str = operation, **_: object) -> None:
                raise fault(operation)

            event = f"before-call.dynamodb.{operation}"
            aws.dynamodb().meta.events.register(event, raiser)
            registered.append((event, raiser))

    yield install
    for event, raiser in registered:
        aws.dynamodb().meta.events.unregister(event, raiser)


def snapshot(moto_resources: Any) -> dict[str, list[dict[str, Any]]]:
    """Every item of every table (moto is small; a Scan is fine in a test)."""
    client = aws.dynamodb()
    items = {}
    for logical_id, table in moto_resources.tables.items():
        pages = client.get_paginator("scan").paginate(TableName=table)
        items[logical_id] = sorted(
            json.dumps(i, sort_keys=True, default=repr) for p in pages for i in p["Items"]
        )
    return items


@pytest.fixture
def demo(moto_resources: Any, capsys: pytest.CaptureFixture[str]) -> None:
    from parley import admin

    where = ["--tenants-table", moto_resources.tables["TenantsTable"]]
    assert admin.main([*where, "load-config", str(ROOT / "tenants/demo")]) == 0
    capsys.readouterr()


def _create_event(status: str = "completed") -> dict[str, Any]:
    event = load_event("create_conversation/spec_example.json")
    event["body"] = json.dumps({"promptId": "prompt_123", "content": COMPLETED_TRANSCRIPT, "status": status})
    return event


def _append_event(conversation_id: str) -> dict[str, Any]:
    event = load_event("append_messages/spec_example.json")
    event["path"] = f"/api/v1/conversations/{conversation_id}/messages"
    event["pathParameters"] = {"id": conversation_id}
    event["body"] = json.dumps({"messages": [{"role": "user", "content": "Thanks!"}], "status": "completed"})
    return event


def _turn_event() -> dict[str, Any]:
    event = load_event("process_turn/unstructured_text.json")
    event["body"] = json.dumps({"request": {"unstructured": {"text": "Hi, I am looking for a table"}}})
    return event


def _route(name: str, load_function: Any, lambda_context: Any) -> Callable[[], dict[str, Any]]:
    """A write request on one route, ready to send (any state it needs is set up first)."""
    if name == "next-questions":
        module = load_function("NextQuestionFunction")
        event = load_event("next_question/spec_with_context.json")
    elif name == "conversion":
        module = load_function("RecordConversionFunction")
        event = load_event("record_conversion/spec_purchase.json")
    elif name == "create":
        module = load_function("CreateConversationFunction")
        event = _create_event()
    elif name == "append":
        created = load_function("CreateConversationFunction").lambda_handler(
            _create_event("active"), lambda_context
        )
        module = load_function("AppendMessagesFunction")
        event = _append_event(json.loads(created["body"])["id"])
    else:
        module = load_function("ProcessTurnFunction")
        event = _turn_event()
    return lambda: module.lambda_handler(event, lambda_context)


ROUTES = ("next-questions", "conversion", "create", "append", "turn")


@pytest.mark.parametrize("fault", [throttled, unreachable], ids=["throttled", "unavailable"])
@pytest.mark.parametrize("route", ROUTES)
def test_a_store_that_refuses_writes_is_a_503_to_retry_and_leaves_nothing_behind(
    route, fault, demo, load_function, lambda_context, moto_resources, stream_relay, failing_writes
) -> None:
    send = _route(route, load_function, lambda_context)
    drain(stream_relay)  # the setup's own messages
    before = snapshot(moto_resources)
    failing_writes(fault)

    response = send()

    assert response["statusCode"] == 503, response["body"]
    assert header(response, "Content-Type") == "application/problem+json"
    assert header(response, "Retry-After") == "1"
    assert json.loads(response["body"])["type"].endswith("/service_unavailable")
    # No header without its chunks, no session counted, no idempotency record, no message.
    assert snapshot(moto_resources) == before
    assert drain(stream_relay) == []


@pytest.mark.parametrize("route", ["create", "append"])
def test_a_failed_transaction_writes_none_of_its_items(
    route, demo, load_function, lambda_context, moto_resources, stream_relay, failing_writes
) -> None:
    """The conversation's header, chunks and list counters move in one TransactWriteItems: when
    it fails, none of them is visible (the reads before it did happen)."""
    send = _route(route, load_function, lambda_context)
    drain(stream_relay)
    before = snapshot(moto_resources)
    failing_writes(throttled, ("TransactWriteItems",))

    assert send()["statusCode"] == 503
    assert snapshot(moto_resources) == before
    assert drain(stream_relay) == []


def test_the_sdk_retries_a_transient_throttle_and_connection_failure(
    demo, load_function, lambda_context, moto_resources
) -> None:
    """boto3's standard retry mode (3 attempts, parley.aws) absorbs two failed attempts: the
    append's header read is throttled twice, its transaction fails to connect twice, and the
    request still succeeds. The faults are injected per attempt (``before-send``, first in line
    so moto never sees a failed attempt's write)."""
    send = _route("append", load_function, lambda_context)
    attempts: dict[str, int] = {"GetItem": 0, "TransactWriteItems": 0}

    def throttle_read(request: Any, **_: object) -> AWSResponse | None:
        attempts["GetItem"] += 1
        if attempts["GetItem"] > 2:
            return None
        body = json.dumps({"__type": "com.amazonaws.dynamodb.v20120810#ThrottlingException", "message": "x"})
        # Reads only: moto also answers this attempt, harmlessly, but the client sees the throttle.
        return AWSResponse(request.url, 400, {"Content-Type": "application/x-amz-json-1.0"}, _Raw(body))

    def drop_write(**_: object) -> None:
        attempts["TransactWriteItems"] += 1
        if attempts["TransactWriteItems"] <= 2:
            raise EndpointConnectionError(endpoint_url="https://dynamodb.us-east-1.amazonaws.com")

    events = aws.dynamodb().meta.events
    events.register_first("before-send.dynamodb.GetItem", throttle_read)
    events.register_first("before-send.dynamodb.TransactWriteItems", drop_write)
    try:
        response = send()
    finally:
        events.unregister("before-send.dynamodb.GetItem", throttle_read)
        events.unregister("before-send.dynamodb.TransactWriteItems", drop_write)

    assert response["statusCode"] == 200, response["body"]
    assert attempts == {"GetItem": 3, "TransactWriteItems": 3}
    assert json.loads(response["body"])["status"] == "completed"


class _Raw:
    """The raw body botocore reads from an HTTP response."""

    def __init__(self, body: str) -> None:
        self._body = body.encode()

    def stream(self, **_: object) -> Iterator[bytes]:
        yield self._body


# --- worker crash mid-batch ------------------------------------------------------------------------


def test_a_crash_mid_batch_fails_only_its_record_and_a_full_redelivery_has_effect_once(
    demo, catalog_loaded, load_function, lambda_context, moto_resources, stream_relay
) -> None:
    config = catalog_loaded
    load_function("NextQuestionFunction").lambda_handler(
        load_event("next_question/spec_with_context.json"), lambda_context
    )
    load_function("RecordConversionFunction").lambda_handler(
        load_event("record_conversion/spec_purchase.json"), lambda_context
    )
    created = load_function("CreateConversationFunction").lambda_handler(_create_event(), lambda_context)
    conversation_id = json.loads(created["body"])["id"]
    messages = {type(m): m for m in drain(stream_relay)}
    completed, conversion = messages[ConversationCompleted], messages[ConversionRecorded]
    worker = load_function("InsightsWorkerFunction")

    # The crediting transaction dies after the conversation's insights were stored.
    def crash(**_: object) -> None:
        raise EndpointConnectionError(endpoint_url="https://dynamodb.us-east-1.amazonaws.com")

    hook = _only_crediting(moto_resources.tables["SessionsTable"], crash)
    events = aws.dynamodb().meta.events
    events.register("before-parameter-build.dynamodb.TransactWriteItems", hook)
    batch = sqs_event(encode(completed), encode(conversion))
    try:
        first = worker.lambda_handler(batch, lambda_context)
    finally:
        events.unregister("before-parameter-build.dynamodb.TransactWriteItems", hook)

    assert first == {"batchItemFailures": [{"itemIdentifier": "msg-1"}]}
    stored = _insights_item(moto_resources, conversation_id)
    assert stored is not None
    assert "q_budget_range" not in config.stats("demo")  # not credited yet

    # SQS redelivers the failed record; a duplicate delivery brings the whole batch again.
    assert worker.lambda_handler(batch, lambda_context) == {"batchItemFailures": []}
    assert worker.lambda_handler(batch, lambda_context) == {"batchItemFailures": []}

    assert _insights_item(moto_resources, conversation_id) == stored  # one set of insights
    stats = config.stats("demo")["q_budget_range"]
    assert (stats.served, stats.converted) == (1, 1)  # one credit


def _only_crediting(sessions_table: str, fault: Callable[..., None]) -> Callable[..., None]:
    """Fail only the transactions that touch the sessions table (crediting), not put_insights'."""

    def hook(params: dict[str, Any], **kwargs: object) -> None:
        if any(next(iter(i.values()))["TableName"] == sessions_table for i in params["TransactItems"]):
            fault(**kwargs)

    return hook


def _insights_item(moto_resources: Any, conversation_id: str) -> dict[str, Any] | None:
    pk = f"T#demo#C#{conversation_id}"
    items = aws.dynamodb().query(
        TableName=moto_resources.tables["ConversationsTable"],
        KeyConditionExpression="pk = :pk",
        ExpressionAttributeValues={":pk": {"S": pk}},
    )["Items"]
    found = [i for i in items if i["sk"]["S"] == "INSIGHTS"]
    return found[0] if found else None


# --- Lambda timeout during the idempotent conversion call ----------------------------------------


class LambdaTimedOut(BaseException):
    """What the runtime does to a function at its timeout: the process stops, no ``except
    Exception`` runs — so Powertools cannot delete its INPROGRESS record."""


class ShortContext(FakeContext):
    def __init__(self, remaining_ms: int) -> None:
        self.remaining_ms = remaining_ms

    def get_remaining_time_in_millis(self) -> int:
        return self.remaining_ms


IN_PROGRESS_WINDOW_MS = 3000


# The first call is killed mid-request (as a timed-out Lambda is), before it could count anything.
@pytest.mark.filterwarnings("ignore:No application metrics to publish:UserWarning")
def test_a_call_that_timed_out_is_409_within_its_window_and_succeeds_once_after_it(
    load_function, moto_resources, stream_relay, monkeypatch
) -> None:
    from parley.nbq.repository import DynamoNbqSessionRepository

    function = load_function("RecordConversionFunction")
    event = load_event("record_conversion/spec_purchase.json")
    real = DynamoNbqSessionRepository.put_conversion

    def dies(*_: object, **__: object) -> None:
        raise LambdaTimedOut

    # The write itself dies (inside the idempotent call), as the runtime stops a timed-out function.
    monkeypatch.setattr(DynamoNbqSessionRepository, "put_conversion", dies)
    # A window wide enough that a busy machine still sends the retry inside it.
    with pytest.raises(LambdaTimedOut):
        function.lambda_handler(event, ShortContext(remaining_ms=IN_PROGRESS_WINDOW_MS))
    monkeypatch.setattr(DynamoNbqSessionRepository, "put_conversion", real)

    # Lambda's retry (or the client's) within the window: the first call may still be running.
    within = function.lambda_handler(event, ShortContext(remaining_ms=10_000))
    assert within["statusCode"] == 409, within["body"]
    assert header(within, "Retry-After") == "1"
    assert drain(stream_relay) == []

    time.sleep(IN_PROGRESS_WINDOW_MS / 1000 + 0.2)  # past the in-progress expiry of the first call
    after = function.lambda_handler(event, ShortContext(remaining_ms=10_000))
    replay = function.lambda_handler(event, ShortContext(remaining_ms=10_000))

    assert after["statusCode"] == replay["statusCode"] == 202, after["body"]
    conversion_id = json.loads(after["body"])["conversion_id"]
    assert json.loads(replay["body"])["conversion_id"] == conversion_id
    conversions = aws.dynamodb().query(
        TableName=moto_resources.tables["SessionsTable"],
        KeyConditionExpression="pk = :pk AND begins_with(sk, :cv)",
        ExpressionAttributeValues={":pk": {"S": "TENANT#demo#NBQ#conv-7f3a1c"}, ":cv": {"S": "CONVERSION#"}},
    )["Items"]
    assert [c["sk"]["S"] for c in conversions] == [f"CONVERSION#{conversion_id}"]


# --- a failure between the write and its trigger ------------------------------------------------------


def test_when_sqs_refuses_the_relay_the_stream_retries_and_no_trigger_is_lost(
    demo, load_function, lambda_context, moto_resources, stream_relay
) -> None:
    """The request paths only write; the relay queues from the stream. SQS failing there fails
    the records (by sequence number), the stream delivers them again, and both the completion
    and the conversion still have their effect."""
    config = DynamoNbqConfigRepository(aws.dynamodb(), moto_resources.tables["TenantsTable"])
    load_function("NextQuestionFunction").lambda_handler(
        load_event("next_question/spec_with_context.json"), lambda_context
    )
    recorded = load_function("RecordConversionFunction").lambda_handler(
        load_event("record_conversion/spec_purchase.json"), lambda_context
    )
    created = load_function("CreateConversationFunction").lambda_handler(_create_event(), lambda_context)
    assert (recorded["statusCode"], created["statusCode"]) == (202, 200)
    conversation_id = json.loads(created["body"])["id"]

    def refused(**_: object) -> None:
        raise ClientError(
            {"Error": {"Code": "ServiceUnavailable", "Message": "injected"}}, "SendMessageBatch"
        )

    sqs_events = aws.client("sqs").meta.events
    sqs_events.register("before-call.sqs.SendMessageBatch", refused)
    try:
        answers = stream_relay.pump()
    finally:
        sqs_events.unregister("before-call.sqs.SendMessageBatch", refused)

    failures = [item for answer in answers for item in answer["batchItemFailures"]]
    assert len(failures) == 2  # the conversation's header INSERT and the conversion INSERT
    assert all(item["itemIdentifier"].isdigit() for item in failures)  # sequence numbers
    assert drain(stream_relay, relay=False) == []  # nothing reached the queue...

    messages = drain(stream_relay)  # ...until the stream delivered the failed records again
    assert sorted(type(m).__name__ for m in messages) == ["ConversationCompleted", "ConversionRecorded"]
    worker = load_function("InsightsWorkerFunction")
    assert worker.lambda_handler(sqs_event(*map(encode, messages)), lambda_context) == {
        "batchItemFailures": []
    }
    assert _insights_item(moto_resources, conversation_id) is not None
    stats = config.stats("demo")["q_budget_range"]
    assert (stats.served, stats.converted) == (1, 1)


def test_a_cancelled_transaction_leaves_nothing_on_the_stream(
    load_function, lambda_context, moto_resources, stream_relay
) -> None:
    """A completing append that loses its race writes nothing, so the relay queues nothing for it
    (the local moto patch cuts a cancelled transaction's records off the stream, as DynamoDB
    never emits them)."""
    created = load_function("CreateConversationFunction").lambda_handler(
        _create_event("active"), lambda_context
    )
    conversation_id = json.loads(created["body"])["id"]
    drain(stream_relay)
    table = moto_resources.tables["ConversationsTable"]
    chunk = {"pk": {"S": f"T#demo#C#{conversation_id}"}, "sk": {"S": "MSG#99999"}, "body": {"S": "[]"}}
    header_update = {
        "TableName": table,
        "Key": {"pk": chunk["pk"], "sk": {"S": "HEADER"}},
        "UpdateExpression": "SET #s = :done",
        "ConditionExpression": "message_count = :stale",
        "ExpressionAttributeNames": {"#s": "status"},
        "ExpressionAttributeValues": {":done": {"S": "completed"}, ":stale": {"N": "999"}},
    }

    with pytest.raises(ClientError, match="TransactionCanceled"):
        aws.dynamodb().transact_write_items(
            TransactItems=[{"Put": {"TableName": table, "Item": chunk}}, {"Update": header_update}]
        )

    assert stream_relay.pump() == []  # no record to deliver at all
    assert drain(stream_relay) == []


@pytest.mark.parametrize(
    ("case", "kind"),
    [
        ("conversation_completed.json", "conversation.completed"),
        ("conversion_recorded.json", "conversion.recorded"),
    ],
)
def test_the_relay_queues_the_sample_stream_events(
    case, kind, load_function, lambda_context, stream_relay
) -> None:
    """The events in events/relay_changes/ (also for ``sam local invoke -e``) are relayed."""
    relay = load_function("StreamRelayFunction")

    assert relay.lambda_handler(load_event(f"relay_changes/{case}"), lambda_context) == {
        "batchItemFailures": []
    }
    assert [message.kind for message in drain(stream_relay, relay=False)] == [kind]
