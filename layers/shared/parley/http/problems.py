"""Problem details (RFC 9457): the one error format of every route, and the one place where a
domain error (``parley.errors``) becomes an HTTP status.

The domain raises ``DomainError`` subclasses; a request that breaks a schema raises pydantic's
``ValidationError`` (or ``SchemaViolation`` from ``parley.http.bodies``); code in this package may
raise a ``ProblemError`` directly for what only HTTP knows (a missing tenant context). The
function's ``Endpoint`` turns each into an ``application/problem+json`` answer through
``problem_for``, with the differences between the APIs Parley serves written as data in an
``ApiStyle``: the status of a schema error (the turn API's spec says 400), how its ``detail``
reads, whether the Conversations API's ``error`` member is added, and per-API status overrides.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from parley.errors import (
    Conflict,
    DomainError,
    Forbidden,
    Gone,
    IdempotencyKeyReused,
    Invalid,
    LimitExceeded,
    NotFound,
    NotOffered,
    RequestInProgress,
    Unavailable,
)
from parley.http.request_ids import REQUEST_ID_HEADER

PROBLEM_CONTENT_TYPE = "application/problem+json"


class ProblemError(Exception):
    """An error as the client reads it; ``code`` is the stable last segment of the ``type`` URI."""

    status: int = 500
    code: str = "internal_error"
    title: str = "An unexpected server error occurred."

    def __init__(
        self,
        detail: str | None = None,
        *,
        title: str | None = None,
        status: int | None = None,
        code: str | None = None,
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
        if code is not None:
            self.code = code
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


class InternalProblem(ProblemError):
    pass


class SchemaViolation(Exception):
    """A request part (``body``, ``query``) failed its model; rendered per ``ApiStyle``."""

    def __init__(self, raw_errors: Sequence[Mapping[str, Any]], part: str = "body") -> None:
        super().__init__(f"invalid {part}")
        self.raw_errors = list(raw_errors)
        self.part = part


@dataclass(frozen=True, slots=True)
class Rendering:
    """How one kind of domain error reads: status, ``type`` code and default title."""

    status: int
    code: str
    title: str


RENDERINGS: dict[type[DomainError], Rendering] = {
    NotFound: Rendering(404, "not_found", "Resource not found"),
    Conflict: Rendering(409, "conflict", "The request conflicts with the current state of the resource."),
    IdempotencyKeyReused: Rendering(
        422, "idempotency_conflict", "Idempotency-Key reused with a different request."
    ),
    Invalid: Rendering(422, "validation_failed", ValidationProblem.title),
    LimitExceeded: Rendering(413, "payload_too_large", "Payload too large"),
    Unavailable: Rendering(503, "service_unavailable", "The service is temporarily unavailable."),
    # A 4xx: a client asking for what is not offered is no server failure (no 5xx alarm).
    NotOffered: Rendering(403, "not_offered", "Not offered"),
    Forbidden: Rendering(403, "forbidden", "Forbidden"),
}
_SUMMARIES = {"body": "Invalid request body", "query": "Invalid query parameters"}


@dataclass(frozen=True, slots=True)
class ApiStyle:
    """What differs between the APIs Parley serves, as data."""

    # The status of a request that breaks the schema (and of any ``Invalid``).
    validation_status: int = 422
    # ``first_error``: the first error's message is the detail (the NBQ spec's example);
    # ``summary``: a fixed summary, and a missing field reads "Required field" (Conversations spec).
    schema_detail: Literal["first_error", "summary"] = "first_error"
    # The Conversations API's ``error: {code, message, details}`` member, beside the problem's.
    legacy_error_member: bool = False
    # Zelinqa V1's envelope: ``code`` (the error's own code where it names one), ``message`` and
    # ``details`` as members beside the problem's.
    envelope: bool = False
    overrides: Mapping[type[DomainError], Rendering] = field(default_factory=dict)

    def rendering(self, error: DomainError) -> Rendering:
        for kind in type(error).__mro__:
            found = (
                self.overrides.get(kind) or RENDERINGS.get(kind) if issubclass(kind, DomainError) else None
            )
            if found is not None:
                status = self.validation_status if kind is Invalid else found.status
                code = error.code if self.envelope and error.code else found.code
                return Rendering(status, code, found.title)
        return Rendering(500, InternalProblem.code, InternalProblem.title)


NBQ_STYLE = ApiStyle()
CONVERSATIONS_STYLE = ApiStyle(schema_detail="summary", legacy_error_member=True)
TURN_STYLE = ApiStyle(validation_status=400, schema_detail="summary")
# Zelinqa API V1: a reused key is a 409 and a key still in use a 503 to retry (its SDK retries it).
V1_STYLE = ApiStyle(
    envelope=True,
    overrides={
        IdempotencyKeyReused: Rendering(
            409, "idempotency_key_reused", "Idempotency-Key reused with another body."
        ),
        RequestInProgress: Rendering(
            503, "idempotency_contention", "A request with this key is in progress."
        ),
        Gone: Rendering(410, "gone", "No longer available"),
    },
)


def problem_for(error: DomainError | SchemaViolation, style: ApiStyle) -> ProblemError:
    """The problem a client receives for ``error`` on an API of this ``style``."""
    if isinstance(error, SchemaViolation):
        return _schema_problem(error, style)
    rendering = style.rendering(error)
    headers = {"Retry-After": str(error.retry_after)} if error.retry_after is not None else None
    errors = [e.as_dict() for e in error.errors] if isinstance(error, Invalid) and error.errors else None
    return ProblemError(
        error.detail,
        title=error.title or rendering.title,
        status=rendering.status,
        code=rendering.code,
        errors=errors,
        headers=headers,
        extra=error.details,
    )


def _schema_problem(violation: SchemaViolation, style: ApiStyle) -> ProblemError:
    errors = validation_errors(violation.raw_errors, violation.part)
    if style.schema_detail == "summary":
        for error in errors:
            if error["type"] == "missing":
                error["msg"] = "Required field"
        detail = _SUMMARIES.get(violation.part, "Invalid request")
    else:
        detail = errors[0]["msg"] if errors else "The request failed validation."
    return ValidationProblem(detail, errors=errors, status=style.validation_status)


# The `error` member that clients of the Conversations API spec read (`error.code`).
_LEGACY_CODES = {
    "validation_failed": "VALIDATION_ERROR",
    "not_found": "NOT_FOUND",
    "payload_too_large": "PAYLOAD_TOO_LARGE",
    "missing_tenant_id": "UNAUTHORIZED",
    "insufficient_scope": "FORBIDDEN",
    "rate_limited": "RATE_LIMITED",
    "conflict": "CONFLICT",
    "idempotency_conflict": "IDEMPOTENCY_CONFLICT",
    "service_unavailable": "SERVICE_UNAVAILABLE",
    "internal_error": "INTERNAL_ERROR",
}


def legacy_code(code: str) -> str:
    """The ``error.code`` the Conversations API spec's clients read for a problem ``code``."""
    return _LEGACY_CODES.get(code, code.upper())


