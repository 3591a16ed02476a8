"""NBQ storage.

Tenants table (configuration and learning, per tenant):
- ``TENANT#<id>`` / ``NBQ#CATALOG``: the active catalog — ``version`` and the validated document
  as zlib-compressed JSON (a 1,000-question catalog is ~30 KB compressed; the item limit is 400 KB);
- ``TENANT#<id>`` / ``NBQ#CONFIG#<configuration id>``: every published catalog, kept by its id
  (a digest of the document) for the V1 sessions that pin it; written once, never changed;
- ``TENANT#<id>`` / ``NBQ#STATS``: learned statistics — ``s#<external_id>`` (sessions with an
  outcome in which the question was served) and ``c#<external_id>`` (of those, conversions),
  incremented atomically with ``ADD``. Both items are read together with one BatchGetItem.

Sessions table:
- ``TENANT#<id>#NBQ#<session_id>`` / ``SESSION``: first/last seen, calls, questions served, TTL,
  ``tenant_id`` and ``started_by`` (the endpoint whose call created the item, never changed after:
  ``next-questions`` or ``turn``). The stream relay counts the item's INSERT by next-questions as
  one session of usage on the UTC day of ``first_seen`` (``parley.insights.relay``), so the request
  itself writes only this item;
- same pk / ``CONVERSION#<conversion_id>``: a recorded outcome; ``credited`` is set once, in the
  same transaction that adds it to the statistics, so redelivery never counts it twice.
"""

from __future__ import annotations

import json
import zlib
from typing import Any

from parley.errors import Limit, LimitExceeded
from parley.nbq.items import CONVERSION_PREFIX, SESSION_SK, session_pk
from parley.nbq.learning import QuestionStats
from parley.nbq.limits import MAX_CATALOG_BYTES
from parley.nbq.ports import STARTED_BY_NEXT_QUESTIONS, STARTED_BY_TURN, NbqState, configuration_id
from parley.store import error_code, translated_errors

__all__ = [
    "SESSION_SK",
    "STARTED_BY_NEXT_QUESTIONS",
    "STARTED_BY_TURN",
    "DynamoNbqConfigRepository",
    "DynamoNbqSessionRepository",
]

CATALOG_SK = "NBQ#CATALOG"
CONFIG_PREFIX = "NBQ#CONFIG#"
STATS_SK = "NBQ#STATS"
SESSION_TTL_SECONDS = 30 * 24 * 3600
CONVERSION_TTL_SECONDS = 400 * 24 * 3600


def _tenant_key(tenant_id: str, sk: str) -> dict[str, Any]:
    return {"pk": {"S": f"TENANT#{tenant_id}"}, "sk": {"S": sk}}


def stats_from_item(item: dict[str, Any]) -> dict[str, QuestionStats]:
    served: dict[str, int] = {}
    converted: dict[str, int] = {}
    for name, value in item.items():
        if name.startswith("s#"):
            served[name[2:]] = int(value["N"])
        elif name.startswith("c#"):
            converted[name[2:]] = int(value["N"])
    return {qid: QuestionStats(served=n, converted=converted.get(qid, 0)) for qid, n in served.items()}


