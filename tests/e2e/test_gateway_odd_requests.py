"""Odd requests against the local gateway (hardening finding 10).

API Gateway answers HEAD on a GET route, a doubled slash, an unknown method or an unparsable
request line with its own problem+json, never with a 502, an HTML page or a redirect; and one
request is one access-log line, whatever control characters its path holds.

Requests go over a raw socket: HTTP clients normalise exactly what these tests need to send.
"""

from __future__ import annotations

import json
import socket
import uuid
from dataclasses import dataclass
from urllib.parse import urlsplit

import pytest
import requests

from tests.helpers.gateway import GatewayFactory, RunningGateway

pytestmark = pytest.mark.e2e
TIMEOUT = 10
PROBLEM_JSON = "application/problem+json"
NO_ROUTE_ERROR_TYPE = "MissingAuthenticationTokenException"


@dataclass(frozen=True)
class RawAnswer:
    status: int
    headers: dict[str, str]  # names lower-cased
    body: bytes


def send_raw(url: str, request: bytes) -> RawAnswer:
    """Send `request` as is and read the answer (the gateway closes every connection)."""
    parts = urlsplit(url)
    with socket.create_connection((parts.hostname or "127.0.0.1", parts.port or 80), timeout=TIMEOUT) as sock:
        sock.sendall(request)
        received = b""
        while chunk := sock.recv(65536):
            received += chunk
    if not received.startswith(b"HTTP/1."):
        return RawAnswer(0, {}, received)  # no status line: an HTTP/0.9 answer, just a body
    head, _, body = received.partition(b"\r\n\r\n")
    status_line, *header_lines = head.decode("latin-1").split("\r\n")
    headers = {}
    for line in header_lines:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    return RawAnswer(int(status_line.split()[1]), headers, body)


def raw_request(method: str, target: str, *headers: str, body: bytes = b"") -> bytes:
    lines = [f"{method} {target} HTTP/1.1", "Host: localhost", "Connection: close", *headers]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body


def assert_problem_answer(answer: RawAnswer, method: str) -> None:
    """problem+json with the request id; a HEAD answer says so in its headers and has no body."""
    assert answer.headers.get("content-type", "").startswith(PROBLEM_JSON), answer
    request_id = answer.headers.get("x-amzn-requestid")
    assert request_id, answer
    if method == "HEAD":
        assert answer.body == b"", answer
        return
    problem = json.loads(answer.body)
    assert problem["request_id"] == request_id
    assert problem["type"]


@pytest.fixture(scope="module")
def odd_gateway(gateway_factory: GatewayFactory) -> RunningGateway:
    """A gateway of this module's own, so its log holds only these requests."""
    return gateway_factory("--no-seed")


class LogTail:
    """What the gateway logs from now on (its start-up banner has colours of its own)."""

    def __init__(self, gateway: RunningGateway) -> None:
        self.gateway = gateway
        self.offset = len(gateway.log())

    def text(self) -> str:
        return self.gateway.log()[self.offset :]


@pytest.mark.parametrize("path", ["/v1/health", "/v1/usage", "/docs", "/openapi.json", "/v1/nothing-here"])
def test_head_is_answered_like_an_unknown_route(odd_gateway: RunningGateway, path: str) -> None:
    # Given what the gateway answers a GET on a path without a route
    log = LogTail(odd_gateway)
    unknown = requests.get(f"{odd_gateway.url}/v1/nothing-here", timeout=TIMEOUT)

    # When HEAD asks for a route (API Gateway does not map HEAD to GET), a docs page or nothing
    response = requests.head(f"{odd_gateway.url}{path}", timeout=TIMEOUT)

    # Then the same gateway response, with its headers and without a body
    assert response.status_code == unknown.status_code == 404, response.headers
    assert response.content == b""
    for name in ("Content-Type", "x-amzn-ErrorType"):
        assert response.headers[name] == unknown.headers[name], name
    assert response.headers["Content-Type"] == PROBLEM_JSON
    assert response.headers["x-amzn-ErrorType"] == NO_ROUTE_ERROR_TYPE
    assert response.headers["x-amzn-RequestId"] not in ("", unknown.headers["x-amzn-RequestId"])
    assert "Traceback" not in log.text()


@pytest.mark.parametrize(
    ("method", "path"),
    [
        *(
            (method, path)
            for method in ("PUT", "DELETE", "PATCH")
            for path in ("/v1/health", "/v1/usage/", "/docs")
        ),
        # OPTIONS only here: the template's CORS preflight answers it on every API path.
        ("OPTIONS", "/docs"),
        ("OPTIONS", "/openapi.json"),
    ],
)
def test_methods_without_a_route_are_404_problem(odd_gateway: RunningGateway, method: str, path: str) -> None:
    response = requests.request(method, f"{odd_gateway.url}{path}", timeout=TIMEOUT)

    assert response.status_code == 404, response.text
    assert response.headers["Content-Type"] == PROBLEM_JSON
    assert response.json()["request_id"] == response.headers["x-amzn-RequestId"]


