"""Which missing slot a turn asks next, and what it teaches NBQ: slots tied to questions of the
tenant's NBQ catalog are ordered by the NBQ engine (priorities, dependencies, what the user already
said, learned value), and a catalog question a turn asks is recorded as served in the NBQ session of
the same id, so a conversion recorded for it credits the question (one statistics store)."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from parley.dialogue.deployment import Deployment, Intent, Slot
from parley.dialogue.engine import SessionState
from parley.errors import NotFound
from parley.nbq.ports import STARTED_BY_TURN, NbqSessionRepository
from parley.nbq.service import TenantNbqCache
from parley.ports import Log

SlotChooser = Callable[[Intent, Sequence[Slot], SessionState], Slot]


class NbqSlotOrder:
    def __init__(
        self,
        catalogs: TenantNbqCache | None,
        sessions: NbqSessionRepository | None,
        logger: Log | None = None,
    ) -> None:
        self._catalogs = catalogs
        self._sessions = sessions
        self._logger = logger

    def chooser(self, tenant_id: str) -> SlotChooser:
        def choose(intent: Intent, missing: Sequence[Slot], state: SessionState) -> Slot:
            tied = {s.question_id: s for s in missing if s.question_id}
            if not tied or self._catalogs is None:
                return missing[0]
            try:
                prepared, stats = self._catalogs.get(tenant_id)
            except NotFound:
                return missing[0]  # the catalog was removed after the deployment was loaded
            from parley.nbq.selection import Turn, select_next_question

            catalog = prepared.catalog
            wanted = {qid for qid in tied if qid in catalog.by_id}
            wanted_categories = {catalog.by_id[qid].category for qid in wanted}
            # Every other question counts as answered, so the engine chooses among this intent's
            # missing slots while their dependencies on each other (and coverage by what the user
            # already said) still hold.
            answered = [
                q.external_id
                for q in catalog.questions
                if q.external_id not in wanted and q.category not in wanted_categories
            ]
            question = select_next_question(
                prepared,
                [Turn("user", text) for text in state.user_texts],
                None,
                answered,
                stats=stats,
                session_id=state.conversation_id,
            )
            if question is not None and question.external_id in tied:
                return tied[question.external_id]
            return missing[0]

        return choose

    def record_served(
        self, tenant_id: str, deployment: Deployment, before: SessionState, after: SessionState, epoch: int
    ) -> None:
        """Best effort: a failure only costs this question its share of learning, never the turn."""
        if self._sessions is None or after.pending in (None, before.pending) or after.intent_id is None:
            return
        slot = deployment.slot(after.pending)
        if slot is None or slot.question_id is None:
            return
        try:
            version = self._catalogs.get(tenant_id)[0].catalog.version if self._catalogs else deployment.key
            self._sessions.touch(
                tenant_id, after.conversation_id, slot.question_id, version, epoch, started_by=STARTED_BY_TURN
            )
        except Exception:
            if self._logger is not None:
                self._logger.warning("served question not recorded", extra={"question_id": slot.question_id})
