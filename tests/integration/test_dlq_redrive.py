"""Dead-letter queues under moto (queues built from template.yaml): what ``parley.admin dlq list``
shows (counts, oldest, kinds, ids; never contents) and how ``dlq redrive`` moves messages back —
by receive and re-send here, by SQS's message-move task on AWS (a stand-in client plays SQS's part,
since moto has none) — safely twice."""

from __future__ import annotations

import json
from typing import Any

import pytest

from parley import admin, aws
from parley.queues import redrive
from parley.queues.messages import ConversationCompleted, WebhookDelivery
from parley.queues.sqs import SqsQueue

SECRET_PAYLOAD = "the customer wrote something private here"
# What Lambda's OnFailure destination writes for a stream batch the relay gave up on.
STREAM_BATCH_RECORD = {
    "requestContext": {"requestId": "r", "functionArn": "arn:aws:lambda:us-east-1:1:function:relay"},
    "responseContext": {"statusCode": 200, "executedVersion": "$LATEST", "functionError": "Unhandled"},
    "version": "1.0",
    "timestamp": "2026-12-05T10:00:00.000Z",
    "DDBStreamBatchInfo": {
        "shardId": "shardId-0001",
        "startSequenceNumber": "100",
        "endSequenceNumber": "150",
        "batchSize": 3,
        "streamArn": "arn:aws:dynamodb:us-east-1:1:table/ConversationsTable/stream/x",
    },
}


def _run(capsys: pytest.CaptureFixture[str], where: list[str], *argv: str) -> dict[str, Any]:
    code = admin.main([*where, *argv])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    result: dict[str, Any] = json.loads(captured.out)
    return result


@pytest.fixture
def where(moto_resources: Any) -> list[str]:
    return [arg for url in moto_resources.queues.values() for arg in ("--queue-url", url)]


def _delivery(tenant: str = "acme") -> WebhookDelivery:
    return WebhookDelivery(
        tenant_id=tenant,
        webhook_id="wh_1",
        event_id="evt_1",
        event_type="conversation.completed",
        payload={"id": "evt_1", "data": {"note": SECRET_PAYLOAD}},
        attempt=6,
    )


def _dead_letter_by_redrive_policy(queues: dict[str, str], source: str, message: Any) -> None:
    """Send to the source queue and fail it maxReceiveCount times: SQS moves it to the DLQ."""
    sqs = aws.client("sqs")
    SqsQueue(sqs, queues[source]).send(message)
    for _ in range(5):
        sqs.receive_message(QueueUrl=queues[source], VisibilityTimeout=0, WaitTimeSeconds=0)
    assert not sqs.receive_message(QueueUrl=queues[source], WaitTimeSeconds=0).get("Messages")


def _bodies(url: str) -> list[dict[str, Any]]:
    sqs = aws.client("sqs")
    messages = sqs.receive_message(
        QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=0, MessageAttributeNames=["All"]
    ).get("Messages", [])
    return [{"body": json.loads(m["Body"]), "attributes": m.get("MessageAttributes", {})} for m in messages]


def test_each_dead_letter_queue_is_found_with_the_queue_that_names_it(moto_resources: Any) -> None:
    found = {
        q.name: [s.name for s in q.sources]
        for q in redrive.dead_letter_queues(aws.client("sqs"), moto_resources.queues)
    }

    assert found["InsightsDeadLetterQueue"] == ["InsightsQueue"]
    assert found["WebhooksDeadLetterQueue"] == ["WebhooksQueue"]
    assert "InsightsQueue" not in found