@pytest.mark.parametrize("target", ["//v1/health", "///v1/health", "/v1//health", "/v1/health//", "//docs"])
def test_doubled_slashes_are_no_route(odd_gateway: RunningGateway, target: str) -> None:
    # API Gateway does not merge slashes: no redirect, no HTML, no route.
    answer = send_raw(odd_gateway.url, raw_request("GET", target))

    assert answer.status == 404, answer
    assert "location" not in answer.headers
    assert_problem_answer(answer, "GET")
    assert json.loads(answer.body)["type"].endswith("not_found")


# Percent-encoding in the path -> how the access line shows it.
LOGGED_ESCAPES = {
    "%0a": r"\x0a",
    "%0d": r"\x0d",
    "%0d%0a": r"\x0d\x0a",
    "%1b[31m": r"\x1b[31m",
    "%00": r"\x00",
    "%7f": r"\x7f",
    "%c2%85": r"\x85",
    "%e2%80%a8": r"\u2028",
    "%5c": r"\\",
}


def test_the_access_log_escapes_control_characters(odd_gateway: RunningGateway) -> None:
    # Given paths whose percent-encodings decode to line breaks, escape sequences and separators
    marker = f"odd{uuid.uuid4().hex[:10]}"
    cases = [(f"{marker}-{i}", encoded, shown) for i, (encoded, shown) in enumerate(LOGGED_ESCAPES.items())]

    # When each is requested once
    tail = LogTail(odd_gateway)
    for name, encoded, _ in cases:
        answer = send_raw(odd_gateway.url, raw_request("GET", f"/v1/{name}/a{encoded}forged-{name}"))
        assert answer.status == 404, answer

    # Then each is exactly one access line, the escape visible and no raw control character logged
    log = tail.text()
    assert not {"\x1b", "\x00", "\u2028", "\x85", "\r"} & set(log)
    lines = log.splitlines()
    for name, _, shown in cases:
        mentioning = [line for line in lines if name in line]
        assert len(mentioning) == 1, mentioning
        assert f" localgw GET /v1/{name}/a{shown}forged-{name} 404 " in mentioning[0], (shown, mentioning)


ODD_REQUESTS: list[tuple[str, bytes]] = [
    ("HEAD", raw_request("HEAD", "/v1/health")),
    ("HEAD", raw_request("HEAD", "/docs")),
    ("HEAD", raw_request("HEAD", "//v1/health")),
    ("PUT", raw_request("PUT", "/v1/health", "Content-Length: 2", body=b"{}")),
    ("DELETE", raw_request("DELETE", "/v1/usage")),
    ("PATCH", raw_request("PATCH", "/openapi.json")),
    ("GET", raw_request("GET", "//v1/health")),
    ("GET", raw_request("GET", "/v1//usage")),
    ("GET", raw_request("GET", "/v1/health/%0d%0aX-Forged:%20yes")),
    ("GET", raw_request("GET", "/v1/%1b[2J%1b[31mred")),
    ("GET", raw_request("GET", "/v1/" + "a" * 8000)),
    ("GET", raw_request("GET", "/" + "b" * 70000)),
    ("GET", raw_request("GET", "/v1/%ff%fe/health")),
    ("GET", raw_request("GET", "/v1/%c0%af..%c0%af")),
    ("GET", raw_request("GET", "/v1/%")),
    ("BREW", raw_request("BREW", "/v1/health")),
    ("M-SEARCH", raw_request("M-SEARCH", "*")),
    ("FOO\x1b[31m", raw_request("FOO\x1b[31m", "/v1/health")),
    ("X" * 300, raw_request("X" * 300, "/v1/health")),
    ("GET", raw_request("GET", "v1/health")),
    ("GET", b"GARBAGE\r\n\r\n"),
    ("GET", b"GET /v1/health\r\n\r\n"),  # HTTP/0.9
    ("GET", raw_request("GET", "/v1/health", "Content-Length: abc")),
    ("GET", raw_request("GET", "/v1/health", "Content-Length: -1")),
    (
        "POST",
        raw_request(
            "POST", "/v1/next-questions", "Transfer-Encoding: chunked", body=b"zz\r\nab\r\n0\r\n\r\n"
        ),
    ),
    ("GET", raw_request("GET", "/v1/health", *(f"X-Odd-{i}: y" for i in range(120)))),
]


def test_odd_requests_are_all_problem_json_without_tracebacks(odd_gateway: RunningGateway) -> None:
    tail = LogTail(odd_gateway)
    answers = [(method, send_raw(odd_gateway.url, request)) for method, request in ODD_REQUESTS]

    for (method, answer), (_, request) in zip(answers, ODD_REQUESTS, strict=True):
        assert 400 <= answer.status < 500, (request[:120], answer)
        assert_problem_answer(answer, method)
    log = tail.text()
    assert "Traceback" not in log
    # One access line per request, none of them written by werkzeug instead of the gateway.
    assert len([line for line in log.splitlines() if " localgw " in line]) == len(ODD_REQUESTS), log
    assert " werkzeug " not in log
