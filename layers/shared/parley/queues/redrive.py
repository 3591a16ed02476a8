"""Dead-letter queues: what is in them, and moving their messages back once the cause is fixed.

What is shown is counts, ages, kinds and, on request, the ids a message is about (tenant,
conversation, event, webhook): never a message's content. Reading a body here only classifies it.

Two ways back to the source queue, with the same semantics — every message moved goes to the
queue whose redrive policy names the dead-letter queue, with its body and message attributes
unchanged, as a new message (its receive count starts again), at least once (a message is deleted
from the dead-letter queue only after it was sent):

- **SQS's message-move task** (``StartMessageMoveTask``) on AWS: SQS moves every message itself,
  at a rate it picks (or ``max_per_second``), and ``ListMessageMoveTasks`` follows it. One task at
  a time per queue: a redrive while one runs reports it and starts nothing.
- **Receive and re-send**, where no move task is offered (moto, so the local gateway) or where the
  dead-letter queue holds messages its source's consumer cannot take: the descriptions of stream
  batches the relay gave up on (Lambda's on-failure records) are kept, since re-sending them would
  only fail five more times. They are redriven by re-reading the stream (docs/operations.md).

Both are safe to run twice: what was moved is gone from the dead-letter queue, and a message kept
is released at once for the next look.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from parley.queues.messages import decode

SQS_BATCH = 10
# A message examined by a listing is hidden this long at most; the listing releases it at once.
PEEK_VISIBILITY_SECONDS = 30
# A message being re-sent is hidden this long (ample for one send and one delete).
RESEND_VISIBILITY_SECONDS = 120
DEFAULT_EXAMINE_LIMIT = 1000

STREAM_BATCH = "stream-batch"  # Lambda's on-failure record of a stream batch (the relay's)
UNKNOWN = "unknown"
UNREADABLE = "unreadable"
MOVE_TASK = "move-task"
RESEND = "resend"


@dataclass(frozen=True)
class QueueRef:
    name: str
    url: str
    arn: str


@dataclass(frozen=True)
class DeadLetterQueue:
    queue: QueueRef
    sources: tuple[QueueRef, ...]

    @property
    def name(self) -> str:
        return self.queue.name


@dataclass(frozen=True)
class Examined:
    """One message as a listing sees it: never its content."""

    message_id: str
    kind: str
    redrivable: bool
    sent_at: int  # epoch ms (SQS's SentTimestamp: kept when SQS moves a message to the DLQ)
    receives: int
    about: dict[str, str] = field(default_factory=dict)


def dead_letter_queues(sqs: Any, queues: Mapping[str, str]) -> list[DeadLetterQueue]:
    """The dead-letter queues among ``queues`` (name -> URL), each with the queues that name it in
    their redrive policy."""
    refs: dict[str, QueueRef] = {}
    targets: dict[str, str] = {}
    for name, url in queues.items():
        attributes = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn", "RedrivePolicy"])[
            "Attributes"
        ]
        refs[name] = QueueRef(name, url, attributes["QueueArn"])
        if attributes.get("RedrivePolicy"):
            targets[name] = json.loads(attributes["RedrivePolicy"])["deadLetterTargetArn"]
    found = []
    for ref in refs.values():
        sources = tuple(refs[name] for name, target in targets.items() if target == ref.arn)
        if sources:
            found.append(DeadLetterQueue(ref, sources))
    return found


def examine_message(message: Mapping[str, Any]) -> Examined:
    attributes = message.get("Attributes") or {}
    kind, redrivable, about = _classify(str(message.get("Body", "")))
    return Examined(
        message_id=str(message["MessageId"]),
        kind=kind,
        redrivable=redrivable,
        sent_at=int(attributes.get("SentTimestamp", 0)),
        receives=int(attributes.get("ApproximateReceiveCount", 0)),
        about=about,
    )


def _classify(body: str) -> tuple[str, bool, dict[str, str]]:
    """(kind, whether a Parley consumer takes it, the ids it is about)."""
    try:
        data = json.loads(body)
    except ValueError:
        return UNREADABLE, False, {}
    if not isinstance(data, dict):
        return UNKNOWN, False, {}
    batch = next((v for k, v in data.items() if k.endswith("StreamBatchInfo") and isinstance(v, dict)), None)
    if batch is not None:
        about = {
            "stream": str(batch.get("streamArn", "")),
            "shard": str(batch.get("shardId", "")),
            "first_sequence": str(batch.get("startSequenceNumber", "")),
            "last_sequence": str(batch.get("endSequenceNumber", "")),
            "records": str(batch.get("batchSize", "")),
        }
        return STREAM_BATCH, False, about
    kind = data.get("kind")
    if not isinstance(kind, str):
        return UNKNOWN, False, {}
    try:
        decode(body)
    except ValueError:
        return kind, False, {}
    about = {key: value for key, value in data.items() if key.endswith("_id") and isinstance(value, str)}
    return kind, True, about


def peek(sqs: Any, url: str, limit: int = DEFAULT_EXAMINE_LIMIT) -> list[Examined]:
    """Up to ``limit`` messages of a queue, examined and released again at once."""
    seen: dict[str, Examined] = {}
    handles: list[str] = []
    try:
        while len(seen) < limit:
            batch = _receive(sqs, url, PEEK_VISIBILITY_SECONDS, min(SQS_BATCH, limit - len(seen)))
            fresh = [m for m in batch if m["MessageId"] not in seen]
            handles += [m["ReceiptHandle"] for m in batch]
            if not fresh:
                break
            for message in fresh:
                seen[message["MessageId"]] = examine_message(message)
    finally:
        _release(sqs, url, handles)
    return list(seen.values())


def _receive(sqs: Any, url: str, visibility: int, count: int = SQS_BATCH) -> list[dict[str, Any]]:
    messages: list[dict[str, Any]] = sqs.receive_message(
        QueueUrl=url,
        MaxNumberOfMessages=count,
        # Long polling asks every SQS server: a short poll may answer empty while messages wait.
        WaitTimeSeconds=1,
        VisibilityTimeout=visibility,
        AttributeNames=["All"],
        MessageAttributeNames=["All"],
    ).get("Messages", [])
    return messages


def _release(sqs: Any, url: str, handles: Sequence[str]) -> None:
    """Make received messages visible again (a handle that expired meanwhile is already visible)."""
    for start in range(0, len(handles), SQS_BATCH):
        chunk = handles[start : start + SQS_BATCH]
        sqs.change_message_visibility_batch(
            QueueUrl=url,
            Entries=[{"Id": str(n), "ReceiptHandle": h, "VisibilityTimeout": 0} for n, h in enumerate(chunk)],
        )


def _iso(epoch_ms: int) -> str | None:
    if not epoch_ms:
        return None
    return datetime.fromtimestamp(epoch_ms / 1000, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def report(
    sqs: Any,
    dlq: DeadLetterQueue,
    *,
    limit: int = DEFAULT_EXAMINE_LIMIT,
    with_messages: bool = False,
    move_tasks_offered: bool = True,
    now_ms: int | None = None,
) -> dict[str, Any]:
    """What a dead-letter queue holds: counts, the oldest message, kinds, the last move task
    (``move_tasks_offered`` False: the endpoint has none to ask about, e.g. moto)."""
    counts = sqs.get_queue_attributes(
        QueueUrl=dlq.queue.url,
        AttributeNames=[
            "ApproximateNumberOfMessages",
            "ApproximateNumberOfMessagesNotVisible",
            "ApproximateNumberOfMessagesDelayed",
        ],
    )["Attributes"]
    examined = peek(sqs, dlq.queue.url, limit)
    now_ms = now_ms if now_ms is not None else int(datetime.now(UTC).timestamp() * 1000)
    kinds: dict[str, dict[str, Any]] = {}
    for message in sorted(examined, key=lambda m: m.sent_at):
        entry = kinds.setdefault(
            message.kind, {"messages": 0, "redrivable": 0, "oldest": _iso(message.sent_at)}
        )
        entry["messages"] += 1
        entry["redrivable"] += int(message.redrivable)
    oldest = min((m.sent_at for m in examined if m.sent_at), default=0)
    result: dict[str, Any] = {
        "queue": dlq.name,
        "source_queues": [source.name for source in dlq.sources],
        "messages": int(counts.get("ApproximateNumberOfMessages", 0)),
        "in_flight": int(counts.get("ApproximateNumberOfMessagesNotVisible", 0)),
        "examined": len(examined),
        "oldest": _iso(oldest),
        "oldest_age_seconds": (now_ms - oldest) // 1000 if oldest else None,
        "kinds": dict(sorted(kinds.items())),
        "move_task": last_move_task(sqs, dlq) if move_tasks_offered else None,
    }
    if with_messages:
        result["message_list"] = [
            {
                "message_id": m.message_id,
                "kind": m.kind,
                "sent_at": _iso(m.sent_at),
                "receives": m.receives,
                "redrivable": m.redrivable,
                **m.about,
            }
            for m in sorted(examined, key=lambda m: m.sent_at)
        ]
    return result


# ------------------------------------------------------------------------------------------------
# Moving messages back
# ------------------------------------------------------------------------------------------------
def move_tasks(sqs: Any, dlq: DeadLetterQueue) -> list[dict[str, Any]] | None:
    """The queue's recent message-move tasks, newest first; None where SQS offers none (moto)."""
    from botocore.exceptions import BotoCoreError, ClientError

    try:
        response = sqs.list_message_move_tasks(SourceArn=dlq.queue.arn, MaxResults=10)
    except (ClientError, BotoCoreError, NotImplementedError):  # the last: moto in-process
        return None
    tasks: list[dict[str, Any]] = response.get("Results", [])
    return tasks


