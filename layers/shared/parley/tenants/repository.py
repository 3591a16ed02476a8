"""Tenants and API keys in the tenants table.

Layout (pk / sk):
- ``TENANT#<id>`` / ``PROFILE``: the tenant;
- ``APIKEY#<sha256>`` / ``APIKEY``: one key, found by the hash of the presented secret with one
  GetItem; ``gsi1pk = TENANT#<id>`` lists a tenant's keys.
"""

from __future__ import annotations

from typing import Any, Protocol

from parley.store import error_code, from_item, to_item, translated_errors
from parley.tenants.keys import SECRET
from parley.tenants.models import ApiKey, KeyNotFound, Tenant, TenantExists, TenantNotFound
from parley.tenants.scopes import SECRET_SCOPES


class TenantRepository(Protocol):
    def get_api_key(self, key_hash: str) -> ApiKey | None: ...
    def get_tenant(self, tenant_id: str) -> Tenant | None: ...
    def create_tenant(self, tenant: Tenant) -> None: ...
    def set_usage_key(self, tenant_id: str, usage_key_id: str, usage_key_value: str) -> None: ...
    def put_api_key(self, key: ApiKey) -> None: ...
    def list_api_keys(self, tenant_id: str) -> list[ApiKey]: ...
    def revoke_api_key(self, key_hash: str, revoked_at: str) -> None: ...


def _tenant_key(tenant_id: str) -> dict[str, Any]:
    return {"pk": {"S": f"TENANT#{tenant_id}"}, "sk": {"S": "PROFILE"}}


def _api_key_key(key_hash: str) -> dict[str, Any]:
    return {"pk": {"S": f"APIKEY#{key_hash}"}, "sk": {"S": "APIKEY"}}


def _api_key_from(values: dict[str, Any]) -> ApiKey:
    return ApiKey(
        key_hash=values["pk"].removeprefix("APIKEY#"),
        tenant_id=values["tenant_id"],
        prefix=values["key_prefix"],
        created_at=values["created_at"],
        active=values.get("status", "active") == "active",
        revoked_at=values.get("revoked_at"),
        usage_key_value=values.get("usage_key_value"),
        # Keys issued before scopes existed were full secret keys, and stay so.
        scopes=frozenset(values["scopes"]) if "scopes" in values else SECRET_SCOPES,
        kind=values.get("kind", SECRET),
    )


class DynamoTenantRepository:
    def __init__(self, client: Any, table_name: str) -> None:
        self._client = client
        self._table = table_name

    def get_api_key(self, key_hash: str) -> ApiKey | None:
        with translated_errors("GetItem api key"):
            response = self._client.get_item(TableName=self._table, Key=_api_key_key(key_hash))
        item = response.get("Item")
        return _api_key_from(from_item(item)) if item else None

    def get_tenant(self, tenant_id: str) -> Tenant | None:
        with translated_errors("GetItem tenant"):
            response = self._client.get_item(TableName=self._table, Key=_tenant_key(tenant_id))
        item = response.get("Item")
        if not item:
            return None
        values = from_item(item)
        return Tenant(
            tenant_id=tenant_id,
            name=values["name"],
            created_at=values["created_at"],
            usage_key_id=values.get("usage_key_id"),
            usage_key_value=values.get("usage_key_value"),
        )

    def create_tenant(self, tenant: Tenant) -> None:
        item = to_item(
            {
                "pk": f"TENANT#{tenant.tenant_id}",
                "sk": "PROFILE",
                "name": tenant.name,
                "created_at": tenant.created_at,
                "usage_key_id": tenant.usage_key_id,
                "usage_key_value": tenant.usage_key_value,
            }
        )
        try:
            with translated_errors("PutItem tenant"):
                self._client.put_item(
                    TableName=self._table, Item=item, ConditionExpression="attribute_not_exists(pk)"
                )
        except Exception as exc:
            if error_code(exc) == "ConditionalCheckFailedException":
                raise TenantExists(tenant.tenant_id) from exc
            raise

    def set_usage_key(self, tenant_id: str, usage_key_id: str, usage_key_value: str) -> None:
        try:
            with translated_errors("UpdateItem tenant"):
                self._client.update_item(
                    TableName=self._table,
                    Key=_tenant_key(tenant_id),
                    UpdateExpression="SET usage_key_id = :id, usage_key_value = :value",
                    ConditionExpression="attribute_exists(pk)",
                    ExpressionAttributeValues={":id": {"S": usage_key_id}, ":value": {"S": usage_key_value}},
                )
        except Exception as exc:
            if error_code(exc) == "ConditionalCheckFailedException":
                raise TenantNotFound(tenant_id) from exc
            raise

    def put_api_key(self, key: ApiKey) -> None:
        item = to_item(
            {
                "pk": f"APIKEY#{key.key_hash}",
                "sk": "APIKEY",
                "tenant_id": key.tenant_id,
                "key_prefix": key.prefix,
                "created_at": key.created_at,
                "status": "active" if key.active else "revoked",
                "usage_key_value": key.usage_key_value,
                "scopes": set(key.scopes),
                "kind": key.kind,
                "gsi1pk": f"TENANT#{key.tenant_id}",
                "gsi1sk": f"APIKEY#{key.created_at}#{key.prefix}",
            }
        )
        with translated_errors("PutItem api key"):
            self._client.put_item(
                TableName=self._table, Item=item, ConditionExpression="attribute_not_exists(pk)"
            )

    def list_api_keys(self, tenant_id: str) -> list[ApiKey]:
        keys: list[ApiKey] = []
        kwargs: dict[str, Any] = {
            "TableName": self._table,
            "IndexName": "gsi1",
            "KeyConditionExpression": "gsi1pk = :pk AND begins_with(gsi1sk, :prefix)",
            "ExpressionAttributeValues": {":pk": {"S": f"TENANT#{tenant_id}"}, ":prefix": {"S": "APIKEY#"}},
        }
        while True:
            with translated_errors("Query api keys"):
                response = self._client.query(**kwargs)
            keys.extend(_api_key_from(from_item(item)) for item in response.get("Items", []))
            if "LastEvaluatedKey" not in response:
                return keys
            kwargs["ExclusiveStartKey"] = response["LastEvaluatedKey"]

    def revoke_api_key(self, key_hash: str, revoked_at: str) -> None:
        try:
            with translated_errors("UpdateItem api key"):
                self._client.update_item(
                    TableName=self._table,
                    Key=_api_key_key(key_hash),
                    UpdateExpression="SET #status = :revoked, revoked_at = :at",
                    ConditionExpression="attribute_exists(pk)",
                    ExpressionAttributeNames={"#status": "status"},
                    ExpressionAttributeValues={":revoked": {"S": "revoked"}, ":at": {"S": revoked_at}},
                )
        except Exception as exc:
            if error_code(exc) == "ConditionalCheckFailedException":
                raise KeyNotFound(key_hash) from exc
            raise
