"""The template's functions, their events and environment, and a seeded moto backing for them."""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from benchmarks import work
from benchmarks.common import BenchmarkError

if TYPE_CHECKING:
    from localgw.resources import LocalResources
    from localgw.template import SamTemplate

SERVERLESS_FUNCTION = "AWS::Serverless::Function"
# Lambda's defaults when the template (Globals included) gives none.
DEFAULT_TIMEOUT_SECONDS = 3
DEFAULT_MEMORY_SIZE = 128
DEFAULT_EVENT = "ok.json"
# Functions whose folder has no ok.json: the event that makes them do their real work.
EVENT_OVERRIDES = {
    "authorize_request": "nbq_bearer_key.json",
    "next_question": "spec_with_history.json",
    "record_conversion": "spec_purchase.json",
    "create_conversation": "spec_example.json",
    "append_messages": "spec_example.json",
    "list_conversations": "default.json",
    "insights_worker": "batch.json",
    "relay_changes": "conversation_completed.json",
    "next_session_questions": "first_turn.json",
    "apply_session_events": "client_data.json",
    "submit_session_feedback": "success.json",
    "get_configuration": "published.json",
    "list_configuration_questions": "page.json",
    "apply_configuration_changes": "rename_question.json",
    "compile_configuration": "one_compilation.json",
    "deliver_webhooks": "webhook_event.json",
    "close_idle_conversations": "scheduled.json",
}
# Functions whose every answer is an error by design: voice is not offered (403 `not_offered`).
EXPECTED_STATUS = {"request_voice_token": 403}
DEMO_TENANT = "demo"
# The endpoint the webhooks event fans out to (never called: fan-out only queues deliveries).
WEBHOOK_URL = "https://hooks.example.com/parley"
DEMO_CATALOG = Path("tenants") / "demo" / "catalog.yaml"
DEMO_DEPLOYMENT = Path("tenants") / "demo" / "deployment.yaml"
# The conversation the events of get/append/insights name; seeded active, with insights.
EVENT_CONVERSATION_ID = work.EVENT_CONVERSATION_ID
DEMO_KEY = "pk_test_demoDEMOdemoDEMOdemoDEMO01"
# Usage counters seeded for the demo tenant so GET /v1/usage reads real items.
SEEDED_USAGE_DAYS = 10
FAKE_AWS_ENV = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
    "AWS_DEFAULT_REGION": "us-east-1",
    "AWS_REGION": "us-east-1",
    # Never read a person's ~/.aws files, never ask an instance metadata service.
    "AWS_CONFIG_FILE": os.devnull,
    "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
    "AWS_EC2_METADATA_DISABLED": "true",
}


@dataclass(frozen=True)
class FunctionSpec:
    logical_id: str
    code_uri: str
    app_path: Path
    event_path: Path
    environment: Mapping[str, Any]
    timeout_seconds: int = DEFAULT_TIMEOUT_SECONDS
    memory_size: int = DEFAULT_MEMORY_SIZE
    # The types of the function's events in the template (Api, SQS, DynamoDB, Schedule; none for
    # the authorizer).
    triggers: tuple[str, ...] = ()

    @property
    def remaining_ms(self) -> int:
        """What ``context.get_remaining_time_in_millis()`` answers at the start of an invocation."""
        return self.timeout_seconds * 1000

    @property
    def folder(self) -> str:
        return Path(self.code_uri).name

    def event(self) -> dict[str, Any]:
        return dict(json.loads(self.event_path.read_text()))


