"""Services as several functions build them, once per container, from their DynamoDB stores and
Powertools adapters: the edge where domains meet their storage (the domains never import it).

- ``session_service``: Zelinqa V1 sessions (the five session functions)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from parley.nbq.repository import DynamoNbqConfigRepository, DynamoNbqSessionRepository
from parley.nbq.service import TenantNbqCache
from parley.sessions.repository import DynamoSessionStore
from parley.sessions.service import SessionService
from parley.settings import Settings

if TYPE_CHECKING:
    from parley.idempotency import PowertoolsIdempotency


def session_service(
    settings: Settings, dynamodb: Any, *, record_name: str | None
) -> tuple[SessionService, PowertoolsIdempotency | None]:
    """``record_name``: the mutation's name in idempotency records (None: a read-only function,
    which then never loads Powertools Idempotency)."""
    idempotency = None
    if record_name is not None:
        from parley.idempotency import PowertoolsIdempotency

        idempotency = PowertoolsIdempotency(
            settings.tables.idempotency,
            dynamodb,
            key_fields=("tenant_id", "session_id", "operation", "idempotency_key"),
            payload_fields=("body",),
            what="session change",
            record_name=record_name,
        )
    configurations = DynamoNbqConfigRepository(dynamodb, settings.tables.tenants)
    service = SessionService(
        DynamoSessionStore(dynamodb, settings.tables.sessions),
        TenantNbqCache(configurations),
        configurations,
        DynamoNbqSessionRepository(dynamodb, settings.tables.sessions, settings.tables.tenants),
        idempotency,
    )
    return service, idempotency