def last_move_task(sqs: Any, dlq: DeadLetterQueue) -> dict[str, Any] | None:
    tasks = move_tasks(sqs, dlq)
    if not tasks:
        return None
    task = tasks[0]
    return {
        "status": task.get("Status"),
        "moved": task.get("ApproximateNumberOfMessagesMoved"),
        "to_move": task.get("ApproximateNumberOfMessagesToMove"),
        "started_at": _iso(int(task.get("StartedTimestamp", 0))),
        "failure_reason": task.get("FailureReason"),
    }


def redrive(
    sqs: Any,
    dlq: DeadLetterQueue,
    *,
    method: str = MOVE_TASK,
    max_per_second: int | None = None,
    limit: int = DEFAULT_EXAMINE_LIMIT,
    move_tasks_offered: bool = True,
) -> dict[str, Any]:
    """Move a dead-letter queue's messages back to their source queue (see the module's doc).

    Where move tasks are offered, a running one is reported and nothing else is done (whatever
    ``method``), so a redrive never races another."""
    if len(dlq.sources) != 1:
        # Every Parley dead-letter queue serves one queue; more would need each message's origin.
        raise ValueError(f"{dlq.name} serves {len(dlq.sources)} queues; redrive it with the AWS console")
    tasks = move_tasks(sqs, dlq) if move_tasks_offered else None
    running = [t for t in tasks or [] if t.get("Status") in ("RUNNING", "CANCELLING")]
    result: dict[str, Any] = {"queue": dlq.name, "destination": dlq.sources[0].name}
    if running:
        return {
            **result,
            "method": MOVE_TASK,
            "status": "already-running",
            "move_task": last_move_task(sqs, dlq),
        }
    if method == MOVE_TASK and tasks is None:
        result["note"] = "this SQS endpoint offers no message-move task: re-sending one by one"
    elif method == MOVE_TASK:
        examined = peek(sqs, dlq.queue.url, limit)
        if not examined:
            return {**result, "method": MOVE_TASK, "status": "nothing-to-move", "moved": 0}
        kept = sorted({m.kind for m in examined if not m.redrivable})
        if not kept:
            return {**result, **start_move_task(sqs, dlq, max_per_second)}
        # A move task takes everything; these would only fail in the source queue and come back.
        result["note"] = f"kinds {', '.join(kept)} stay: re-sending the others one by one"
    moved, kept_kinds = resend(sqs, dlq)
    return {
        **result,
        "method": RESEND,
        "status": "moved" if moved else "nothing-to-move",
        "moved": moved,
        "kept": kept_kinds,
    }