def function_specs(sam: SamTemplate, root: Path) -> list[FunctionSpec]:
    """Every AWS::Serverless::Function, in template order, with its event; environment unresolved."""
    specs = []
    for logical_id, resource in sam.resources_of_type(SERVERLESS_FUNCTION).items():
        properties = resource.get("Properties", {})
        code_uri = str(properties["CodeUri"]).rstrip("/")
        folder = Path(code_uri).name
        event_path = root / "events" / folder / EVENT_OVERRIDES.get(folder, DEFAULT_EVENT)
        app_path = root / code_uri / "app.py"
        for path in (app_path, event_path):
            if not path.is_file():
                raise BenchmarkError(f"{logical_id}: {path} does not exist")
        environment = properties.get("Environment", {}).get("Variables", {})
        triggers = tuple(sorted({str(e.get("Type")) for e in (properties.get("Events") or {}).values()}))
        specs.append(
            FunctionSpec(
                logical_id,
                code_uri,
                app_path,
                event_path,
                environment,
                int(properties.get("Timeout", DEFAULT_TIMEOUT_SECONDS)),
                int(properties.get("MemorySize", DEFAULT_MEMORY_SIZE)),
                triggers,
            )
        )
    if not specs:
        raise BenchmarkError("template.yaml declares no AWS::Serverless::Function")
    return specs


def resolved_environment(spec: FunctionSpec, sam: SamTemplate, resources: LocalResources) -> dict[str, str]:
    """The function's variables as the template gives them, with the local tables and queues."""
    variables = resources.resolver(sam).resolve(dict(spec.environment))
    return {name: str(value) for name, value in variables.items()}


def succeeded(response: object, folder: str = "") -> bool:
    """HTTP 2xx (201 created, 202 accepted), an authorizer's policy whose every statement allows,
    an SQS batch response without failures, or the idle sweeper's count; for a function whose
    real answer is an error (``EXPECTED_STATUS``), that status."""
    if not isinstance(response, dict):
        return False
    if folder in EXPECTED_STATUS:
        return response.get("statusCode") == EXPECTED_STATUS[folder]
    if isinstance(response.get("closed"), int):
        return True
    if "batchItemFailures" in response:
        failures: object = response["batchItemFailures"]
        return failures == []
    if "policyDocument" in response:
        statements = response["policyDocument"].get("Statement", [])
        return bool(statements) and all(s.get("Effect") == "Allow" for s in statements)
    status = response.get("statusCode")
    return isinstance(status, int) and 200 <= status < 300


@contextmanager
def environment(values: Mapping[str, str], remove: tuple[str, ...] = ()) -> Iterator[None]:
    """Set (and remove) environment variables for the block, restoring the previous values."""
    names = set(values) | set(remove)
    saved = {name: os.environ.get(name) for name in names}
    try:
        for name in remove:
            os.environ.pop(name, None)
        os.environ.update(values)
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def create_and_seed(sam: SamTemplate) -> LocalResources:
    """The template's tables/queues/usage plan, the demo tenant and key, some usage counters, the
    demo question catalog, and the conversation the conversations events name (with insights).

    Uses whatever endpoint boto3 currently points at (``mock_aws`` or AWS_ENDPOINT_URL).
    """
    import boto3

    from localgw.resources import create_resources
    from parley.tenants.repository import DynamoTenantRepository
    from parley.tenants.service import ApiGatewayUsagePlanRegistry, TenantService
    from parley.usage.repository import DynamoUsageRepository

    session = boto3.session.Session()
    resources = create_resources(sam, session=session)
    tenants_table = resources.tables["TenantsTable"]
    dynamodb = session.client("dynamodb")
    registry = (
        ApiGatewayUsagePlanRegistry(session.client("apigateway"), resources.usage_plan_id)
        if resources.usage_plan_id
        else None
    )
    service = TenantService(DynamoTenantRepository(dynamodb, tenants_table), registry)
    service.create_tenant(DEMO_TENANT, "Demo")
    service.issue_key(DEMO_TENANT, mode="test", key=DEMO_KEY)
    usage = DynamoUsageRepository(dynamodb, tenants_table)
    now = datetime.now(UTC)
    for days_ago in range(SEEDED_USAGE_DAYS):
        day = (now - timedelta(days=days_ago)).date()
        usage.add_sessions(DEMO_TENANT, day, 1 + days_ago % 3, int(now.timestamp()))
    seed_catalog(dynamodb, tenants_table, sam.root / DEMO_CATALOG)
    seed_deployment(dynamodb, tenants_table, sam.root / DEMO_DEPLOYMENT, sam.root / DEMO_CATALOG)
    seed_conversation(dynamodb, resources.tables["ConversationsTable"], now)
    seed_webhook(dynamodb, resources.tables, now)
    work.seed(resources)
    return resources


