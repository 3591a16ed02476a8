"""One outbound webhook POST, refusing destinations inside our network (SSRF).

A tenant chooses the URL, so without a guard a webhook could make our Lambda call the instance
metadata service, a VPC-internal host or localhost. The host is resolved once, every address it
resolves to must be public, and the connection goes to that vetted address (with the original
host name in the ``Host`` header and as TLS SNI / certificate name), so a DNS answer that changes
between the check and the connect (rebinding) cannot redirect it. Redirects are never followed: a
3xx could point anywhere, and it counts as a failed delivery.

``allow_private`` lifts the address and scheme checks for local runs, whose receivers are plain
HTTP on 127.0.0.1; it is only ever true under the local gateway.

Every delivery has a wall-clock deadline (``DELIVERY_DEADLINE_SECONDS``): a receiver that answers
slowly, or trickles its answer a byte at a time, loses the attempt at the deadline instead of
holding the webhooks function until its own timeout.
"""

from __future__ import annotations

import contextlib
import socket as socket_module
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from parley import __version__

USER_AGENT = f"Parley-Webhooks/{__version__}"
CONNECT_TIMEOUT_SECONDS = 2.0
READ_TIMEOUT_SECONDS = 5.0
# The most one delivery may take, wall clock, whatever the receiver does (template.yaml sizes the
# webhooks function's timeout and batch from it).
DELIVERY_DEADLINE_SECONDS = 10.0
MAX_URL_LENGTH = 2048


class UnsafeDestination(ValueError):
    """A URL or address that webhooks must not call."""


@dataclass(frozen=True, slots=True)
class Destination:
    scheme: str
    host: str
    port: int
    target: str  # path and query, as sent in the request line

    @property
    def host_header(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        default_port = 443 if self.scheme == "https" else 80
        return host if self.port == default_port else f"{host}:{self.port}"


@dataclass(frozen=True, slots=True)
class DeliveryOutcome:
    ok: bool
    status: int | None = None
    # A short reason for logs (never the URL's query, a header or the body: they may hold secrets).
    error: str | None = None


def parse_destination(url: str, allow_private: bool = False) -> Destination:
    """Check a webhook URL's shape: https (or http when ``allow_private``), a host, no credentials."""
    if len(url) > MAX_URL_LENGTH:
        raise UnsafeDestination(f"the URL is longer than {MAX_URL_LENGTH} characters")
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise UnsafeDestination(f"not a valid URL: {exc}") from exc
    allowed = ("https", "http") if allow_private else ("https",)
    if parts.scheme not in allowed:
        raise UnsafeDestination("the URL must use https")
    if not parts.hostname:
        raise UnsafeDestination("the URL has no host")
    if parts.username is not None or parts.password is not None:
        raise UnsafeDestination("the URL must not carry credentials; verify the signature instead")
    if parts.fragment:
        raise UnsafeDestination("the URL must not have a fragment")
    target = parts.path or "/"
    if parts.query:
        target = f"{target}?{parts.query}"
    return Destination(
        scheme=parts.scheme,
        host=parts.hostname,
        port=port or (443 if parts.scheme == "https" else 80),
        target=target,
    )


def is_public_address(address: str) -> bool:
    """Whether an IP address is one the public internet routes to us (IPv4 or IPv6)."""
    import ipaddress

    ip: ipaddress.IPv4Address | ipaddress.IPv6Address = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address):
        # An IPv4-mapped address (::ffff:127.0.0.1) reaches the IPv4 host: judge that one. 6to4 and
        # Teredo addresses embed an IPv4 one too, which must be public as well.
        if ip.ipv4_mapped is not None:
            return is_public_address(str(ip.ipv4_mapped))
        embedded = ip.sixtofour or (ip.teredo[1] if ip.teredo else None)
        if embedded is not None and not is_public_address(str(embedded)):
            return False
    return not (
        ip.is_private
        or ip.is_loopback
        or ip.is_link_local
        or ip.is_multicast
        or ip.is_reserved
        or ip.is_unspecified
        or not ip.is_global
    )


