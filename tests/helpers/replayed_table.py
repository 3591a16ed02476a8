"""The table the warm benchmark's replay tests record and replay calls on."""

from __future__ import annotations

from typing import Any

TABLE = "Tenants"


def key(sk: str) -> dict[str, Any]:
    return {"pk": {"S": "TENANT#demo"}, "sk": {"S": sk}}
