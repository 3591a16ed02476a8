"""WSGI middleware in front of SAM's Flask app: payload limit and lenient body decoding."""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Iterable
from http import HTTPStatus
from typing import Any

from localgw.gateway_responses import RenderedResponse

MAX_PAYLOAD_BYTES = 10 * 1024 * 1024  # API Gateway REST payload limit
_CONTENT_LENGTH = re.compile(r"[0-9]+")

# The gateway response for a refused request, given its status (413 or 400).
Rejector = Callable[[dict[str, Any], int], RenderedResponse]


class RequestBodyMiddleware:
    """Answers REQUEST_TOO_LARGE itself and replaces invalid UTF-8 in text bodies.

    SAM local decodes a non-binary body as strict UTF-8 and answers 502 when that fails; API
    Gateway passes the request on, so the function can answer it (with a 4xx). A body that cannot
    be read at all (a Content-Length that is not a number, broken chunked encoding) is a 400
    problem here, not werkzeug's HTML 500 page.
    """

    def __init__(
        self,
        app: Callable[..., Iterable[bytes]],
        reject: Rejector,
        binary_media_types: list[str],
        max_bytes: int = MAX_PAYLOAD_BYTES,
    ) -> None:
        self.app = app
        self.reject = reject
        self.binary_media_types = set(binary_media_types)
        self.max_bytes = max_bytes

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        declared = str(environ.get("CONTENT_LENGTH") or "0").strip()
        if not _CONTENT_LENGTH.fullmatch(declared):
            return self._reject(environ, start_response, HTTPStatus.BAD_REQUEST)
        length = int(declared)
        if length > self.max_bytes:
            return self._reject(environ, start_response, HTTPStatus.REQUEST_ENTITY_TOO_LARGE)
        if length or environ.get("wsgi.input_terminated"):
            try:
                body = (
                    environ["wsgi.input"].read(length)
                    if length
                    else environ["wsgi.input"].read(self.max_bytes + 1)
                )
            except (OSError, ValueError):  # werkzeug: "Invalid chunk header", a dropped connection
                return self._reject(environ, start_response, HTTPStatus.BAD_REQUEST)
            if len(body) > self.max_bytes:
                return self._reject(environ, start_response, HTTPStatus.REQUEST_ENTITY_TOO_LARGE)
            if not self._is_binary(environ):
                body = body.decode("utf-8", errors="replace").encode("utf-8")
            environ["wsgi.input"] = io.BytesIO(body)
            environ["CONTENT_LENGTH"] = str(len(body))
            environ.pop("HTTP_TRANSFER_ENCODING", None)
            environ["wsgi.input_terminated"] = False
        return self.app(environ, start_response)

    def _is_binary(self, environ: dict[str, Any]) -> bool:
        mimetype = str(environ.get("CONTENT_TYPE", "")).split(";", 1)[0].strip().lower()
        return "*/*" in self.binary_media_types or mimetype in self.binary_media_types

    def _reject(
        self, environ: dict[str, Any], start_response: Callable[..., Any], status: HTTPStatus
    ) -> Iterable[bytes]:
        rendered = self.reject(environ, status)
        payload = rendered.body.encode("utf-8")
        start_response(
            f"{rendered.status} {_reason(rendered.status)}",
            [*rendered.headers.items(), ("Content-Length", str(len(payload))), ("Connection", "close")],
        )
        return [] if environ.get("REQUEST_METHOD") == "HEAD" else [payload]


def _reason(status: int) -> str:
    if status == HTTPStatus.REQUEST_ENTITY_TOO_LARGE:
        return "Request Too Long"  # API Gateway's wording
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"
