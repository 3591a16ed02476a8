"""API keys: format, hashing, presentation in headers, cached authentication, issuing and revoking."""

import re

import pytest

from parley.tenants.authentication import KeyAuthenticator, presented_key
from parley.tenants.keys import display_prefix, generate_key, hash_key, is_well_formed
from parley.tenants.models import KeyNotFound, TenantExists, TenantNotFound
from parley.tenants.service import TenantService
from tests.fakes import FakeUsagePlans, InMemoryTenantRepository

DEMO_KEY = "pk_test_demoDEMOdemoDEMOdemoDEMO01"


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_generated_live_keys_are_well_formed_and_carry_at_least_128_bits() -> None:
    keys = {generate_key() for _ in range(200)}

    assert len(keys) == 200
    for key in keys:
        assert re.fullmatch(r"pk_live_[A-Za-z0-9]{43}", key)
        assert is_well_formed(key)
    # 43 base62 characters = 43 * log2(62) ≈ 256 bits.
    assert 43 * 5.95 > 128


@pytest.mark.parametrize(
    "key",
    [
        "",
        "pk_live_short",
        "sk_live_" + "a" * 30,
        "pk_live_" + "a" * 30 + "!",
        "Bearer pk_live_" + "a" * 30,
        "pk_prod_" + "a" * 30,
    ],
)
def test_malformed_keys_are_rejected(key: str) -> None:
    assert not is_well_formed(key)


def test_only_a_hash_and_a_display_prefix_are_derived_from_a_key() -> None:
    assert hash_key(DEMO_KEY) == hash_key(DEMO_KEY)
    assert DEMO_KEY not in hash_key(DEMO_KEY)
    assert len(hash_key(DEMO_KEY)) == 64
    assert display_prefix(DEMO_KEY) == "pk_test_demoDEMO"


@pytest.mark.parametrize(
    ("headers", "header", "expected"),
    [
        ({"Authorization": f"Bearer {DEMO_KEY}"}, "authorization", DEMO_KEY),
        ({"authorization": f"bearer   {DEMO_KEY} "}, "authorization", DEMO_KEY),
        ({"nlx-api-key": DEMO_KEY}, "nlx-api-key", DEMO_KEY),
        ({"NLX-API-KEY": DEMO_KEY}, "nlx-api-key", DEMO_KEY),
        # Each API reads its own header only: a key in the other one is not looked at.
        ({"nlx-api-key": DEMO_KEY}, "authorization", None),
        ({"Authorization": f"Bearer {DEMO_KEY}"}, "nlx-api-key", None),
        ({"Authorization": f"Basic {DEMO_KEY}", "nlx-api-key": "pk_test_other"}, "authorization", None),
        ({"Authorization": "Bearer "}, "authorization", None),
        ({"Authorization": DEMO_KEY}, "authorization", None),
        ({}, "authorization", None),
        (None, "nlx-api-key", None),
    ],
)
def test_the_key_is_read_from_the_routes_own_header_whatever_its_case(headers, header, expected) -> None:
    assert presented_key(headers, header) == expected


def _issued_repository() -> tuple[InMemoryTenantRepository, TenantService]:
    repository = InMemoryTenantRepository()
    service = TenantService(repository, FakeUsagePlans(), now=lambda: "2026-11-23T15:00:00Z")
    service.create_tenant("demo", "Demo")
    return repository, service


def test_an_issued_key_authenticates_to_its_tenant_and_is_stored_only_hashed() -> None:
    repository, service = _issued_repository()
    issued = service.issue_key("demo")

    record = KeyAuthenticator(repository, ttl_seconds=30).authenticate(issued.key)

    assert record is not None
    assert record.tenant_id == "demo"
    assert record.prefix == issued.key[:16]
    assert record.usage_key_value == "usage-value-demo"
    assert all(issued.key not in str(stored) for stored in repository.keys.values())


def test_missing_malformed_and_unknown_keys_do_not_authenticate_and_malformed_ones_cost_no_lookup() -> None:
    repository, _ = _issued_repository()
    authenticator = KeyAuthenticator(repository, ttl_seconds=30)

    assert authenticator.authenticate(None) is None
    assert authenticator.authenticate("not-a-key") is None
    assert repository.key_lookups == 0
    assert authenticator.authenticate(generate_key()) is None
    assert repository.key_lookups == 1


def test_lookups_are_cached_for_the_ttl_then_read_again() -> None:
    repository, service = _issued_repository()
    issued = service.issue_key("demo")
    clock = Clock()
    authenticator = KeyAuthenticator(repository, ttl_seconds=30, clock=clock)

    for _ in range(5):
        assert authenticator.authenticate(issued.key) is not None
    assert repository.key_lookups == 1

    clock.now += 31
    authenticator.authenticate(issued.key)
    assert repository.key_lookups == 2


def test_a_revoked_key_stops_authenticating_once_the_cache_expires() -> None:
    repository, service = _issued_repository()
    issued = service.issue_key("demo")
    clock = Clock()
    authenticator = KeyAuthenticator(repository, ttl_seconds=30, clock=clock)
    assert authenticator.authenticate(issued.key) is not None

    service.revoke_key("demo", issued.record.prefix)
    clock.now += 31

    assert authenticator.authenticate(issued.key) is None
    assert service.list_keys("demo")[0].active is False


def test_the_usage_plan_key_is_registered_once_per_tenant() -> None:
    repository = InMemoryTenantRepository()
    plans = FakeUsagePlans()
    service = TenantService(repository, plans)
    service.create_tenant("acme", "Acme")

    first, second = service.issue_key("acme"), service.issue_key("acme")

    assert plans.registered == ["acme"]
    assert first.record.usage_key_value == second.record.usage_key_value == "usage-value-acme"
    assert first.key != second.key


def test_admin_errors_are_domain_errors() -> None:
    _, service = _issued_repository()

    with pytest.raises(TenantExists):
        service.create_tenant("demo", "Again")
    with pytest.raises(TenantNotFound):
        service.issue_key("nobody")
    with pytest.raises(KeyNotFound):
        service.revoke_key("demo", "pk_live_nothing1")
    with pytest.raises(ValueError, match="tenant id"):
        service.create_tenant("Bad Id!", "x")
    with pytest.raises(ValueError, match="pk_test_"):
        service.issue_key("demo", key="pk_live_" + "a" * 40)
