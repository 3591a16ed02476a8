"""WSGI middleware in front of SAM's Flask app: payload limit and lenient body decoding."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable
from typing import Any

MAX_PAYLOAD_BYTES = 10 * 1024 * 1024  # API Gateway REST payload limit

Rejector = Callable[[dict[str, Any]], tuple[int, dict[str, str], str]]


class RequestBodyMiddleware:
    """Answers REQUEST_TOO_LARGE itself and replaces invalid UTF-8 in text bodies.

    SAM local decodes a non-binary body as strict UTF-8 and answers 502 when that fails; API
    Gateway passes the request on, so the function can answer it (with a 4xx).
    """

    def __init__(
        self,
        app: Callable[..., Iterable[bytes]],
        reject_too_large: Rejector,
        binary_media_types: list[str],
        max_bytes: int = MAX_PAYLOAD_BYTES,
    ) -> None:
        self.app = app
        self.reject_too_large = reject_too_large
        self.binary_media_types = set(binary_media_types)
        self.max_bytes = max_bytes

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        length = int(environ.get("CONTENT_LENGTH") or 0)
        if length > self.max_bytes:
            return self._reject(environ, start_response)
        if length or environ.get("wsgi.input_terminated"):
            body = (
                environ["wsgi.input"].read(length)
                if length
                else environ["wsgi.input"].read(self.max_bytes + 1)
            )
            if len(body) > self.max_bytes:
                return self._reject(environ, start_response)
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

    def _reject(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        status, headers, body = self.reject_too_large(environ)
        payload = body.encode("utf-8")
        start_response(
            f"{status} Request Too Long",
            [*headers.items(), ("Content-Length", str(len(payload))), ("Connection", "close")],
        )
        return [payload]