class DynamoNbqConfigRepository:
    def __init__(self, client: Any, tenants_table: str) -> None:
        self._client = client
        self._table = tenants_table

    def put_catalog(
        self, tenant_id: str, version: str, document: dict[str, Any], *, published_at: str | None = None
    ) -> int:
        body = zlib.compress(json.dumps(document, separators=(",", ":")).encode(), 6)
        if len(body) > MAX_CATALOG_BYTES:
            raise LimitExceeded(
                f"catalog is {len(body)} bytes compressed; the maximum is {MAX_CATALOG_BYTES}",
                Limit("catalog", max_bytes=MAX_CATALOG_BYTES),
            )
        configuration = configuration_id(document)
        pinned = {"version": {"S": version}, "document": {"B": body}}
        # The pinned copy first: a session may pin the configuration as soon as it is active.
        with translated_errors("PutItem configuration"):
            self._client.put_item(
                TableName=self._table,
                Item={**_tenant_key(tenant_id, CONFIG_PREFIX + configuration), **pinned},
            )
        with translated_errors("PutItem catalog"):
            self._client.put_item(
                TableName=self._table,
                Item={
                    **_tenant_key(tenant_id, CATALOG_SK),
                    **pinned,
                    "configuration": {"S": configuration},
                    **({"published_at": {"S": published_at}} if published_at else {}),
                },
            )
        return len(body)

    def load_state(self, tenant_id: str) -> NbqState:
        """The active catalog and the statistics, in one BatchGetItem."""
        keys = [_tenant_key(tenant_id, CATALOG_SK), _tenant_key(tenant_id, STATS_SK)]
        items: list[dict[str, Any]] = []
        pending: dict[str, Any] = {self._table: {"Keys": keys}}
        for _ in range(5):
            with translated_errors("BatchGetItem nbq state"):
                response = self._client.batch_get_item(RequestItems=pending)
            items.extend(response.get("Responses", {}).get(self._table, []))
            pending = response.get("UnprocessedKeys") or {}
            if not pending:
                break
        catalog_item = next((i for i in items if i["sk"]["S"] == CATALOG_SK), None)
        stats_item = next((i for i in items if i["sk"]["S"] == STATS_SK), None)
        if catalog_item is None:
            return NbqState(None, None, {})
        document = None
        if "document" in catalog_item:
            document = json.loads(zlib.decompress(catalog_item["document"]["B"]))
        stored = catalog_item.get("configuration", {}).get("S")
        # A catalog loaded before configurations had ids gets its id from its document.
        configuration = stored or (configuration_id(document) if document is not None else None)
        stats = stats_from_item(stats_item or {})
        published_at = catalog_item.get("published_at", {}).get("S")
        return NbqState(catalog_item["version"]["S"], document, stats, configuration, published_at)

    def load_configuration(self, tenant_id: str, configuration: str) -> dict[str, Any] | None:
        with translated_errors("GetItem configuration"):
            response = self._client.get_item(
                TableName=self._table, Key=_tenant_key(tenant_id, CONFIG_PREFIX + configuration)
            )
        item = response.get("Item")
        if item is None:
            # A catalog loaded before configurations were kept by id has no copy yet: it is the
            # active one when the id is its own.
            active = self.load_state(tenant_id)
            return active.document if active.configuration == configuration else None
        document: dict[str, Any] = json.loads(zlib.decompress(item["document"]["B"]))
        return document

    def published_configuration(self, tenant_id: str) -> str | None:
        with translated_errors("GetItem published configuration"):
            item = self._client.get_item(
                TableName=self._table,
                Key=_tenant_key(tenant_id, CATALOG_SK),
                ProjectionExpression="configuration",
                ConsistentRead=True,
            ).get("Item")
        if item is None:
            return None
        stored = item.get("configuration", {}).get("S")
        return str(stored) if stored else self.load_state(tenant_id).configuration

    def stats(self, tenant_id: str) -> dict[str, QuestionStats]:
        with translated_errors("GetItem nbq stats"):
            response = self._client.get_item(TableName=self._table, Key=_tenant_key(tenant_id, STATS_SK))
        return stats_from_item(response.get("Item", {}))


