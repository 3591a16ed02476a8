"""Webhooks without a network: signatures, the SSRF guard, URL checks, the retry schedule."""

from __future__ import annotations

import io
import socket
from typing import Any

import pytest

from parley.webhooks.delivery import (
    UnsafeDestination,
    parse_destination,
    post_json,
    vetted_addresses,
)
from parley.webhooks.service import BACKOFF_SECONDS, MAX_ATTEMPTS, backoff
from parley.webhooks.signing import sign, signature_header, verify

SECRET = "whsec_test_secret"
BODY = b'{"id":"evt_1","type":"conversation.completed","data":{"conversation_id":"conv_1"}}'
NOW = 1_790_000_000


# ------------------------------------------------------------------------------------------------
# Signatures
# ------------------------------------------------------------------------------------------------
def test_signature_is_hmac_sha256_of_timestamp_dot_body() -> None:
    import hashlib
    import hmac

    expected = hmac.new(SECRET.encode(), f"{NOW}.".encode() + BODY, hashlib.sha256).hexdigest()

    assert sign(SECRET, NOW, BODY) == expected
    assert sign(SECRET, NOW, BODY.decode()) == expected
    assert signature_header(SECRET, NOW, BODY) == f"t={NOW},v1={expected}"


def test_a_receiver_accepts_a_fresh_genuine_signature() -> None:
    header = signature_header(SECRET, NOW, BODY)

    assert verify(SECRET, header, BODY, now=NOW + 299)
    assert verify(SECRET, header, BODY.decode(), now=NOW)


@pytest.mark.parametrize(
    ("secret", "header_time", "body", "now"),
    [
        pytest.param(SECRET, NOW, BODY.replace(b"conv_1", b"conv_2"), NOW, id="tampered body"),
        pytest.param("whsec_other", NOW, BODY, NOW, id="wrong secret"),
        pytest.param(SECRET, NOW, BODY, NOW + 301, id="stale timestamp (replay)"),
        pytest.param(SECRET, NOW, BODY, NOW - 301, id="timestamp from the future"),
    ],
)
def test_a_receiver_rejects(secret: str, header_time: int, body: bytes, now: int) -> None:
    header = signature_header(secret, header_time, BODY)

    assert not verify(SECRET, header, body, now=now)


def test_a_moved_timestamp_invalidates_the_signature() -> None:
    digest = sign(SECRET, NOW, BODY)

    assert not verify(SECRET, f"t={NOW + 10},v1={digest}", BODY, now=NOW + 10)


@pytest.mark.parametrize(
    "header", [None, "", "garbage", f"t={NOW}", "v1=abc", f"t=soon,v1={'0' * 64}", f"t={NOW},v1=ü"]
)
def test_malformed_headers_are_rejected_without_raising(header: str | None) -> None:
    assert not verify(SECRET, header, BODY, now=NOW)


def test_one_matching_v1_among_several_is_enough() -> None:
    """Lets a receiver accept either secret while it rotates one."""
    header = f"t={NOW},v1={sign('whsec_old', NOW, BODY)},v1={sign(SECRET, NOW, BODY)}"

    assert verify(SECRET, header, BODY, now=NOW)


# ------------------------------------------------------------------------------------------------
# SSRF guard
# ------------------------------------------------------------------------------------------------
def _resolving_to(*addresses: str) -> Any:
    def getaddrinfo(host: str, port: int, *args: Any, **kwargs: Any) -> list[tuple[Any, ...]]:
        return [
            (socket.AF_INET6 if ":" in a else socket.AF_INET, socket.SOCK_STREAM, 6, "", (a, port))
            for a in addresses
        ]

    return getaddrinfo


@pytest.mark.parametrize(
    ("address", "allowed"),
    [
        ("10.1.2.3", False),
        ("172.16.0.1", False),
        ("172.31.255.254", False),
        ("192.168.1.10", False),
        ("127.0.0.1", False),
        ("127.8.8.8", False),
        ("::1", False),
        ("fe80::1", False),
        ("169.254.169.254", False),  # the instance metadata service
        ("::ffff:127.0.0.1", False),
        ("::ffff:169.254.169.254", False),
        ("0.0.0.0", False),  # noqa: S104 - an address under test, not a bind
        ("::", False),
        ("100.64.0.1", False),  # carrier-grade NAT
        ("224.0.0.251", False),
        ("ff02::1", False),
        ("fc00::1", False),
        ("240.0.0.1", False),
        ("93.184.215.14", True),
        ("2606:4700:4700::1111", True),
        ("::ffff:93.184.215.14", True),
    ],
)
def test_only_public_addresses_pass_the_guard(
    address: str, allowed: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(socket, "getaddrinfo", _resolving_to(address))
    destination = parse_destination("https://hooks.example.com/parley")

    if allowed:
        assert vetted_addresses(destination) == [address]
    else:
        with pytest.raises(UnsafeDestination, match="non-public"):
            vetted_addresses(destination)
    # Local runs (their receivers listen on 127.0.0.1) let every address through.
    assert vetted_addresses(destination, allow_private=True) == [address]


def test_one_private_address_among_public_ones_refuses_the_host(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(socket, "getaddrinfo", _resolving_to("93.184.215.14", "10.0.0.5"))

    with pytest.raises(UnsafeDestination):
        vetted_addresses(parse_destination("https://hooks.example.com/"))


def test_an_unresolvable_host_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    def fail(*args: Any, **kwargs: Any) -> Any:
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(socket, "getaddrinfo", fail)

    with pytest.raises(UnsafeDestination, match="does not resolve"):
        vetted_addresses(parse_destination("https://nowhere.invalid/"))


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("http://hooks.example.com/", "https"),
        ("ftp://hooks.example.com/", "https"),
        ("https:///path", "no host"),
        ("https://user:pw@hooks.example.com/", "credentials"),
        ("https://hooks.example.com:99999/", "valid URL"),
        ("https://hooks.example.com/" + "a" * 2100, "longer"),
    ],
)
def test_urls_refused_in_production(url: str, reason: str) -> None:
    with pytest.raises(UnsafeDestination, match=reason):
        parse_destination(url)


