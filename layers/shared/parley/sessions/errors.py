"""The refusals a V1 session answers, each with the code Zelinqa's contract names (its SDK maps
the code to a typed exception)."""

from __future__ import annotations

from typing import Any

from parley.errors import Conflict, Gone, Invalid, NotFound


class UnknownSession(NotFound):
    code = "unknown_session"

    def __init__(self, session_id: str) -> None:
        super().__init__(
            "No session with this id exists for this key's tenant.", details={"session_id": session_id[:128]}
        )


class StaleStateVersion(Conflict):
    code = "state_version_conflict"

    def __init__(self, supplied: int, current: int) -> None:
        super().__init__(
            f"The session is at state_version {current}, not {supplied}: read it again (GET the session) "
            "and send the mutation with the current version.",
            details={"supplied_state_version": supplied, "current_state_version": current},
        )


class ConfigurationUnavailable(Gone):
    code = "compiled_artifact_unavailable"

    def __init__(self, session_id: str | None = None) -> None:
        # The pinned configuration's id is not the client's business: only the session is named.
        if session_id is None:
            super().__init__("No configuration is published for this tenant yet.")
        else:
            super().__init__(
                "The configuration this session is pinned to is not available.",
                details={"session_id": session_id},
            )


def _invalid(cls: type[Invalid], message: str, loc: tuple[str, ...], details: dict[str, Any]) -> Invalid:
    error = cls.field(message, ("body", *loc))
    error.details.update(details)
    return error


class InvalidPreviousTurn(Invalid):
    code = "invalid_previous_turn"

    @classmethod
    def at(cls, message: str, *loc: str, **details: Any) -> Invalid:
        return _invalid(cls, message, ("previous_turn", *loc), details)


class InvalidChoice(Invalid):
    code = "invalid_choice"

    @classmethod
    def at(cls, message: str, *loc: str, **details: Any) -> Invalid:
        return _invalid(cls, message, loc, details)


class ConstraintNoMatch(Invalid):
    code = "constraint_no_match"

    @classmethod
    def at(cls, message: str, **details: Any) -> Invalid:
        return _invalid(cls, message, ("selection",), details)
