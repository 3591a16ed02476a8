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


@dataclass(frozen=True)
class Analysis:
    """The insights the spec shows (without ids and timestamps, which the worker adds)."""

    sentiment: str
    sentiment_score: float
    task_completed: bool | None
    topics: list[str]
    summary: str
    issues: list[dict[str, object]]
