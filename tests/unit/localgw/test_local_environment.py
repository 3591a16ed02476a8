"""localgw: the environment local runs add over the template (webhooks may call 127.0.0.1)."""

from __future__ import annotations

from collections.abc import Iterator

import boto3
import pytest
from moto import mock_aws

from localgw.gateway import LOCAL_ONLY_ENVIRONMENT, function_specs
from localgw.intrinsics import IntrinsicResolver
from localgw.resources import create_resources
from localgw.template import SamTemplate, load_template
from parley.settings import Settings
from tests.helpers.paths import ROOT


@pytest.fixture
def template_and_resolver(monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[SamTemplate, IntrinsicResolver]]:
    for key, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
    }.items():
        monkeypatch.setenv(key, value)
    template = load_template(ROOT / "template.yaml")
    with mock_aws():
        resources = create_resources(template, boto3.session.Session(region_name="us-east-1"))
        yield template, resources.resolver(template)


def test_every_local_function_may_call_private_addresses(template_and_resolver) -> None:
    template, resolver = template_and_resolver

    specs = function_specs(template, resolver)

    assert specs
    for spec in specs.values():
        assert spec.environment["PARLEY_WEBHOOKS_ALLOW_PRIVATE"] == "true"
        assert Settings.from_env(spec.environment).webhooks_allow_private is True
        # The template's own variables are all still there.
        declared = template.resources[spec.name]["Properties"].get("Environment", {}).get("Variables", {})
        assert set(declared) <= set(spec.environment)


def test_the_local_override_wins_over_the_template(template_and_resolver) -> None:
    template, resolver = template_and_resolver
    name = next(iter(template.functions))
    properties = template.resources[name]["Properties"]
    properties.setdefault("Environment", {}).setdefault("Variables", {})["PARLEY_WEBHOOKS_ALLOW_PRIVATE"] = (
        "false"
    )

    assert function_specs(template, resolver)[name].environment["PARLEY_WEBHOOKS_ALLOW_PRIVATE"] == "true"


def test_outside_the_local_gateway_private_addresses_stay_refused() -> None:
    assert set(LOCAL_ONLY_ENVIRONMENT) == {"PARLEY_WEBHOOKS_ALLOW_PRIVATE"}
    assert Settings.from_env({}).webhooks_allow_private is False
