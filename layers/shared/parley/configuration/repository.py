"""Configuration storage in the tenants table, beside the published catalog (``NBQ#CATALOG``):

- ``NBQ#DRAFT``: the draft document (zlib-compressed JSON, as the catalog), its ``revision``
  (each save is conditioned on the revision read) and ``updated_at``;
- ``NBQ#COMPILATION#<id>``: a publication's status, progress, error and configuration version,
  and ``NBQ#COMPILATION#<id>#DOCUMENT`` the draft it compiles (a copy: the draft may change
  meanwhile); kept 90 days;
- ``NBQ#COMPILING``: the tenant's lock (the compilation holding it, and since when), taken in the
  same transaction that queues a compilation and released when it finishes; a lock older than
  15 minutes (a compilation that died) is taken over;
- ``NBQ#AUDIT#<occurred_at>#<id>``: one audit event (JSON), read newest first; kept 400 days.
"""

from __future__ import annotations

import base64
import json
import zlib
from typing import Any

from parley.configuration.ports import (
    TERMINAL,
    AuditPage,
    Compilation,
    CompilationBusy,
    Draft,
    DraftMoved,
)
from parley.errors import Limit, LimitExceeded
from parley.nbq.limits import MAX_CATALOG_BYTES
from parley.store import error_code, translated_errors

DRAFT_SK = "NBQ#DRAFT"
COMPILATION_PREFIX = "NBQ#COMPILATION#"
LOCK_SK = "NBQ#COMPILING"
DOCUMENT_SUFFIX = "#DOCUMENT"
AUDIT_PREFIX = "NBQ#AUDIT#"
STALE_LOCK_SECONDS = 15 * 60
COMPILATION_TTL_SECONDS = 90 * 24 * 3600
AUDIT_TTL_SECONDS = 400 * 24 * 3600


def _key(tenant_id: str, sk: str) -> dict[str, Any]:
    return {"pk": {"S": f"TENANT#{tenant_id}"}, "sk": {"S": sk}}


def _packed(document: dict[str, Any]) -> bytes:
    body = zlib.compress(json.dumps(document, separators=(",", ":")).encode(), 6)
    if len(body) > MAX_CATALOG_BYTES:
        raise LimitExceeded(
            f"configuration is {len(body)} bytes compressed; the maximum is {MAX_CATALOG_BYTES}",
            Limit("catalog", max_bytes=MAX_CATALOG_BYTES),
        )
    return body


def _unpacked(body: bytes) -> dict[str, Any]:
    document: dict[str, Any] = json.loads(zlib.decompress(body))
    return document


class DynamoDraftStore:
    def __init__(self, client: Any, tenants_table: str) -> None:
        self._client = client
        self._table = tenants_table

    def get(self, tenant_id: str) -> Draft | None:
        with translated_errors("GetItem draft"):
            item = self._client.get_item(
                TableName=self._table, Key=_key(tenant_id, DRAFT_SK), ConsistentRead=True
            ).get("Item")
        if item is None:
            return None
        return Draft(_unpacked(item["document"]["B"]), int(item["revision"]["N"]), item["updated_at"]["S"])

    def save(self, tenant_id: str, draft: Draft, expected_revision: int | None) -> None:
        item = {
            **_key(tenant_id, DRAFT_SK),
            "document": {"B": _packed(draft.document)},
            "revision": {"N": str(draft.revision)},
            "updated_at": {"S": draft.updated_at},
        }
        condition: dict[str, Any] = (
            {"ConditionExpression": "attribute_not_exists(pk)"}
            if expected_revision is None
            else {
                "ConditionExpression": "revision = :expected",
                "ExpressionAttributeValues": {":expected": {"N": str(expected_revision)}},
            }
        )
        try:
            with translated_errors("PutItem draft"):
                self._client.put_item(TableName=self._table, Item=item, **condition)
        except Exception as exc:
            if error_code(exc) == "ConditionalCheckFailedException":
                current = self.get(tenant_id)
                raise DraftMoved(current.revision if current else None) from None
            raise


