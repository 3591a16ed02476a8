"""Odd requests: HEAD, methods and paths without a route, control characters, unparsable requests.

API Gateway answers each with a gateway response of the template (problem+json, request id), never
a 502, a redirect or an HTML page; the access log stays one line per request (finding 10).
"""

from __future__ import annotations

import json
import logging
import socket
import threading
from collections.abc import Iterator
from typing import Any

import pytest

from localgw.apidocs import load_document
from localgw.gateway_responses import RenderedResponse
from localgw.server import make_gateway_server
from localgw.service import GatewayService, printable
from localgw.template import SamTemplate, load_template
from tests.helpers.localgw import Harness
from tests.helpers.paths import ROOT

PROBLEM_JSON = "application/problem+json"
ROUTES = ["/v1/health", "/v1/usage", "/v1/next-questions", "/c/furniture-shop/web-en-US"]
OWN_PAGES = ["/docs", "/openapi.json"]
# Headers every answer has that no template sets.
TRANSPORT_HEADERS = {"content-length", "date", "server", "connection", "x-amzn-requestid"}


@pytest.fixture(scope="module")
def sam() -> SamTemplate:
    return load_template(ROOT / "template.yaml")


@pytest.fixture(scope="module")
def api_document() -> dict[str, Any] | None:
    return load_document(ROOT)


class DocsHarness(Harness):
    """The service of test_service.py, serving the docs pages too, and counting invocations."""

    def __init__(self, sam: SamTemplate, api_document: dict[str, Any] | None) -> None:
        super().__init__(sam)
        self.invoked: list[str] = []
        for name, handler in list(self.handlers.items()):
            self.handlers[name] = self._recording(name, handler)
        self.service = GatewayService(
            sam.api,
            self.runner,
            self.service.gateway_responses,
            api_key_required=self.service.api_key_required,
            port=3000,
            api_document=api_document,
        )
        self.client = self.service.app.test_client()

    def _recording(self, name: str, handler: Any) -> Any:
        def record(event: dict, context: Any) -> Any:
            self.invoked.append(name)
            return handler(event, context)

        return record

    def no_route(self) -> RenderedResponse:
        rendered: RenderedResponse = self.service.gateway_responses.render(
            "MISSING_AUTHENTICATION_TOKEN", "-"
        )
        return rendered


@pytest.fixture
def harness(sam: SamTemplate, api_document: dict[str, Any] | None) -> DocsHarness:
    assert api_document is not None
    return DocsHarness(sam, api_document)


def template_headers(headers: Any) -> dict[str, str]:
    return {
        name.lower(): value for name, value in dict(headers).items() if name.lower() not in TRANSPORT_HEADERS
    }


def assert_no_route(harness: DocsHarness, response: Any, *, bodiless: bool = False) -> None:
    """Exactly the template's MISSING_AUTHENTICATION_TOKEN response: status, headers, body."""
    expected = harness.no_route()
    assert response.status_code == expected.status == 404, response.get_data(as_text=True)
    assert template_headers(response.headers) == template_headers(expected.headers)
    assert response.headers["Content-Type"] == PROBLEM_JSON
    request_id = response.headers["x-amzn-RequestId"]
    assert request_id
    if bodiless:
        assert response.get_data() == b""
    else:
        assert response.get_data(as_text=True) == expected.body.replace('"-"', json.dumps(request_id))


@pytest.mark.parametrize("path", [*ROUTES, *OWN_PAGES, "/v1/nothing", "/"])
def test_head_is_the_no_route_response_without_a_body(
    harness: DocsHarness, path: str, caplog: pytest.LogCaptureFixture
) -> None:
    # API Gateway does not map HEAD to GET; werkzeug adds HEAD to every GET rule.
    response = harness.client.head(path)

    assert_no_route(harness, response, bodiless=True)
    assert harness.invoked == []  # not even the authorizer
    assert not [record for record in caplog.records if record.levelno >= logging.WARNING]


