"""REQUEST authorizer: API key → tenant, and the tenant's usage-plan key for API Gateway.

The NBQ API (``/v1/…``) answers a missing, malformed or revoked key with 403, so it gets a Deny
policy; the conversations and turn APIs answer 401, which API Gateway gives when an authorizer
fails with exactly ``Unauthorized``. The Allow policy covers the whole stage: results are not
cached (the template sets no identity source), and a narrower resource gains nothing.
"""

from typing import Any

from parley import aws
from parley.observability import Observability
from parley.settings import Settings
from parley.tenants.authentication import KeyAuthenticator, presented_key
from parley.tenants.repository import DynamoTenantRepository

settings = Settings.from_env()
observability = Observability(settings)
logger = observability.logger
authenticator = KeyAuthenticator(
    DynamoTenantRepository(aws.dynamodb(), settings.tables.tenants), settings.tenant_cache_ttl_seconds
)
FORBIDDEN_FAMILY_PREFIX = "/v1/"


def _stage_resource(method_arn: str) -> str:
    # arn:aws:execute-api:{region}:{account}:{api-id}/{stage}/{METHOD}/{path…} → …/{stage}/*
    prefix, _, route = method_arn.partition(":execute-api:")
    region, account, rest = route.split(":", 2)
    api_id, stage = rest.split("/")[:2]
    return f"{prefix}:execute-api:{region}:{account}:{api_id}/{stage}/*"


def _policy(effect: str, principal: str, method_arn: str) -> dict[str, Any]:
    return {
        "principalId": principal,
        "policyDocument": {
            "Version": "2012-10-17",
            "Statement": [
                {"Action": "execute-api:Invoke", "Effect": effect, "Resource": _stage_resource(method_arn)}
            ],
        },
    }


@observability.api_handler
def lambda_handler(event: dict[str, Any], context: object) -> dict[str, Any]:
    record = authenticator.authenticate(presented_key(event.get("headers")))
    path = event.get("path") or ""
    if record is None:
        observability.count("KeysRejected")
        logger.info("request refused: no valid API key", extra={"path": path})
        if path.startswith(FORBIDDEN_FAMILY_PREFIX):
            return _policy("Deny", "anonymous", event["methodArn"])
        raise Exception("Unauthorized")
    observability.count("KeysAccepted")
    response = _policy("Allow", record.tenant_id, event["methodArn"])
    response["context"] = {"tenant_id": record.tenant_id, "key_prefix": record.prefix}
    if record.usage_key_value:
        response["usageIdentifierKey"] = record.usage_key_value
    return response
