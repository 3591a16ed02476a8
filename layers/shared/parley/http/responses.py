"""Successful JSON responses from typed bodies: every route answers with a response model (pydantic,
or a dataclass with a ``body()``), and the request id is added to the body here (the function's
``Endpoint`` adds the header)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any, Protocol

from parley.http.endpoint import Response


class JsonBody(Protocol):
    def body(self) -> dict[str, Any]:
        """The JSON object the client receives."""
        ...


def json_response(
    model: JsonBody, request_id: str, status: int = 200, headers: Mapping[str, str] | None = None
) -> Response:
    body = json.dumps({**model.body(), "request_id": request_id}, separators=(",", ":"))
    return Response(status, body, headers=dict(headers or {}))


class StoredBody:
    """A body already built as a mapping (an idempotent call's first answer, replayed as is)."""

    def __init__(self, content: Mapping[str, Any]) -> None:
        self._content = content

    def body(self) -> dict[str, Any]:
        return dict(self._content)
