"""``TenantRepository`` and ``UsagePlanRegistry`` in memory, as the DynamoDB and API Gateway ones
behave: a tenant id is created once (``TenantExists``), a usage key is set only on an existing
tenant (``TenantNotFound``), a key hash is stored once (``StoreConflict``: the conditional put
fails), only an existing key is revoked (``KeyNotFound``). Key lookups are counted, so tests can
see the authenticator's cache at work."""

from __future__ import annotations

from dataclasses import replace

from parley.tenants.models import ApiKey, KeyNotFound, Tenant, TenantExists, TenantNotFound
from tests.fakes.store import StoreConflict


class InMemoryTenantRepository:
    def __init__(self) -> None:
        self.tenants: dict[str, Tenant] = {}
        self.keys: dict[str, ApiKey] = {}
        self.key_lookups = 0

    def get_api_key(self, key_hash: str) -> ApiKey | None:
        self.key_lookups += 1
        return self.keys.get(key_hash)

    def get_tenant(self, tenant_id: str) -> Tenant | None:
        return self.tenants.get(tenant_id)

    def create_tenant(self, tenant: Tenant) -> None:
        if tenant.tenant_id in self.tenants:
            raise TenantExists(tenant.tenant_id)
        self.tenants[tenant.tenant_id] = tenant

    def set_usage_key(self, tenant_id: str, usage_key_id: str, usage_key_value: str) -> None:
        if tenant_id not in self.tenants:
            raise TenantNotFound(tenant_id)
        self.tenants[tenant_id] = replace(
            self.tenants[tenant_id], usage_key_id=usage_key_id, usage_key_value=usage_key_value
        )

    def put_api_key(self, key: ApiKey) -> None:
        if key.key_hash in self.keys:
            raise StoreConflict(f"api key {key.prefix} exists")
        self.keys[key.key_hash] = key

    def list_api_keys(self, tenant_id: str) -> list[ApiKey]:
        return [k for k in self.keys.values() if k.tenant_id == tenant_id]

    def revoke_api_key(self, key_hash: str, revoked_at: str) -> None:
        if key_hash not in self.keys:
            raise KeyNotFound(key_hash)
        self.keys[key_hash] = replace(self.keys[key_hash], active=False, revoked_at=revoked_at)


class FakeUsagePlans:
    """Registers each tenant with the usage plan; remembers which."""

    def __init__(self) -> None:
        self.registered: list[str] = []

    def register(self, tenant_id: str) -> tuple[str, str]:
        self.registered.append(tenant_id)
        return f"key-{tenant_id}", f"usage-value-{tenant_id}"
