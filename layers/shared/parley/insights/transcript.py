"""What an insights provider is given: the turns, and what Parley already knows about them."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Turn:
    role: str  # user, assistant, system or tool
    content: str


@dataclass(frozen=True)
class Transcript:
    turns: tuple[Turn, ...]
    # NBQ categories the conversation covered (from the tenant's catalog), in catalog order.
    covered_categories: tuple[str, ...] = ()
    # The outcome recorded for this conversation's session, if any (purchase, lead, abandon, other).
    conversion_outcome: str | None = None
    metadata: dict[str, object] = field(default_factory=dict)

    def user_turns(self) -> list[tuple[int, str]]:
        return [(i, t.content) for i, t in enumerate(self.turns) if t.role == "user" and t.content.strip()]

    def language(self) -> str:
        """The language the user writes in (``en`` or ``es``): from ``metadata.language`` when
        given, else detected from the user's words (``parley.language.detect``)."""
        given = self.metadata.get("language")
        if isinstance(given, str) and given[:2] in ("en", "es"):
            return given[:2]
        from parley.language.detect import detect_language

        return detect_language(text for _, text in self.user_turns())


@dataclass(frozen=True)
class Analysis:
    """The insights the spec shows (without ids and timestamps, which the worker adds)."""

    sentiment: str
    sentiment_score: float
    task_completed: bool | None
    topics: list[str]
    summary: str
    issues: list[dict[str, object]]
