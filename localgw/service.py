"""SAM CLI's LocalApigwService with what API Gateway adds in front of a function.

Added: a request id shared by the event and the gateway responses, the authorizer's
raise("Unauthorized") -> 401, usage-plan throttle and quota, GatewayResponses rendering,
lenient body decoding, and one log line per request. Routing is API Gateway's, not werkzeug's:
a method answers only where the template declares it (werkzeug adds HEAD to every GET rule),
slashes are never merged, and no refusal is a redirect or an HTML page. The access line escapes
what a path or method could use to forge or colour log lines.
"""

from __future__ import annotations

import json
import logging
import time
import uuid
from collections.abc import Callable
from contextlib import suppress
from http import HTTPStatus
from io import StringIO
from typing import Any, Protocol

from flask import Flask, Response, g, request
from samcli.lib.providers.provider import Api
from samcli.lib.utils.stream_writer import StreamWriter
from samcli.local.apigw.authorizers.lambda_authorizer import LambdaAuthorizer
from samcli.local.apigw.exceptions import InvalidLambdaAuthorizerResponse
from samcli.local.apigw.local_apigw_service import LocalApigwService
from samcli.local.apigw.route import Route
from samcli.local.lambdafn.exceptions import FunctionNotFound
from samcli.local.services.base_local_service import LambdaOutputParser

from localgw.apidocs import render_docs, served_document
from localgw.demo import DemoPages
from localgw.gateway_responses import GatewayError, GatewayResponses, RenderedResponse
from localgw.middleware import RequestBodyMiddleware
from localgw.sam_seam import gateway_error_for

LOG = logging.getLogger("localgw")
# Endpoints the gateway serves itself (not routes of the API) and the methods each answers.
OWN_ENDPOINTS: dict[str, frozenset[str]] = {
    "openapi_json": frozenset({"GET"}),
    "docs": frozenset({"GET"}),
    "demo_en": frozenset({"GET"}),
    "demo_es": frozenset({"GET"}),
    "demo_widget": frozenset({"GET"}),
}
ApiKeyRequired = Callable[[Route, str], bool]
UsageCheck = Callable[[str], str | None]


class LambdaRunner(Protocol):
    """What LocalApigwService asks of its `lambda_runner`: SAM's LocalLambdaRunner, or ours."""

    def is_debugging(self) -> bool: ...

    def invoke(
        self,
        function_identifier: str,
        event: str,
        tenant_id: str | None = None,
        stdout: Any = None,
        stderr: Any = None,
        override_runtime: str | None = None,
        **kwargs: Any,
    ) -> None: ...


