"""localgw.resources: tables, queues and usage plan created from template.yaml's own properties."""

from __future__ import annotations

import json
from collections.abc import Iterator

import boto3
import pytest
from moto import mock_aws
from samcli.yamlhelper import yaml_parse

from localgw.resources import LocalResources, create_resources
from localgw.template import SamTemplate, load_template
from tests.helpers.paths import ROOT, TEMPLATE_PATH

# What the template declares (the test checks moto got the template's values, whatever they are).
TEMPLATE_QUEUE_PROPERTIES = yaml_parse(TEMPLATE_PATH.read_text())["Resources"]["InsightsQueue"]["Properties"]


@pytest.fixture(scope="module")
def template() -> SamTemplate:
    return load_template(ROOT / "template.yaml", {"ThrottlingRateLimit": "7", "DailyQuota": "1234"})


@pytest.fixture
def created(template: SamTemplate, monkeypatch: pytest.MonkeyPatch) -> Iterator[LocalResources]:
    for key, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
    }.items():
        monkeypatch.setenv(key, value)
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    with mock_aws():
        yield create_resources(template)


def test_every_table_is_created_under_its_logical_id(created: LocalResources) -> None:
    dynamodb = boto3.client("dynamodb", region_name="us-east-1")

    assert set(created.tables) == {
        "TenantsTable",
        "SessionsTable",
        "ConversationsTable",
        "IdempotencyTable",
        "WebhooksTable",
    }
    assert created.tables == {name: name for name in created.tables}
    tenants = dynamodb.describe_table(TableName="TenantsTable")["Table"]
    assert tenants["KeySchema"] == [
        {"AttributeName": "pk", "KeyType": "HASH"},
        {"AttributeName": "sk", "KeyType": "RANGE"},
    ]
    assert tenants["BillingModeSummary"]["BillingMode"] == "PAY_PER_REQUEST"
    assert [index["IndexName"] for index in tenants["GlobalSecondaryIndexes"]] == ["gsi1"]
    ttl = dynamodb.describe_time_to_live(TableName="IdempotencyTable")["TimeToLiveDescription"]
    assert ttl == {"TimeToLiveStatus": "ENABLED", "AttributeName": "expiration"}


def test_queues_with_redrive_to_the_local_dead_letter_queue(created: LocalResources) -> None:
    sqs = boto3.client("sqs", region_name="us-east-1")

    attributes = sqs.get_queue_attributes(QueueUrl=created.queues["InsightsQueue"], AttributeNames=["All"])[
        "Attributes"
    ]
    declared = TEMPLATE_QUEUE_PROPERTIES
    assert attributes["VisibilityTimeout"] == str(declared["VisibilityTimeout"])
    assert attributes["MessageRetentionPeriod"] == str(declared["MessageRetentionPeriod"])
    assert json.loads(attributes["RedrivePolicy"]) == {
        "deadLetterTargetArn": created.queue_arns["InsightsDeadLetterQueue"],
        "maxReceiveCount": 5,
    }


def test_usage_plan_with_resolved_parameters(created: LocalResources) -> None:
    plan = boto3.client("apigateway", region_name="us-east-1").get_usage_plan(
        usagePlanId=created.usage_plan_id
    )

    assert plan["name"] == "parley-prod"
    assert plan["throttle"] == {"rateLimit": 7.0, "burstLimit": 100}
    assert plan["quota"]["limit"] == 1234
    assert plan["quota"]["period"] == "DAY"
    assert created.usage_plan.rate_limit == 7.0


def test_function_environment_resolves_to_local_resources(
    created: LocalResources, template: SamTemplate
) -> None:
    resolver = created.resolver(template)
    variables = resolver.resolve(
        template.resources["UsageFunction"]["Properties"]["Environment"]["Variables"]
    )

    assert variables["PARLEY_TENANTS_TABLE"] == "TenantsTable"
    assert variables["PARLEY_INSIGHTS_QUEUE_URL"] == created.queues["InsightsQueue"]
    assert variables["POWERTOOLS_TRACE_DISABLED"] == "true"
    assert variables["PARLEY_STAGE"] == "prod"
    assert resolver.resolve({"Ref": "ParleyApiUsagePlan"}) == created.usage_plan_id
