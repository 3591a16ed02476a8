"""From committed writes to queue messages and usage: the DynamoDB stream relay.

The request paths only write; the tables' streams carry every change, and the relay turns the
ones that mean work into insights-queue messages. A trigger therefore exists exactly when its
write committed — no write without its message, no message for a write that did not happen.
Each repository decodes its own items from a stream image (``conversations.items``,
``nbq.items``); this module only decides what a change means.

The same stream also carries usage: the INSERT of a session item started by next-questions is one
new session of its tenant (``session_started``), counted on the UTC day of the item's
``first_seen`` — the time of the session's first call, not the relay's clock, so a batch delivered
late (or retried past midnight) still counts the right day.

``StreamRelay.relay`` handles one batch: every record's messages are sent with SendMessageBatch;
a record whose messages SQS refused is reported by its sequence number, and Lambda retries the
stream from the first of them. Records after a failed one are sent again on that retry: the worker
has at most one effect per message and webhook events keep their ids, so a duplicate is harmless.
A counter increment is not harmless twice, so usage is counted after the sends and only for the
records before the first one reported: those are never delivered again. The new sessions of that
prefix are added with one increment per (tenant, UTC day). If one fails, the first record of its
sessions is reported too and the remaining increments are not attempted. Counting is thus at least
once, and exactly once unless an increment fails after another one of the same batch succeeded or
the function dies between an increment and its answer (Lambda retries the whole batch).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any, Protocol

from parley.conversations.entities import COMPLETED, Conversation
from parley.conversations.items import header_from_stream, is_header_key
from parley.nbq.items import conversion_from_stream, session_from_stream
from parley.nbq.ports import STARTED_BY_NEXT_QUESTIONS
from parley.ports import Log
from parley.queues.messages import (
    ConversationCompleted,
    ConversationUpdated,
    ConversionRecorded,
    QueueMessage,
)
from parley.sessions.ports import STARTED_BY_V1

# Sessions that count as usage: the NBQ APIs' (beta next-questions and V1), not turn conversations.
USAGE_STARTERS = frozenset({STARTED_BY_NEXT_QUESTIONS, STARTED_BY_V1})


class MessageQueue(Protocol):
    def send_batch(self, messages: Sequence[QueueMessage]) -> set[int]:
        """Send the messages; the positions of those not sent (never raises)."""
        ...


class UsageCounter(Protocol):
    def add_sessions(self, tenant_id: str, day: date, count: int, now_epoch: int) -> None: ...


def messages_for(record: Mapping[str, Any]) -> list[QueueMessage]:
    """The messages one stream record calls for (none for most: chunks, counters, sessions…)."""
    change = record.get("dynamodb", {})
    keys = change.get("Keys", {})
    event = record.get("eventName")
    new, old = change.get("NewImage") or {}, change.get("OldImage") or {}
    if is_header_key(keys) and event in ("INSERT", "MODIFY"):
        after = header_from_stream(new)
        if after is None:
            raise ValueError("stream image lacks tenant_id")
        before = header_from_stream(old) if event == "MODIFY" else None
        return _header_messages(before, after, str(record.get("eventID") or ""))
    if event == "INSERT":
        conversion = conversion_from_stream(keys, new)
        if conversion is not None:
            return [
                ConversionRecorded(
                    tenant_id=conversion.tenant_id,
                    session_id=conversion.session_id,
                    conversion_id=conversion.conversion_id,
                    outcome=conversion.outcome,
                    occurred_at=conversion.recorded_at,
                )
            ]
    return []


@dataclass(frozen=True, slots=True)
class SessionStart:
    """A new next-questions session: one session of usage for ``tenant_id`` on ``day`` (UTC)."""

    tenant_id: str
    day: date
    first_seen: int  # epoch seconds of the session's first call


@dataclass(frozen=True, slots=True)
class SessionCount:
    """A batch's new sessions of one tenant on one day: one counter increment."""

    tenant_id: str
    day: date
    sessions: int
    first_seen: int  # the earliest of them (the counter item's TTL is reckoned from it)
    first_record: str  # the sequence number of the first of their records


