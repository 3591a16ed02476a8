"""Problem details (RFC 9457): the one error format of every route.

Raise a ``ProblemError`` subclass anywhere below a handler; ``register_problem_handlers`` turns it
(and Powertools' validation errors, and anything unexpected) into an ``application/problem+json``
response with the request id. Bodies are serialised here because Powertools only encodes
``application/json`` bodies itself.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from parley.http.request_ids import REQUEST_ID_HEADER

if TYPE_CHECKING:
    from aws_lambda_powertools.event_handler import APIGatewayRestResolver, Response

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


def register_problem_handlers(
    app: APIGatewayRestResolver,
    problem_format: ProblemFormat,
    *,
    validation_status: int = 422,
    validation: bool = True,
    logger: Any = None,
) -> None:
    """Attach the exception → problem+json mapping to a Powertools REST resolver.

    ``validation_status`` lets a route family answer schema errors with its own status (the turn
    API answers 400). ``validation=False`` keeps pydantic out of a function that has no request
    model (its import is cold start). Any exception that is not a ``ProblemError`` becomes a 500
    that says nothing of the internals; it is logged with its stack trace.
    """
    from aws_lambda_powertools.event_handler import Response

    from parley.http.request_ids import request_id_for

    def respond(problem: ProblemError) -> Response:
        request_id = request_id_for(app.current_event.raw_event)
        return Response(
            status_code=problem.status,
            content_type=PROBLEM_CONTENT_TYPE,
            body=json.dumps(problem_format.body(problem, request_id), separators=(",", ":")),
            headers={REQUEST_ID_HEADER: request_id, **problem.headers},
        )

    @app.exception_handler(ProblemError)
    def _problem(exc: ProblemError) -> Response:
        return respond(exc)

    if validation:
        from aws_lambda_powertools.event_handler.openapi.exceptions import RequestValidationError
        from pydantic import ValidationError

        @app.exception_handler(ValidationError)
        def _pydantic(exc: ValidationError) -> Response:
            raw = exc.errors(include_url=False, include_context=False, include_input=False)
            return respond(validation_problem(raw, status=validation_status))

        @app.exception_handler(RequestValidationError)
        def _request_validation(exc: RequestValidationError) -> Response:
            # Powertools' locs already start with "body" / "query" / "path".
            return respond(validation_problem(exc.errors(), prefix=None, status=validation_status))

    @app.exception_handler(Exception)
    def _unexpected(exc: Exception) -> Response:
        if logger is not None:
            logger.exception("unhandled error", extra={"error_type": type(exc).__name__})
        return respond(InternalProblem())

    @app.not_found
    def _not_found(_exc: Exception) -> Response:
        return respond(NotFoundProblem("No route matches this method and path."))
