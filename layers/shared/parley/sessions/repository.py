"""V1 session storage in the sessions table, beside the NBQ session item of the same id.

``TENANT#<id>#NBQ#<session_id>`` / ``V1#STATE``: the session's state as JSON, ``state_version``
(each write is conditioned on the version read: of two concurrent mutations exactly one applies)
and ``expires_at`` (TTL, 30 days after the last write, as NBQ sessions). The stream relay ignores
the item (its sort key is neither a session nor a conversion).
"""

from __future__ import annotations

import json
from typing import Any

from parley.nbq.items import session_pk
from parley.sessions.ports import SessionExists, VersionMoved
from parley.sessions.state import SessionState
from parley.store import error_code, translated_errors

STATE_SK = "V1#STATE"
TTL_SECONDS = 30 * 24 * 3600


class DynamoSessionStore:
    def __init__(self, client: Any, sessions_table: str) -> None:
        self._client = client
        self._table = sessions_table

    def _key(self, tenant_id: str, session_id: str) -> dict[str, Any]:
        return {"pk": session_pk(tenant_id, session_id), "sk": {"S": STATE_SK}}

    def _item(self, tenant_id: str, session: SessionState, now_epoch: int) -> dict[str, Any]:
        return {
            **self._key(tenant_id, session.session_id),
            "state": {"S": json.dumps(session.to_json(), separators=(",", ":"), ensure_ascii=False)},
            "state_version": {"N": str(session.state_version)},
            "expires_at": {"N": str(now_epoch + TTL_SECONDS)},
        }

    def create(self, tenant_id: str, session: SessionState, now_epoch: int) -> None:
        try:
            with translated_errors("PutItem v1 session"):
                self._client.put_item(
                    TableName=self._table,
                    Item=self._item(tenant_id, session, now_epoch),
                    ConditionExpression="attribute_not_exists(pk)",
                )
        except Exception as exc:
            if error_code(exc) == "ConditionalCheckFailedException":
                raise SessionExists(session.session_id) from None
            raise

    def get(self, tenant_id: str, session_id: str) -> SessionState | None:
        with translated_errors("GetItem v1 session"):
            response = self._client.get_item(
                TableName=self._table, Key=self._key(tenant_id, session_id), ConsistentRead=True
            )
        item = response.get("Item")
        return None if item is None else SessionState.from_json(json.loads(item["state"]["S"]))

    def save(self, tenant_id: str, session: SessionState, expected_version: int, now_epoch: int) -> None:
        try:
            with translated_errors("PutItem v1 session"):
                self._client.put_item(
                    TableName=self._table,
                    Item=self._item(tenant_id, session, now_epoch),
                    ConditionExpression="state_version = :expected",
                    ExpressionAttributeValues={":expected": {"N": str(expected_version)}},
                    ReturnValuesOnConditionCheckFailure="ALL_OLD",
                )
        except Exception as exc:
            if error_code(exc) == "ConditionalCheckFailedException":
                old = getattr(exc, "response", {}).get("Item")
                if old is None:  # the old item is not in the error: read it
                    stored = self.get(tenant_id, session.session_id)
                    current = stored.state_version if stored is not None else expected_version
                else:
                    current = int(old["state_version"]["N"])
                raise VersionMoved(current) from None
            raise