def test_list_shows_counts_oldest_and_kinds_and_never_the_contents(
    moto_resources: Any, where: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    # Given a webhook delivery that SQS dead-lettered after 5 receives
    _dead_letter_by_redrive_policy(moto_resources.queues, "WebhooksQueue", _delivery())

    # When the dead-letter queues are listed, with and without each message's ids
    listing = _run(capsys, where, "dlq", "list", "--queue", "WebhooksDeadLetterQueue")
    detailed = _run(capsys, where, "dlq", "list", "--messages", "--queue", "WebhooksDeadLetterQueue")

    # Then the count, the oldest message and its kind are shown, and nothing of its content
    [queue] = listing["dead_letter_queues"]
    assert queue["queue"] == "WebhooksDeadLetterQueue"
    assert queue["source_queues"] == ["WebhooksQueue"]
    assert queue["messages"] == 1
    assert queue["kinds"] == {"webhook.delivery": {"messages": 1, "redrivable": 1, "oldest": queue["oldest"]}}
    assert queue["oldest"] is not None and queue["oldest_age_seconds"] >= 0
    [message] = detailed["dead_letter_queues"][0]["message_list"]
    assert (message["tenant_id"], message["webhook_id"], message["event_id"]) == ("acme", "wh_1", "evt_1")
    assert message["receives"] >= 1
    for output in (listing, detailed):
        assert SECRET_PAYLOAD not in json.dumps(output)
    # And the listing left the message where it was, visible for the next look
    assert (
        _run(capsys, where, "dlq", "list", "--queue", "WebhooksDeadLetterQueue")["dead_letter_queues"][0][
            "messages"
        ]
        == 1
    )


def test_redrive_moves_messages_back_unchanged_keeps_stream_batches_and_is_safe_twice(
    moto_resources: Any, where: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    # Given the insights dead-letter queue holding a completion that failed 5 receives and the
    # description of a stream batch the relay gave up on
    queues = moto_resources.queues
    completion = ConversationCompleted(tenant_id="acme", conversation_id="conv_1", occurred_at="2026-12-05")
    _dead_letter_by_redrive_policy(queues, "InsightsQueue", completion)
    aws.client("sqs").send_message(
        QueueUrl=queues["InsightsDeadLetterQueue"], MessageBody=json.dumps(STREAM_BATCH_RECORD)
    )

    # When it is redriven (receive and re-send: moto has no message-move task)
    first = _run(capsys, where, "dlq", "redrive", "--method", "resend", "--queue", "InsightsDeadLetterQueue")

    # Then the completion is back on the insights queue, body and kind attribute unchanged
    [result] = first["redrives"]
    assert result | {"note": None} == {
        "queue": "InsightsDeadLetterQueue",
        "destination": "InsightsQueue",
        "method": "resend",
        "status": "moved",
        "moved": 1,
        "kept": {"stream-batch": 1},
        "note": None,
    }
    [back] = _bodies(queues["InsightsQueue"])
    assert back["body"] == {
        "kind": "conversation.completed",
        "tenant_id": "acme",
        "conversation_id": "conv_1",
        "occurred_at": "2026-12-05",
    }
    assert back["attributes"]["kind"]["StringValue"] == "conversation.completed"
    # And the stream batch stays, listed with the ids to re-read the stream from
    listing = _run(capsys, where, "dlq", "list", "--messages", "--queue", "InsightsDeadLetterQueue")
    [queue] = listing["dead_letter_queues"]
    assert queue["kinds"]["stream-batch"]["messages"] == 1
    assert queue["kinds"]["stream-batch"]["redrivable"] == 0
    [kept] = queue["message_list"]
    assert (kept["shard"], kept["first_sequence"], kept["last_sequence"]) == ("shardId-0001", "100", "150")

    # When it is redriven again
    second = _run(capsys, where, "dlq", "redrive", "--queue", "InsightsDeadLetterQueue")

    # Then nothing more moves (and, moto having no move task, it said so and re-sent instead)
    [again] = second["redrives"]
    assert (again["status"], again["moved"], again["kept"]) == ("nothing-to-move", 0, {"stream-batch": 1})
    assert "no message-move task" in again["note"]


class MoveTaskSqs:
    """moto's SQS client plus the two message-move task calls SQS has and moto lacks."""

    def __init__(self, client: Any, tasks: list[dict[str, Any]]) -> None:
        self._client = client
        self.tasks = tasks
        self.started: list[dict[str, Any]] = []

    def __getattr__(self, name: str) -> Any:
        return getattr(self._client, name)

    def list_message_move_tasks(self, **request: Any) -> dict[str, Any]:
        return {"Results": self.tasks}

    def start_message_move_task(self, **request: Any) -> dict[str, Any]:
        self.started.append(request)
        self.tasks.insert(0, {"Status": "RUNNING", "ApproximateNumberOfMessagesMoved": 0})
        return {"TaskHandle": "handle-1"}


def _queue(moto_resources: Any, name: str) -> redrive.DeadLetterQueue:
    [found] = [
        q for q in redrive.dead_letter_queues(aws.client("sqs"), moto_resources.queues) if q.name == name
    ]
    return found


def test_on_aws_a_move_task_is_started_once_and_a_second_redrive_reports_it(moto_resources: Any) -> None:
    # Given a dead-lettered webhook delivery and an SQS that offers message-move tasks
    _dead_letter_by_redrive_policy(moto_resources.queues, "WebhooksQueue", _delivery())
    sqs = MoveTaskSqs(aws.client("sqs"), tasks=[])
    dlq = _queue(moto_resources, "WebhooksDeadLetterQueue")

    # When it is redriven twice
    first = redrive.redrive(sqs, dlq, method=redrive.MOVE_TASK, max_per_second=50)
    second = redrive.redrive(sqs, dlq, method=redrive.MOVE_TASK)

    # Then one task moves the queue to its source at the rate asked, and the second run starts none
    assert (first["method"], first["status"], first["task_handle"]) == ("move-task", "started", "handle-1")
    assert sqs.started == [
        {
            "SourceArn": dlq.queue.arn,
            "DestinationArn": dlq.sources[0].arn,
            "MaxNumberOfMessagesPerSecond": 50,
        }
    ]
    assert (second["status"], second["move_task"]["status"]) == ("already-running", "RUNNING")
    # And the listing tells the task's progress
    assert redrive.report(sqs, dlq)["move_task"]["status"] == "RUNNING"


def test_on_aws_a_queue_holding_stream_batches_is_re_sent_instead_of_moved_wholesale(
    moto_resources: Any,
) -> None:
    # Given the insights dead-letter queue with a completion and a stream batch description
    queues = moto_resources.queues
    _dead_letter_by_redrive_policy(
        queues, "InsightsQueue", ConversationCompleted(tenant_id="a", conversation_id="c", occurred_at="t")
    )
    aws.client("sqs").send_message(
        QueueUrl=queues["InsightsDeadLetterQueue"], MessageBody=json.dumps(STREAM_BATCH_RECORD)
    )
    sqs = MoveTaskSqs(aws.client("sqs"), tasks=[{"Status": "COMPLETED"}])

    # When it is redriven with the move task
    result = redrive.redrive(sqs, _queue(moto_resources, "InsightsDeadLetterQueue"), method=redrive.MOVE_TASK)

    # Then no task takes everything: the completion is re-sent, the stream batch stays
    assert sqs.started == []
    assert (result["method"], result["moved"], result["kept"]) == ("resend", 1, {"stream-batch": 1})
    assert "stream-batch" in result["note"]


def test_an_empty_queue_needs_no_move_task(moto_resources: Any) -> None:
    sqs = MoveTaskSqs(aws.client("sqs"), tasks=[])

    result = redrive.redrive(sqs, _queue(moto_resources, "WebhooksDeadLetterQueue"))

    assert (result["status"], sqs.started) == ("nothing-to-move", [])


def test_a_queue_that_is_not_a_dead_letter_queue_is_refused_by_name(
    where: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    code = admin.main([*where, "dlq", "redrive", "--queue", "InsightsQueue"])

    assert code == 1
    assert "not a dead-letter queue: InsightsQueue" in capsys.readouterr().err


def test_without_queues_the_dlq_commands_say_where_to_find_them(moto_resources: Any) -> None:
    with pytest.raises(SystemExit, match="dlq commands need the queues"):
        admin.main(["--tenants-table", moto_resources.tables["TenantsTable"], "dlq", "list"])
