"""Services as several functions build them, once per container, from their DynamoDB stores and
Powertools adapters: the edge where domains meet their storage (the domains never import it).

- ``session_service``: Zelinqa V1 sessions (the five session functions);
- ``configuration_service``: Zelinqa V1 configuration (its six functions and the compiler).

Each builder imports its own domain: a configuration function never loads the sessions' engine
and models (≈ 70 ms of cold start), nor a session function the configuration's."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from parley.nbq.repository import DynamoNbqConfigRepository
from parley.settings import Settings

if TYPE_CHECKING:
    from parley.configuration.service import ConfigurationService
    from parley.idempotency import PowertoolsIdempotency
    from parley.sessions.service import SessionService


def session_service(
    settings: Settings, dynamodb: Any, *, record_name: str | None
) -> tuple[SessionService, PowertoolsIdempotency | None]:
    """``record_name``: the mutation's name in idempotency records (None: a read-only function,
    which then never loads Powertools Idempotency)."""
    from parley.nbq.repository import DynamoNbqSessionRepository
    from parley.nbq.service import TenantNbqCache
    from parley.sessions.repository import DynamoSessionStore
    from parley.sessions.service import SessionService

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


def configuration_service(
    settings: Settings, dynamodb: Any, *, record_name: str | None = None, queue_url: str | None = None
) -> tuple[ConfigurationService, PowertoolsIdempotency | None]:
    """The configuration service of one function: ``record_name`` for a mutation (idempotency),
    ``queue_url`` for the one that queues compilations."""
    from parley.configuration.repository import DynamoAuditLog, DynamoCompilationStore, DynamoDraftStore
    from parley.configuration.service import ConfigurationService

    idempotency = None
    if record_name is not None:
        from parley.idempotency import PowertoolsIdempotency

        idempotency = PowertoolsIdempotency(
            settings.tables.idempotency,
            dynamodb,
            key_fields=("tenant_id", "session_id", "operation", "idempotency_key"),
            payload_fields=("body",),
            what="configuration change",
            record_name=record_name,
        )
    queue = None
    if queue_url is not None:
        from parley import aws
        from parley.queues.sqs import SqsQueue

        queue = SqsQueue(aws.client("sqs"), queue_url)
    tenants = table = settings.tables.tenants
    service = ConfigurationService(
        DynamoDraftStore(dynamodb, table),
        DynamoCompilationStore(dynamodb, table),
        DynamoAuditLog(dynamodb, table),
        DynamoNbqConfigRepository(dynamodb, table),
        TenantNames(dynamodb, tenants),
        queue,
        idempotency,
    )
    return service, idempotency


class TenantNames:
    """A tenant's display name (the configuration's ``domain.name``)."""

    def __init__(self, dynamodb: Any, tenants_table: str) -> None:
        from parley.tenants.repository import DynamoTenantRepository

        self._repository = DynamoTenantRepository(dynamodb, tenants_table)

    def name_of(self, tenant_id: str) -> str | None:
        tenant = self._repository.get_tenant(tenant_id)
        return tenant.name if tenant is not None else None