class _QuietAuthorizerErrors(logging.Filter):
    """SAM logs every rejected request as an authorizer failure; they are answers here."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not record.getMessage().startswith("Lambda authorizer failed to invoke successfully")


logging.getLogger("samcli.local.apigw.local_apigw_service").addFilter(_QuietAuthorizerErrors())


# samcli ships no type information (no py.typed), so its classes are Any to mypy.
class GatewayService(LocalApigwService):  # type: ignore[misc]
    lambda_runner: LambdaRunner

    def __init__(
        self,
        api: Api,
        lambda_runner: LambdaRunner,
        gateway_responses: GatewayResponses,
        *,
        usage_check: UsageCheck | None = None,
        api_key_required: ApiKeyRequired | None = None,
        port: int | None = None,
        host: str = "127.0.0.1",
        api_document: dict[str, Any] | None = None,
        demo: DemoPages | None = None,
    ) -> None:
        super().__init__(api, lambda_runner, port=port, host=host)
        self.gateway_responses = gateway_responses
        self.api_document = api_document
        self.demo = demo
        self.usage_check = usage_check
        self.api_key_required = api_key_required or (lambda route, method: False)

    @property
    def app(self) -> Flask:
        if self._app is None:
            self.create()
        app: Flask = self._app
        return app

    def create(self) -> None:
        super().create()
        app: Flask = self._app
        # werkzeug retries `/v1//health` with the slashes merged and answers a redirect (HTML);
        # API Gateway has no route for it.
        app.url_map.merge_slashes = False
        app.before_request(self._begin)
        app.after_request(self._finish)
        # Flask's documented way to add WSGI middleware; its stubs declare wsgi_app a method.
        app.wsgi_app = RequestBodyMiddleware(  # type: ignore[method-assign]
            app.wsgi_app, self._reject_request, list(self.api.binary_media_types or [])
        )
        if self.api_document is not None:
            # Served by the gateway itself, without the authorizer: they describe the API, they
            # are not routes of it (the template's house rules list them as public paths).
            docs_page = render_docs(self.api_document)
            app.add_url_rule(
                "/openapi.json",
                "openapi_json",
                self._openapi_json,
                methods=sorted(OWN_ENDPOINTS["openapi_json"]),
                provide_automatic_options=False,
            )
            app.add_url_rule(
                "/docs",
                "docs",
                lambda: Response(docs_page, mimetype="text/html"),
                methods=sorted(OWN_ENDPOINTS["docs"]),
                provide_automatic_options=False,
            )

        if self.demo is not None:
            self._add_demo(app, self.demo)

    @staticmethod
    def _add_demo(app: Flask, demo: DemoPages) -> None:
        def page(language: str) -> Response:
            if not demo.installed():
                return Response(demo.not_installed_page(), status=503, mimetype="text/html")
            return Response(demo.page(language), mimetype="text/html")

        def widget() -> Response:
            if not demo.installed():
                return Response("make run installs the widget (npm ci --prefix web)", status=404)
            return Response(demo.widget_path.read_bytes(), mimetype="text/javascript")

        for endpoint, path, view in (
            ("demo_en", "/demo", lambda: page("en")),
            ("demo_es", "/demo/es", lambda: page("es")),
            ("demo_widget", "/demo/touchpoint-ui.js", widget),
        ):
            app.add_url_rule(
                path, endpoint, view, methods=sorted(OWN_ENDPOINTS[endpoint]), provide_automatic_options=False
            )

    def _openapi_json(self) -> Response:
        document = served_document(self.api_document or {}, request.host_url.rstrip("/"))
        return Response(json.dumps(document, ensure_ascii=False), mimetype="application/json")

    # ---- request lifecycle -------------------------------------------------------------------

    def _begin(self) -> Response | None:
        g.request_id = str(uuid.uuid4())
        g.started = time.perf_counter()
        if not self._is_routed(request.endpoint, request.method, _raw_path(request.environ)):
            return self._gateway_response(GatewayError("MISSING_AUTHENTICATION_TOKEN"))
        return None

    def _is_routed(self, endpoint: str | None, method: str, raw_path: str) -> bool:
        """Whether API Gateway has this method on this path; werkzeug's matching is wider.

        werkzeug answers HEAD wherever GET is routed and matches `//v1/health` as `/v1/health`
        (it strips leading slashes); API Gateway has neither. An unmatched request (endpoint None)
        is left to werkzeug's 404/405, which `_finish` maps to the same gateway response.
        """
        if endpoint is None:
            return True
        if raw_path.startswith("//"):
            return False
        if endpoint in OWN_ENDPOINTS:
            return method in OWN_ENDPOINTS[endpoint]
        return self._route_key(method, endpoint) in self._dict_of_routes

    def _finish(self, response: Response) -> Response:
        if not g.get("integration_answered") and not g.get("gateway_answered"):
            error = gateway_error_for(response.status_code, response.get_json(silent=True))
            if error is not None:
                response = self._gateway_response(error)
        response.headers.setdefault("x-amzn-RequestId", g.get("request_id", ""))
        elapsed = (time.perf_counter() - g.get("started", time.perf_counter())) * 1000
        log_access(
            request.method,
            _raw_path(request.environ),
            response.status_code,
            elapsed,
            g.get("function_name", "-"),
        )
        return response

    def _request_handler(self, **kwargs: Any) -> Any:
        with suppress(KeyError):
            g.function_name = self._get_current_route(request).function_name
        try:
            return super()._request_handler(**kwargs)
        except GatewayError as error:
            return self._gateway_response(error)

    def service_response(self, body: Any, headers: Any, status_code: int) -> Response:
        # Only the function's own proxy response reaches here: never re-map it to a gateway one.
        g.integration_answered = True
        response: Response = LocalApigwService.service_response(body, headers, status_code)
        return response

    def _generate_lambda_event(
        self, flask_request: Any, route: Route, method: str, endpoint: str
    ) -> dict[str, Any]:
        event: dict[str, Any] = super()._generate_lambda_event(flask_request, route, method, endpoint)
        context = event.setdefault("requestContext", {})
        context["requestId"] = g.request_id
        context["extendedRequestId"] = g.request_id
        return event

    # ---- authorizer, usage plan ----------------------------------------------------------------

    def _invoke_parse_lambda_authorizer(
        self,
        lambda_authorizer: LambdaAuthorizer,
        auth_lambda_event: dict[str, Any],
        route_lambda_event: dict[str, Any],
        route: Route,
    ) -> None:
        output = self._invoke_authorizer(lambda_authorizer.lambda_name, auth_lambda_event)
        method_arn = self._create_method_arn(request, route.event_type)
        try:
            # SAM turns the policy's `*` into the regex `.*`, which stops at a line break; IAM's `*`
            # does not, and a path parameter may hold an encoded newline (%0A).
            allowed = lambda_authorizer.is_valid_response(output, method_arn.replace("\n", " "))
            context = lambda_authorizer.get_context(output)
        except InvalidLambdaAuthorizerResponse as exc:
            LOG.error("authorizer %s: %s", lambda_authorizer.authorizer_name, exc)
            raise GatewayError("AUTHORIZER_CONFIGURATION_ERROR") from exc
        if not allowed:
            denied_context = json.loads(output).get("context") or {}
            raise GatewayError(
                "ACCESS_DENIED",
                message=_denied_message(output),
                authorizer={str(k): str(v) for k, v in denied_context.items()},
            )

        request_context = route_lambda_event.setdefault("requestContext", {})
        request_context["authorizer"] = context
        usage_key = json.loads(output).get("usageIdentifierKey")
        if usage_key:
            request_context.setdefault("identity", {})["apiKey"] = usage_key
        if self.api_key_required(route, request.method):
            if not usage_key:
                raise GatewayError("INVALID_API_KEY")
            verdict = self.usage_check(str(usage_key)) if self.usage_check else None
            if verdict is not None:
                raise GatewayError(verdict)

    def _invoke_authorizer(self, function_name: str, event: dict[str, Any]) -> str:
        """The authorizer's output; its raise("Unauthorized") is API Gateway's 401, any other error a 500."""
        with StringIO() as stdout:
            try:
                self.lambda_runner.invoke(
                    function_name,
                    json.dumps(event, sort_keys=True),
                    stdout=StreamWriter(stdout, auto_flush=True),
                    stderr=self.stderr,
                )
            except FunctionNotFound as exc:
                raise GatewayError("AUTHORIZER_FAILURE") from exc
            output, is_error = LambdaOutputParser.get_lambda_output(stdout)
        if is_error:
            if json.loads(output).get("errorMessage") == "Unauthorized":
                raise GatewayError("UNAUTHORIZED")
            raise GatewayError("AUTHORIZER_FAILURE")
        return str(output)

    # ---- gateway responses ---------------------------------------------------------------------

    def _gateway_response(self, error: GatewayError) -> Response:
        g.gateway_answered = True
        rendered = self.gateway_responses.render(
            error.response_type,
            g.get("request_id") or str(uuid.uuid4()),
            error.status,
            error.message,
            error.authorizer,
        )
        response = Response(rendered.body, status=rendered.status)
        response.headers.update(rendered.headers)
        return response

    def _reject_request(self, environ: dict[str, Any], status: int) -> RenderedResponse:
        """The middleware's refusals: a body over the payload limit (413) or unreadable (400)."""
        rendered = self.protocol_error(status)
        log_access(str(environ.get("REQUEST_METHOD", "-")), _raw_path(environ), rendered.status, 0.0)
        return rendered

    def protocol_error(self, status: int) -> RenderedResponse:
        """The gateway response for a request refused before routing (by the HTTP server, too)."""
        if status == HTTPStatus.REQUEST_ENTITY_TOO_LARGE:
            return self.gateway_responses.render("REQUEST_TOO_LARGE", str(uuid.uuid4()))
        response_type = "DEFAULT_5XX" if status >= 500 else "DEFAULT_4XX"
        return self.gateway_responses.render(response_type, str(uuid.uuid4()), status, _phrase(status))


