"""Tenants and API keys as the domain sees them (plain dataclasses: the authorizer imports these
on every cold start, so they stay free of pydantic)."""

from __future__ import annotations

from dataclasses import dataclass

from parley.tenants.scopes import SECRET_SCOPES


@dataclass(frozen=True, slots=True)
class Tenant:
    tenant_id: str
    name: str
    created_at: str
    usage_key_id: str | None = None
    usage_key_value: str | None = None


@dataclass(frozen=True, slots=True)
class ApiKey:
    key_hash: str
    tenant_id: str
    prefix: str
    created_at: str
    active: bool = True
    revoked_at: str | None = None
    # The API Gateway usage-plan key the authorizer hands back (internal; never shown to clients).
    usage_key_value: str | None = None
    # What the key may call (parley.tenants.scopes); a key issued before scopes holds every secret one.
    scopes: frozenset[str] = SECRET_SCOPES
    kind: str = "secret"


@dataclass(frozen=True, slots=True)
class IssuedKey:
    """A freshly issued key: the only moment its secret exists outside the client."""

    key: str
    record: ApiKey


class TenantNotFound(LookupError):
    pass


class TenantExists(ValueError):
    pass


class KeyNotFound(LookupError):
    pass
