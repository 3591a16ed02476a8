"""Request bodies and query strings parsed into pydantic models, with the size checked first.

A body's size is checked on the raw text before any JSON parsing, so an oversized request costs
a length check, not a parse. Failures are domain errors or schema violations, rendered by the
endpoint in its API's style: ``LimitExceeded`` (413 ``payload_too_large``) and ``SchemaViolation``
/ ``Invalid`` (``validation_failed`` with ``errors[]`` whose ``loc`` starts with ``body`` or
``query``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from parley.errors import FieldError, Invalid, Limit, LimitExceeded
from parley.http.problems import SchemaViolation

if TYPE_CHECKING:
    from pydantic import BaseModel

BODY_DETAIL = "Invalid request body"


def check_body_size(raw: str | None, max_bytes: int) -> None:
    """``LimitExceeded`` when the body has more than ``max_bytes`` bytes of UTF-8."""
    # Bytes, not characters: a body of multi-byte characters is larger than its length says.
    size = len(raw.encode()) if raw else 0
    if size > max_bytes:
        raise LimitExceeded(
            f"The request body has {size} bytes; the limit is {max_bytes} bytes.",
            Limit("body", max_bytes=max_bytes),
        )


def parse_body[ModelT: BaseModel](raw: str | None, model: type[ModelT], *, max_bytes: int) -> ModelT:
    from pydantic import ValidationError

    if raw is None or not raw.strip():
        raise Invalid(BODY_DETAIL, [FieldError(("body",), "A JSON body is required", "missing")])
    check_body_size(raw, max_bytes)
    try:
        return model.model_validate_json(raw)
    except ValidationError as exc:
        raise SchemaViolation(_raw(exc), "body") from None


def parse_query[ModelT: BaseModel](parameters: Mapping[str, Any] | None, model: type[ModelT]) -> ModelT:
    from pydantic import ValidationError

    try:
        return model.model_validate(dict(parameters or {}))
    except ValidationError as exc:
        raise SchemaViolation(_raw(exc), "query") from None


def _raw(exc: Any) -> list[dict[str, Any]]:
    return list(exc.errors(include_url=False, include_context=False, include_input=False))
