"""Conversations in DynamoDB — the only module here that speaks boto3.

Layout of the ConversationsTable (``pk`` / ``sk``, all strings; ``T#<tenant>`` is in every key,
so no read can reach another tenant's data):

====================================  ==============  ============================================
pk                                    sk              what
====================================  ==============  ============================================
``T#<tenant>#C#<conversation id>``    ``HEADER``      status, prompt, counts, metadata, list keys
``T#<tenant>#C#<conversation id>``    ``INSIGHTS``    the insights (JSON), once the worker wrote them
``T#<tenant>#C#<conversation id>``    ``MSG#<nnnnn>`` a chunk of consecutive messages (JSON array)
                                                      starting at position ``nnnnn``
``T#<tenant>#IDEM#<key>``             ``IDEM``        idempotency key → conversation id (TTL 24 h)
``COUNT#<list partition>``            ``COUNT``       how many conversations that partition lists
====================================  ==============  ============================================

Messages live in chunk items of at most ~300 KB, so a conversation of any allowed size (512 KB
of content, 500 messages) is a few items, each under DynamoDB's 400 KB item limit, and one
Query reads the header, the insights and every chunk in order.

**Appends** are one TransactWriteItems: update the header on the condition that
``message_count`` (the version: every append adds at least one message) and ``status`` are what
the caller read, and put the new chunks at positions ``count …``. A concurrent append makes the
condition fail; the caller gets the current header back (``ReturnValuesOnConditionCheckFailure``)
and retries on it, so all concurrent appends land, each call's messages contiguous.

**List** reads one of eight sparse-free GSIs, one per combination of the filters (none, prompt,
status, insights and their pairs and triple). Each GSI's partition key is the tenant plus the
filter values, its sort key ``list_sk`` (creation time in µs + id) sorts newest first, and it
projects only the list fields, so a page reads only conversations that match — never the tenant's
others. ``pagination.total`` is a counter item per list partition, moved in the same transaction
that creates a conversation, completes it or gives it insights, so it is exact and costs one
GetItem. Offsets are read from whichever end of the partition is nearer.
"""

from __future__ import annotations

import json
import random
import time
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any

from parley.conversations.entities import (
    AppendKey,
    AppendKeyUsed,
    ConcurrentUpdate,
    Conversation,
    ConversationPage,
    ListFilters,
    OutcomeChanged,
    StoredConversation,
)
from parley.conversations.items import (
    APPEND_KEY_PREFIX,
    CHUNK_PREFIX,
    COUNTER_SK,
    HEADER_SK,
    IDEMPOTENCY_SK,
    INSIGHTS_SK,
    LIST_INDEXES,
    LIST_SK,
    SESSION_LINK_PREFIX,
    ListIndex,
    chunk_messages,
    chunk_sk,
    conversation_from_item,
    conversation_pk,
    cursor_for,
    cursor_position,
    dims_of,
    header_item,
    idempotency_pk,
    index_for,
    key,
    session_link,
    session_link_pk,
    summary_from_item,
    to_json,
)
from parley.store import error_code, translated_errors

if TYPE_CHECKING:
    from parley.conversations.models import Insights

IDEMPOTENCY_TTL_SECONDS = 24 * 3600
# Busy-item retries of a create (counter items are shared by a tenant's concurrent creates).
_CREATE_ATTEMPTS = 8


