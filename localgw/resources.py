"""Create the template's tables, queues and usage plan in moto (server or `mock_aws`).

Physical names are the logical ids ("TenantsTable"), so a test or a person reading a table
locally never has to look a generated name up.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from typing import Any

import boto3

from localgw.intrinsics import IntrinsicResolver
from localgw.template import SamTemplate, load_template

TABLE = "AWS::DynamoDB::Table"
QUEUE = "AWS::SQS::Queue"
USAGE_PLAN_LOGICAL_ID_SUFFIX = "UsagePlan"

# Table properties that only matter on AWS (encryption, backups) are left out; streams are
# emulated, because the stream relay is how work reaches the insights queue.
_TABLE_KEYS = ("AttributeDefinitions", "KeySchema", "GlobalSecondaryIndexes", "LocalSecondaryIndexes")
_QUEUE_ATTRIBUTES = (
    "DelaySeconds",
    "MaximumMessageSize",
    "MessageRetentionPeriod",
    "ReceiveMessageWaitTimeSeconds",
    "VisibilityTimeout",
    "FifoQueue",
    "ContentBasedDeduplication",
)


@dataclass
class UsagePlanLimits:
    rate_limit: float | None = None
    burst_limit: int | None = None
    quota_limit: int | None = None
    quota_period: str | None = None


@dataclass
class LocalResources:
    region: str
    tables: dict[str, str] = field(default_factory=dict)
    table_arns: dict[str, str] = field(default_factory=dict)
    stream_arns: dict[str, str] = field(default_factory=dict)
    queues: dict[str, str] = field(default_factory=dict)
    queue_arns: dict[str, str] = field(default_factory=dict)
    usage_plan_id: str | None = None
    usage_plan: UsagePlanLimits = field(default_factory=UsagePlanLimits)

    def resolver(self, template: SamTemplate) -> IntrinsicResolver:
        """A resolver whose `!Ref`/`!GetAtt` of a table or queue give these local values."""
        refs: dict[str, str] = {**self.tables, **self.queues}
        attributes: dict[str, dict[str, str]] = {}
        for logical_id, arn in self.table_arns.items():
            attributes[logical_id] = {"Arn": arn}
            if logical_id in self.stream_arns:
                attributes[logical_id]["StreamArn"] = self.stream_arns[logical_id]
        for logical_id, arn in self.queue_arns.items():
            name = arn.rsplit(":", 1)[-1]
            attributes[logical_id] = {"Arn": arn, "QueueName": name, "QueueUrl": self.queues[logical_id]}
        for name in template.functions:
            arn = f"arn:aws:lambda:{self.region}:123456789012:function:{name}"
            refs.setdefault(name, name)
            attributes.setdefault(name, {"Arn": arn})
        if self.usage_plan_id:
            api = template.serverless_api()
            if api:
                refs[api[0] + USAGE_PLAN_LOGICAL_ID_SUFFIX] = self.usage_plan_id
        return IntrinsicResolver(template.parameters, template.conditions, refs, attributes)


def create_resources(
    template: str | os.PathLike[str] | SamTemplate = "template.yaml",
    session: boto3.session.Session | None = None,
    parameter_overrides: dict[str, str] | None = None,
) -> LocalResources:
    """Create every table, queue and the API's usage plan from the template's own properties.

    Works against whatever endpoint boto3 is pointed at: `moto.mock_aws`, or the embedded moto
    server through AWS_ENDPOINT_URL.
    """
    sam = template if isinstance(template, SamTemplate) else load_template(template, parameter_overrides)
    session = session or boto3.session.Session()
    region = session.region_name or os.environ.get("AWS_DEFAULT_REGION", "us-east-1")
    created = LocalResources(region=region)
    resolver = IntrinsicResolver(sam.parameters, sam.conditions)

    dynamodb = session.client("dynamodb", region_name=region)
    for logical_id, resource in sam.resources_of_type(TABLE).items():
        properties = _resolved(
            resolver,
            resource,
            (
                *_TABLE_KEYS,
                "BillingMode",
                "ProvisionedThroughput",
                "TimeToLiveSpecification",
                "StreamSpecification",
            ),
        )
        created.tables[logical_id], created.table_arns[logical_id] = _create_table(
            dynamodb, logical_id, properties
        )
        stream_arn = dynamodb.describe_table(TableName=logical_id)["Table"].get("LatestStreamArn")
        if stream_arn:
            created.stream_arns[logical_id] = stream_arn

    sqs = session.client("sqs", region_name=region)
    for logical_id in _queues_dead_letter_first(sam):
        properties = _resolved(
            created.resolver(sam), sam.resources[logical_id], (*_QUEUE_ATTRIBUTES, "RedrivePolicy")
        )
        created.queues[logical_id], created.queue_arns[logical_id] = _create_queue(
            sqs, logical_id, properties
        )

    created.usage_plan = usage_plan_limits(sam, created.resolver(sam))
    api = sam.serverless_api()
    if api and api[1].get("Auth", {}).get("UsagePlan"):
        plan = created.resolver(sam).resolve(api[1]["Auth"]["UsagePlan"])
        created.usage_plan_id = _create_usage_plan(
            session.client("apigateway", region_name=region), plan, created.usage_plan
        )
    return created


def usage_plan_limits(sam: SamTemplate, resolver: IntrinsicResolver) -> UsagePlanLimits:
    api = sam.serverless_api()
    plan = resolver.resolve(api[1].get("Auth", {}).get("UsagePlan", {})) if api else {}
    throttle, quota = plan.get("Throttle", {}), plan.get("Quota", {})
    return UsagePlanLimits(
        rate_limit=float(throttle["RateLimit"]) if "RateLimit" in throttle else None,
        burst_limit=int(throttle["BurstLimit"]) if "BurstLimit" in throttle else None,
        quota_limit=int(quota["Limit"]) if "Limit" in quota else None,
        quota_period=quota.get("Period"),
    )


def _resolved(resolver: IntrinsicResolver, resource: dict[str, Any], keys: tuple[str, ...]) -> dict[str, Any]:
    """Only the properties emulated locally: a `!Ref` to a KMS key or similar never matters here."""
    properties = resource.get("Properties", {})
    return {key: resolver.resolve(properties[key]) for key in keys if key in properties}


def _create_table(client: Any, name: str, properties: dict[str, Any]) -> tuple[str, str]:
    request: dict[str, Any] = {key: properties[key] for key in _TABLE_KEYS if properties.get(key)}
    if properties.get("BillingMode", "PROVISIONED") == "PAY_PER_REQUEST":
        request["BillingMode"] = "PAY_PER_REQUEST"
    else:
        throughput = properties.get(
            "ProvisionedThroughput", {"ReadCapacityUnits": 5, "WriteCapacityUnits": 5}
        )
        request["ProvisionedThroughput"] = {key: int(value) for key, value in throughput.items()}
    for index in request.get("GlobalSecondaryIndexes", []):
        index.pop("ContributorInsightsSpecification", None)
    stream = properties.get("StreamSpecification")
    if stream and stream.get("StreamViewType"):
        # CloudFormation's form has only the view type; the API's also says it is enabled.
        request["StreamSpecification"] = {"StreamEnabled": True, "StreamViewType": stream["StreamViewType"]}
    description = client.create_table(TableName=name, **request)["TableDescription"]
    ttl = properties.get("TimeToLiveSpecification")
    if ttl and str(ttl.get("Enabled")).lower() == "true":
        client.update_time_to_live(
            TableName=name,
            TimeToLiveSpecification={"AttributeName": ttl["AttributeName"], "Enabled": True},
        )
    return name, description["TableArn"]


def _create_queue(client: Any, logical_id: str, properties: dict[str, Any]) -> tuple[str, str]:
    is_fifo = str(properties.get("FifoQueue", "false")).lower() == "true"
    name = f"{logical_id}.fifo" if is_fifo else logical_id
    attributes = {
        key: str(properties[key]).lower() if isinstance(properties[key], bool) else str(properties[key])
        for key in _QUEUE_ATTRIBUTES
        if key in properties
    }
    redrive = properties.get("RedrivePolicy")
    if redrive:
        attributes["RedrivePolicy"] = json.dumps(
            {
                "deadLetterTargetArn": redrive["deadLetterTargetArn"],
                "maxReceiveCount": int(redrive["maxReceiveCount"]),
            }
        )
    url = client.create_queue(QueueName=name, Attributes=attributes)["QueueUrl"]
    arn = client.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    return url, arn


def _queues_dead_letter_first(sam: SamTemplate) -> list[str]:
    """Queue logical ids ordered so a dead-letter queue exists before the queue naming it."""
    queues = sam.resources_of_type(QUEUE)
    ordered: list[str] = []

    def visit(logical_id: str) -> None:
        if logical_id in ordered:
            return
        target = queues[logical_id].get("Properties", {}).get("RedrivePolicy", {}).get("deadLetterTargetArn")
        if isinstance(target, dict) and "Fn::GetAtt" in target:
            arg = target["Fn::GetAtt"]
            dependency = arg.split(".", 1)[0] if isinstance(arg, str) else arg[0]
            if dependency in queues:
                visit(dependency)
        ordered.append(logical_id)

    for logical_id in queues:
        visit(logical_id)
    return ordered


def _create_usage_plan(client: Any, plan: dict[str, Any], limits: UsagePlanLimits) -> str:
    request: dict[str, Any] = {"name": str(plan.get("UsagePlanName", "local"))}
    if plan.get("Description"):
        request["description"] = str(plan["Description"])
    if limits.rate_limit is not None or limits.burst_limit is not None:
        request["throttle"] = {
            key: value
            for key, value in (("rateLimit", limits.rate_limit), ("burstLimit", limits.burst_limit))
            if value is not None
        }
    if limits.quota_limit is not None:
        request["quota"] = {"limit": limits.quota_limit, "period": limits.quota_period or "DAY"}
    return str(client.create_usage_plan(**request)["id"])
