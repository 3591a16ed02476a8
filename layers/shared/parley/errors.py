"""Domain errors: what went wrong, in the domain's words. Services, repositories and the store raise
only these; ``parley.http`` alone decides what each one looks like on the wire (status, problem
``type``, headers, each API's differences), and workers handle them as they are.

Every error carries a human-readable ``detail``; optionally a short ``title`` (a summary of the
situation, e.g. "Insights not ready"), ``details`` (facts a client can act on, such as the
conversation's status or the limit that was reached, returned as extension members) and
``retry_after`` (seconds after which the same call may succeed).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class FieldError:
    """One invalid input: where it is (``("body", "messages", 0, "role")``), why, and a stable type."""

    loc: tuple[str | int, ...]
    msg: str
    type: str

    def as_dict(self) -> dict[str, Any]:
        return {"loc": [str(part) for part in self.loc], "msg": self.msg, "type": self.type}


class DomainError(Exception):
    """A failure the caller can act on."""

    # A stable machine code for APIs whose contract names one per error (Zelinqa V1's envelope).
    code: str | None = None

    def __init__(
        self,
        detail: str,
        *,
        title: str | None = None,
        details: Mapping[str, Any] | None = None,
        retry_after: int | None = None,
    ) -> None:
        super().__init__(detail)
        self.detail = detail
        self.title = title
        self.details: dict[str, Any] = dict(details or {})
        self.retry_after = retry_after


class NotFound(DomainError):
    """The thing asked for does not exist for this tenant (or is not ready yet: see ``details``)."""


class Conflict(DomainError):
    """The request cannot apply to the current state (completed conversation, concurrent turn,
    a duplicate still in progress); ``retry_after`` says when sending it again may succeed."""


class IdempotencyKeyReused(DomainError):
    """An idempotency key already used with a different request."""

    code = "idempotency_key_reused"


class RequestInProgress(Conflict):
    """The first request with this idempotency key is still running; send it again shortly."""

    code = "idempotency_contention"


class Forbidden(DomainError):
    """The caller may not do this (beyond what the authorizer checks from the route alone)."""


class Gone(DomainError):
    """What the request needs existed and is no longer available (not the client's mistake)."""


class Invalid(DomainError):
    """The input breaks a rule; ``errors`` names each offending field."""

    def __init__(self, detail: str, errors: Sequence[FieldError] = (), **kwargs: Any) -> None:
        super().__init__(detail, **kwargs)
        self.errors = tuple(errors)

    @classmethod
    def field(cls, detail: str, loc: Sequence[str | int], type_: str = "value_error") -> Invalid:
        """One field's error, whose message is the detail."""
        return cls(detail, [FieldError(tuple(loc), detail, type_)])


@dataclass(frozen=True, slots=True)
class Limit:
    """A size or count limit, as clients read it back (``{"name", "maxBytes" | "maxCount"}``)."""

    name: str
    max_bytes: int | None = None
    max_count: int | None = None
    index: int | None = None

    def as_dict(self) -> dict[str, Any]:
        body: dict[str, Any] = {"name": self.name}
        if self.max_bytes is not None:
            body["maxBytes"] = self.max_bytes
        if self.max_count is not None:
            body["maxCount"] = self.max_count
        if self.index is not None:
            body["index"] = self.index
        return body


class LimitExceeded(DomainError):
    """The input (or what it would make of the stored data) is larger than a limit allows."""

    def __init__(self, detail: str, limit: Limit | None = None, **kwargs: Any) -> None:
        details = dict(kwargs.pop("details", None) or {})
        if limit is not None:
            details.setdefault("limit", limit.as_dict())
        super().__init__(detail, details=details, **kwargs)
        self.limit = limit


class NotOffered(DomainError):
    """A capability a client may ask for that Parley does not provide (e.g. voice): a clear refusal,
    not a missing route."""


class Unavailable(DomainError):
    """A dependency is throttling or unreachable after the SDK's retries; the same call may succeed
    after ``retry_after`` seconds (1 unless said)."""

    def __init__(self, detail: str, *, retry_after: int | None = 1, **kwargs: Any) -> None:
        super().__init__(detail, retry_after=retry_after, **kwargs)