def vetted_addresses(destination: Destination, allow_private: bool = False) -> list[str]:
    """The addresses ``destination.host`` resolves to; ``UnsafeDestination`` if any is not public.

    Refusing when ANY address is private (not only the first) keeps a host that answers both a
    public and an internal address from reaching the internal one on another attempt.
    """
    import socket

    try:
        infos = socket.getaddrinfo(destination.host, destination.port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError) as exc:
        raise UnsafeDestination(f"the host {destination.host!r} does not resolve") from exc
    addresses: list[str] = []
    for info in infos:
        address = str(info[4][0])
        if address not in addresses:
            addresses.append(address)
    if not addresses:
        raise UnsafeDestination(f"the host {destination.host!r} does not resolve")
    if not allow_private:
        for address in addresses:
            if not is_public_address(address):
                raise UnsafeDestination(f"the host {destination.host!r} resolves to a non-public address")
    return addresses


def post_json(
    url: str,
    body: bytes,
    headers: dict[str, str],
    *,
    allow_private: bool = False,
    connect_timeout: float = CONNECT_TIMEOUT_SECONDS,
    read_timeout: float = READ_TIMEOUT_SECONDS,
    deadline: float = DELIVERY_DEADLINE_SECONDS,
) -> DeliveryOutcome:
    """POST ``body`` once; ok when the answer is 2xx. Never raises for the receiver's failures.

    ``deadline`` bounds the whole delivery in wall-clock seconds — connecting, the TLS handshake,
    sending, and reading the status line and headers. A socket timeout alone would not: it applies
    to each read, so a receiver trickling a byte every few seconds would hold the delivery (and
    the function) for as long as it liked. At the deadline a watchdog shuts the socket down, which
    ends any blocked read at once.
    """
    import http.client
    import socket
    import threading

    try:
        destination = parse_destination(url, allow_private)
        address = vetted_addresses(destination, allow_private)[0]
    except UnsafeDestination as exc:
        return DeliveryOutcome(ok=False, error=f"refused: {exc}")
    started = time.monotonic()
    expired = threading.Event()
    raw: socket.socket | None = None
    watchdog: threading.Timer | None = None
    try:
        raw = socket.create_connection((address, destination.port), timeout=min(connect_timeout, deadline))
        watchdog = threading.Timer(max(0.0, deadline - (time.monotonic() - started)), _expire, (raw, expired))
        watchdog.daemon = True
        watchdog.start()
        status = _send(raw, destination, body, headers, read_timeout)
    except (OSError, http.client.HTTPException, ValueError) as exc:
        if expired.is_set():
            return DeliveryOutcome(ok=False, error=f"deadline of {deadline:g} s exceeded")
        return DeliveryOutcome(ok=False, error=type(exc).__name__)
    finally:
        if watchdog is not None:
            watchdog.cancel()
        if raw is not None:
            raw.close()
    if 200 <= status < 300:
        return DeliveryOutcome(ok=True, status=status)
    return DeliveryOutcome(ok=False, status=status, error=f"HTTP {status}")


def _send(
    raw: Any, destination: Destination, body: bytes, headers: dict[str, str], read_timeout: float
) -> int:
    """The POST over a connected socket (TLS wrapped when https); the answer's status only."""
    import http.client
    import ssl

    stream = raw
    if destination.scheme == "https":
        context = ssl.create_default_context()
        stream = context.wrap_socket(raw, server_hostname=destination.host)  # SNI and certificate name
    stream.settimeout(read_timeout)
    connection = http.client.HTTPConnection(destination.host, destination.port)
    connection.sock = stream
    connection.request(
        "POST",
        destination.target,
        body=body,
        headers={
            **headers,
            "Host": destination.host_header,
            "Content-Type": "application/json",
            "User-Agent": USER_AGENT,
        },
    )
    return int(connection.getresponse().status)  # the answer's body is never read


def _expire(sock: Any, expired: Any) -> None:
    expired.set()
    with contextlib.suppress(OSError):
        sock.shutdown(socket_module.SHUT_RDWR)
