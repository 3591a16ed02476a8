"""localgw.sqs_poller: Lambda's SQS event and partial batch response rules."""

from __future__ import annotations

from typing import Any

from localgw.sqs_poller import records_to_delete, sqs_event

ARN = "arn:aws:sqs:us-east-1:123456789012:WorkQueue"


def message(n: int) -> dict[str, Any]:
    return {
        "MessageId": f"id-{n}",
        "ReceiptHandle": f"rh-{n}",
        "Body": f"body-{n}",
        "MD5OfBody": "md5",
        "Attributes": {"ApproximateReceiveCount": "1", "SentTimestamp": "1"},
        "MessageAttributes": {"kind": {"StringValue": "x", "DataType": "String"}},
    }


MESSAGES = [message(1), message(2), message(3)]


def test_event_shape() -> None:
    record = sqs_event(MESSAGES[:1], ARN, "us-east-1")["Records"][0]

    assert record == {
        "messageId": "id-1",
        "receiptHandle": "rh-1",
        "body": "body-1",
        "attributes": {"ApproximateReceiveCount": "1", "SentTimestamp": "1"},
        "messageAttributes": {
            "kind": {
                "stringValue": "x",
                "binaryValue": None,
                "stringListValues": [],
                "binaryListValues": [],
                "dataType": "String",
            }
        },
        "md5OfBody": "md5",
        "eventSource": "aws:sqs",
        "eventSourceARN": ARN,
        "awsRegion": "us-east-1",
    }


def test_reported_failures_stay_the_rest_is_deleted() -> None:
    payload = {"batchItemFailures": [{"itemIdentifier": "id-2"}]}

    assert [m["MessageId"] for m in records_to_delete(MESSAGES, payload, True)] == ["id-1", "id-3"]


def test_empty_or_absent_report_deletes_everything() -> None:
    assert records_to_delete(MESSAGES, {"batchItemFailures": []}, True) == MESSAGES
    assert records_to_delete(MESSAGES, None, True) == MESSAGES


def test_unknown_or_empty_identifier_fails_the_whole_batch() -> None:
    assert records_to_delete(MESSAGES, {"batchItemFailures": [{"itemIdentifier": "other"}]}, True) == []
    assert records_to_delete(MESSAGES, {"batchItemFailures": [{"itemIdentifier": ""}]}, True) == []


def test_report_ignored_without_report_batch_item_failures() -> None:
    payload = {"batchItemFailures": [{"itemIdentifier": "id-2"}]}

    assert records_to_delete(MESSAGES, payload, False) == MESSAGES
