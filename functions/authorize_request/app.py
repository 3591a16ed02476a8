"""REQUEST authorizer: API key → tenant (and the tenant's usage-plan key for API Gateway), allowed
only on the routes its scopes cover (``parley.tenants.scopes``).

Each API reads its key from its own header (Bearer on /v1 and /api, nlx-api-key on /c). A missing,
malformed or revoked key is a Deny (403 ``missing_tenant_id``) on the NBQ routes, as their contract
says, and API Gateway's 401 elsewhere (raised as exactly ``Unauthorized``). A valid key without the
route's scope is a Deny with a 403 ``insufficient_scope``: the ACCESS_DENIED gateway response
renders the problem from the Deny's context. The Allow policy covers the whole stage: results are
not cached (the template sets no identity source), and a narrower resource gains nothing.
"""

from typing import Any

from parley import aws
from parley.http.problems import legacy_code
from parley.observability import Observability
from parley.settings import Settings
from parley.tenants.authentication import KeyAuthenticator
from parley.tenants.authorization import RequestAuthorizer
from parley.tenants.repository import DynamoTenantRepository

settings = Settings.from_env()
observability = Observability(settings)
logger = observability.logger
authorizer = RequestAuthorizer(
    KeyAuthenticator(
        DynamoTenantRepository(aws.dynamodb(), settings.tables.tenants), settings.tenant_cache_ttl_seconds
    )
)


def _stage_resource(method_arn: str) -> str:
    # arn:aws:execute-api:{region}:{account}:{api-id}/{stage}/{METHOD}/{path…} → …/{stage}/*
    prefix, _, route = method_arn.partition(":execute-api:")
    region, account, rest = route.split(":", 2)
    api_id, stage = rest.split("/")[:2]
    return f"{prefix}:execute-api:{region}:{account}:{api_id}/{stage}/*"


def _policy(effect: str, principal: str, method_arn: str, context: dict[str, str]) -> dict[str, Any]:
    statement = {"Action": "execute-api:Invoke", "Effect": effect, "Resource": _stage_resource(method_arn)}
    return {
        "principalId": principal,
        "policyDocument": {"Version": "2012-10-17", "Statement": [statement]},
        "context": context,
    }


@observability.api_handler
def lambda_handler(event: dict[str, Any], context: object) -> dict[str, Any]:
    method, resource, path = event.get("httpMethod", ""), event.get("resource", ""), event.get("path", "")
    decision = authorizer.decide(method, resource, path, event.get("headers"))
    if decision.unauthorized:
        observability.count("KeysRejected", reason="missing_or_invalid")
        logger.info("request refused: no valid API key", extra={"path": path})
        raise Exception("Unauthorized")
    if decision.refusal is not None:
        observability.count("KeysRejected", reason=decision.refusal.code)
        logger.info("request refused", extra={"path": path, "problem": decision.refusal.code})
        problem = {
            "problemCode": decision.refusal.code,
            "problemTitle": decision.refusal.title,
            "problemDetail": decision.refusal.detail,
            "problemErrorCode": legacy_code(decision.refusal.code),
        }
        return _policy("Deny", "anonymous", event["methodArn"], problem)
    key = decision.key
    assert key is not None
    observability.count("KeysAccepted")
    allowed = {"tenant_id": key.tenant_id, "key_prefix": key.prefix, "scopes": " ".join(sorted(key.scopes))}
    response = _policy("Allow", key.tenant_id, event["methodArn"], allowed)
    if key.usage_key_value:
        response["usageIdentifierKey"] = key.usage_key_value
    return response