class DynamoCompilationStore:
    def __init__(self, client: Any, tenants_table: str) -> None:
        self._client = client
        self._table = tenants_table

    def start(
        self, tenant_id: str, compilation: Compilation, document: dict[str, Any], now_epoch: int
    ) -> None:
        expires = {"N": str(now_epoch + COMPILATION_TTL_SECONDS)}
        # The draft copy first, on an item of its own (no binary in the transaction: the local
        # gateway's moto cannot serialise one there); a copy whose compilation never starts expires.
        copy = {
            **_key(tenant_id, COMPILATION_PREFIX + compilation.compilation_id + DOCUMENT_SUFFIX),
            "document": {"B": _packed(document)},
            "expires_at": expires,
        }
        with translated_errors("PutItem compilation document"):
            self._client.put_item(TableName=self._table, Item=copy)
        item = {
            **_key(tenant_id, COMPILATION_PREFIX + compilation.compilation_id),
            **_attributes(compilation),
            "expires_at": expires,
        }
        lock = {
            **_key(tenant_id, LOCK_SK),
            "compilation_id": {"S": compilation.compilation_id},
            "status": {"S": compilation.status},
            "since": {"N": str(now_epoch)},
        }
        try:
            with translated_errors("TransactWriteItems compilation"):
                self._client.transact_write_items(
                    TransactItems=[
                        {
                            "Put": {
                                "TableName": self._table,
                                "Item": item,
                                "ConditionExpression": "attribute_not_exists(pk)",
                            }
                        },
                        {
                            "Put": {
                                "TableName": self._table,
                                "Item": lock,
                                "ConditionExpression": "attribute_not_exists(pk) OR since < :stale",
                                "ExpressionAttributeValues": {
                                    ":stale": {"N": str(now_epoch - STALE_LOCK_SECONDS)}
                                },
                            }
                        },
                    ]
                )
        except Exception as exc:
            if error_code(exc) == "TransactionCanceledException":
                raise self.holder(tenant_id, now_epoch) or CompilationBusy("unknown", "queued") from None
            raise

    def holder(self, tenant_id: str, now_epoch: int) -> CompilationBusy | None:
        with translated_errors("GetItem compilation lock"):
            held = self._client.get_item(
                TableName=self._table, Key=_key(tenant_id, LOCK_SK), ConsistentRead=True
            ).get("Item")
        if held is None or int(held["since"]["N"]) < now_epoch - STALE_LOCK_SECONDS:
            return None
        return CompilationBusy(held["compilation_id"]["S"], held["status"]["S"])

    def get(self, tenant_id: str, compilation_id: str) -> Compilation | None:
        item = self._item(
            tenant_id,
            compilation_id,
            "compilation_id, #s, draft_revision, created_at, updated_at, progress, #e, "
            "configuration_version, requested_by, request_id",
        )
        if item is None:
            return None
        return Compilation(
            compilation_id=item["compilation_id"]["S"],
            status=item["status"]["S"],
            draft_revision=int(item["draft_revision"]["N"]),
            created_at=item["created_at"]["S"],
            updated_at=item["updated_at"]["S"],
            progress=float(item["progress"]["N"]),
            error=json.loads(item["error"]["S"]) if "error" in item else None,
            configuration_version=item.get("configuration_version", {}).get("S"),
            requested_by=item.get("requested_by", {}).get("S"),
            request_id=item.get("request_id", {}).get("S"),
        )

    def document(self, tenant_id: str, compilation_id: str) -> dict[str, Any] | None:
        item = self._item(tenant_id, compilation_id + DOCUMENT_SUFFIX, "document")
        return None if item is None else _unpacked(item["document"]["B"])

    def update(self, tenant_id: str, compilation: Compilation) -> None:
        values = _attributes(compilation)
        names = {f"#{k}": k for k in values}
        update = "SET " + ", ".join(f"#{k} = :{k}" for k in values)
        remove = [f"#{k}" for k in ("error", "configuration_version") if k not in values]
        if remove:
            names.update({r: r[1:] for r in remove})
            update += " REMOVE " + ", ".join(remove)
        with translated_errors("UpdateItem compilation"):
            self._client.update_item(
                TableName=self._table,
                Key=_key(tenant_id, COMPILATION_PREFIX + compilation.compilation_id),
                UpdateExpression=update,
                ExpressionAttributeNames=names,
                ExpressionAttributeValues={f":{k}": v for k, v in values.items()},
            )
        if compilation.status in TERMINAL:
            self._release(tenant_id, compilation.compilation_id)
        else:
            with translated_errors("UpdateItem compilation lock"):
                try:
                    self._client.update_item(
                        TableName=self._table,
                        Key=_key(tenant_id, LOCK_SK),
                        UpdateExpression="SET #s = :s",
                        ConditionExpression="compilation_id = :id",
                        ExpressionAttributeNames={"#s": "status"},
                        ExpressionAttributeValues={
                            ":s": {"S": compilation.status},
                            ":id": {"S": compilation.compilation_id},
                        },
                    )
                except Exception as exc:
                    if error_code(exc) != "ConditionalCheckFailedException":
                        raise

    def _release(self, tenant_id: str, compilation_id: str) -> None:
        try:
            with translated_errors("DeleteItem compilation lock"):
                self._client.delete_item(
                    TableName=self._table,
                    Key=_key(tenant_id, LOCK_SK),
                    ConditionExpression="compilation_id = :id",
                    ExpressionAttributeValues={":id": {"S": compilation_id}},
                )
        except Exception as exc:
            if error_code(exc) != "ConditionalCheckFailedException":  # another holds it now
                raise

    def _item(self, tenant_id: str, compilation_id: str, projection: str) -> dict[str, Any] | None:
        names = {n: real for n, real in (("#s", "status"), ("#e", "error")) if n in projection}
        extra: dict[str, Any] = {"ExpressionAttributeNames": names} if names else {}
        with translated_errors("GetItem compilation"):
            item: dict[str, Any] | None = self._client.get_item(
                TableName=self._table,
                Key=_key(tenant_id, COMPILATION_PREFIX + compilation_id),
                ConsistentRead=True,
                ProjectionExpression=projection,
                **extra,
            ).get("Item")
        return item


