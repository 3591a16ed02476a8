"""Ports every domain may use: a logger (Powertools' Logger, or the standard library's)."""

from __future__ import annotations

from typing import Any, Protocol


class Log(Protocol):
    def info(self, msg: str, *args: Any, **kwargs: Any) -> None: ...
    def warning(self, msg: str, *args: Any, **kwargs: Any) -> None: ...
    def exception(self, msg: str, *args: Any, **kwargs: Any) -> None: ...