def printable(text: str) -> str:
    """`text` for one log line: backslash and every non-printable character escaped.

    A path may hold any decoded percent-encoding (`%0a`, `%0d`, `%1b`, U+2028, ...): written as
    is, it would start a forged log line or colour the terminal.
    """
    return "".join(char if char.isprintable() and char != "\\" else _escape(char) for char in text)


def _escape(char: str) -> str:
    code = ord(char)
    if char == "\\":
        return "\\\\"
    if code < 0x100:
        return f"\\x{code:02x}"
    if code < 0x10000:
        return f"\\u{code:04x}"
    return f"\\U{code:08x}"


def log_access(method: str, path: str, status: int, elapsed_ms: float, function: str = "-") -> None:
    """The gateway's one log line per request."""
    LOG.info("%s %s %s %.1fms %s", printable(method), printable(path), status, elapsed_ms, function)


def _raw_path(environ: dict[str, Any]) -> str:
    """The decoded path as requested (werkzeug's `request.path` drops repeated leading slashes)."""
    path = str(environ.get("PATH_INFO", ""))
    return path.encode("latin-1", "replace").decode("utf-8", "replace")


def _phrase(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Internal server error" if status >= 500 else "Bad Request"


def _denied_message(output: str) -> str:
    statements = json.loads(output).get("policyDocument", {}).get("Statement", [])
    if any(isinstance(s, dict) and s.get("Effect") == "Deny" for s in statements):
        return "User is not authorized to access this resource with an explicit deny"
    return "User is not authorized to access this resource"
