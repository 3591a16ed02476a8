"""The one JSON rule for everything Parley stores, top-level bodies and embedded JSON alike.

A value Parley keeps must be one it can always read back and serialise: nested at most
``MAX_DEPTH`` levels, strings (and keys) of valid Unicode — no lone surrogates, which no UTF-8
encoder accepts — and finite numbers only (JSON has no NaN or Infinity; ``1e400`` overflows to
infinity). Anything else is refused with ``Invalid`` (a 422, or the turn API's 400) before a write,
so a stored conversation can never become unreadable and a retried write can never duplicate one
that committed but could not be answered.

``check`` walks a value already parsed (pydantic's ``Any`` fields); ``loads`` parses embedded
JSON text (a Converra ``content`` string) under the same rule; ``JsonObject`` is the pydantic type
of free-form objects (metadata, context, tool calls).
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from typing import Annotated, Any

from pydantic import AfterValidator

from parley.errors import FieldError, Invalid

MAX_DEPTH = 32
_NOT_FINITE = "finite_number"
_TOO_DEEP = "json_too_deep"
_BAD_UNICODE = "string_unicode"


class _Refused(Exception):
    def __init__(self, path: tuple[str | int, ...], msg: str, type_: str) -> None:
        super().__init__(msg)
        self.path, self.msg, self.type = path, msg, type_


def check(value: Any, loc: Sequence[str | int] = ("body",), *, depth: int = 0) -> Any:
    """``value`` itself when it obeys the rule; ``Invalid`` naming where it does not."""
    try:
        _walk(value, (), depth)
    except _Refused as refused:
        where = (*loc, *refused.path)
        raise Invalid(refused.msg, [FieldError(where, refused.msg, refused.type)]) from None
    return value


def loads(text: str, loc: Sequence[str | int] = ("body",)) -> Any:
    """Parse JSON text under the rule (``ValueError`` for text that is not JSON at all)."""
    try:
        value = json.loads(text, parse_constant=_no_constant)
    except _Refused as refused:
        raise Invalid(refused.msg, [FieldError(tuple(loc), refused.msg, refused.type)]) from None
    except RecursionError:
        raise _too_deep(loc) from None
    return check(value, loc)


def dumps(value: Any) -> str:
    """Compact JSON of a value that obeys the rule (what is stored)."""
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False, allow_nan=False)


def _no_constant(name: str) -> Any:
    raise _Refused((), f"{name} is not a JSON number; numbers must be finite", _NOT_FINITE)


def _too_deep(loc: Sequence[str | int]) -> Invalid:
    msg = f"JSON values may be nested at most {MAX_DEPTH} levels deep"
    return Invalid(msg, [FieldError(tuple(loc), msg, _TOO_DEEP)])


def _walk(value: Any, path: tuple[str | int, ...], depth: int) -> None:
    if isinstance(value, str):
        _text(value, path)
    elif isinstance(value, float):
        if not math.isfinite(value):
            raise _Refused(path, "numbers must be finite (no NaN or Infinity)", _NOT_FINITE)
    elif isinstance(value, dict):
        _deeper(path, depth)
        for key, item in value.items():
            _text(str(key), (*path, str(key)))
            _walk(item, (*path, str(key)), depth + 1)
    elif isinstance(value, list | tuple):
        _deeper(path, depth)
        for position, item in enumerate(value):
            _walk(item, (*path, position), depth + 1)


def _deeper(path: tuple[str | int, ...], depth: int) -> None:
    if depth >= MAX_DEPTH:
        raise _Refused(path, f"JSON values may be nested at most {MAX_DEPTH} levels deep", _TOO_DEEP)


def _text(text: str, path: tuple[str | int, ...]) -> None:
    try:
        text.encode()
    except UnicodeEncodeError:
        raise _Refused(path, "text must be valid Unicode (no lone surrogates)", _BAD_UNICODE) from None


def _checked_object(value: dict[str, Any]) -> dict[str, Any]:
    try:
        _walk(value, (), 1)
    except _Refused as refused:
        # Inside a pydantic model: a ValueError becomes a validation error at the field's location.
        raise ValueError(f"{refused.msg} (at {'.'.join(map(str, refused.path)) or 'the top'})") from None
    return value


def _checked_list(value: list[Any]) -> list[Any]:
    _checked_object({"": value})
    return value


# Free-form JSON a client sends and Parley stores (metadata, context, tool calls…).
JsonObject = Annotated[dict[str, Any], AfterValidator(_checked_object)]
JsonList = Annotated[list[Any], AfterValidator(_checked_list)]