@dataclass(frozen=True, slots=True)
class ProblemFormat:
    """How one function writes problems: the URI base, and whether to add the legacy member."""

    type_base: str
    legacy_error_member: bool = False
    envelope: bool = False

    def body(self, problem: ProblemError, request_id: str) -> dict[str, Any]:
        if self.envelope:
            return self._enveloped(problem, request_id)
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
                "code": legacy_code(problem.code),
                "message": problem.detail or problem.title,
            }
            if problem.errors:
                legacy["details"] = {_field_of(e): e.get("msg", "") for e in problem.errors}
            body["error"] = legacy
        return body

    def _enveloped(self, problem: ProblemError, request_id: str) -> dict[str, Any]:
        """The problem, with Zelinqa V1's envelope members: ``code``, ``message``, ``details``."""
        details: dict[str, Any] = dict(problem.extra)
        if problem.errors:
            details["errors"] = problem.errors
        message = problem.detail or problem.title
        return {
            "type": self.type_base + problem.code,
            "title": problem.title,
            "status": problem.status,
            "detail": message,
            "request_id": request_id,
            "code": problem.code,
            "message": message,
            "details": details,
        }

    def proxy_response(self, problem: ProblemError, request_id: str) -> dict[str, Any]:
        """A Lambda proxy response, for code that runs outside an endpoint."""
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


def validation_errors(
    raw_errors: Sequence[Mapping[str, Any]], prefix: str | None = "body"
) -> list[dict[str, Any]]:
    """pydantic's ``errors()`` as the spec's ``errors[]``: ``{loc, msg, type}`` with string locs."""
    result = []
    for error in raw_errors:
        loc = [str(part) for part in error.get("loc", ())]
        if prefix and (not loc or loc[0] != prefix):
            loc.insert(0, prefix)
        result.append({"loc": loc, "msg": str(error.get("msg", "")), "type": str(error.get("type", ""))})
    return result
