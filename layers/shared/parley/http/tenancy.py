"""The caller's tenant, as the authorizer put it in the request context."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from parley.http.problems import MissingTenantProblem


@dataclass(frozen=True, slots=True)
class Caller:
    tenant_id: str
    key_prefix: str
    scopes: frozenset[str] = frozenset()  # what the authorizer allowed this key (space-separated there)


def caller_of(event: Mapping[str, Any]) -> Caller:
    """The authenticated caller; a request that reached a handler without one is refused (403)."""
    authorizer = (event.get("requestContext") or {}).get("authorizer") or {}
    tenant_id = authorizer.get("tenant_id")
    if not tenant_id:
        raise MissingTenantProblem("The request carries no authenticated tenant.")
    scopes = frozenset(str(authorizer.get("scopes", "")).split())
    return Caller(tenant_id=str(tenant_id), key_prefix=str(authorizer.get("key_prefix", "")), scopes=scopes)
