"""Every route the authorizer guards has its scope and key header in parley.tenants.scopes (the
authorizer refuses a route it does not know, so a route added to the template without a scope would
answer 403 to everyone — this test says so first)."""

from __future__ import annotations

from parley.tenants.scopes import NLX_API_KEY, PUBLISHABLE_SCOPES, ROUTES, TURN
from tests.helpers.template import events_of, functions, load_template


def authorized_routes() -> set[tuple[str, str]]:
    routes = set()
    for properties in functions(load_template()).values():
        for event in events_of(properties, "Api").values():
            if (event.get("Auth") or {}).get("Authorizer") != "NONE":
                routes.add((str(event["Method"]).upper(), str(event["Path"])))
    return routes


def test_every_authorized_route_of_the_template_has_its_scope() -> None:
    assert authorized_routes() == set(ROUTES)


def test_only_the_turn_routes_read_nlx_api_key_and_only_they_take_a_publishable_key() -> None:
    for (_, path), access in ROUTES.items():
        assert (access.header == NLX_API_KEY) == path.startswith("/c/"), path
        assert (access.scope in PUBLISHABLE_SCOPES) == (access.scope == TURN), path
