"""Tenant administration: create tenants, issue and revoke keys.

Issuing a key also gives the tenant a usage-plan API key in API Gateway (created once per tenant),
whose value the authorizer returns as ``usageIdentifierKey``, so API Gateway throttles and meters
each tenant separately.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, Protocol

from parley.tenants.keys import (
    PUBLISHABLE,
    SECRET,
    display_prefix,
    generate_key,
    hash_key,
    is_well_formed,
    kind_of,
)
from parley.tenants.models import ApiKey, IssuedKey, KeyNotFound, Tenant, TenantNotFound
from parley.tenants.repository import TenantRepository
from parley.tenants.scopes import PUBLISHABLE_SCOPES, SECRET_SCOPES

TENANT_ID_PATTERN = re.compile(r"[a-z0-9][a-z0-9_-]{1,62}")


def utc_now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class UsagePlanRegistry(Protocol):
    def register(self, tenant_id: str) -> tuple[str, str]:
        """Create a usage-plan API key for the tenant; return its id and value."""
        ...


class ApiGatewayUsagePlanRegistry:
    def __init__(self, client: Any, usage_plan_id: str) -> None:
        self._client = client
        self._usage_plan_id = usage_plan_id

    def register(self, tenant_id: str) -> tuple[str, str]:
        value = secrets.token_urlsafe(30)
        api_key = self._client.create_api_key(
            name=f"parley-tenant-{tenant_id}",
            description=f"Usage-plan key of Parley tenant {tenant_id} (returned by the authorizer)",
            enabled=True,
            value=value,
            tags={"parley:tenant": tenant_id},
        )
        self._client.create_usage_plan_key(
            usagePlanId=self._usage_plan_id, keyId=api_key["id"], keyType="API_KEY"
        )
        return api_key["id"], value


class TenantService:
    def __init__(
        self,
        repository: TenantRepository,
        usage_plans: UsagePlanRegistry | None,
        now: Callable[[], str] = utc_now,
    ) -> None:
        self._repository = repository
        self._usage_plans = usage_plans
        self._now = now

    def create_tenant(self, tenant_id: str, name: str) -> Tenant:
        if not TENANT_ID_PATTERN.fullmatch(tenant_id):
            raise ValueError(f"tenant id {tenant_id!r} must match {TENANT_ID_PATTERN.pattern}")
        tenant = Tenant(tenant_id=tenant_id, name=name, created_at=self._now())
        self._repository.create_tenant(tenant)
        return tenant

    def issue_key(
        self,
        tenant_id: str,
        mode: str = "live",
        key: str | None = None,
        *,
        kind: str = SECRET,
        scopes: frozenset[str] | None = None,
    ) -> IssuedKey:
        """Issue a new key; ``key`` fixes the secret (only for documented local/test keys).

        A secret key holds ``scopes`` (every secret scope by default); a publishable key holds
        only what a browser may do (``turn``) and cannot be given more."""
        tenant = self._repository.get_tenant(tenant_id)
        if tenant is None:
            raise TenantNotFound(tenant_id)
        if key is not None and not (key.startswith(("pk_test_", "pub_test_")) and is_well_formed(key)):
            raise ValueError("only a well-formed pk_test_ or pub_test_ key may be given explicitly")
        if key is not None:
            kind = kind_of(key)
        if kind == PUBLISHABLE:
            if scopes is not None and not scopes <= PUBLISHABLE_SCOPES:
                raise ValueError(f"a publishable key may hold only {sorted(PUBLISHABLE_SCOPES)}")
            scopes = PUBLISHABLE_SCOPES
        scopes = SECRET_SCOPES if scopes is None else scopes
        if not scopes:
            raise ValueError("a key needs at least one scope")
        usage_key_value = tenant.usage_key_value
        if usage_key_value is None and self._usage_plans is not None:
            usage_key_id, usage_key_value = self._usage_plans.register(tenant_id)
            self._repository.set_usage_key(tenant_id, usage_key_id, usage_key_value)
        secret = key or generate_key(mode, kind)
        record = ApiKey(
            key_hash=hash_key(secret),
            tenant_id=tenant_id,
            prefix=display_prefix(secret),
            created_at=self._now(),
            usage_key_value=usage_key_value,
            scopes=scopes,
            kind=kind,
        )
        self._repository.put_api_key(record)
        return IssuedKey(key=secret, record=record)

    def list_keys(self, tenant_id: str) -> list[ApiKey]:
        return self._repository.list_api_keys(tenant_id)

    def revoke_key(self, tenant_id: str, prefix: str) -> ApiKey:
        """Revoke the tenant's active key whose display prefix is ``prefix`` (must be unambiguous)."""
        matches = [k for k in self._repository.list_api_keys(tenant_id) if k.prefix == prefix and k.active]
        if not matches:
            raise KeyNotFound(prefix)
        if len(matches) > 1:
            raise ValueError(f"prefix {prefix!r} matches {len(matches)} keys")
        self._repository.revoke_api_key(matches[0].key_hash, self._now())
        return matches[0]