class DynamoNbqSessionRepository:
    def __init__(self, client: Any, sessions_table: str, tenants_table: str) -> None:
        self._client = client
        self._table = sessions_table
        self._tenants_table = tenants_table

    def touch(
        self,
        tenant_id: str,
        session_id: str,
        served_id: str | None,
        version: str,
        now_epoch: int,
        *,
        started_by: str,
    ) -> None:
        """Record one call on the session (creating the item on its first call).

        ``started_by`` is kept only by the call that creates the item: the stream's INSERT of a
        session started by next-questions is what counts it as usage."""
        update = (
            "SET first_seen = if_not_exists(first_seen, :now), last_seen = :now, expires_at = :expires,"
            " catalog_version = :version, tenant_id = :tenant,"
            " started_by = if_not_exists(started_by, :started_by) ADD calls :one"
        )
        values: dict[str, Any] = {
            ":now": {"N": str(now_epoch)},
            ":expires": {"N": str(now_epoch + SESSION_TTL_SECONDS)},
            ":version": {"S": version},
            ":tenant": {"S": tenant_id},
            ":started_by": {"S": started_by},
            ":one": {"N": "1"},
        }
        if served_id is not None:
            update += ", served :served"
            values[":served"] = {"SS": [served_id]}
        with translated_errors("UpdateItem session"):
            self._client.update_item(
                TableName=self._table,
                Key={"pk": session_pk(tenant_id, session_id), "sk": {"S": SESSION_SK}},
                UpdateExpression=update,
                ExpressionAttributeValues=values,
            )

    def put_conversion(
        self,
        *,
        tenant_id: str,
        session_id: str,
        conversion_id: str,
        outcome: str,
        metadata: dict[str, Any] | None,
        recorded_at: str,
        now_epoch: int,
    ) -> bool:
        """Store a conversion; False when one with this id is stored already (nothing written)."""
        item: dict[str, Any] = {
            "pk": session_pk(tenant_id, session_id),
            "sk": {"S": f"{CONVERSION_PREFIX}{conversion_id}"},
            # For the stream relay, which then need not parse this table's key layout.
            "tenant_id": {"S": tenant_id},
            "session_id": {"S": session_id},
            "outcome": {"S": outcome},
            "recorded_at": {"S": recorded_at},
            "expires_at": {"N": str(now_epoch + CONVERSION_TTL_SECONDS)},
        }
        if metadata is not None:
            item["metadata"] = {"S": json.dumps(metadata, separators=(",", ":"), ensure_ascii=False)}
        try:
            with translated_errors("PutItem conversion"):
                self._client.put_item(
                    TableName=self._table, Item=item, ConditionExpression="attribute_not_exists(sk)"
                )
        except Exception as exc:
            if error_code(exc) == "ConditionalCheckFailedException":
                return False  # this conversion (its id is derived from the request) is stored already
            raise
        return True

    def latest_outcome(self, tenant_id: str, session_id: str) -> str | None:
        """The most recently recorded outcome of a session (for the insights' taskCompleted)."""
        latest: tuple[str, str] | None = None
        kwargs: dict[str, Any] = {
            "TableName": self._table,
            "KeyConditionExpression": "pk = :pk AND begins_with(sk, :conversion)",
            "ExpressionAttributeValues": {
                ":pk": session_pk(tenant_id, session_id),
                ":conversion": {"S": CONVERSION_PREFIX},
            },
            "ProjectionExpression": "outcome, recorded_at",
        }
        while True:
            with translated_errors("Query conversions"):
                response = self._client.query(**kwargs)
            for item in response.get("Items", []):
                candidate = (item["recorded_at"]["S"], item["outcome"]["S"])
                if latest is None or candidate > latest:
                    latest = candidate
            if "LastEvaluatedKey" not in response:
                return latest[1] if latest else None
            kwargs["ExclusiveStartKey"] = response["LastEvaluatedKey"]

    def served_questions(self, tenant_id: str, session_id: str) -> set[str]:
        with translated_errors("GetItem session"):
            response = self._client.get_item(
                TableName=self._table,
                Key={"pk": session_pk(tenant_id, session_id), "sk": {"S": SESSION_SK}},
                ProjectionExpression="served",
            )
        return set(response.get("Item", {}).get("served", {}).get("SS", []))

    def credit(
        self, tenant_id: str, session_id: str, conversion_id: str, served: set[str], converted: bool | None
    ) -> bool:
        """Add one outcome to the statistics of the served questions, at most once per conversion.

        Returns False when the conversion was already credited (a redelivered message)."""
        mark = {
            "Update": {
                "TableName": self._table,
                "Key": {
                    "pk": session_pk(tenant_id, session_id),
                    "sk": {"S": f"{CONVERSION_PREFIX}{conversion_id}"},
                },
                "UpdateExpression": "SET credited = :true",
                "ConditionExpression": "attribute_exists(sk) AND attribute_not_exists(credited)",
                "ExpressionAttributeValues": {":true": {"BOOL": True}},
            }
        }
        items: list[dict[str, Any]] = [mark]
        if converted is not None and served:
            names: dict[str, str] = {}
            adds = []
            for n, qid in enumerate(sorted(served)):
                names[f"#s{n}"] = f"s#{qid}"
                adds.append(f"#s{n} :one")
                if converted:
                    names[f"#c{n}"] = f"c#{qid}"
                    adds.append(f"#c{n} :one")
            items.append(
                {
                    "Update": {
                        "TableName": self._tenants_table,
                        "Key": _tenant_key(tenant_id, STATS_SK),
                        "UpdateExpression": "ADD " + ", ".join(adds),
                        "ExpressionAttributeNames": names,
                        "ExpressionAttributeValues": {":one": {"N": "1"}},
                    }
                }
            )
        try:
            with translated_errors("TransactWriteItems credit"):
                self._client.transact_write_items(TransactItems=items)
        except Exception as exc:
            if error_code(exc) == "TransactionCanceledException":
                reasons = getattr(exc, "response", {}).get("CancellationReasons", [])
                if reasons and reasons[0].get("Code") == "ConditionalCheckFailed":
                    return False
            raise
        return True
