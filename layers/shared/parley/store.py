"""What every DynamoDB repository shares: attribute-value conversion and storage-error translation.

Repositories are the only code that talks to boto3. They turn what the store says into what the
domain understands: throttling or an unreachable table after the SDK's own retries becomes
``Unavailable`` (a 503 with ``Retry-After`` on the wire); conditional-check failures are left to each
repository, which knows what they mean.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from functools import cache
from typing import Any

from parley.errors import Unavailable

_UNAVAILABLE_CODES = frozenset(
    {
        "ProvisionedThroughputExceededException",
        "ThrottlingException",
        "RequestLimitExceeded",
        "InternalServerError",
        "ServiceUnavailable",
        "LimitExceededException",
    }
)


@cache
def _serializer() -> Any:
    from boto3.dynamodb.types import TypeSerializer

    return TypeSerializer()


@cache
def _deserializer() -> Any:
    from boto3.dynamodb.types import TypeDeserializer

    return TypeDeserializer()


def to_item(values: Mapping[str, Any]) -> dict[str, Any]:
    serialize = _serializer().serialize
    return {key: serialize(value) for key, value in values.items() if value is not None}


def from_item(item: Mapping[str, Any]) -> dict[str, Any]:
    deserialize = _deserializer().deserialize
    return {key: deserialize(value) for key, value in item.items()}


def error_code(exc: BaseException) -> str | None:
    response = getattr(exc, "response", None)
    if isinstance(response, dict):
        code = response.get("Error", {}).get("Code")
        return str(code) if code is not None else None
    return None


@contextmanager
def translated_errors(operation: str) -> Iterator[None]:
    """Raise ``Unavailable`` when the store is throttling or cannot be reached."""
    from botocore.exceptions import ClientError, ConnectionError, HTTPClientError

    try:
        yield
    except ClientError as exc:
        if error_code(exc) in _UNAVAILABLE_CODES:
            raise Unavailable(f"The data store is busy ({operation}); retry shortly.") from exc
        raise
    except (ConnectionError, HTTPClientError) as exc:
        raise Unavailable(f"The data store cannot be reached ({operation}).") from exc
