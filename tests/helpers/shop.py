"""The demo tenant's shop on in-memory storage: the turn and context services as a function under
test sees them, with a clock the test moves and pauses it records."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from parley.conversations.service import ConversationService
from parley.dialogue.context_update import ContextService, ContextUpdated
from parley.dialogue.deployments import DeploymentCache
from parley.dialogue.models import TurnRequest
from parley.dialogue.ordering import NbqSlotOrder
from parley.dialogue.service import TurnOutcome, TurnService
from parley.nbq.catalog import catalog_document
from parley.nbq.service import TenantNbqCache
from tests.fakes import (
    InMemoryConversationRepository,
    InMemoryDeploymentRepository,
    InMemoryNbqConfigRepository,
    InMemoryNbqSessionRepository,
    InMemoryTurnSessionRepository,
)
from tests.helpers.demo import (
    DEMO_CHANNEL,
    DEMO_DEPLOYMENT_KEY,
    DEMO_TENANT_ID,
    demo_catalog,
    demo_deployment,
)

T0 = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)


class Clock:
    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> datetime:
        return self.now


class Logger:
    def __init__(self) -> None:
        self.exceptions: list[str] = []

    def info(self, msg: str, *args: Any, **kwargs: Any) -> None:
        pass

    def warning(self, msg: str, *args: Any, **kwargs: Any) -> None:
        pass

    def exception(self, msg: str, *args: Any, **kwargs: Any) -> None:
        self.exceptions.append(msg)


class Shop:
    """The demo tenant with its catalog and deployment loaded, on in-memory storage."""

    def __init__(self) -> None:
        self.clock = Clock()
        self.logger = Logger()
        self.deployments = InMemoryDeploymentRepository()
        self.deployments.put(DEMO_TENANT_ID, dict(demo_deployment().document))
        self.config = InMemoryNbqConfigRepository()
        catalog = demo_catalog()
        self.config.put_catalog(DEMO_TENANT_ID, catalog.version, catalog_document(catalog))
        self.nbq_sessions = InMemoryNbqSessionRepository(self.config)
        self.sessions = InMemoryTurnSessionRepository()
        self.conversations = InMemoryConversationRepository()
        self.pauses: list[float] = []
        self.service = TurnService(
            DeploymentCache(self.deployments),
            self.sessions,
            ConversationService(self.conversations, now=self.clock, sleep=lambda _: None),
            NbqSlotOrder(TenantNbqCache(self.config), self.nbq_sessions),
            now=self.clock,
            sentiment=lambda _text: 0.0,
            logger=self.logger,
            sleep=self.pauses.append,
        )
        self.contexts = ContextService(
            DeploymentCache(self.deployments), self.sessions, now=self.clock, sleep=self.pauses.append
        )

    def turn(
        self,
        body: dict[str, Any],
        *,
        deployment: str = DEMO_DEPLOYMENT_KEY,
        channel: str = DEMO_CHANNEL,
        tenant: str = DEMO_TENANT_ID,
    ) -> TurnOutcome:
        return self.service.process_turn(tenant, deployment, channel, TurnRequest.model_validate(body))

    def say(self, text: str, conversation_id: str | None = None, **fields: Any) -> TurnOutcome:
        body: dict[str, Any] = {"request": {"unstructured": {"text": text}}, **fields}
        if conversation_id is not None:
            body["conversationId"] = conversation_id
        return self.turn(body)

    def choose(self, choice_id: str, conversation_id: str) -> TurnOutcome:
        return self.turn(
            {"conversationId": conversation_id, "request": {"structured": {"choiceId": choice_id}}}
        )

    def set_context(
        self, conversation_id: str, context: dict[str, Any], *, channel: str = DEMO_CHANNEL, **fields: Any
    ) -> ContextUpdated:
        return self.contexts.update(
            DEMO_TENANT_ID, DEMO_DEPLOYMENT_KEY, channel, conversation_id, context, **fields
        )

    def segment(self, conversation_id: str) -> str:
        """The transcript the conversation's current task writes."""
        stored = self.sessions.get(DEMO_TENANT_ID, conversation_id)
        assert stored is not None and stored.segment_id is not None
        return stored.segment_id

    def transcript(self, conversation_id: str) -> list[tuple[str, str]]:
        stored = self.conversations.get(DEMO_TENANT_ID, conversation_id)
        assert stored is not None, f"no transcript for {conversation_id}"
        return [(m["role"], m["content"]) for m in stored.messages]