def seed_webhook(dynamodb: Any, tables: Mapping[str, str], now: datetime) -> None:
    """One endpoint of the demo tenant, subscribed to every event (the webhooks event fans out to it)."""
    from parley.webhooks.models import EVENT_TYPES, WebhookEndpoint
    from parley.webhooks.repository import DynamoWebhookRepository

    endpoint = WebhookEndpoint(
        webhook_id="wh_0123456789abcdef",
        tenant_id=DEMO_TENANT,
        url=WEBHOOK_URL,
        events=EVENT_TYPES,
        secret="whsec_bench_0123456789abcdef0123456789abcdef",  # noqa: S106 - a local fake
        created_at=now.strftime("%Y-%m-%dT%H:%M:%SZ"),
    )
    DynamoWebhookRepository(dynamodb, tables["WebhooksTable"], tables["TenantsTable"]).put(endpoint)


def seed_catalog(dynamodb: Any, tenants_table: str, path: Path) -> None:
    """The demo tenant's question catalog, stored as `parley.admin load-config` stores it."""
    from parley.nbq.catalog import catalog_document, load_catalog_yaml
    from parley.nbq.repository import DynamoNbqConfigRepository

    catalog = load_catalog_yaml(path.read_text())
    DynamoNbqConfigRepository(dynamodb, tenants_table).put_catalog(
        DEMO_TENANT, catalog.version, catalog_document(catalog)
    )


def seed_deployment(dynamodb: Any, tenants_table: str, path: Path, catalog_path: Path) -> None:
    """The demo tenant's turn-processing deployment, as `parley.admin load-config` stores it."""
    from parley.dialogue.deployment import load_deployment_yaml
    from parley.dialogue.repository import DynamoDeploymentRepository
    from parley.nbq.catalog import load_catalog_yaml

    deployment = load_deployment_yaml(path.read_text(), load_catalog_yaml(catalog_path.read_text()))
    DynamoDeploymentRepository(dynamodb, tenants_table).put(DEMO_TENANT, dict(deployment.document))


def seed_conversation(dynamodb: Any, table: str, now: datetime) -> None:
    """An active conversation with two messages and insights, under the id the events use."""
    from parley.conversations.models import Insights
    from parley.conversations.repository import DynamoConversationRepository

    messages = [
        {"role": "user", "content": "Hello, I need help with my order."},
        {"role": "assistant", "content": "Of course. What is your order number?"},
    ]
    work.store_conversation(dynamodb, table, EVENT_CONVERSATION_ID, now, "active", messages)
    # Every field given: mypy does not read pydantic's positional Field(None) as a default.
    stamp = now.strftime("%Y-%m-%dT%H:%M:%SZ")
    insights = Insights(
        sentiment="positive", sentiment_score=None, task_completed=None, summary="", created_at=stamp
    )
    DynamoConversationRepository(dynamodb, table).put_insights(DEMO_TENANT, EVENT_CONVERSATION_ID, insights)


@contextmanager
def moto_server() -> Iterator[str]:
    """A moto server on 127.0.0.1 (a free port), patched as the local gateway's is (serialized
    DynamoDB, a transaction's undo log, key queries by partition); yields its endpoint URL."""
    from moto.server import ThreadedMotoServer

    from localgw.moto_backend import serialize_dynamodb

    serialize_dynamodb()

    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # one access-log line per request
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    try:
        host, port = server.get_host_and_port()
        yield f"http://{host}:{port}"
    finally:
        server.stop()


def prepared_event(spec: FunctionSpec, n: int, resources: LocalResources) -> dict[str, Any]:
    """The ``n``-th new unit of work with what it needs in the store (``benchmarks.work.prepare``)."""
    return work.prepare(spec.folder, spec.event(), n, resources)
