"""Successful JSON responses: the body carries the request id, and so does a header (the
function's ``Endpoint`` adds the header)."""

from __future__ import annotations

import json
from typing import Any

from parley.http.endpoint import Response


def json_response(body: dict[str, Any], request_id: str, status: int = 200) -> Response:
    return Response(status, json.dumps({**body, "request_id": request_id}, separators=(",", ":")))
