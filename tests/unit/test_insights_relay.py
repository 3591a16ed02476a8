"""The stream relay's mapping from DynamoDB stream records to insights messages, and the local
stream event source's checkpoint rule."""

from __future__ import annotations

from typing import Any

import pytest

from localgw.stream_poller import failed_from
from parley.insights.messages import ConversationCompleted, ConversationUpdated, ConversionRecorded
from parley.insights.relay import messages_for


def header(status: str, count: int, updated_at: str, **extra: str) -> dict[str, Any]:
    image = {
        "pk": {"S": "T#demo#C#conv_1"},
        "sk": {"S": "HEADER"},
        "tenant_id": {"S": "demo"},
        "conversation_id": {"S": "conv_1"},
        "status": {"S": status},
        "message_count": {"N": str(count)},
        "updated_at": {"S": updated_at},
    }
    return image | {name: {"S": value} for name, value in extra.items()}


def record(
    event: str, new: dict[str, Any], old: dict[str, Any] | None = None, seq: str = "1"
) -> dict[str, Any]:
    change: dict[str, Any] = {
        "Keys": {"pk": new["pk"], "sk": new["sk"]},
        "NewImage": new,
        "SequenceNumber": seq,
    }
    if old is not None:
        change["OldImage"] = old
    return {"eventName": event, "dynamodb": change}


def test_a_conversation_created_completed_is_one_completion_at_its_timestamp() -> None:
    assert messages_for(record("INSERT", header("completed", 3, "2026-11-23T10:00:00Z"))) == [
        ConversationCompleted("demo", "conv_1", "2026-11-23T10:00:00Z")
    ]


def test_a_conversation_created_active_calls_for_nothing() -> None:
    assert messages_for(record("INSERT", header("active", 1, "2026-11-23T10:00:00Z"))) == []


def test_a_completing_append_is_an_update_and_a_completion_as_the_request_path_sent_them() -> None:
    old = header("active", 1, "2026-11-23T10:00:00Z", metadata='{"a":1}')
    new = header("completed", 3, "2026-11-23T10:05:00Z", metadata='{"a": 1}', title="Hi")

    assert messages_for(record("MODIFY", new, old)) == [
        ConversationUpdated(
            "demo", "conv_1", ("messages", "content", "updatedAt", "status", "title"), "2026-11-23T10:05:00Z"
        ),
        ConversationCompleted("demo", "conv_1", "2026-11-23T10:05:00Z"),
    ]


def test_storing_insights_on_a_completed_header_calls_for_nothing() -> None:
    old = header("completed", 3, "2026-11-23T10:05:00Z")
    new = old | {"has_insights": {"BOOL": True}}

    assert messages_for(record("MODIFY", new, old)) == []


def test_a_new_conversion_item_is_a_conversion_recorded() -> None:
    item = {
        "pk": {"S": "TENANT#demo#NBQ#sess-1"},
        "sk": {"S": "CONVERSION#cv_1"},
        "tenant_id": {"S": "demo"},
        "session_id": {"S": "sess-1"},
        "outcome": {"S": "purchase"},
        "recorded_at": {"S": "2026-11-23T10:00:00Z"},
    }
    assert messages_for(record("INSERT", item)) == [
        ConversionRecorded("demo", "sess-1", "cv_1", "purchase", "2026-11-23T10:00:00Z")
    ]
    assert (
        messages_for({"eventName": "REMOVE", "dynamodb": {"Keys": {"sk": item["sk"]}, "OldImage": item}})
        == []
    )


@pytest.mark.parametrize("sk", ["MSG#00000", "INSIGHTS", "COUNT", "STATE", "SESSION"])
def test_other_items_call_for_nothing(sk: str) -> None:
    new = {"pk": {"S": "x"}, "sk": {"S": sk}}
    assert messages_for(record("INSERT", new)) == []
    assert messages_for(record("MODIFY", new, new)) == []


def test_a_header_without_its_ids_is_refused_so_the_record_is_retried() -> None:
    with pytest.raises(ValueError, match="tenant_id"):
        messages_for(record("INSERT", {"pk": {"S": "x"}, "sk": {"S": "HEADER"}}))


RECORDS = [{"dynamodb": {"SequenceNumber": str(n)}} for n in (10, 11, 12)]


@pytest.mark.parametrize(
    ("payload", "error", "expected"),
    [
        ({"batchItemFailures": []}, False, None),
        ({"batchItemFailures": [{"itemIdentifier": "12"}, {"itemIdentifier": "11"}]}, False, 1),
        ({"batchItemFailures": [{"itemIdentifier": "99"}]}, False, 0),  # unknown: the whole batch
        (None, True, 0),  # the function raised: the whole batch
    ],
)
def test_the_stream_is_retried_from_the_first_failed_record(
    payload: Any, error: bool, expected: int | None
) -> None:
    assert failed_from(RECORDS, payload, error, report_failures=True) == expected
