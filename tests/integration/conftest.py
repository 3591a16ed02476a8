"""Handler + moto: tables and queues built from template.yaml, functions loaded like Lambda does.

Each test gets a fresh moto account and freshly imported function modules (their module-level
clients must be created inside the mock), with the environment the template gives the function.
"""

from __future__ import annotations

import importlib.util
import sys
import uuid
from collections.abc import Callable, Iterator
from types import ModuleType
from typing import Any

import pytest
from moto import mock_aws

from localgw.moto_backend import serialize_dynamodb
from localgw.resources import LocalResources, create_resources
from localgw.template import SamTemplate, load_template
from parley import aws
from tests.helpers.events import FakeContext
from tests.helpers.paths import DEMO_TENANT, ROOT, TEMPLATE_PATH
from tests.helpers.streams import StreamRelay


@pytest.fixture(scope="session", autouse=True)
def dynamodb_like_isolation() -> None:
    """moto's transaction rollback loses concurrent writes; the local gateway's fix applies here too."""
    serialize_dynamodb()


@pytest.fixture(scope="session")
def sam_template() -> SamTemplate:
    return load_template(TEMPLATE_PATH)


@pytest.fixture
def fake_aws_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fake credentials in us-east-1 and no endpoint or profile: every client goes to ``mock_aws``."""
    for name, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_SESSION_TOKEN": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
    }.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    monkeypatch.delenv("AWS_PROFILE", raising=False)


@pytest.fixture
def moto_resources(fake_aws_environment: None, sam_template: SamTemplate) -> Iterator[LocalResources]:
    with mock_aws():
        aws.client.cache_clear()
        yield create_resources(sam_template)
    aws.client.cache_clear()


@pytest.fixture
def load_function(
    moto_resources: LocalResources, sam_template: SamTemplate, monkeypatch: pytest.MonkeyPatch
) -> Callable[[str], ModuleType]:
    """Import a function's ``app.py`` by path under a unique name, with its template environment."""
    resolver = moto_resources.resolver(sam_template)

    def load(logical_id: str, **overrides: str) -> ModuleType:
        """``overrides``: variables that differ from the template's (a deployment's parameters)."""
        properties = sam_template.resources[logical_id]["Properties"]
        variables = {**resolver.resolve(properties.get("Environment", {}).get("Variables", {})), **overrides}
        for name, value in variables.items():
            monkeypatch.setenv(name, str(value))
        source = ROOT / properties["CodeUri"] / "app.py"
        name = f"parley_fn_{logical_id}_{uuid.uuid4().hex[:8]}"
        spec = importlib.util.spec_from_file_location(name, source)
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
        return module

    return load


@pytest.fixture
def lambda_context() -> FakeContext:
    return FakeContext()


@pytest.fixture
def stream_relay(moto_resources: LocalResources, load_function: Callable[[str], ModuleType]) -> StreamRelay:
    """Relays committed changes to the insights queue (``tests/helpers/streams.py``)."""
    return StreamRelay(moto_resources, load_function, FakeContext())


@pytest.fixture
def catalog_loaded(moto_resources: LocalResources) -> Any:
    """The demo tenant's question catalog, stored as `parley.admin load-config` stores it."""
    from parley.nbq.catalog import catalog_document, load_catalog_yaml
    from parley.nbq.repository import DynamoNbqConfigRepository

    catalog = load_catalog_yaml((DEMO_TENANT / "catalog.yaml").read_text())
    config = DynamoNbqConfigRepository(aws.dynamodb(), moto_resources.tables["TenantsTable"])
    config.put_catalog("demo", catalog.version, catalog_document(catalog))
    return config