def _attributes(c: Compilation) -> dict[str, Any]:
    values: dict[str, Any] = {
        "compilation_id": {"S": c.compilation_id},
        "status": {"S": c.status},
        "draft_revision": {"N": str(c.draft_revision)},
        "created_at": {"S": c.created_at},
        "updated_at": {"S": c.updated_at},
        "progress": {"N": str(c.progress)},
    }
    if c.error is not None:
        values["error"] = {"S": json.dumps(c.error, separators=(",", ":"))}
    if c.configuration_version is not None:
        values["configuration_version"] = {"S": c.configuration_version}
    for name in ("requested_by", "request_id"):
        if getattr(c, name) is not None:
            values[name] = {"S": getattr(c, name)}
    return values


class DynamoAuditLog:
    def __init__(self, client: Any, tenants_table: str) -> None:
        self._client = client
        self._table = tenants_table

    def record(self, tenant_id: str, events: list[dict[str, Any]], now_epoch: int) -> None:
        for start in range(0, len(events), 25):
            requests = [
                {
                    "PutRequest": {
                        "Item": {
                            # The event's place in its batch keeps a batch's order within a millisecond.
                            **_key(
                                tenant_id,
                                f"{AUDIT_PREFIX}{event['occurred_at']}#{start + i:03d}#{event['id']}",
                            ),
                            "event": {"S": json.dumps(event, separators=(",", ":"), ensure_ascii=False)},
                            "action": {"S": event["action"]},
                            "resource_type": {"S": event["resource"]["type"]},
                            "expires_at": {"N": str(now_epoch + AUDIT_TTL_SECONDS)},
                        }
                    }
                }
                for i, event in enumerate(events[start : start + 25])
            ]
            pending: dict[str, Any] = {self._table: requests}
            for _ in range(5):
                with translated_errors("BatchWriteItem audit"):
                    pending = (
                        self._client.batch_write_item(RequestItems=pending).get("UnprocessedItems") or {}
                    )
                if not pending:
                    break

    def page(
        self, tenant_id: str, limit: int, cursor: str | None, action: str | None, resource_type: str | None
    ) -> AuditPage:
        query: dict[str, Any] = {
            "TableName": self._table,
            "KeyConditionExpression": "pk = :pk AND begins_with(sk, :audit)",
            "ExpressionAttributeValues": {":pk": {"S": f"TENANT#{tenant_id}"}, ":audit": {"S": AUDIT_PREFIX}},
            "ScanIndexForward": False,
            "Limit": limit,
        }
        filters = []
        if action is not None:
            filters.append("#a = :action")
            query["ExpressionAttributeValues"][":action"] = {"S": action}
        if resource_type is not None:
            filters.append("resource_type = :rt")
            query["ExpressionAttributeValues"][":rt"] = {"S": resource_type}
        if filters:
            query["FilterExpression"] = " AND ".join(filters)
            if action is not None:
                query["ExpressionAttributeNames"] = {"#a": "action"}
        if cursor is not None:
            query["ExclusiveStartKey"] = _decode_cursor(cursor, tenant_id)
        with translated_errors("Query audit"):
            response = self._client.query(**query)
        events = [json.loads(item["event"]["S"]) for item in response.get("Items", [])]
        last = response.get("LastEvaluatedKey")
        return AuditPage(events, _encode_cursor(last) if last else None)


def _encode_cursor(key: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(key["sk"]["S"].encode()).decode()


def _decode_cursor(cursor: str, tenant_id: str) -> dict[str, Any]:
    from parley.errors import Invalid

    try:
        sk = base64.urlsafe_b64decode(cursor.encode()).decode()
    except ValueError:
        raise Invalid.field("cursor is not one this API gave.", ("query", "cursor")) from None
    if not sk.startswith(AUDIT_PREFIX):
        raise Invalid.field("cursor is not one this API gave.", ("query", "cursor"))
    return _key(tenant_id, sk)
