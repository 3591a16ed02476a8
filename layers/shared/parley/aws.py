"""AWS clients, created once per container and only when first used.

Lazy creation keeps a function's import (its cold start) free of clients it may never call; the
cache keeps every later request from paying for a new client. boto3 retries throttling and
transient errors itself (standard mode), so callers never loop on their own.
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
        import boto3

        return boto3.session.Session().client(service, config=_config())  # type: ignore[call-overload,no-any-return]


def dynamodb() -> BaseClient:
    return client("dynamodb")


class LazyClient:
    """Stands for the container's client of ``service`` and creates it on first use: for a path that
    only some invocations take, so the others' cold start does not pay for the client."""

    def __init__(self, service: str) -> None:
        self._service = service

    def __getattr__(self, name: str) -> Any:
        return getattr(client(self._service), name)
