"""AWS clients, created once per container and only when first used.

Lazy creation keeps a function's import (its cold start) free of clients it may never call; the
cache keeps every later request from paying for a new client. botocore retries throttling and
transient errors itself (standard mode), so callers never loop on their own.

Clients come from botocore's session, not boto3's: a boto3 client is the same botocore client, but
``import boto3`` also loads s3transfer (``boto3.compat``), 15-20 % of a bare function's cold start
(measured without ``awscrt``, as on Lambda; FIELD-NOTES). Credentials, region, ``AWS_ENDPOINT_URL``
and retries are botocore's either way.
"""

from __future__ import annotations

import threading
from functools import cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from botocore.client import BaseClient

_lock = threading.Lock()


@cache
def _config() -> Any:
    from botocore.config import Config

    return Config(
        retries={"mode": "standard", "max_attempts": 3},
        connect_timeout=2,
        read_timeout=5,
        tcp_keepalive=True,
    )


@cache
def client(service: str) -> BaseClient:
    """The container's one client for ``service`` (thread-safe; boto3 sessions are not)."""
    with _lock:
        import botocore.session

        return botocore.session.Session().create_client(service, config=_config())


def dynamodb() -> BaseClient:
    return client("dynamodb")


class LazyClient:
    """Stands for the container's client of ``service`` and creates it on first use: for a path that
    only some invocations take, so the others' cold start does not pay for the client."""

    def __init__(self, service: str) -> None:
        self._service = service

    def __getattr__(self, name: str) -> Any:
        return getattr(client(self._service), name)
