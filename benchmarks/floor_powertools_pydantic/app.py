"""A second reference: the floor plus what a Parley API function keeps by design — Powertools'
Logger and Metrics around the handler, and pydantic validating the request body with one small
model. What a function costs beyond this row is Parley's own code (and its AWS calls)."""

import json
import os
from typing import Any

import boto3
from aws_lambda_powertools import Logger, Metrics
from pydantic import BaseModel, Field

TABLE = os.environ["PARLEY_TENANTS_TABLE"]
client = boto3.client("dynamodb")
logger = Logger(service="bench")
metrics = Metrics(namespace="Bench", service="bench")


class Lookup(BaseModel):
    tenant_id: str = Field("demo", min_length=1, max_length=64)


@logger.inject_lambda_context(log_event=False)
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: object) -> dict[str, int | str]:
    lookup = Lookup.model_validate_json(event.get("body") or "{}")
    response = client.get_item(
        TableName=TABLE, Key={"pk": {"S": f"TENANT#{lookup.tenant_id}"}, "sk": {"S": "PROFILE"}}
    )
    return {"statusCode": 200, "body": json.dumps({"found": "Item" in response})}
