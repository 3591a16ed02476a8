"""What a key may call: scopes, and the scope (and key header) of every route.

Two kinds of key. A **secret** key (``pk_live_…``, ``pk_test_…``) is for servers; issued without
``--scope`` it holds every secret scope. A **publishable** key (``pub_live_…``, ``pub_test_…``) is
made to sit in a browser (NLX's chat widget puts it in ``nlx-api-key``): it holds only ``turn``, so
a page's visitor who copies it can hold conversations, never read transcripts, insights or usage,
nor record conversions. The Zelinqa V1 scopes (``runtime``, ``configuration:read|write|publish``)
are the ones its API names.

Each API reads its key from its own header: ``Authorization: Bearer`` on ``/v1`` and ``/api``,
``nlx-api-key`` on ``/c``. A missing or unknown key is answered as each API's contract says (403 on
the NBQ beta routes, 401 elsewhere); a valid key without the route's scope is a 403
``insufficient_scope``. A route this table does not know is refused (fail closed).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

TURN = "turn"
NBQ = "nbq"
CONVERSATIONS = "conversations"
RUNTIME = "runtime"
CONFIGURATION_READ = "configuration:read"
CONFIGURATION_WRITE = "configuration:write"
CONFIGURATION_PUBLISH = "configuration:publish"

SECRET_SCOPES: frozenset[str] = frozenset(
    {TURN, NBQ, CONVERSATIONS, RUNTIME, CONFIGURATION_READ, CONFIGURATION_WRITE, CONFIGURATION_PUBLISH}
)
PUBLISHABLE_SCOPES: frozenset[str] = frozenset({TURN})

KeyHeader = Literal["authorization", "nlx-api-key"]
AUTHORIZATION: KeyHeader = "authorization"
NLX_API_KEY: KeyHeader = "nlx-api-key"
# How an API answers a request without a valid key: its contract's status. ``absent_unauthorized``
# (Zelinqa V1): 401 when no key is sent, 403 when the key sent is not valid.
MissingKey = Literal["forbidden", "unauthorized", "absent_unauthorized"]


@dataclass(frozen=True, slots=True)
class RouteAccess:
    scope: str
    header: KeyHeader
    missing_key: MissingKey


_NBQ_BETA = RouteAccess(NBQ, AUTHORIZATION, "forbidden")
_CONVERSATIONS = RouteAccess(CONVERSATIONS, AUTHORIZATION, "unauthorized")
_TURN = RouteAccess(TURN, NLX_API_KEY, "unauthorized")
_RUNTIME = RouteAccess(RUNTIME, AUTHORIZATION, "absent_unauthorized")
_CONFIG_READ = RouteAccess(CONFIGURATION_READ, AUTHORIZATION, "absent_unauthorized")
_CONFIG_WRITE = RouteAccess(CONFIGURATION_WRITE, AUTHORIZATION, "absent_unauthorized")
_CONFIG_PUBLISH = RouteAccess(CONFIGURATION_PUBLISH, AUTHORIZATION, "absent_unauthorized")

# (METHOD, API Gateway resource) → what the route needs. tests/unit/template checks that every
# authorized route of template.yaml is here.
ROUTES: dict[tuple[str, str], RouteAccess] = {
    ("GET", "/v1/usage"): _NBQ_BETA,
    ("POST", "/v1/next-questions"): _NBQ_BETA,
    ("POST", "/v1/sessions/{session_id}/conversion"): _NBQ_BETA,
    ("POST", "/api/v1/conversations"): _CONVERSATIONS,
    ("GET", "/api/v1/conversations"): _CONVERSATIONS,
    ("GET", "/api/v1/conversations/{id}"): _CONVERSATIONS,
    ("POST", "/api/v1/conversations/{id}/messages"): _CONVERSATIONS,
    ("GET", "/api/v1/conversations/{id}/insights"): _CONVERSATIONS,
    # Converra's runs API and its SDK's routes: the same conversations, the same scope.
    ("POST", "/api/v1/runs"): _CONVERSATIONS,
    ("GET", "/api/v1/runs"): _CONVERSATIONS,
    ("GET", "/api/v1/runs/{id}"): _CONVERSATIONS,
    ("POST", "/api/v1/runs/{id}/messages"): _CONVERSATIONS,
    ("GET", "/api/v1/runs/{id}/insights"): _CONVERSATIONS,
    ("GET", "/api/v1/sdk/config"): _CONVERSATIONS,
    ("POST", "/api/v1/sdk/agents/match"): _CONVERSATIONS,
    ("GET", "/api/v1/sdk/agents/{id}/active-variant"): _CONVERSATIONS,
    # Zelinqa API V1, runtime: the five session routes.
    ("POST", "/v1/sessions"): _RUNTIME,
    ("POST", "/v1/sessions/{session_id}/next"): _RUNTIME,
    ("POST", "/v1/sessions/{session_id}/events"): _RUNTIME,
    ("GET", "/v1/sessions/{session_id}"): _RUNTIME,
    ("POST", "/v1/sessions/{session_id}/feedback"): _RUNTIME,
    # Zelinqa API V1, configuration (the draft also needs configuration:write: checked by the
    # function, which sees the key's scopes).
    ("GET", "/v1/configuration"): _CONFIG_READ,
    ("GET", "/v1/configuration/questions"): _CONFIG_READ,
    ("POST", "/v1/configuration/changes"): _CONFIG_WRITE,
    ("POST", "/v1/configuration/publish"): _CONFIG_PUBLISH,
    ("GET", "/v1/configuration/compilations/{compilation_id}"): _CONFIG_READ,
    ("GET", "/v1/configuration/audit"): _CONFIG_PUBLISH,
    ("POST", "/c/{deploymentKey}/{channelKey}"): _TURN,
    ("POST", "/c/{deploymentKey}/{channelKey}/context"): _TURN,
    ("POST", "/c/{deploymentKey}/{channelKey}/requestToken"): _TURN,
}


def access_for(method: str, resource: str) -> RouteAccess | None:
    return ROUTES.get((method.upper(), resource))


def family_of(path: str) -> RouteAccess:
    """For a request no route matched (refused anyway): the answer its path's API gives."""
    if path.startswith("/c/"):
        return _TURN
    if path.startswith("/api/"):
        return _CONVERSATIONS
    if path.startswith("/v1/sessions") and not path.endswith("/conversion"):
        return _RUNTIME
    if path.startswith("/v1/configuration"):
        return _CONFIG_READ
    return _NBQ_BETA


def parse_scopes(values: list[str] | tuple[str, ...]) -> frozenset[str]:
    """Scopes named on the command line; ``ValueError`` for one that does not exist."""
    scopes = frozenset(value.strip() for value in values if value.strip())
    unknown = scopes - SECRET_SCOPES
    if unknown:
        raise ValueError(f"unknown scopes {sorted(unknown)}; known: {sorted(SECRET_SCOPES)}")
    return scopes
