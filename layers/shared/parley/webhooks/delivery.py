"""One outbound webhook POST, refusing destinations inside our network (SSRF).

A tenant chooses the URL, so without a guard a webhook could make our Lambda call the instance
metadata service, a VPC-internal host or localhost. The host is resolved once, every address it
resolves to must be public, and the connection goes to that vetted address (with the original
host name in the ``Host`` header and as TLS SNI / certificate name), so a DNS answer that changes
between the check and the connect (rebinding) cannot redirect it. Redirects are never followed: a
3xx could point anywhere, and it counts as a failed delivery.

``allow_private`` lifts the address and scheme checks for local runs, whose receivers are plain
HTTP on 127.0.0.1; it is only ever true under the local gateway.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from parley import __version__

USER_AGENT = f"Parley-Webhooks/{__version__}"
CONNECT_TIMEOUT_SECONDS = 2.0
READ_TIMEOUT_SECONDS = 5.0
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
) -> DeliveryOutcome:
    """POST ``body`` once; ok when the answer is 2xx. Never raises for the receiver's failures."""
    import urllib3

    try:
        destination = parse_destination(url, allow_private)
        address = vetted_addresses(destination, allow_private)[0]
    except UnsafeDestination as exc:
        return DeliveryOutcome(ok=False, error=f"refused: {exc}")
    pool_kwargs: dict[str, Any] = {
        "timeout": urllib3.Timeout(connect=connect_timeout, read=read_timeout),
        "retries": False,
        "maxsize": 1,
    }
    pool: urllib3.HTTPConnectionPool
    if destination.scheme == "https":
        pool = urllib3.HTTPSConnectionPool(
            address,
            destination.port,
            cert_reqs="CERT_REQUIRED",
            server_hostname=destination.host,  # SNI
            assert_hostname=destination.host,  # the certificate must name the host, not the IP
            **pool_kwargs,
        )
    else:
        pool = urllib3.HTTPConnectionPool(address, destination.port, **pool_kwargs)
    request_headers = {
        **headers,
        "Host": destination.host_header,
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
    }
    try:
        with pool:
            response = pool.urlopen(
                "POST",
                destination.target,
                body=body,
                headers=request_headers,
                redirect=False,
                retries=False,
                assert_same_host=False,
                preload_content=False,  # the answer's body is never needed; don't wait for it
            )
            status = int(response.status)
            response.release_conn()
    except (urllib3.exceptions.HTTPError, OSError) as exc:
        return DeliveryOutcome(ok=False, error=f"{type(exc).__name__}")
    if 200 <= status < 300:
        return DeliveryOutcome(ok=True, status=status)
    return DeliveryOutcome(ok=False, status=status, error=f"HTTP {status}")
