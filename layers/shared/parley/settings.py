"""Typed settings, parsed once per cold start from the function's environment.

Nothing below the handler reads ``os.environ``: handlers build one ``Settings`` at import time and
pass the pieces down.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field

from parley import __version__

DEFAULT_PROBLEM_TYPE_BASE = "https://api.zelinqa.ai/errors/"
# How long a container trusts what it read about a key: a revoked key works at most this long after.
DEFAULT_TENANT_CACHE_TTL_SECONDS = 30


@dataclass(frozen=True, slots=True)
class TableNames:
    tenants: str
    sessions: str
    conversations: str
    idempotency: str
    webhooks: str = "WebhooksTable"


@dataclass(frozen=True, slots=True)
class Settings:
    stage: str
    version: str
    tables: TableNames
    insights_queue_url: str
    # Webhook events and deliveries, and where a delivery goes after its last failed attempt.
    webhooks_queue_url: str = ""
    webhooks_dead_letter_queue_url: str = ""
    # Lets webhooks call private, loopback and link-local addresses over http: local runs only.
    webhooks_allow_private: bool = False
    # Configuration publications to compile (Zelinqa V1 ``POST /v1/configuration/publish``).
    compilations_queue_url: str = ""
    problem_type_base: str = DEFAULT_PROBLEM_TYPE_BASE
    tracer_enabled: bool = False
    # How long a container trusts what it read about a key or a tenant before reading it again.
    tenant_cache_ttl_seconds: float = DEFAULT_TENANT_CACHE_TTL_SECONDS
    usage_plan_id: str | None = field(default=None)
    # "offline" (default) or "bedrock" (with bedrock_model_id); see parley.insights.providers.
    # The one browser origin allowed to call the API (CorsAllowedOrigin); empty: no CORS headers.
    cors_allowed_origin: str = ""
    insights_provider: str = "offline"
    bedrock_model_id: str | None = None

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if env is None else env
        return cls(
            stage=env.get("PARLEY_STAGE", "local"),
            version=__version__,
            tables=TableNames(
                tenants=env.get("PARLEY_TENANTS_TABLE", "TenantsTable"),
                sessions=env.get("PARLEY_SESSIONS_TABLE", "SessionsTable"),
                conversations=env.get("PARLEY_CONVERSATIONS_TABLE", "ConversationsTable"),
                idempotency=env.get("PARLEY_IDEMPOTENCY_TABLE", "IdempotencyTable"),
                webhooks=env.get("PARLEY_WEBHOOKS_TABLE", "WebhooksTable"),
            ),
            insights_queue_url=env.get("PARLEY_INSIGHTS_QUEUE_URL", ""),
            webhooks_queue_url=env.get("PARLEY_WEBHOOKS_QUEUE_URL", ""),
            webhooks_dead_letter_queue_url=env.get("PARLEY_WEBHOOKS_DEAD_LETTER_QUEUE_URL", ""),
            webhooks_allow_private=env.get("PARLEY_WEBHOOKS_ALLOW_PRIVATE", "false").lower() == "true",
            compilations_queue_url=env.get("PARLEY_COMPILATIONS_QUEUE_URL", ""),
            problem_type_base=env.get("PARLEY_PROBLEM_TYPE_BASE", DEFAULT_PROBLEM_TYPE_BASE),
            tracer_enabled=env.get("POWERTOOLS_TRACE_DISABLED", "true").lower() not in ("1", "true"),
            tenant_cache_ttl_seconds=min(
                float(env.get("PARLEY_TENANT_CACHE_TTL_SECONDS", DEFAULT_TENANT_CACHE_TTL_SECONDS)),
                DEFAULT_TENANT_CACHE_TTL_SECONDS,  # revocation must take effect within 30 s
            ),
            usage_plan_id=env.get("PARLEY_USAGE_PLAN_ID") or None,
            cors_allowed_origin=env.get("PARLEY_CORS_ALLOWED_ORIGIN", ""),
            insights_provider=env.get("PARLEY_INSIGHTS_PROVIDER", "offline"),
            bedrock_model_id=env.get("PARLEY_BEDROCK_MODEL_ID") or None,
        )