def session_started(record: Mapping[str, Any]) -> SessionStart | None:
    """The session one stream record starts, if any: the INSERT of a session item whose creating
    call was a next-questions call or a V1 session's creation. MODIFY (a later call), REMOVE
    (TTL), a session started by a turn and any other item start none. An item without
    ``started_by`` is not counted either: it was written before the relay counted sessions, by
    code that counted it on the request path."""
    if record.get("eventName") != "INSERT":
        return None
    change = record.get("dynamodb", {})
    created = session_from_stream(change.get("Keys", {}), change.get("NewImage") or {})
    if created is None or created.started_by not in USAGE_STARTERS:
        return None
    day = datetime.fromtimestamp(created.first_seen, UTC).date()
    return SessionStart(created.tenant_id, day, created.first_seen)


def sessions_per_day(starts: Iterable[tuple[str, SessionStart]]) -> list[SessionCount]:
    """(sequence number, start) pairs in stream order → one count per (tenant, day), in the order
    of each one's first record."""
    counts: dict[tuple[str, date], SessionCount] = {}
    for sequence_number, start in starts:
        key = (start.tenant_id, start.day)
        seen = counts.get(key)
        if seen is None:
            counts[key] = SessionCount(start.tenant_id, start.day, 1, start.first_seen, sequence_number)
        else:
            counts[key] = SessionCount(
                seen.tenant_id,
                seen.day,
                seen.sessions + 1,
                min(seen.first_seen, start.first_seen),
                seen.first_record,
            )
    return list(counts.values())


class StreamRelay:
    def __init__(self, queue: MessageQueue, usage: UsageCounter, logger: Log) -> None:
        self._queue = queue
        self._usage = usage
        self._logger = logger

    def relay(self, records: Sequence[Mapping[str, Any]]) -> set[str]:
        """Send every record's messages, then count the new sessions; the sequence numbers of the
        records to retry."""
        unsent: set[str] = set()
        messages: list[QueueMessage] = []
        owners: list[str] = []
        starts: list[tuple[int, str, SessionStart]] = []
        for position, record in enumerate(records):
            sequence_number = record["dynamodb"]["SequenceNumber"]
            try:
                found = messages_for(record)
                started = session_started(record)
            except (ValueError, KeyError, TypeError):
                self._logger.exception("unreadable stream record", extra={"sequence_number": sequence_number})
                unsent.add(sequence_number)
                continue
            messages += found
            owners += [sequence_number] * len(found)
            if started is not None:
                starts.append((position, sequence_number, started))
        for position in self._queue.send_batch(messages):
            unsent.add(owners[position])
        return unsent | self._count_sessions(records, starts, unsent)

    def _count_sessions(
        self,
        records: Sequence[Mapping[str, Any]],
        starts: list[tuple[int, str, SessionStart]],
        unsent: set[str],
    ) -> set[str]:
        """Add the new sessions before the first record to retry to the usage counters (one
        increment per tenant and day); the sequence number to retry from when one failed."""
        retried_from = next(
            (n for n, record in enumerate(records) if record["dynamodb"]["SequenceNumber"] in unsent),
            len(records),
        )
        counts = sessions_per_day((sequence, start) for n, sequence, start in starts if n < retried_from)
        for count in counts:
            try:
                self._usage.add_sessions(count.tenant_id, count.day, count.sessions, count.first_seen)
            except Exception:
                self._logger.exception(
                    "sessions not counted; the stream retries them",
                    extra={"sequence_number": count.first_record, "day": count.day.isoformat()},
                )
                return {count.first_record}
        return set()


# Header attributes whose change is a conversation.updated, with the API's names. An append always
# moves message_count (so messages, content and updatedAt change together, as the API reports).
_WATCHED = (("status", "status"), ("metadata", "metadata"), ("title", "title"), ("user_id", "userId"))


def _header_messages(before: Conversation | None, after: Conversation, change_id: str) -> list[QueueMessage]:
    messages: list[QueueMessage] = []
    if before is not None:
        changed = _changed_fields(before, after)
        if changed:
            messages.append(
                ConversationUpdated(after.tenant_id, after.id, changed, after.updated_at, change_id)
            )
    was_completed = before is not None and before.status == COMPLETED
    if after.status == COMPLETED and not was_completed:
        messages.append(ConversationCompleted(after.tenant_id, after.id, after.updated_at))
    return messages


def _changed_fields(before: Conversation, after: Conversation) -> tuple[str, ...]:
    """What ``conversations.service`` reports for an append; () for other header writes (insights
    stored, list keys moved), which are not conversation.updated events."""
    appended = before.message_count != after.message_count
    watched = [api for attribute, api in _WATCHED if getattr(before, attribute) != getattr(after, attribute)]
    if not appended and not watched:
        return ()
    return (*(("messages", "content") if appended else ()), "updatedAt", *watched)
