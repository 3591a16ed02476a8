"""Each fake in tests/fakes implements its port with the port's exact signatures (names, kinds and
defaults of every parameter), so a service typed against the port runs unchanged on the fake.

What the fakes *do* is checked against the DynamoDB repositories in
tests/integration/test_fakes_contract.py.
"""

from __future__ import annotations

import inspect

import pytest

from parley.conversations.ports import ConversationRepository
from parley.dialogue.ports import DeploymentRepository, TurnSessionRepository
from parley.nbq.ports import IdempotencyGuard, NbqConfigRepository, NbqSessionRepository
from parley.tenants.repository import TenantRepository
from parley.tenants.service import UsagePlanRegistry
from parley.usage.service import UsageRepository
from tests.fakes import (
    FakeUsagePlans,
    InMemoryConversationRepository,
    InMemoryDeploymentRepository,
    InMemoryIdempotencyGuard,
    InMemoryNbqConfigRepository,
    InMemoryNbqSessionRepository,
    InMemoryTenantRepository,
    InMemoryTurnSessionRepository,
    InMemoryUsageRepository,
)

PAIRS = [
    (ConversationRepository, InMemoryConversationRepository),
    (DeploymentRepository, InMemoryDeploymentRepository),
    (TurnSessionRepository, InMemoryTurnSessionRepository),
    (NbqConfigRepository, InMemoryNbqConfigRepository),
    (NbqSessionRepository, InMemoryNbqSessionRepository),
    (IdempotencyGuard, InMemoryIdempotencyGuard),
    (UsageRepository, InMemoryUsageRepository),
    (TenantRepository, InMemoryTenantRepository),
    (UsagePlanRegistry, FakeUsagePlans),
]


def port_methods(port: type) -> list[str]:
    return sorted(
        name for name, value in vars(port).items() if inspect.isfunction(value) and not name.startswith("_")
    )


def shape(function: object) -> list[tuple[str, object, object]]:
    return [
        (parameter.name, parameter.kind, parameter.default)
        for parameter in inspect.signature(function).parameters.values()  # type: ignore[arg-type]
    ]


@pytest.mark.parametrize(("port", "fake"), PAIRS, ids=[fake.__name__ for _, fake in PAIRS])
def test_given_a_port_when_its_fake_is_read_then_every_method_has_the_ports_signature(
    port: type, fake: type
) -> None:
    methods = port_methods(port)

    mismatched = {
        name: (shape(getattr(port, name)), shape(getattr(fake, name, None) or (lambda: None)))
        for name in methods
        if not callable(getattr(fake, name, None)) or shape(getattr(fake, name)) != shape(getattr(port, name))
    }

    assert methods, f"{port.__name__} has no methods: the check would pass vacuously"
    assert not mismatched, mismatched
