"""What a V1 session remembers between calls, stored as one JSON document on its item.

Never the conversation's text: targets hold what was understood (a value, a status), outcomes what
was asked and how it went; ``initial_history`` and context messages are read once and dropped.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

ACTIVE = "active"
COMPLETED = "completed"  # the objective is achieved (questions are still proposed: a soft stop)
STOPPED = "stopped"  # max_turns reached: every later /next answers the same stop

# Target statuses (a target is one category of the catalog: a V1 success information).
TENTATIVE = "tentative"  # inferred from the user's words
CONFIRMED = "confirmed"  # a choice, or the client's own data
CONFLICTED = "conflicted"  # the client's data and the user's words disagree
NOT_APPLICABLE = "not_applicable"
# Coverage measures advancement, never success (only a status decides): a conflicted datum is 0.
COVERAGE = {TENTATIVE: 0.5, CONFLICTED: 0.0, CONFIRMED: 1.0, NOT_APPLICABLE: 1.0}


@dataclass(frozen=True, slots=True)
class OutcomeRecord:
    question_id: str
    decision_id: str | None
    outcome: str  # asked_answered | asked_no_answer | refused
    source: str  # client | inferred
    message_id: str | None = None
    occurred_at: str | None = None


@dataclass(frozen=True, slots=True)
class Target:
    status: str | None = None
    value: Any = None

    @property
    def coverage(self) -> float:
        return COVERAGE.get(self.status or "", 0.0)

    @property
    def known(self) -> bool:
        """Known enough not to ask for it again."""
        return self.status in (TENTATIVE, CONFIRMED, NOT_APPLICABLE, CONFLICTED)


# A target nothing is known about yet (immutable, so one object serves every lookup).
UNKNOWN = Target()


@dataclass(frozen=True, slots=True)
class Override:
    status: str  # achieved | not_achieved (dimensions: or excluded)
    updated_at: str | None = None


@dataclass(frozen=True, slots=True)
class Pending:
    decision_id: str
    question_ids: tuple[str, ...]  # rank order


@dataclass(frozen=True, slots=True)
class SessionState:
    session_id: str
    configuration: str  # the pinned configuration id
    max_turns: int
    created_at: str
    client_reference: str | None = None
    status: str = ACTIVE
    state_version: int = 0
    turn_count: int = 0
    outcomes: tuple[OutcomeRecord, ...] = ()
    targets: dict[str, Target] = field(default_factory=dict)
    dimension_overrides: dict[str, Override] = field(default_factory=dict)
    objective_override: Override | None = None
    # Targets the client unset, with when: their questions asked before may be asked again.
    reopened: dict[str, str] = field(default_factory=dict)
    pending: Pending | None = None
    degraded: bool = False
    stop_reason: str | None = None

    @property
    def turns_remaining(self) -> int:
        return max(self.max_turns - self.turn_count, 0)

    def target(self, target_id: str) -> Target:
        return self.targets.get(target_id, UNKNOWN)

    def with_target(self, target_id: str, target: Target) -> SessionState:
        targets = dict(self.targets)
        if target.status is None and target.value is None:
            targets.pop(target_id, None)
        else:
            targets[target_id] = target
        return replace(self, targets=targets)

    def to_json(self) -> dict[str, Any]:
        return {
            "session_id": self.session_id,
            "configuration": self.configuration,
            "max_turns": self.max_turns,
            "created_at": self.created_at,
            "client_reference": self.client_reference,
            "status": self.status,
            "state_version": self.state_version,
            "turn_count": self.turn_count,
            "outcomes": [
                [o.question_id, o.decision_id, o.outcome, o.source, o.message_id, o.occurred_at]
                for o in self.outcomes
            ],
            "targets": {k: [t.status, t.value] for k, t in self.targets.items()},
            "dimension_overrides": {k: [o.status, o.updated_at] for k, o in self.dimension_overrides.items()},
            "objective_override": (
                [self.objective_override.status, self.objective_override.updated_at]
                if self.objective_override
                else None
            ),
            **({"reopened": dict(self.reopened)} if self.reopened else {}),
            "pending": [self.pending.decision_id, list(self.pending.question_ids)] if self.pending else None,
            "degraded": self.degraded,
            "stop_reason": self.stop_reason,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> SessionState:
        objective = data.get("objective_override")
        pending = data.get("pending")
        return cls(
            session_id=data["session_id"],
            configuration=data["configuration"],
            max_turns=int(data["max_turns"]),
            created_at=data["created_at"],
            client_reference=data.get("client_reference"),
            status=data.get("status", ACTIVE),
            state_version=int(data.get("state_version", 0)),
            turn_count=int(data.get("turn_count", 0)),
            outcomes=tuple(OutcomeRecord(*item) for item in data.get("outcomes", [])),
            targets={k: Target(*v) for k, v in data.get("targets", {}).items()},
            dimension_overrides={k: Override(*v) for k, v in data.get("dimension_overrides", {}).items()},
            objective_override=Override(*objective) if objective else None,
            reopened=dict(data.get("reopened", {})),
            pending=Pending(pending[0], tuple(pending[1])) if pending else None,
            degraded=bool(data.get("degraded", False)),
            stop_reason=data.get("stop_reason"),
        )