def test_local_mode_allows_plain_http() -> None:
    destination = parse_destination("http://127.0.0.1:8123/hook?x=1", allow_private=True)

    assert (destination.scheme, destination.host, destination.port) == ("http", "127.0.0.1", 8123)
    assert destination.target == "/hook?x=1"
    assert destination.host_header == "127.0.0.1:8123"


def test_a_refused_destination_is_a_failed_delivery_not_an_exception(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(socket, "getaddrinfo", _resolving_to("169.254.169.254"))

    outcome = post_json("https://hooks.example.com/", b"{}", {})

    assert not outcome.ok
    assert outcome.error is not None and outcome.error.startswith("refused")


class _FakeSocket:
    """A connected socket whose peer answers 204: records what is sent and how it was set up."""

    def __init__(self, seen: dict[str, Any]) -> None:
        self.seen = seen
        self.sent = b""

    def settimeout(self, timeout: float) -> None:
        self.seen["read_timeout"] = timeout

    def sendall(self, data: bytes) -> None:
        self.sent += data
        self.seen["request"] = self.sent

    def makefile(self, mode: str) -> io.BytesIO:
        return io.BytesIO(b"HTTP/1.1 204 No Content\r\nContent-Length: 0\r\n\r\n")

    def shutdown(self, how: int) -> None:
        self.seen["shut_down"] = True

    def close(self) -> None:
        self.seen["closed"] = True


def test_https_connects_to_the_vetted_address_with_the_host_name_for_sni_and_certificate(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """DNS rebinding: the connection must go to the address that was checked, not a new lookup."""
    import ssl

    monkeypatch.setattr(socket, "getaddrinfo", _resolving_to("93.184.215.14"))
    seen: dict[str, Any] = {}
    raw = _FakeSocket(seen)

    def create_connection(address: tuple[str, int], timeout: float) -> _FakeSocket:
        seen["connected_to"] = address
        return raw

    class Context:
        def wrap_socket(self, sock: Any, server_hostname: str) -> Any:
            seen["server_hostname"] = server_hostname
            seen["wrapped"] = sock is raw
            return sock

    monkeypatch.setattr(socket, "create_connection", create_connection)
    monkeypatch.setattr(ssl, "create_default_context", Context)

    outcome = post_json("https://hooks.example.com/in?tenant=acme", b"{}", {"Parley-Event": "x"})

    assert outcome.ok and outcome.status == 204
    assert seen["connected_to"] == ("93.184.215.14", 443)
    assert seen["server_hostname"] == "hooks.example.com" and seen["wrapped"]
    request_line, *header_lines = seen["request"].split(b"\r\n\r\n")[0].decode().split("\r\n")
    assert request_line == "POST /in?tenant=acme HTTP/1.1"
    assert "Host: hooks.example.com" in header_lines
    assert "Parley-Event: x" in header_lines
    assert any(line.startswith("User-Agent: Parley-Webhooks/") for line in header_lines)
    assert seen["closed"]


def test_the_default_tls_context_checks_the_certificate_against_the_host_name() -> None:
    import ssl

    context = ssl.create_default_context()

    assert context.verify_mode == ssl.CERT_REQUIRED and context.check_hostname


# ------------------------------------------------------------------------------------------------
# Retry schedule
# ------------------------------------------------------------------------------------------------
def test_backoff_grows_to_the_sqs_maximum_delay() -> None:
    delays = [backoff(attempt) for attempt in range(1, MAX_ATTEMPTS)]

    assert delays == [5, 30, 120, 600, 900]
    assert max(BACKOFF_SECONDS) <= 900  # SQS DelaySeconds cannot exceed 15 minutes
    assert backoff(MAX_ATTEMPTS + 10) == 900
