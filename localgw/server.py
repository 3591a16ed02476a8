"""The HTTP server in front of the gateway: werkzeug's, answering its own errors the gateway's way.

http.server answers what it cannot parse (a bad request line, an HTTP version it does not speak,
a request line over 64 KiB, more than 100 headers) with an HTML page and no request id, and folds
a leading `//` of the path into `/`, which werkzeug's environ then repeats. API Gateway answers
all of these with its own responses and routes the path as sent.
"""

from __future__ import annotations

from http import HTTPStatus
from typing import Any
from urllib.parse import unquote, urlsplit

from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server

from localgw.service import GatewayService, log_access


class GatewayRequestHandler(WSGIRequestHandler):
    """werkzeug's request handler; `gateway` is set on the subclass `make_gateway_server` builds."""

    gateway: GatewayService

    def parse_request(self) -> bool:
        if not super().parse_request():
            return False
        target = self.requestline.split()[1]  # self.path has a leading "//" folded into "/"
        if self.request_version == "HTTP/0.9" or not _is_request_target(target):
            self.send_error(HTTPStatus.BAD_REQUEST)
            return False
        self.path = target
        return True

    def make_environ(self) -> dict[str, Any]:
        environ = super().make_environ()
        if self.path.startswith("//"):
            # urlsplit reads "//v1/health" as host "v1" and path "/health"; keep the path as sent.
            path = self.path.partition("?")[0].partition("#")[0]
            environ["PATH_INFO"] = unquote(path).encode().decode("latin-1")  # PEP 3333's encoding
        return environ

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        """The gateway response for `code`, as problem+json, instead of http.server's HTML page."""
        if self.request_version == "HTTP/0.9":
            self.request_version = "HTTP/1.1"  # unknown or unparsable: answer with a status line
        rendered = self.gateway.protocol_error(code)
        method = self.command or "-"
        log_access(method, self.path if self.command else "-", rendered.status, 0.0)
        body = rendered.body.encode("utf-8")
        self.send_response_only(rendered.status)
        self.send_header("Server", self.version_string())
        self.send_header("Date", self.date_time_string())
        for name, value in rendered.headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Connection", "close")
        self.end_headers()
        self.close_connection = True
        if method != "HEAD":
            self.wfile.write(body)


def make_gateway_server(service: GatewayService, host: str, port: int) -> BaseWSGIServer:
    """A threaded werkzeug server for `service`, its own errors answered by `service`."""

    class Handler(GatewayRequestHandler):
        gateway = service

    return make_server(host, port, service.app, threaded=True, request_handler=Handler)


def _is_request_target(target: str) -> bool:
    """Origin form (`/path?query`), absolute form (`http://host/path`) or `*` (RFC 9112 3.2)."""
    if target.startswith("/") or target == "*":
        return True
    parts = urlsplit(target)
    return parts.scheme in ("http", "https") and bool(parts.netloc)
