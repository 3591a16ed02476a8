"""One endpoint per function: the request's parts in, a Lambda proxy response out, and every
failure as problem+json.

API Gateway routes each method and path to its own function, so a function needs no router.
Powertools' REST resolver did this job before; importing it loads the whole event_handler
package (AppSync, Bedrock and VPC Lattice resolvers, the OpenAPI machinery, asyncio) — about
60 ms of every cold start on this kind of machine, for routing API Gateway has already done.
What remains is small and lives here: header, path, query and body access; turning every failure
into problem+json (a domain error or a schema violation through ``parley.http.problems``, in the
endpoint's ``ApiStyle``; anything else → a logged 500 that says nothing of the internals); and CORS
headers when the deployment names a browser origin (``CorsAllowedOrigin``), on answers and
problems alike, as the resolver's ``CORSConfig`` wrote them.
"""

from __future__ import annotations

import base64
import binascii
import json
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from parley.errors import DomainError, FieldError, Invalid
from parley.http.problems import (
    NBQ_STYLE,
    PROBLEM_CONTENT_TYPE,
    ApiStyle,
    InternalProblem,
    ProblemError,
    ProblemFormat,
    SchemaViolation,
    problem_for,
)
from parley.http.request_ids import REQUEST_ID_HEADER, request_id_for
from parley.http.tenancy import Caller, caller_of
from parley.settings import Settings

if TYPE_CHECKING:
    from parley.observability import Observability

# What a browser may send (the resolver always allowed the first five) and read.
CORS_ALLOWED_HEADERS = ",".join(
    sorted(
        {
            "Authorization",
            "Content-Type",
            "X-Amz-Date",
            "X-Api-Key",
            "X-Amz-Security-Token",
            "nlx-api-key",
            "Idempotency-Key",
            # NLX's chat SDK sends these on turns and context updates.
            "nlx-sdk-version",
            "nlx-conversation-id",
        }
    )
)
CORS_EXPOSED_HEADERS = ",".join([REQUEST_ID_HEADER, "Retry-After"])
CORS_MAX_AGE_SECONDS = 600


@dataclass(slots=True)
class Response:
    """A successful answer; ``json_response`` builds one."""

    status: int
    body: str
    content_type: str = "application/json"
    headers: dict[str, str] = field(default_factory=dict)


class Request:
    """One API Gateway REST proxy event (payload 1.0), read lazily."""

    __slots__ = ("_caller", "_headers", "context", "event", "request_id")

    def __init__(self, event: Mapping[str, Any], context: Any) -> None:
        self.event = event
        self.context = context
        self.request_id = request_id_for(event)
        self._headers: dict[str, str] | None = None
        self._caller: Caller | None = None

    def header(self, name: str) -> str | None:
        """A request header, whatever its case (HTTP header names are case-insensitive)."""
        if self._headers is None:
            self._headers = {key.lower(): value for key, value in (self.event.get("headers") or {}).items()}
        return self._headers.get(name.lower())

    def path_parameter(self, name: str, *, max_chars: int | None = None) -> str:
        """A path parameter as API Gateway decoded it; ``Invalid`` when it is longer than
        ``max_chars``."""
        value = (self.event.get("pathParameters") or {}).get(name)
        if value is None:
            # API Gateway only invokes the function for paths that carry the parameter.
            raise Invalid.field(f"{name} is required", ("path", name), "missing")
        text = str(value)
        if max_chars is not None and not 1 <= len(text) <= max_chars:
            raise Invalid.field(
                f"{name} must be 1 to {max_chars} characters", ("path", name), "string_too_long"
            )
        return text

    @property
    def query_parameters(self) -> Mapping[str, Any]:
        return self.event.get("queryStringParameters") or {}

    @property
    def body(self) -> str | None:
        """The body as text (API Gateway base64-encodes bodies of binary media types)."""
        raw = self.event.get("body")
        if raw is None or not self.event.get("isBase64Encoded"):
            return raw
        try:
            return base64.b64decode(raw, validate=True).decode()
        except (binascii.Error, UnicodeDecodeError):
            raise Invalid(
                "The request body is not UTF-8 text.",
                [FieldError(("body",), "The body must be UTF-8 JSON", "json_invalid")],
            ) from None

    @property
    def caller(self) -> Caller:
        """The authenticated tenant (403 when the authorizer put none in the context)."""
        if self._caller is None:
            self._caller = caller_of(self.event)
        return self._caller


Route = Callable[[Request], Response]
ProxyHandler = Callable[[dict[str, Any], Any], dict[str, Any]]


class Endpoint:
    """Turns a route — ``Request`` in, ``Response`` out — into a Lambda handler."""

    def __init__(self, settings: Settings, observability: Observability, style: ApiStyle = NBQ_STYLE) -> None:
        self._style = style
        self._format = ProblemFormat(
            settings.problem_type_base, legacy_error_member=style.legacy_error_member, envelope=style.envelope
        )
        self._observability = observability
        self._logger = observability.logger
        self._cors_origin = settings.cors_allowed_origin or None

    def __call__(self, route: Route) -> ProxyHandler:
        def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
            request = Request(event, context)
            try:
                response = route(request)
            except Exception as exc:  # every failure becomes a problem document
                return self._problem_response(request, self._problem_for(exc))
            headers = {"Content-Type": response.content_type, REQUEST_ID_HEADER: request.request_id}
            headers.update(response.headers)
            return self._proxy(request, response.status, headers, response.body)

        handler.__name__ = getattr(route, "__name__", "handler")
        handler.__doc__ = route.__doc__
        return handler

    def _problem_for(self, exc: Exception) -> ProblemError:
        if isinstance(exc, ProblemError):
            return exc
        if isinstance(exc, DomainError | SchemaViolation):
            return problem_for(exc, self._style)
        # pydantic is imported only by functions that validate with it: no module, no such error.
        pydantic_core = sys.modules.get("pydantic_core")
        if pydantic_core is not None and isinstance(exc, pydantic_core.ValidationError):
            raw = exc.errors(include_url=False, include_context=False, include_input=False)
            return problem_for(SchemaViolation(raw, "body"), self._style)
        self._logger.exception("unhandled error", extra={"error_type": type(exc).__name__})
        return InternalProblem()

    def _problem_response(self, request: Request, problem: ProblemError) -> dict[str, Any]:
        # Every failure is a metric too: operators chart answers by problem type.
        self._observability.count("ErrorResponses", code=problem.code)
        body = json.dumps(self._format.body(problem, request.request_id), separators=(",", ":"))
        headers = {"Content-Type": PROBLEM_CONTENT_TYPE, REQUEST_ID_HEADER: request.request_id}
        headers.update(problem.headers)
        return self._proxy(request, problem.status, headers, body)

    def _proxy(self, request: Request, status: int, headers: dict[str, str], body: str) -> dict[str, Any]:
        if self._cors_origin is not None:
            origin = request.header("Origin")
            if origin == self._cors_origin:
                headers["Access-Control-Allow-Origin"] = origin
                headers["Access-Control-Allow-Headers"] = CORS_ALLOWED_HEADERS
                headers["Access-Control-Expose-Headers"] = CORS_EXPOSED_HEADERS
                headers["Access-Control-Max-Age"] = str(CORS_MAX_AGE_SECONDS)
        return {"statusCode": status, "headers": headers, "body": body, "isBase64Encoded": False}
