"""Turn-processing storage: deployments (tenants table) and dialogue sessions (sessions table).

Tenants table:
- ``TENANT#<id>`` / ``DEPLOYMENT#<deployment key>``: the validated deployment document as JSON
  (catalog questions resolved), with a ``digest`` so a container re-parses it only when it changed.

Sessions table:
- ``TENANT#<id>#TURN#<conversation id>`` / ``STATE``: the dialogue state as JSON, ``version``
  (the number of turns applied), ``idle_expires_at`` (epoch s: after it the next turn starts over)
  and ``expires_at`` (the TTL: a day later, so an expired session is still seen as expired).
  Every write is conditioned on the version read (or on the item not existing), so of two
  concurrent turns on one conversation exactly one applies; the other gets ``SessionConflict``.

The tenant is in every key: no read can reach another tenant's deployment or session.
"""

from __future__ import annotations

import hashlib
import json
import zlib
from typing import Any

from parley.dialogue.limits import MAX_DEPLOYMENT_BYTES
from parley.dialogue.ports import IdleSession, SessionConflict, StoredDeployment, StoredSession
from parley.errors import Limit, LimitExceeded
from parley.store import error_code, translated_errors

DEPLOYMENT_PREFIX = "DEPLOYMENT#"
STATE_SK = "STATE"
# Kept past the idle timeout so a late turn learns its conversation expired (and says so).
RETENTION_AFTER_IDLE_SECONDS = 24 * 3600
# The sparse index of sessions whose transcript is open: the idle sweep reads it by idle time.
IDLE_INDEX = "idle"
IDLE_SHARDS = 4


class DynamoDeploymentRepository:
    def __init__(self, client: Any, tenants_table: str) -> None:
        self._client = client
        self._table = tenants_table

    @staticmethod
    def _key(tenant_id: str, deployment_key: str) -> dict[str, Any]:
        return {"pk": {"S": f"TENANT#{tenant_id}"}, "sk": {"S": DEPLOYMENT_PREFIX + deployment_key}}

    def put(self, tenant_id: str, document: dict[str, Any]) -> int:
        body = json.dumps(document, separators=(",", ":"), ensure_ascii=False, sort_keys=True)
        size = len(body.encode())
        if size > MAX_DEPLOYMENT_BYTES:
            raise LimitExceeded(
                f"deployment is {size} bytes; the maximum is {MAX_DEPLOYMENT_BYTES}",
                Limit("deployment", max_bytes=MAX_DEPLOYMENT_BYTES),
            )
        with translated_errors("PutItem deployment"):
            self._client.put_item(
                TableName=self._table,
                Item={
                    **self._key(tenant_id, document["deployment_key"]),
                    "document": {"S": body},
                    "digest": {"S": hashlib.sha256(body.encode()).hexdigest()},
                },
            )
        return size

    def get(self, tenant_id: str, deployment_key: str) -> StoredDeployment | None:
        with translated_errors("GetItem deployment"):
            response = self._client.get_item(TableName=self._table, Key=self._key(tenant_id, deployment_key))
        item = response.get("Item")
        if not item:
            return None
        return StoredDeployment(item["digest"]["S"], json.loads(item["document"]["S"]))


