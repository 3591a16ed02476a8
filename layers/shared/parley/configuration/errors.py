"""The refusals of the configuration routes, each with the code Zelinqa's contract names."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from parley.errors import Conflict, Forbidden, Invalid, NotFound


class UnknownConfiguration(NotFound):
    code = "unknown_configuration"

    def __init__(self, state: str) -> None:
        super().__init__(f"No {state} configuration exists for this tenant.", details={"state": state})


class UnknownCompilation(NotFound):
    code = "unknown_compilation"

    def __init__(self, compilation_id: str) -> None:
        super().__init__(
            "No compilation with this id exists for this key's tenant.",
            details={"compilation_id": compilation_id[:128]},
        )


class CompilationInProgress(Conflict):
    code = "compilation_in_progress"

    def __init__(self, compilation_id: str, status: str) -> None:
        super().__init__(
            "A compilation is already queued or running; wait for it before publishing again.",
            details={"compilation_id": compilation_id, "status": status},
            retry_after=2,
        )


class ConfigurationInvalid(Invalid):
    """Every issue of a change batch or a draft, reported together (nothing was stored)."""

    code = "configuration_validation_failed"

    def __init__(self, issues: Iterable[dict[str, Any]]) -> None:
        listed = list(issues)
        first = listed[0]["message"] if listed else "The configuration is not valid."
        super().__init__(f"{len(listed)} configuration issue(s); first: {first}")
        self.details["issues"] = listed


class ScopeMissing(Forbidden):
    code = "insufficient_scope"

    def __init__(self, required: Iterable[str], granted: Iterable[str]) -> None:
        need = sorted(required)
        super().__init__(
            f"This request needs the scopes {', '.join(need)}.",
            title="Insufficient scope",
            details={"required_scopes": need, "granted_scopes": sorted(granted)},
        )
