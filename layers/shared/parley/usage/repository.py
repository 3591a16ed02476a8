"""Daily usage counters in the tenants table: ``TENANT#<id>`` / ``USAGE#<yyyy-mm-dd>``.

One item per tenant and day, incremented atomically (``ADD``); a month of usage is one Query.
Counters expire after about 13 months (TTL) so the table does not grow without bound.

The counters are moved by the stream relay (``functions/relay_changes``), which adds a batch's new
next-questions sessions with one UpdateItem per tenant and day — never by a request.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from parley.store import translated_errors

_RETENTION_SECONDS = 400 * 24 * 3600


class DynamoUsageRepository:
    def __init__(self, client: Any, table_name: str) -> None:
        self._client = client
        self._table = table_name

    def add_sessions(self, tenant_id: str, day: date, count: int, now_epoch: int) -> None:
        """Count ``count`` more sessions of ``tenant_id`` on ``day`` (UTC); one UpdateItem.

        The TTL is set when the day's item is created, ``now_epoch`` + about 13 months."""
        with translated_errors("UpdateItem usage"):
            self._client.update_item(
                TableName=self._table,
                Key={"pk": {"S": f"TENANT#{tenant_id}"}, "sk": {"S": f"USAGE#{day.isoformat()}"}},
                UpdateExpression="ADD sessions :count SET expires_at = if_not_exists(expires_at, :expires)",
                ExpressionAttributeValues={
                    ":count": {"N": str(count)},
                    ":expires": {"N": str(now_epoch + _RETENTION_SECONDS)},
                },
            )

    def sessions_per_day(self, tenant_id: str, first: date, last: date) -> dict[date, int]:
        counts: dict[date, int] = {}
        kwargs: dict[str, Any] = {
            "TableName": self._table,
            "KeyConditionExpression": "pk = :pk AND sk BETWEEN :first AND :last",
            "ExpressionAttributeValues": {
                ":pk": {"S": f"TENANT#{tenant_id}"},
                ":first": {"S": f"USAGE#{first.isoformat()}"},
                ":last": {"S": f"USAGE#{last.isoformat()}"},
            },
            "ProjectionExpression": "sk, sessions",
        }
        while True:
            with translated_errors("Query usage"):
                response = self._client.query(**kwargs)
            for item in response.get("Items", []):
                day = date.fromisoformat(item["sk"]["S"].removeprefix("USAGE#"))
                counts[day] = int(item.get("sessions", {}).get("N", "0"))
            if "LastEvaluatedKey" not in response:
                return counts
            kwargs["ExclusiveStartKey"] = response["LastEvaluatedKey"]