class DynamoConversationRepository:
    def __init__(self, client: Any, table_name: str) -> None:
        self._client = client
        self._table = table_name

    # ---------------------------------------------------------------------------------------
    # Writes
    # ---------------------------------------------------------------------------------------
    def create(
        self,
        conversation: Conversation,
        messages: Sequence[dict[str, Any]],
        list_sk: str,
        idempotency_key: str | None,
        now_epoch: int,
    ) -> tuple[Conversation, bool]:
        """Store a new conversation; with a key already used in the last 24 h, the existing one.

        Returns the conversation and whether it was created now.
        """
        items: list[dict[str, Any]] = [
            {
                "Put": {
                    "TableName": self._table,
                    "Item": header_item(conversation, list_sk),
                    "ConditionExpression": "attribute_not_exists(pk)",
                }
            }
        ]
        items += self._chunk_puts(conversation, messages, 0)
        items.append({"Put": {"TableName": self._table, "Item": session_link(conversation)}})
        key_position = None
        if idempotency_key is not None:
            key_position = len(items)
            items.append(
                {
                    "Put": {
                        "TableName": self._table,
                        "Item": {
                            "pk": {"S": idempotency_pk(conversation.tenant_id, idempotency_key)},
                            "sk": {"S": IDEMPOTENCY_SK},
                            "conversation_id": {"S": conversation.id},
                            "expires_at": {"N": str(now_epoch + IDEMPOTENCY_TTL_SECONDS)},
                        },
                        # DynamoDB deletes expired items lazily: an expired key is free again.
                        "ConditionExpression": "attribute_not_exists(pk) OR expires_at < :now",
                        "ExpressionAttributeValues": {":now": {"N": str(now_epoch)}},
                        "ReturnValuesOnConditionCheckFailure": "ALL_OLD",
                    }
                }
            )
        items += [self._count(index.partition(*dims_of(conversation)), 1) for index in LIST_INDEXES]

        for attempt in range(_CREATE_ATTEMPTS):
            try:
                self._transact(items, "TransactWriteItems create conversation")
                return conversation, True
            except _Cancelled as cancelled:
                if key_position is not None and cancelled.code_at(key_position) == "ConditionalCheckFailed":
                    known = cancelled.item_at(key_position)
                    existing = self._existing_for_key(known, conversation, idempotency_key)
                    if existing is not None:
                        return existing, False
                if not cancelled.only_conflicts or attempt == _CREATE_ATTEMPTS - 1:
                    raise cancelled.error from None
                _backoff(attempt)
        raise AssertionError("unreachable")  # pragma: no cover

    def append(
        self,
        before: Conversation,
        after: Conversation,
        messages: Sequence[dict[str, Any]],
        key: AppendKey | None = None,
        now_epoch: int = 0,
    ) -> None:
        """Add ``messages`` at position ``before.message_count`` and store ``after``'s header.

        Raises ``ConcurrentUpdate`` when the header is no longer ``before``, ``AppendKeyUsed`` when
        ``key`` was used by an append of the last 24 h (the key's item is written in the same
        transaction, so of two appends with one key exactly one commits).
        """
        items = [self._header_update(before, after)]
        items += self._chunk_puts(before, messages, before.message_count)
        if after.status != before.status:
            items += self._moved_counts(before, after, "s")
        if after.session_id != before.session_id:
            items.append({"Put": {"TableName": self._table, "Item": session_link(after)}})
        if key is not None:
            items.append(self._append_key_put(before, after, key, now_epoch))
        try:
            self._transact(items, "TransactWriteItems append messages")
        except _Cancelled as cancelled:
            if key is not None and cancelled.code_at(len(items) - 1) == "ConditionalCheckFailed":
                used = cancelled.item_at(len(items) - 1)
                raise AppendKeyUsed(_append_key(key.key, used) if used else key) from None
            if cancelled.code_at(0) == "ConditionalCheckFailed":
                old = cancelled.item_at(0)
                raise ConcurrentUpdate(conversation_from_item(old) if old else None) from None
            if cancelled.only_conflicts or "ConditionalCheckFailed" in cancelled.codes:
                raise ConcurrentUpdate(None) from None
            raise cancelled.error from None

    def append_key(self, tenant_id: str, conversation_id: str, key_: str, now_epoch: int) -> AppendKey | None:
        with translated_errors("GetItem append key"):
            item = self._client.get_item(
                TableName=self._table,
                Key=key(conversation_pk(tenant_id, conversation_id), APPEND_KEY_PREFIX + key_),
                ConsistentRead=True,
            ).get("Item")
        if not item or int(item["expires_at"]["N"]) < now_epoch:  # expired: DynamoDB deletes lazily
            return None
        return _append_key(key_, item)

    def _append_key_put(
        self, before: Conversation, after: Conversation, append_key: AppendKey, now_epoch: int
    ) -> dict[str, Any]:
        return {
            "Put": {
                "TableName": self._table,
                "Item": {
                    **key(conversation_pk(before.tenant_id, before.id), APPEND_KEY_PREFIX + append_key.key),
                    "message_count": {"N": str(after.message_count)},
                    "request_hash": {"S": append_key.request_hash},
                    "expires_at": {"N": str(now_epoch + IDEMPOTENCY_TTL_SECONDS)},
                },
                "ConditionExpression": "attribute_not_exists(pk) OR expires_at < :now",
                "ExpressionAttributeValues": {":now": {"N": str(now_epoch)}},
                "ReturnValuesOnConditionCheckFailure": "ALL_OLD",
            }
        }

    def _header_update(self, before: Conversation, after: Conversation) -> dict[str, Any]:
        """The header's update to ``after``, on the condition that it is still ``before``."""
        values: dict[str, Any] = {
            ":expected": {"N": str(before.message_count)},
            ":before_status": {"S": before.status},
            ":before_insights": {"BOOL": before.has_insights},
            ":status": {"S": after.status},
            ":updated": {"S": after.updated_at},
            ":count": {"N": str(after.message_count)},
            ":bytes": {"N": str(after.content_bytes)},
            ":metadata": {"S": to_json(after.metadata)},
        }
        sets = [
            "#status = :status",
            "updated_at = :updated",
            "message_count = :count",
            "content_bytes = :bytes",
            "metadata = :metadata",
        ]
        for attribute, value in (("title", after.title), ("user_id", after.user_id)):
            if value is not None:
                sets.append(f"{attribute} = :{attribute}")
                values[f":{attribute}"] = {"S": value}
        if after.completed_at is not None and before.completed_at is None:
            sets.append("completed_at = :completed_at")
            values[":completed_at"] = {"S": after.completed_at}
        if after.status != before.status:
            # Only the list partitions that involve the status move; the others keep their key.
            for index in LIST_INDEXES:
                if "s" in index.dims:
                    sets.append(f"{index.pk_attribute} = :{index.pk_attribute}")
                    values[f":{index.pk_attribute}"] = {"S": index.partition(*dims_of(after))}
        return {
            "Update": {
                "TableName": self._table,
                "Key": key(conversation_pk(before.tenant_id, before.id), HEADER_SK),
                "UpdateExpression": "SET " + ", ".join(sets),
                "ConditionExpression": (
                    "message_count = :expected AND #status = :before_status "
                    "AND has_insights = :before_insights"
                ),
                "ExpressionAttributeNames": {"#status": "status"},
                "ExpressionAttributeValues": values,
                "ReturnValuesOnConditionCheckFailure": "ALL_OLD",
            }
        }

    def put_insights(
        self, tenant_id: str, conversation_id: str, insights: Insights, outcome_at: str | None = None
    ) -> bool:
        """Store (or replace) a conversation's insights and list it under ``hasInsights=true``.

        For the insights worker, whose analysis read the outcome recorded at ``outcome_at``:
        ``OutcomeChanged`` when another was recorded since (analyse again). Returns False when the
        conversation does not exist.
        """
        body = {"S": insights.model_dump_json(by_alias=True)}
        pk = conversation_pk(tenant_id, conversation_id)
        for attempt in range(_CREATE_ATTEMPTS):
            current = self.get_header(tenant_id, conversation_id)
            if current is None:
                return False
            if current.outcome_at != outcome_at:
                raise OutcomeChanged(conversation_id)
            put = {"Put": {"TableName": self._table, "Item": {**key(pk, INSIGHTS_SK), "body": body}}}
            if current.has_insights:
                with translated_errors("PutItem insights"):
                    self._client.put_item(**put["Put"])
                return True
            try:
                self._transact([put, *self._insights_listed(current)], "TransactWriteItems put insights")
                return True
            except _Cancelled as cancelled:
                if cancelled.code_at(1) != "ConditionalCheckFailed" and not cancelled.only_conflicts:
                    raise cancelled.error from None
                _backoff(attempt)
        raise ConcurrentUpdate(None)

    def _insights_listed(self, current: Conversation) -> list[dict[str, Any]]:
        """The header's move to ``hasInsights=true`` (on the condition that nothing it was analysed
        from changed: status, insights, the recorded outcome), and its list counters."""
        after = _replace(current, has_insights=True)
        values: dict[str, Any] = {
            ":true": {"BOOL": True},
            ":false": {"BOOL": False},
            ":status": {"S": current.status},
        }
        sets = ["has_insights = :true"]
        for index in LIST_INDEXES:
            if "h" in index.dims:
                sets.append(f"{index.pk_attribute} = :{index.pk_attribute}")
                values[f":{index.pk_attribute}"] = {"S": index.partition(*dims_of(after))}
        condition = "has_insights = :false AND #status = :status AND "
        if current.outcome_at is None:
            condition += "attribute_not_exists(outcome_at)"
        else:
            condition += "outcome_at = :outcome_at"
            values[":outcome_at"] = {"S": current.outcome_at}
        update = {
            "Update": {
                "TableName": self._table,
                "Key": key(conversation_pk(current.tenant_id, current.id), HEADER_SK),
                "UpdateExpression": "SET " + ", ".join(sets),
                "ConditionExpression": condition,
                "ExpressionAttributeNames": {"#status": "status"},
                "ExpressionAttributeValues": values,
            }
        }
        return [update, *self._moved_counts(current, after, "h")]

    def record_outcome(
        self, tenant_id: str, conversation_id: str, outcome: str, recorded_at: str, insights: Insights | None
    ) -> bool:
        """Record ``outcome`` on the conversation unless a later one is recorded already; with
        ``insights`` (the stored ones, brought up to date), replace them in the same write.
        False when nothing was written (no such conversation, a later outcome, insights changed)."""
        pk = conversation_pk(tenant_id, conversation_id)
        values: dict[str, Any] = {":outcome": {"S": outcome}, ":at": {"S": recorded_at}}
        condition = "attribute_exists(pk) AND (attribute_not_exists(outcome_at) OR outcome_at < :at)"
        items: list[dict[str, Any]] = []
        if insights is not None:
            condition += " AND has_insights = :true"
            values[":true"] = {"BOOL": True}
            body = {"S": insights.model_dump_json(by_alias=True)}
            items.append({"Put": {"TableName": self._table, "Item": {**key(pk, INSIGHTS_SK), "body": body}}})
        items.insert(
            0,
            {
                "Update": {
                    "TableName": self._table,
                    "Key": key(pk, HEADER_SK),
                    "UpdateExpression": "SET outcome = :outcome, outcome_at = :at",
                    "ConditionExpression": condition,
                    "ExpressionAttributeValues": values,
                }
            },
        )
        try:
            self._transact(items, "TransactWriteItems record outcome")
        except _Cancelled as cancelled:
            if cancelled.code_at(0) == "ConditionalCheckFailed":
                return False
            raise cancelled.error from None
        return True

    def conversations_of_session(self, tenant_id: str, session_id: str) -> list[str]:
        """The ids of the conversations that belong (or belonged) to a session."""
        items = self._query(
            "Query session conversations",
            KeyConditionExpression="pk = :pk AND begins_with(sk, :prefix)",
            ExpressionAttributeValues={
                ":pk": {"S": session_link_pk(tenant_id, session_id)},
                ":prefix": {"S": SESSION_LINK_PREFIX},
            },
        )
        return [item["sk"]["S"].removeprefix(SESSION_LINK_PREFIX) for item in items]

    # ---------------------------------------------------------------------------------------
    # Reads
    # ---------------------------------------------------------------------------------------
    def get_header(self, tenant_id: str, conversation_id: str) -> Conversation | None:
        with translated_errors("GetItem conversation"):
            response = self._client.get_item(
                TableName=self._table,
                Key=key(conversation_pk(tenant_id, conversation_id), HEADER_SK),
                ConsistentRead=True,
            )
        item = response.get("Item")
        return conversation_from_item(item) if item else None

    def get(
        self, tenant_id: str, conversation_id: str, *, messages: bool = True
    ) -> StoredConversation | None:
        """Header, insights and (unless ``messages=False``) every message: one Query."""
        condition = "pk = :pk AND sk >= :first" if messages else "pk = :pk AND sk BETWEEN :first AND :last"
        values = {":pk": {"S": conversation_pk(tenant_id, conversation_id)}, ":first": {"S": HEADER_SK}}
        if not messages:
            values[":last"] = {"S": INSIGHTS_SK}
        header, insights, chunks = None, None, []
        for item in self._query(
            "Query conversation",
            KeyConditionExpression=condition,
            ExpressionAttributeValues=values,
            ConsistentRead=True,
        ):
            sk = item["sk"]["S"]
            if sk == HEADER_SK:
                header = conversation_from_item(item)
            elif sk == INSIGHTS_SK:
                from parley.conversations.models import Insights

                insights = Insights.model_validate_json(item["body"]["S"])
            elif sk.startswith(CHUNK_PREFIX):
                chunks.append(item["messages"]["S"])
        if header is None:
            return None
        return StoredConversation(header, [m for chunk in chunks for m in json.loads(chunk)], insights)

    def messages_before(self, tenant_id: str, conversation_id: str, count: int) -> list[dict[str, Any]]:
        """The first ``count`` messages, whatever was appended after them."""
        if count <= 0:
            return []
        chunks = self._query(
            "Query messages",
            KeyConditionExpression="pk = :pk AND sk BETWEEN :first AND :last",
            ExpressionAttributeValues={
                ":pk": {"S": conversation_pk(tenant_id, conversation_id)},
                ":first": {"S": chunk_sk(0)},
                ":last": {"S": chunk_sk(count - 1)},
            },
            ProjectionExpression="messages",
            ConsistentRead=True,
        )
        return [message for item in chunks for message in json.loads(item["messages"]["S"])]

    def page(
        self, tenant_id: str, filters: ListFilters, limit: int, offset: int, cursor: str | None = None
    ) -> ConversationPage:
        """One page, newest first, the exact number of matches, and the cursor of the next page.

        An offset page reads from whichever end of the partition is nearer (the service bounds the
        offset); a cursor page reads ``limit`` items after the cursor's, wherever it is.
        """
        index = index_for(filters)
        partition = index.partition(tenant_id, filters.prompt_id, filters.status, filters.has_insights)
        with translated_errors("GetItem conversation count"):
            counted = self._client.get_item(
                TableName=self._table, Key=key(f"COUNT#{partition}", COUNTER_SK), ConsistentRead=True
            ).get("Item")
        total = int(counted["total"]["N"]) if counted else 0
        if cursor is not None:
            return self._page_after(tenant_id, index, partition, limit, cursor, total)
        if offset >= total:
            return ConversationPage([], total)
        newest_first = offset + limit <= total - offset
        wanted = offset + limit if newest_first else total - offset
        items = list(
            self._query(
                "Query conversation list",
                IndexName=index.name,
                KeyConditionExpression="#pk = :pk",
                ExpressionAttributeNames={"#pk": index.pk_attribute},
                ExpressionAttributeValues={":pk": {"S": partition}},
                ScanIndexForward=not newest_first,
                Limit=min(wanted, 1000),
                max_items=wanted,
            )
        )
        page = (items[offset:] if newest_first else list(reversed(items[-limit:])))[:limit]
        more = offset + len(page) < total
        return ConversationPage(
            [summary_from_item(item) for item in page], total, _cursor_of(page[-1]) if page and more else None
        )

    def _page_after(
        self, tenant_id: str, index: ListIndex, partition: str, limit: int, cursor: str, total: int
    ) -> ConversationPage:
        after = cursor_position(cursor)
        conversation_id = after.split("#", 1)[1]
        start = {
            **key(conversation_pk(tenant_id, conversation_id), HEADER_SK),
            index.pk_attribute: {"S": partition},
            LIST_SK: {"S": after},
        }
        items = list(
            self._query(
                "Query conversation list",
                IndexName=index.name,
                KeyConditionExpression="#pk = :pk",
                ExpressionAttributeNames={"#pk": index.pk_attribute},
                ExpressionAttributeValues={":pk": {"S": partition}},
                ScanIndexForward=False,
                ExclusiveStartKey=start,
                Limit=limit + 1,
                max_items=limit + 1,
            )
        )
        page = items[:limit]
        more = len(items) > limit
        return ConversationPage(
            [summary_from_item(item) for item in page], total, _cursor_of(page[-1]) if more else None
        )

    def _chunk_puts(
        self, conversation: Conversation, messages: Sequence[dict[str, Any]], first_position: int
    ) -> list[dict[str, Any]]:
        pk = conversation_pk(conversation.tenant_id, conversation.id)
        return [
            {
                "Put": {
                    "TableName": self._table,
                    "Item": {**key(pk, chunk_sk(start)), "messages": {"S": body}},
                    # The header's condition already orders appends; this one makes an
                    # overwritten chunk impossible even if a caller skipped it.
                    "ConditionExpression": "attribute_not_exists(pk)",
                }
            }
            for start, body in chunk_messages(messages, first_position)
        ]

    def _count(self, partition: str, delta: int) -> dict[str, Any]:
        return {
            "Update": {
                "TableName": self._table,
                "Key": key(f"COUNT#{partition}", COUNTER_SK),
                "UpdateExpression": "ADD #total :delta",
                "ExpressionAttributeNames": {"#total": "total"},
                "ExpressionAttributeValues": {":delta": {"N": str(delta)}},
            }
        }

    def _moved_counts(self, before: Conversation, after: Conversation, dim: str) -> list[dict[str, Any]]:
        moves = []
        for index in LIST_INDEXES:
            if dim in index.dims:
                moves.append(self._count(index.partition(*dims_of(before)), -1))
                moves.append(self._count(index.partition(*dims_of(after)), 1))
        return moves

    def _existing_for_key(
        self, item: dict[str, Any] | None, conversation: Conversation, idempotency_key: str | None
    ) -> Conversation | None:
        if item is None and idempotency_key is not None:
            with translated_errors("GetItem idempotency key"):
                item = self._client.get_item(
                    TableName=self._table,
                    Key=key(idempotency_pk(conversation.tenant_id, idempotency_key), IDEMPOTENCY_SK),
                    ConsistentRead=True,
                ).get("Item")
        if not item:
            return None
        return self.get_header(conversation.tenant_id, item["conversation_id"]["S"])

    # ---------------------------------------------------------------------------------------
    # Calls
    # ---------------------------------------------------------------------------------------
    def _transact(self, items: list[dict[str, Any]], operation: str) -> None:
        from botocore.exceptions import ClientError

        try:
            with translated_errors(operation):
                self._client.transact_write_items(TransactItems=items)
        except ClientError as exc:
            if error_code(exc) == "TransactionCanceledException":
                raise _Cancelled(exc) from exc
            raise

    def _query(self, operation: str, max_items: int | None = None, **kwargs: Any) -> Iterator[dict[str, Any]]:
        kwargs["TableName"] = self._table
        seen = 0
        while True:
            with translated_errors(operation):
                response = self._client.query(**kwargs)
            for item in response.get("Items", []):
                yield item
                seen += 1
                if max_items is not None and seen >= max_items:
                    return
            if "LastEvaluatedKey" not in response:
                return
            kwargs["ExclusiveStartKey"] = response["LastEvaluatedKey"]
            if max_items is not None:
                kwargs["Limit"] = min(max_items - seen, 1000)


