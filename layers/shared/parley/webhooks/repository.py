"""Webhook endpoints in their own table (WebhooksTable).

Layout (pk / sk): ``TENANT#<id>`` / ``WEBHOOK#<webhook_id>`` with ``url``, ``events`` (a string
set), ``secret``, ``created_at`` and ``status``. A tenant's endpoints are one Query on its
partition, which the fan-out of every event reads.

The signing secret is stored as it is, not hashed: unlike an API key, which we only ever compare,
a webhook secret is needed in clear to sign each delivery. That is why the endpoints have a table
of their own: only the webhooks function (and the admin command) may read it — IAM gives no other
function access, where a shared tenants table would let any function that reads a tenant's
partition read its secrets. The table is encrypted at rest (SSE with the AWS managed KMS key, see
template.yaml), and no API returns the secret: the tenant sees it once, when the endpoint is
registered.
"""

from __future__ import annotations

from typing import Any, Protocol

from parley.store import error_code, from_item, to_item, translated_errors
from parley.tenants.models import TenantNotFound
from parley.webhooks.models import WebhookEndpoint, WebhookNotFound

_SK_PREFIX = "WEBHOOK#"


class WebhookRepository(Protocol):
    def put(self, endpoint: WebhookEndpoint) -> None: ...
    def delete(self, tenant_id: str, webhook_id: str) -> None: ...
    def get(self, tenant_id: str, webhook_id: str) -> WebhookEndpoint | None: ...
    def list_for_tenant(self, tenant_id: str) -> list[WebhookEndpoint]: ...


def _key(tenant_id: str, webhook_id: str) -> dict[str, Any]:
    return {"pk": {"S": f"TENANT#{tenant_id}"}, "sk": {"S": f"{_SK_PREFIX}{webhook_id}"}}


def _endpoint_from(values: dict[str, Any]) -> WebhookEndpoint:
    return WebhookEndpoint(
        webhook_id=values["sk"].removeprefix(_SK_PREFIX),
        tenant_id=values["pk"].removeprefix("TENANT#"),
        url=values["url"],
        events=frozenset(values["events"]),
        secret=values["secret"],
        created_at=values["created_at"],
        active=values.get("status", "active") == "active",
    )


class DynamoWebhookRepository:
    def __init__(self, client: Any, webhooks_table: str, tenants_table: str) -> None:
        self._client = client
        self._table = webhooks_table
        self._tenants_table = tenants_table

    def put(self, endpoint: WebhookEndpoint) -> None:
        """Store a new endpoint; ``TenantNotFound`` unless the tenant exists (checked in the write)."""
        item = to_item(
            {
                "pk": f"TENANT#{endpoint.tenant_id}",
                "sk": f"{_SK_PREFIX}{endpoint.webhook_id}",
                "url": endpoint.url,
                "events": set(endpoint.events),
                "secret": endpoint.secret,
                "created_at": endpoint.created_at,
                "status": "active" if endpoint.active else "disabled",
            }
        )
        try:
            with translated_errors("TransactWriteItems webhook"):
                self._client.transact_write_items(
                    TransactItems=[
                        {
                            "ConditionCheck": {
                                "TableName": self._tenants_table,
                                "Key": {"pk": {"S": f"TENANT#{endpoint.tenant_id}"}, "sk": {"S": "PROFILE"}},
                                "ConditionExpression": "attribute_exists(pk)",
                            }
                        },
                        {
                            "Put": {
                                "TableName": self._table,
                                "Item": item,
                                "ConditionExpression": "attribute_not_exists(pk)",
                            }
                        },
                    ]
                )
        except Exception as exc:
            # The first item is the tenant's ConditionCheck; the put's own condition cannot fail
            # (a new random id).
            reasons = getattr(exc, "response", {}).get("CancellationReasons") or [{}]
            if (
                error_code(exc) == "TransactionCanceledException"
                and reasons[0].get("Code") == "ConditionalCheckFailed"
            ):
                raise TenantNotFound(endpoint.tenant_id) from exc
            raise

    def delete(self, tenant_id: str, webhook_id: str) -> None:
        try:
            with translated_errors("DeleteItem webhook"):
                self._client.delete_item(
                    TableName=self._table,
                    Key=_key(tenant_id, webhook_id),
                    ConditionExpression="attribute_exists(pk)",
                )
        except Exception as exc:
            if error_code(exc) == "ConditionalCheckFailedException":
                raise WebhookNotFound(webhook_id) from exc
            raise

    def get(self, tenant_id: str, webhook_id: str) -> WebhookEndpoint | None:
        with translated_errors("GetItem webhook"):
            response = self._client.get_item(
                TableName=self._table, Key=_key(tenant_id, webhook_id), ConsistentRead=True
            )
        item = response.get("Item")
        return _endpoint_from(from_item(item)) if item else None

    def list_for_tenant(self, tenant_id: str) -> list[WebhookEndpoint]:
        endpoints: list[WebhookEndpoint] = []
        kwargs: dict[str, Any] = {
            "TableName": self._table,
            "KeyConditionExpression": "pk = :pk AND begins_with(sk, :prefix)",
            "ExpressionAttributeValues": {":pk": {"S": f"TENANT#{tenant_id}"}, ":prefix": {"S": _SK_PREFIX}},
        }
        while True:
            with translated_errors("Query webhooks"):
                response = self._client.query(**kwargs)
            endpoints.extend(_endpoint_from(from_item(item)) for item in response.get("Items", []))
            if "LastEvaluatedKey" not in response:
                return endpoints
            kwargs["ExclusiveStartKey"] = response["LastEvaluatedKey"]
