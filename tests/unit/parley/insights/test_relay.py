"""The stream relay's mapping from DynamoDB stream records to insights messages and to new
sessions (usage), and the local stream event source's checkpoint rule."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from localgw.stream_poller import failed_from
from parley.insights.relay import (
    SessionCount,
    SessionStart,
    messages_for,
    session_started,
    sessions_per_day,
)
from parley.queues.messages import ConversationCompleted, ConversationUpdated, ConversionRecorded


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


# --- new sessions: the usage count -----------------------------------------------------------

NOV_23_10H = 1795428000  # 2026-11-23T10:00:00Z
NOV_23_LAST_SECOND = 1795478399  # 2026-11-23T23:59:59Z
NOV_24_00H = 1795478400  # 2026-11-24T00:00:00Z


def session(
    tenant: str = "demo", session_id: str = "sess-1", first_seen: int = NOV_23_10H, **extra: Any
) -> dict[str, Any]:
    """A session item as next-questions writes it (``parley.nbq.repository.touch``)."""
    image = {
        "pk": {"S": f"TENANT#{tenant}#NBQ#{session_id}"},
        "sk": {"S": "SESSION"},
        "tenant_id": {"S": tenant},
        "started_by": {"S": "next-questions"},
        "first_seen": {"N": str(first_seen)},
        "last_seen": {"N": str(first_seen)},
        "calls": {"N": "1"},
    }
    return image | extra


def test_the_insert_of_a_next_questions_session_is_a_new_session_on_the_utc_day_of_its_first_call() -> None:
    assert session_started(record("INSERT", session())) == SessionStart(
        "demo", date(2026, 11, 23), NOV_23_10H
    )
    # The day is the first call's (the item's), not the relay's clock: a late batch counts the right day.
    late = session(first_seen=NOV_23_LAST_SECOND)
    assert session_started(record("INSERT", late)) == SessionStart(
        "demo", date(2026, 11, 23), NOV_23_LAST_SECOND
    )
    assert messages_for(record("INSERT", session())) == []  # and nothing for the insights queue


def test_later_calls_and_the_ttl_removal_of_a_session_are_no_new_session() -> None:
    old = session()
    new = old | {"calls": {"N": "2"}, "last_seen": {"N": str(NOV_23_10H + 60)}}
    assert session_started(record("MODIFY", new, old)) is None
    removed = {
        "eventName": "REMOVE",
        "dynamodb": {"Keys": {"pk": old["pk"], "sk": old["sk"]}, "OldImage": old},
    }
    assert session_started(removed) is None


@pytest.mark.parametrize(
    "image",
    [
        session(started_by={"S": "turn"}),  # a turn recorded its question: not next-questions usage
        {"pk": {"S": "TENANT#demo#NBQ#sess-1"}, "sk": {"S": "SESSION"}},  # written before the relay counted
    ],
    ids=["started-by-a-turn", "no-started-by"],
)
def test_a_session_not_started_by_next_questions_is_not_counted(image: dict[str, Any]) -> None:
    assert session_started(record("INSERT", image)) is None


@pytest.mark.parametrize("sk", ["CONVERSION#cv_1", "STATE", "HEADER", "MSG#00000"])
def test_other_items_start_no_session(sk: str) -> None:
    image = session() | {"sk": {"S": sk}}
    assert session_started(record("INSERT", image)) is None


def test_conversions_are_relayed_as_before_next_to_sessions() -> None:
    conversion = {
        "pk": {"S": "TENANT#demo#NBQ#sess-1"},
        "sk": {"S": "CONVERSION#cv_1"},
        "tenant_id": {"S": "demo"},
        "session_id": {"S": "sess-1"},
        "outcome": {"S": "lead"},
        "recorded_at": {"S": "2026-11-23T10:01:00Z"},
    }
    batch = [record("INSERT", session(), seq="1"), record("INSERT", conversion, seq="2")]

    assert [messages_for(r) for r in batch] == [
        [],
        [ConversionRecorded("demo", "sess-1", "cv_1", "lead", "2026-11-23T10:01:00Z")],
    ]
    assert [session_started(r) for r in batch] == [SessionStart("demo", date(2026, 11, 23), NOV_23_10H), None]


def test_a_counted_session_without_its_tenant_or_first_call_is_refused_so_the_record_is_retried() -> None:
    with pytest.raises(ValueError, match="tenant_id"):
        session_started(record("INSERT", {k: v for k, v in session().items() if k != "tenant_id"}))
    with pytest.raises(ValueError, match="first_seen"):
        session_started(record("INSERT", {k: v for k, v in session().items() if k != "first_seen"}))


def test_a_batch_of_several_tenants_and_days_is_one_count_per_tenant_and_day() -> None:
    batch = [
        record("INSERT", session("demo", "a", NOV_23_10H + 5), seq="10"),
        record("INSERT", session("acme", "a", NOV_23_10H), seq="11"),
        record(
            "MODIFY", session("demo", "a", NOV_23_10H + 5), session("demo", "a", NOV_23_10H + 5), seq="12"
        ),
        record("INSERT", session("demo", "b", NOV_23_10H), seq="13"),
        record("INSERT", session("demo", "c", NOV_24_00H), seq="14"),
        record("INSERT", session("demo", "d", NOV_23_LAST_SECOND), seq="15"),
        record("INSERT", session("acme", "b", NOV_24_00H + 1, started_by={"S": "turn"}), seq="16"),
    ]
    starts = [(r["dynamodb"]["SequenceNumber"], s) for r in batch if (s := session_started(r)) is not None]

    assert sessions_per_day(starts) == [
        SessionCount("demo", date(2026, 11, 23), 3, NOV_23_10H, "10"),
        SessionCount("acme", date(2026, 11, 23), 1, NOV_23_10H, "11"),
        SessionCount("demo", date(2026, 11, 24), 1, NOV_24_00H, "14"),
    ]
    assert sessions_per_day([]) == []