def start_move_task(sqs: Any, dlq: DeadLetterQueue, max_per_second: int | None) -> dict[str, Any]:
    request: dict[str, Any] = {"SourceArn": dlq.queue.arn, "DestinationArn": dlq.sources[0].arn}
    if max_per_second:
        request["MaxNumberOfMessagesPerSecond"] = max_per_second
    handle = sqs.start_message_move_task(**request)["TaskHandle"]
    return {"method": MOVE_TASK, "status": "started", "task_handle": handle}


def resend(sqs: Any, dlq: DeadLetterQueue) -> tuple[int, dict[str, int]]:
    """Receive every message, re-send those a consumer takes to the source queue, delete them;
    the others are released. Returns how many moved and, by kind, how many stayed."""
    destination = dlq.sources[0].url
    seen: set[str] = set()
    kept: list[dict[str, Any]] = []
    kept_kinds: dict[str, int] = {}
    moved = 0
    try:
        while True:
            batch = _receive(sqs, dlq.queue.url, RESEND_VISIBILITY_SECONDS)
            fresh = [m for m in batch if m["MessageId"] not in seen]
            kept += [m for m in batch if m["MessageId"] in seen]  # came back: release it again
            if not fresh:
                break
            seen.update(m["MessageId"] for m in fresh)
            to_send = []
            for message in fresh:
                examined = examine_message(message)
                if examined.redrivable:
                    to_send.append(message)
                else:
                    kept.append(message)
                    kept_kinds[examined.kind] = kept_kinds.get(examined.kind, 0) + 1
            sent, failed = _send(sqs, destination, to_send)
            kept += failed
            _delete(sqs, dlq.queue.url, sent)
            moved += len(sent)
    finally:
        _release(sqs, dlq.queue.url, [m["ReceiptHandle"] for m in kept])
    return moved, kept_kinds


def _send(
    sqs: Any, url: str, messages: list[dict[str, Any]]
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    if not messages:
        return [], []
    entries = [
        {
            "Id": str(n),
            "MessageBody": m["Body"],
            "MessageAttributes": {
                name: {k: v for k, v in value.items() if k in ("DataType", "StringValue", "BinaryValue")}
                for name, value in (m.get("MessageAttributes") or {}).items()
            },
        }
        for n, m in enumerate(messages)
    ]
    response = sqs.send_message_batch(QueueUrl=url, Entries=entries)
    failed_ids = {int(entry["Id"]) for entry in response.get("Failed", [])}
    sent = [m for n, m in enumerate(messages) if n not in failed_ids]
    return sent, [m for n, m in enumerate(messages) if n in failed_ids]


def _delete(sqs: Any, url: str, messages: list[dict[str, Any]]) -> None:
    if messages:
        sqs.delete_message_batch(
            QueueUrl=url,
            Entries=[{"Id": str(n), "ReceiptHandle": m["ReceiptHandle"]} for n, m in enumerate(messages)],
        )