@pytest.mark.parametrize(
    ("method", "path"),
    [
        *(
            (method, path)
            for method in ("PUT", "DELETE", "PATCH", "BREW")
            for path in [*ROUTES[:2], *OWN_PAGES]
        ),
        # OPTIONS only here: the template's CORS preflight answers it on every API path.
        *(("OPTIONS", path) for path in OWN_PAGES),
    ],
)
def test_a_method_without_a_route_is_the_no_route_response(
    harness: DocsHarness, method: str, path: str
) -> None:
    response = harness.client.open(path, method=method)

    assert_no_route(harness, response)
    assert harness.invoked == []


@pytest.mark.parametrize(
    "path", ["/v1//health", "/v1/health//", "/v1//usage", "/c//furniture-shop/web-en-US"]
)
def test_doubled_slashes_are_no_route_not_a_redirect(harness: DocsHarness, path: str) -> None:
    response = harness.client.get(path)

    assert "Location" not in response.headers
    assert_no_route(harness, response)


@pytest.mark.parametrize("path_info", ["//v1/health", "///v1/health", "//docs"])
def test_leading_doubled_slashes_are_no_route(harness: DocsHarness, path_info: str) -> None:
    # werkzeug's routing strips leading slashes; API Gateway has no route for them.
    response = harness.client.get("/", environ_overrides={"PATH_INFO": path_info})

    assert_no_route(harness, response)
    assert harness.invoked == []


def test_trailing_slash_still_reaches_the_route(harness: DocsHarness) -> None:
    assert harness.client.get("/v1/health/").status_code == 200


@pytest.mark.parametrize(
    ("text", "logged"),
    [
        ("/v1/health", "/v1/health"),
        ("/a\nb", r"/a\x0ab"),
        ("/a\r\nb", r"/a\x0d\x0ab"),
        ("/a\x1b[31mb", r"/a\x1b[31mb"),
        ("/a\x00\x7f\x85b", r"/a\x00\x7f\x85b"),
        ("/a\u2028\u202eb", r"/a\u2028\u202eb"),
        ("/a\\x0ab", r"/a\\x0ab"),
        ("/ä/€/\ufffd", "/ä/€/\ufffd"),
        ("/a b", "/a b"),
        ("/a\U000e0001b", r"/a\U000e0001b"),
    ],
)
def test_printable_escapes_what_could_forge_a_log_line(text: str, logged: str) -> None:
    assert printable(text) == logged


def test_the_access_log_is_one_line_per_request_with_escapes(
    harness: DocsHarness, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="localgw")
    requests = [
        ("GET", "/v1/a%0aforged 200 0.1ms HealthFunction", r"/v1/a\x0aforged 200 0.1ms HealthFunction"),
        ("GET", "/v1/a%0d%0aforged", r"/v1/a\x0d\x0aforged"),
        ("GET", "/v1/a%1b[2J%1b[31mred", r"/v1/a\x1b[2J\x1b[31mred"),
        ("GET", "/v1/a%e2%80%a8b%c2%85c", r"/v1/a\u2028b\x85c"),
        ("GET", "/v1/a%00b%7f", r"/v1/a\x00b\x7f"),
        ("HEAD", "/v1/health%0aforged", r"/v1/health\x0aforged"),
        ("\x1b[31mFOO", "/v1/health", "/v1/health"),
    ]

    for method, path, _ in requests:
        harness.client.open(path, method=method)

    lines = [record.getMessage() for record in caplog.records if record.name == "localgw"]
    assert len(lines) == len(requests), lines
    for line, (method, _, logged) in zip(lines, requests, strict=True):
        assert line.isprintable(), line
        assert line.startswith(f"{printable(method.upper())} {logged} 404 "), line


# ---- the HTTP server's own answers ----------------------------------------------------------------


@pytest.fixture
def server_url(harness: DocsHarness) -> Iterator[tuple[str, int]]:
    server = make_gateway_server(harness.service, "127.0.0.1", 0)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
    thread.start()
    yield "127.0.0.1", server.server_port
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


