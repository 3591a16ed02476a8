"""The authorizer's decision for one request: the route's scope and key header, the key's record,
and what API Gateway is told — allow (with the tenant), deny with a problem, or 401."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from parley.tenants.authentication import KeyAuthenticator, presented_key
from parley.tenants.models import ApiKey
from parley.tenants.scopes import access_for, family_of


@dataclass(frozen=True, slots=True)
class Refusal:
    """A 403 problem, rendered by API Gateway's ACCESS_DENIED gateway response from these values."""

    code: str
    title: str
    detail: str


MISSING_KEY = Refusal(
    "missing_tenant_id", "Missing or invalid API key", "Send a valid API key as Authorization: Bearer <key>."
)


INVALID_KEY = Refusal(
    "invalid_key", "Invalid API key", "The API key sent is not valid: it is unknown, revoked or malformed."
)


@dataclass(frozen=True, slots=True)
class Decision:
    key: ApiKey | None = None  # allowed: the caller's key
    refusal: Refusal | None = None  # a 403 with this problem
    unauthorized: bool = False  # a 401 (API Gateway's UNAUTHORIZED gateway response)


class RequestAuthorizer:
    def __init__(self, authenticator: KeyAuthenticator) -> None:
        self._authenticator = authenticator

    def decide(self, method: str, resource: str, path: str, headers: Mapping[str, str] | None) -> Decision:
        access = access_for(method, resource)
        family = access or family_of(path)
        presented = presented_key(headers, family.header)
        record = self._authenticator.authenticate(presented)
        if record is None:
            if family.missing_key == "forbidden" or (
                family.missing_key == "absent_unauthorized" and presented
            ):
                return Decision(refusal=MISSING_KEY if family.missing_key == "forbidden" else INVALID_KEY)
            return Decision(unauthorized=True)
        if access is None:
            return Decision(
                refusal=Refusal(
                    "insufficient_scope", "Route not authorized", f"No key may call {method} {resource}."
                )
            )
        if access.scope not in record.scopes:
            return Decision(
                refusal=Refusal(
                    "insufficient_scope",
                    "Insufficient scope",
                    f"This key may not call {method} {resource}: it needs the {access.scope} scope"
                    + (
                        " (a publishable key may only hold conversations through the turn API)."
                        if record.kind == "publishable"
                        else "."
                    ),
                )
            )
        return Decision(key=record)
