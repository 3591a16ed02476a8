"""Request bodies and query strings parsed into pydantic models, with the size checked first.

A body's size is checked on the raw text before any JSON parsing, so an oversized request costs
a length check, not a parse. Failures are the layer's problems: 413 ``payload_too_large``, and
422 ``validation_failed`` with ``errors[]`` (whose ``loc`` starts with ``body`` or ``query``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from parley.http.problems import PayloadTooLargeProblem, ValidationProblem, validation_errors

if TYPE_CHECKING:
    from pydantic import BaseModel, ValidationError

BODY_DETAIL = "Invalid request body"
QUERY_DETAIL = "Invalid query parameters"


def parse_body[ModelT: BaseModel](raw: str | None, model: type[ModelT], *, max_bytes: int) -> ModelT:
    from pydantic import ValidationError

    if raw is None or not raw.strip():
        raise ValidationProblem(
            BODY_DETAIL, errors=[{"loc": ["body"], "msg": "A JSON body is required", "type": "missing"}]
        )
    size = len(raw.encode())
    if size > max_bytes:
        raise PayloadTooLargeProblem(
            f"The request body has {size} bytes; the limit is {max_bytes} bytes.",
            extra={"limit": {"name": "body", "maxBytes": max_bytes}},
        )
    try:
        return model.model_validate_json(raw)
    except ValidationError as exc:
        raise _problem(exc, "body", BODY_DETAIL) from None


def parse_query[ModelT: BaseModel](parameters: Mapping[str, Any] | None, model: type[ModelT]) -> ModelT:
    from pydantic import ValidationError

    try:
        return model.model_validate(dict(parameters or {}))
    except ValidationError as exc:
        raise _problem(exc, "query", QUERY_DETAIL) from None


def _problem(exc: ValidationError, prefix: str, detail: str) -> ValidationProblem:
    raw = exc.errors(include_url=False, include_context=False, include_input=False)
    errors = validation_errors(raw, prefix)
    for error in errors:
        # The wording the Conversations spec shows for a missing field.
        if error["type"] == "missing":
            error["msg"] = "Required field"
    return ValidationProblem(detail, errors=errors)