def exchange(address: tuple[str, int], request: bytes) -> tuple[int, dict[str, str], bytes]:
    with socket.create_connection(address, timeout=10) as sock:
        sock.sendall(request)
        received = b""
        while chunk := sock.recv(65536):
            received += chunk
    assert received.startswith(b"HTTP/1.1 "), received[:300]  # a status line, even for HTTP/0.9
    head, _, body = received.partition(b"\r\n\r\n")
    status_line, *lines = head.decode("latin-1").split("\r\n")
    headers = {
        name.strip().lower(): value.strip() for name, _, value in (line.partition(":") for line in lines)
    }
    return int(status_line.split()[1]), headers, body


def http(method: str, target: str, *headers: str, body: bytes = b"") -> bytes:
    lines = [f"{method} {target} HTTP/1.1", "Host: localhost", "Connection: close", *headers]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body


@pytest.mark.parametrize(
    ("request_bytes", "status"),
    [
        pytest.param(b"GARBAGE\r\n\r\n", 400, id="request-line-of-one-word"),
        pytest.param(b"GET / HTTP/1.1 extra\r\n\r\n", 400, id="request-line-of-four-words"),
        pytest.param(b"GET / HTTQ/1.1\r\n\r\n", 400, id="bad-version"),
        pytest.param(b"GET / HTTP/9.9\r\n\r\n", 505, id="unsupported-version"),
        pytest.param(b"GET /v1/health\r\n\r\n", 400, id="http-0.9"),
        pytest.param(http("GET", "v1/health"), 400, id="target-without-slash"),
        pytest.param(http("GET", "/" + "a" * 70000), 414, id="request-line-over-64k"),
        pytest.param(
            http("GET", "/v1/health", *(f"X-{i}: y" for i in range(120))), 431, id="too-many-headers"
        ),
        pytest.param(http("GET", "/v1/health", "Content-Length: abc"), 400, id="content-length-not-a-number"),
        pytest.param(http("GET", "/v1/health", "Content-Length: -1"), 400, id="content-length-negative"),
        pytest.param(
            http("POST", "/v1/health", "Transfer-Encoding: chunked", body=b"zz\r\nab\r\n0\r\n\r\n"),
            400,
            id="broken-chunked-body",
        ),
        pytest.param(http("GET", "//v1/health"), 404, id="leading-double-slash"),
        pytest.param(http("GET", "http://localhost//v1/health"), 404, id="absolute-form-double-slash"),
        pytest.param(http("GET", "/v1//health"), 404, id="inner-double-slash"),
        pytest.param(http("HEAD", "/v1/health"), 404, id="head"),
        pytest.param(http("GET", "/v1/%ff%fe"), 404, id="not-utf-8"),
    ],
)
def test_every_answer_of_the_server_is_problem_json(
    harness: DocsHarness,
    server_url: tuple[str, int],
    caplog: pytest.LogCaptureFixture,
    request_bytes: bytes,
    status: int,
) -> None:
    caplog.set_level(logging.INFO)

    answered, headers, body = exchange(server_url, request_bytes)

    assert answered == status, body[:300]
    assert headers["content-type"] == PROBLEM_JSON
    request_id = headers["x-amzn-requestid"]
    if request_bytes.startswith(b"HEAD "):
        assert body == b""
    else:
        problem = json.loads(body)
        assert problem["request_id"] == request_id
        assert problem["type"].startswith("http")
    assert harness.invoked == []
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING or r.exc_info], caplog.text
    assert len([r for r in caplog.records if r.name == "localgw"]) == 1, caplog.text


def test_the_server_still_serves_routes(server_url: tuple[str, int]) -> None:
    status, _, body = exchange(server_url, http("GET", "/v1/health"))

    assert status == 200
    assert json.loads(body)["path"] == "/v1/health"