def _cursor_of(item: dict[str, Any]) -> str:
    return cursor_for(item[LIST_SK]["S"])


def _append_key(key_: str, item: dict[str, Any]) -> AppendKey:
    return AppendKey(
        key_, item["request_hash"]["S"], int(item["message_count"]["N"]), int(item["expires_at"]["N"])
    )


class _Cancelled(Exception):
    def __init__(self, error: Exception) -> None:
        super().__init__(str(error))
        self.error = error
        self.reasons: list[dict[str, Any]] = getattr(error, "response", {}).get("CancellationReasons") or []

    def code_at(self, position: int) -> str | None:
        if position < len(self.reasons):
            return self.reasons[position].get("Code")
        return None

    def item_at(self, position: int) -> dict[str, Any] | None:
        if position < len(self.reasons):
            return self.reasons[position].get("Item")
        return None

    @property
    def codes(self) -> set[str]:
        return {str(reason.get("Code")) for reason in self.reasons} - {"None"}

    @property
    def only_conflicts(self) -> bool:
        return self.codes == {"TransactionConflict"}


def _replace(conversation: Conversation, **changes: Any) -> Conversation:
    from dataclasses import replace

    return replace(conversation, **changes)


# Draws from the OS on every call. The `random` module's generator is seeded at import, so under
# SnapStart its state is in the snapshot and every environment restored from it would draw the
# same "jitter" — the lockstep it is there to break.
_jitter = random.SystemRandom()


def _backoff(attempt: int) -> None:
    # Full jitter keeps retrying writers from colliding again in lockstep.
    time.sleep(_jitter.uniform(0, min(0.2, 0.01 * 2**attempt)))
