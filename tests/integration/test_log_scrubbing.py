"""The authorizer never logs an API key, whatever the log level and logging settings.

Every record the ``parley`` logger emits (Powertools' Logger is the stdlib logger named after the
service) is captured, extras included, at DEBUG, with Powertools' event logging switched on by
environment: the decorator stack must not let an operator's setting print the Authorization header.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest

from parley import aws
from parley.tenants.repository import DynamoTenantRepository
from parley.tenants.service import ApiGatewayUsagePlanRegistry, TenantService
from tests.helpers.events import FakeContext, load_event

DEMO_KEY = "pk_test_demoDEMOdemoDEMOdemoDEMO01"
UNKNOWN_KEY = "pk_test_unknownUNKNOWNunknownUNKN01"


class _Records(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.DEBUG)
        self.rendered: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        # The message and every attribute, extras included: what any formatter could print.
        self.rendered.append(f"{record.getMessage()} {record.__dict__!r}")


@pytest.fixture
def records() -> Iterator[_Records]:
    handler = _Records()
    logger = logging.getLogger("parley")
    level = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    yield handler
    logger.removeHandler(handler)
    logger.setLevel(level)


@pytest.fixture
def demo_key(moto_resources) -> str:
    repository = DynamoTenantRepository(aws.dynamodb(), moto_resources.tables["TenantsTable"])
    registry = ApiGatewayUsagePlanRegistry(aws.client("apigateway"), moto_resources.usage_plan_id)
    service = TenantService(repository, registry)
    service.create_tenant("demo", "Demo")
    service.issue_key("demo", mode="test", key=DEMO_KEY)
    return DEMO_KEY


@pytest.mark.parametrize("key", [DEMO_KEY, UNKNOWN_KEY], ids=["valid", "unknown"])
def test_the_authorizer_logs_no_key_even_with_event_logging_on(
    key: str, demo_key: str, records: _Records, load_function, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("POWERTOOLS_LOGGER_LOG_EVENT", "true")
    monkeypatch.setenv("POWERTOOLS_LOG_LEVEL", "DEBUG")
    app = load_function("AuthorizerFunction")
    event = load_event("authorize_request/nbq_bearer_key.json")
    event["headers"]["Authorization"] = f"Bearer {key}"
    event["multiValueHeaders"]["Authorization"] = [f"Bearer {key}"]

    app.lambda_handler(event, FakeContext())

    if key == UNKNOWN_KEY:  # the refusal is logged (by path): the capture is wired
        assert any("request refused" in line for line in records.rendered)
    assert not [line for line in records.rendered if key in line]
