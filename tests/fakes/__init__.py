"""In-memory implementations of the repository ports (STYLE.md habit 12), so service rules are
unit-tested in milliseconds while moto tests keep the storage honest.

Each fake keeps the semantics the services rely on, as the DynamoDB repository implements them:
conditional writes fail with the same domain exceptions, idempotency keys return what they first
returned, versions are checked, reads return copies (what a store returns is never the caller's
object). ``tests/integration/test_fakes_contract.py`` runs the same scenarios against a fake and
the DynamoDB repository under moto, so the two cannot drift apart silently.

Beyond their port, fakes offer only what a test needs to stage a situation a real store would
produce on its own: ``before_next_write`` runs a callback just before the next write (another
writer getting there first).
"""

from tests.fakes.conversations import InMemoryConversationRepository
from tests.fakes.dialogue import InMemoryDeploymentRepository, InMemoryTurnSessionRepository
from tests.fakes.nbq import (
    InMemoryIdempotencyGuard,
    InMemoryNbqConfigRepository,
    InMemoryNbqSessionRepository,
)
from tests.fakes.sessions import InMemorySessionStore
from tests.fakes.store import StoreConflict
from tests.fakes.tenants import FakeUsagePlans, InMemoryTenantRepository
from tests.fakes.usage import InMemoryUsageRepository

__all__ = [
    "FakeUsagePlans",
    "InMemoryConversationRepository",
    "InMemoryDeploymentRepository",
    "InMemoryIdempotencyGuard",
    "InMemoryNbqConfigRepository",
    "InMemoryNbqSessionRepository",
    "InMemorySessionStore",
    "InMemoryTenantRepository",
    "InMemoryTurnSessionRepository",
    "InMemoryUsageRepository",
    "StoreConflict",
]
