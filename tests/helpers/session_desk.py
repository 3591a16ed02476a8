"""A V1 session desk for unit tests: the session service on in-memory stores with the demo
tenant's catalog (tenants/demo/catalog.yaml) published, and helpers that send what the SDK sends."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import yaml

from parley.nbq.catalog import catalog_document, parse_catalog
from parley.nbq.service import TenantNbqCache
from parley.sessions.models import NextRequest, SessionCreateRequest, SessionEventsRequest
from parley.sessions.service import SessionService
from tests.fakes import (
    InMemoryIdempotencyGuard,
    InMemoryNbqConfigRepository,
    InMemoryNbqSessionRepository,
    InMemorySessionStore,
)
from tests.helpers.paths import ROOT

TENANT = "demo"
NOW = datetime(2026, 12, 5, 10, 0, tzinfo=UTC)


def demo_document() -> dict[str, Any]:
    return catalog_document(parse_catalog(yaml.safe_load((ROOT / "tenants/demo/catalog.yaml").read_text())))


class Desk:
    """The service with its stores, and helpers that send what the SDK sends."""

    def __init__(self) -> None:
        self.config = InMemoryNbqConfigRepository()
        self.config.put_catalog(TENANT, "0.9.0-beta.1", demo_document())
        self.sessions = InMemorySessionStore()
        self.learning = InMemoryNbqSessionRepository(self.config)
        self.idempotency = InMemoryIdempotencyGuard()
        self.counter = 0
        self.monotonic = 0.0  # the catalog cache's clock (it re-reads the published catalog after 60 s)
        self.service = SessionService(
            self.sessions,
            TenantNbqCache(self.config, clock=lambda: self.monotonic),
            self.config,
            self.learning,
            self.idempotency,
            now=lambda: NOW,
        )

    def key(self) -> str:
        self.counter += 1
        return f"key-{self.counter:08d}"

    def start(self, **body: Any) -> dict[str, Any]:
        return self.service.create(TENANT, self.key(), SessionCreateRequest.model_validate(body))

    def next(self, session: dict[str, Any] | str, version: int, **body: Any) -> dict[str, Any]:
        session_id = session if isinstance(session, str) else session["session_id"]
        request = NextRequest.model_validate({"state_version": version, **body})
        return self.service.next(TENANT, session_id, self.key(), request)

    def events(self, session_id: str, version: int, **body: Any) -> dict[str, Any]:
        request = SessionEventsRequest.model_validate({"state_version": version, **body})
        return self.service.events(TENANT, session_id, self.key(), request)

    def read(self, session_id: str) -> dict[str, Any]:
        return self.service.read(TENANT, session_id)


def ids(decision: dict[str, Any]) -> list[str]:
    return [c["question_id"] for c in decision["candidates"]]


def choice(decision: dict[str, Any], label: str) -> str:
    first = decision["candidates"][0]
    return next(c["choice_id"] for c in first["choices"] if c["label"] == label)
