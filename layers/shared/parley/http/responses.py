"""Successful JSON responses: the body carries the request id, and so does a header."""

from __future__ import annotations

import json
from typing import Any

from aws_lambda_powertools.event_handler import Response

from parley.http.request_ids import REQUEST_ID_HEADER


def json_response(body: dict[str, Any], request_id: str, status: int = 200) -> Response:
    return Response(
        status_code=status,
        content_type="application/json",
        body=json.dumps({**body, "request_id": request_id}, separators=(",", ":")),
        headers={REQUEST_ID_HEADER: request_id},
    )
