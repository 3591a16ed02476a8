"""Where SAM CLI's local API answers for API Gateway, and which gateway response that answer is.

SAM local renders API Gateway's own errors as fixed `{"message": ...}` bodies
(samcli.local.apigw.service_error_responses). These are internals of the pinned aws-sam-cli:
tests/unit/localgw/test_sam_seam.py fails loudly when they change.
"""

from __future__ import annotations

from typing import Any

from localgw.gateway_responses import GatewayError

# SAM message -> the gateway response API Gateway gives in that situation.
SAM_MESSAGES: dict[str, GatewayError] = {
    "Missing Authentication Token": GatewayError("MISSING_AUTHENTICATION_TOKEN"),
    "Unauthorized": GatewayError("UNAUTHORIZED"),
    "User is not authorized to access this resource": GatewayError("ACCESS_DENIED"),
    # SAM uses this for a handler error (500) and an unparsable proxy response (502); API Gateway
    # answers both with 502 through DEFAULT_5XX.
    "Internal server error": GatewayError("DEFAULT_5XX", 502, "Internal server error"),
    "No function defined for resource method": GatewayError("DEFAULT_5XX", 502, "Internal server error"),
}


def gateway_error_for(status: int, body: Any) -> GatewayError | None:
    """The gateway response for one of SAM's own error responses; None for anything else."""
    if status < 400:
        return None
    message = body.get("message") if isinstance(body, dict) and set(body) == {"message"} else None
    if message in SAM_MESSAGES:
        return SAM_MESSAGES[message]
    if message is None:
        return GatewayError("DEFAULT_5XX" if status >= 500 else "DEFAULT_4XX", status)
    return GatewayError("DEFAULT_5XX" if status >= 500 else "DEFAULT_4XX", status, str(message))
