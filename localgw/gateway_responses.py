"""Render API Gateway's own errors from the Api's `GatewayResponses`, as API Gateway does."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

# Status and `$context.error.message` of each response type when the template does not set them
# (API Gateway developer guide, "Gateway response types").
DEFAULT_STATUS: dict[str, int] = {
    "ACCESS_DENIED": 403,
    "API_CONFIGURATION_ERROR": 500,
    "AUTHORIZER_CONFIGURATION_ERROR": 500,
    "AUTHORIZER_FAILURE": 500,
    "BAD_REQUEST_PARAMETERS": 400,
    "BAD_REQUEST_BODY": 400,
    "EXPIRED_TOKEN": 403,
    "INTEGRATION_FAILURE": 504,
    "INTEGRATION_TIMEOUT": 504,
    "INVALID_API_KEY": 403,
    "INVALID_SIGNATURE": 403,
    "MISSING_AUTHENTICATION_TOKEN": 403,
    "QUOTA_EXCEEDED": 429,
    "REQUEST_TOO_LARGE": 413,
    "RESOURCE_NOT_FOUND": 404,
    "THROTTLED": 429,
    "UNAUTHORIZED": 401,
    "UNSUPPORTED_MEDIA_TYPE": 415,
    "WAF_FILTERED": 403,
}
DEFAULT_MESSAGE: dict[str, str] = {
    "ACCESS_DENIED": "User is not authorized to access this resource",
    "AUTHORIZER_CONFIGURATION_ERROR": "Internal server error",
    "AUTHORIZER_FAILURE": "Internal server error",
    "INVALID_API_KEY": "Forbidden",
    "MISSING_AUTHENTICATION_TOKEN": "Missing Authentication Token",
    "QUOTA_EXCEEDED": "Limit Exceeded",
    "REQUEST_TOO_LARGE": "Request Too Long",
    "THROTTLED": "Too Many Requests",
    "UNAUTHORIZED": "Unauthorized",
}


@dataclass
class GatewayError(Exception):
    """Raised inside the gateway to answer with a gateway response instead of the integration's."""

    response_type: str
    status: int | None = None
    message: str | None = None
    # The authorizer's context (``$context.authorizer.*``), e.g. the problem a Deny names.
    authorizer: dict[str, str] | None = None


@dataclass(frozen=True)
class RenderedResponse:
    status: int
    headers: dict[str, str]
    body: str


@dataclass
class GatewayResponses:
    """The `GatewayResponses` map of an `AWS::Serverless::Api`, intrinsics already resolved."""

    responses: dict[str, dict[str, Any]] = field(default_factory=dict)

    def render(
        self,
        response_type: str,
        request_id: str,
        status: int | None = None,
        message: str | None = None,
        authorizer: dict[str, str] | None = None,
    ) -> RenderedResponse:
        status = status or DEFAULT_STATUS.get(response_type) or 500
        message = message if message is not None else DEFAULT_MESSAGE.get(response_type, _reason(status))
        config = self.responses.get(response_type)
        if config is None:
            config = self.responses.get("DEFAULT_4XX" if status < 500 else "DEFAULT_5XX")
        headers = {"x-amzn-RequestId": request_id, "x-amzn-ErrorType": _error_type(response_type)}
        if config is None:
            headers["Content-Type"] = "application/json"
            return RenderedResponse(status, headers, json.dumps({"message": message}))
        if config.get("StatusCode"):
            status = int(config["StatusCode"])
        for name, value in config.get("ResponseParameters", {}).get("Headers", {}).items():
            headers[name] = _static_value(str(value))
        template = config.get("ResponseTemplates", {}).get("application/json")
        if template is None:
            body = json.dumps({"message": message})
        else:
            body = substitute(template, request_id, response_type, message, authorizer)
        headers.setdefault("Content-Type", "application/json")
        return RenderedResponse(status, headers, body)


def substitute(
    template: str,
    request_id: str,
    response_type: str,
    message: str,
    authorizer: dict[str, str] | None = None,
) -> str:
    """The `$context` variables a gateway response template may use (longest names first). An
    authorizer's context value replaces `$context.authorizer.<name>`; a name it does not give is
    rendered empty, as API Gateway renders a variable without a value."""
    for name, value in sorted((authorizer or {}).items(), key=lambda item: -len(item[0])):
        variable = f"$context.authorizer.{name}"
        template = template.replace("${" + variable[2:] + "}", value).replace(variable, value)
    template = re.sub(r"\$\{?context\.authorizer\.[A-Za-z0-9_]+\}?", "", template)
    values = {
        "$context.error.messageString": json.dumps(message),
        "$context.error.responseType": response_type,
        "$context.error.message": message,
        "$context.requestId": request_id,
    }
    for variable, value in values.items():
        template = template.replace("$" + variable[1:].join("{}"), value).replace(variable, value)
    return template


def _static_value(value: str) -> str:
    """Header values are mapping expressions: a literal is written in single quotes."""
    if len(value) >= 2 and value[0] == value[-1] == "'":
        return value[1:-1]
    return value


def _error_type(response_type: str) -> str:
    names = {
        "ACCESS_DENIED": "AccessDeniedException",
        "UNAUTHORIZED": "UnauthorizedException",
        "MISSING_AUTHENTICATION_TOKEN": "MissingAuthenticationTokenException",
        "THROTTLED": "TooManyRequestsException",
        "QUOTA_EXCEEDED": "LimitExceededException",
        "REQUEST_TOO_LARGE": "RequestTooLargeException",
        "AUTHORIZER_FAILURE": "AuthorizerFailureException",
        "AUTHORIZER_CONFIGURATION_ERROR": "AuthorizerConfigurationException",
        "INVALID_API_KEY": "ForbiddenException",
    }
    return names.get(response_type, "InternalServerErrorException")


def _reason(status: int) -> str:
    return "Internal server error" if status >= 500 else "Bad Request"
