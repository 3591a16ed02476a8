"""The floor: the least a DynamoDB-backed Python Lambda can do (json, one boto3 client, one GetItem)."""

import json
import os

import boto3

TABLE = os.environ["PARLEY_TENANTS_TABLE"]
client = boto3.client("dynamodb")


def lambda_handler(event: dict[str, object], context: object) -> dict[str, int | str]:
    response = client.get_item(TableName=TABLE, Key={"pk": {"S": "TENANT#demo"}, "sk": {"S": "PROFILE"}})
    return {"statusCode": 200, "body": json.dumps({"found": "Item" in response})}