class DynamoTurnSessionRepository:
    def __init__(self, client: Any, sessions_table: str) -> None:
        self._client = client
        self._table = sessions_table

    @staticmethod
    def _key(tenant_id: str, conversation_id: str) -> dict[str, Any]:
        return {"pk": {"S": f"TENANT#{tenant_id}#TURN#{conversation_id}"}, "sk": {"S": STATE_SK}}

    def get(self, tenant_id: str, conversation_id: str) -> StoredSession | None:
        with translated_errors("GetItem turn session"):
            response = self._client.get_item(
                TableName=self._table, Key=self._key(tenant_id, conversation_id), ConsistentRead=True
            )
        item = response.get("Item")
        if not item:
            return None
        return StoredSession(
            json.loads(item["state"]["S"]),
            int(item["version"]["N"]),
            int(item["idle_expires_at"]["N"]),
            item["segment_id"]["S"] if "segment_id" in item else None,
        )

    def save(
        self,
        tenant_id: str,
        conversation_id: str,
        state: dict[str, Any],
        *,
        expected_version: int | None,
        idle_expires_at: int,
        open_transcript: str | None = None,
        idle_timeout_seconds: int = 0,
        segment_id: str | None = None,
    ) -> int:
        """Store the state as the next version; ``expected_version=None`` creates the session.

        Raises ``SessionConflict`` when another turn got there first. Returns the new version.
        With ``open_transcript`` the item is listed in the ``idle`` index for the sweep.
        """
        version = (expected_version or 0) + 1
        key = self._key(tenant_id, conversation_id)
        item = {
            **key,
            "state": {"S": json.dumps(state, separators=(",", ":"), ensure_ascii=False)},
            "version": {"N": str(version)},
            "idle_expires_at": {"N": str(idle_expires_at)},
            "expires_at": {"N": str(idle_expires_at + RETENTION_AFTER_IDLE_SECONDS)},
        }
        if segment_id is not None:
            item["segment_id"] = {"S": segment_id}
        if open_transcript is not None:
            item |= {
                "idle_shard": {"S": _idle_shard(key["pk"]["S"])},
                "tenant_id": {"S": tenant_id},
                "conversation_id": {"S": conversation_id},
                "transcript_id": {"S": open_transcript},
                "idle_timeout_seconds": {"N": str(idle_timeout_seconds)},
            }
        if expected_version is None:
            condition: dict[str, Any] = {"ConditionExpression": "attribute_not_exists(pk)"}
        else:
            condition = {
                "ConditionExpression": "version = :expected",
                "ExpressionAttributeValues": {":expected": {"N": str(expected_version)}},
            }
        try:
            with translated_errors("PutItem turn session"):
                self._client.put_item(TableName=self._table, Item=item, **condition)
        except Exception as exc:
            if error_code(exc) == "ConditionalCheckFailedException":
                raise SessionConflict(conversation_id) from None
            raise
        return version

    def idle(self, now_epoch: int, limit: int) -> list[IdleSession]:
        found: list[IdleSession] = []
        for shard in range(IDLE_SHARDS):
            with translated_errors("Query idle sessions"):
                response = self._client.query(
                    TableName=self._table,
                    IndexName=IDLE_INDEX,
                    KeyConditionExpression="idle_shard = :shard AND idle_expires_at <= :now",
                    ExpressionAttributeValues={
                        ":shard": {"S": f"IDLE#{shard}"},
                        ":now": {"N": str(now_epoch)},
                    },
                    Limit=limit,
                )
            found += [_idle_session(item) for item in response.get("Items", [])]
        return sorted(found, key=lambda session: session.idle_expires_at)[:limit]

    def unlist_idle(self, session: IdleSession) -> bool:
        try:
            with translated_errors("UpdateItem idle session"):
                self._client.update_item(
                    TableName=self._table,
                    Key=self._key(session.tenant_id, session.conversation_id),
                    UpdateExpression="REMOVE idle_shard",
                    ConditionExpression="version = :version",
                    ExpressionAttributeValues={":version": {"N": str(session.version)}},
                )
        except Exception as exc:
            if error_code(exc) == "ConditionalCheckFailedException":
                return False
            raise
        return True


def _idle_shard(pk: str) -> str:
    # A few partitions, so a busy deployment's sessions do not all share one index partition.
    return f"IDLE#{zlib.crc32(pk.encode()) % IDLE_SHARDS}"


def _idle_session(item: dict[str, Any]) -> IdleSession:
    return IdleSession(
        tenant_id=item["tenant_id"]["S"],
        conversation_id=item["conversation_id"]["S"],
        transcript_id=item["transcript_id"]["S"],
        version=int(item["version"]["N"]),
        idle_expires_at=int(item["idle_expires_at"]["N"]),
        idle_timeout_seconds=int(item["idle_timeout_seconds"]["N"]),
    )
