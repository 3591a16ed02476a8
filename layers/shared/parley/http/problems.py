"""Problem details (RFC 9457): the one error format of every route.

Raise a ``ProblemError`` subclass anywhere below a handler; the function's ``Endpoint``
(parley.http.endpoint) turns it (and pydantic's validation errors, and anything unexpected) into
an ``application/problem+json`` response with the request id.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from parley.http.request_ids import REQUEST_ID_HEADER

PROBLEM_CONTENT_TYPE = "application/problem+json"


class ProblemError(Exception):
    """An error a client can act on; ``code`` is the stable last segment of the ``type`` URI."""

    status: int = 500
    code: str = "internal_error"
    title: str = "An unexpected server error occurred."

    def __init__(
        self,
        detail: str | None = None,
        *,
        title: str | None = None,
        status: int | None = None,
        errors: Sequence[Mapping[str, Any]] | None = None,
        headers: Mapping[str, str] | None = None,
        extra: Mapping[str, Any] | None = None,
    ) -> None:
        super().__init__(detail or title or self.title)
        self.detail = detail
        if title is not None:
            self.title = title
        if status is not None:
            self.status = status
        self.errors = list(errors) if errors else None
        self.headers = dict(headers or {})
        self.extra = dict(extra or {})


class ValidationProblem(ProblemError):
    status = 422
    code = "validation_failed"
    title = "Request body or parameters failed validation."


class MissingTenantProblem(ProblemError):
    status = 403
    code = "missing_tenant_id"
    title = "Missing or invalid API key"


class NotFoundProblem(ProblemError):
    status = 404
    code = "not_found"
    title = "Resource not found"


class ConflictProblem(ProblemError):
    status = 409
    code = "conflict"
    title = "The request conflicts with the current state of the resource."


class IdempotencyConflictProblem(ProblemError):
    status = 422
    code = "idempotency_conflict"
    title = "Idempotency-Key reused with a different request."


class PayloadTooLargeProblem(ProblemError):
    status = 413
    code = "payload_too_large"
    title = "Payload too large"


class RateLimitedProblem(ProblemError):
    status = 429
    code = "rate_limited"
    title = "Too many requests"


class ServiceUnavailableProblem(ProblemError):
    """A dependency is throttling or down after the SDK's retries; the client may retry."""

    status = 503
    code = "service_unavailable"
    title = "The service is temporarily unavailable."

    def __init__(self, detail: str | None = None, *, retry_after_seconds: int = 1, **kwargs: Any) -> None:
        super().__init__(detail, **kwargs)
        self.headers.setdefault("Retry-After", str(retry_after_seconds))


class InternalProblem(ProblemError):
    pass


# The `error` member that clients of the Conversations API spec read (`error.code`).
_LEGACY_CODES = {
    "validation_failed": "VALIDATION_ERROR",
    "not_found": "NOT_FOUND",
    "payload_too_large": "PAYLOAD_TOO_LARGE",
    "missing_tenant_id": "UNAUTHORIZED",
    "rate_limited": "RATE_LIMITED",
    "conflict": "CONFLICT",
    "idempotency_conflict": "IDEMPOTENCY_CONFLICT",
    "service_unavailable": "SERVICE_UNAVAILABLE",
    "internal_error": "INTERNAL_ERROR",
}


@dataclass(frozen=True, slots=True)
class ProblemFormat:
    """How one function writes problems: the URI base, and whether to add the legacy member."""

    type_base: str
    legacy_error_member: bool = False

    def body(self, problem: ProblemError, request_id: str) -> dict[str, Any]:
        body: dict[str, Any] = {
            "type": self.type_base + problem.code,
            "title": problem.title,
            "status": problem.status,
        }
        if problem.detail:
            body["detail"] = problem.detail
        body["request_id"] = request_id
        if problem.errors:
            body["errors"] = problem.errors
        body.update(problem.extra)
        if self.legacy_error_member:
            legacy: dict[str, Any] = {
                "code": _LEGACY_CODES.get(problem.code, problem.code.upper()),
                "message": problem.detail or problem.title,
            }
            if problem.errors:
                legacy["details"] = {_field_of(e): e.get("msg", "") for e in problem.errors}
            body["error"] = legacy
        return body

    def proxy_response(self, problem: ProblemError, request_id: str) -> dict[str, Any]:
        """A Lambda proxy response, for code that runs outside a resolver."""
        return {
            "statusCode": problem.status,
            "headers": {
                "Content-Type": PROBLEM_CONTENT_TYPE,
                REQUEST_ID_HEADER: request_id,
                **problem.headers,
            },
            "body": json.dumps(self.body(problem, request_id), separators=(",", ":")),
        }


def _field_of(error: Mapping[str, Any]) -> str:
    loc = [str(part) for part in error.get("loc", ()) if part not in ("body", "query", "path", "header")]
    return ".".join(loc) or "body"


def validation_errors(raw_errors: Sequence[Mapping[str, Any]], prefix: str | None = "body") -> list[dict]:
    """pydantic's ``errors()`` as the spec's ``errors[]``: ``{loc, msg, type}`` with string locs."""
    result = []
    for error in raw_errors:
        loc = [str(part) for part in error.get("loc", ())]
        if prefix and (not loc or loc[0] != prefix):
            loc.insert(0, prefix)
        result.append({"loc": loc, "msg": str(error.get("msg", "")), "type": str(error.get("type", ""))})
    return result


def validation_problem(
    raw_errors: Sequence[Mapping[str, Any]], prefix: str | None = "body", status: int = 422
) -> ValidationProblem:
    errors = validation_errors(raw_errors, prefix)
    detail = errors[0]["msg"] if errors else "The request failed validation."
    return ValidationProblem(detail, errors=errors, status=status)
