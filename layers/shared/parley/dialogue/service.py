"""process_turn: one user turn of a deployment's channel, from request to response.

1. Check what the client controls: the channel key's language suffix, the context's size, the
   conversation id's form (400); the deployment and the channel must exist (404).
2. Load the session (one consistent GetItem). A session idle past the deployment's timeout, or
   one whose intent was fulfilled, continues as a new conversation (a new ``conversationId``;
   after a timeout the bot says so and the old transcript is completed).
3. Run the engine; the NBQ engine orders catalog questions (``TenantNbqCache``: cached per
   container, so it costs no read in the steady state).
4. Save the state on the condition of the version read: of two concurrent turns on one
   conversation exactly one applies, the other is a 409 ``conflict`` to send again.
5. Append the turn to the Conversations-API conversation of the same id (created on the first
   turn with ``promptId`` = the deployment key), completing it on fulfilment or handoff.
"""

from __future__ import annotations

import hashlib
import json
import secrets
import threading
import time
from collections.abc import Callable, Sequence
from contextlib import suppress
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Any

from parley.conversations.models import AppendMessagesRequest, CreateConversationRequest
from parley.conversations.service import (
    ConversationRepository,
    append_messages,
    create_conversation,
    is_conversation_id,
    new_conversation_id,
)
from parley.dialogue.deployment import Deployment, Intent, Slot, language_of, parse_deployment
from parley.dialogue.engine import (
    ACTIVE,
    FULFILLED,
    HANDOFF,
    BotMessage,
    SessionState,
    TurnInput,
    TurnResult,
    run_turn,
)
from parley.dialogue.models import MAX_CONTEXT_CHARS, ConversationRequest
from parley.dialogue.recognition import IntentMatcher
from parley.dialogue.repository import (
    DynamoDeploymentRepository,
    DynamoTurnSessionRepository,
    SessionConflict,
)
from parley.http.problems import ConflictProblem, NotFoundProblem, ProblemError, ValidationProblem
from parley.nbq.repository import STARTED_BY_TURN

DEPLOYMENT_TTL_SECONDS = 60.0
# An unknown deployment key is remembered briefly, so a misconfigured client costs few reads.
MISSING_DEPLOYMENT_TTL_SECONDS = 10.0
# Keys the platform sets: never stored from, nor returned in, the client's context.
SYSTEM_KEYS = frozenset(
    {"userId", "conversationId", "deploymentKey", "channelKey", "languageCode", "environment"}
)
MODALITIES = ("text",)


@dataclass(frozen=True)
class PreparedDeployment:
    deployment: Deployment
    matcher: IntentMatcher
    digest: str


class DeploymentCache:
    """Per-container cache of parsed deployments and their intent matchers, with a short TTL."""

    def __init__(
        self, repository: DynamoDeploymentRepository, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self._repository = repository
        self._clock = clock
        self._entries: dict[tuple[str, str], tuple[float, PreparedDeployment | None]] = {}
        self._lock = threading.Lock()

    def get(self, tenant_id: str, deployment_key: str) -> PreparedDeployment | None:
        now = self._clock()
        cache_key = (tenant_id, deployment_key)
        with self._lock:
            entry = self._entries.get(cache_key)
        if entry is not None:
            checked, prepared = entry
            ttl = DEPLOYMENT_TTL_SECONDS if prepared is not None else MISSING_DEPLOYMENT_TTL_SECONDS
            if now - checked < ttl:
                return prepared
        stored = self._repository.get(tenant_id, deployment_key)
        previous = entry[1] if entry is not None else None
        if stored is None:
            prepared = None
        elif previous is not None and previous.digest == stored.digest:
            prepared = previous  # unchanged: keep the matcher built for it
        else:
            deployment = parse_deployment(stored.document)
            prepared = PreparedDeployment(deployment, IntentMatcher(deployment), stored.digest)
        with self._lock:
            self._entries[cache_key] = (now, prepared)
        return prepared


def _bad_request(detail: str, loc: list[str]) -> ValidationProblem:
    return ValidationProblem(detail, status=400, errors=[{"loc": loc, "msg": detail, "type": "value_error"}])


def _serialised_size(context: dict[str, Any]) -> int:
    return len(json.dumps(context, separators=(",", ":"), ensure_ascii=False))


def message_id(conversation_id: str, turn: int, position: int, text: str) -> str:
    """Stable for the same message of the same turn: a retried computation gets the same id."""
    identity = json.dumps([conversation_id, turn, position, text], ensure_ascii=False)
    return hashlib.sha256(identity.encode()).hexdigest()


def _timestamp(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


class TurnService:
    def __init__(
        self,
        deployments: DeploymentCache,
        sessions: DynamoTurnSessionRepository,
        conversations: ConversationRepository,
        nbq: Any = None,
        *,
        nbq_sessions: Any = None,
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
        sentiment: Callable[[str], float] | None = None,
        logger: Any = None,
    ) -> None:
        self._deployments = deployments
        self._sessions = sessions
        self._conversations = conversations
        self._nbq = nbq  # a TenantNbqCache, or None to ask slots in declared order
        # A DynamoNbqSessionRepository: catalog questions a turn asks are recorded as served in the
        # NBQ session of the same id, so a conversion recorded for it credits them (learning).
        self._nbq_sessions = nbq_sessions
        self._now = now
        self._sentiment = sentiment
        self._logger = logger

    # ---------------------------------------------------------------------------------------
    def process_turn(
        self, tenant_id: str, deployment_key: str, channel_key: str, request: ConversationRequest
    ) -> dict[str, Any]:
        if language_of(channel_key) is None:
            raise _bad_request(
                f"The channel key {channel_key!r} must end with a language suffix such as -en-US.",
                ["path", "channelKey"],
            )
        context = {k: v for k, v in (request.context or {}).items() if k not in SYSTEM_KEYS}
        if _serialised_size(request.context or {}) > MAX_CONTEXT_CHARS:
            raise _bad_request(
                f"context is limited to {MAX_CONTEXT_CHARS} characters serialised as JSON.",
                ["body", "context"],
            )
        if request.conversation_id is not None and not is_conversation_id(request.conversation_id):
            raise _bad_request(
                "conversationId must be one this API issued (conv_ followed by 24 hex digits); "
                "omit it to start a conversation.",
                ["body", "conversationId"],
            )
        prepared = self._deployments.get(tenant_id, deployment_key)
        if prepared is None:
            raise NotFoundProblem(f"No deployment {deployment_key!r} exists.")
        deployment = prepared.deployment
        if channel_key not in deployment.channels:
            raise NotFoundProblem(f"The deployment has no channel {channel_key!r}.")

        now = self._now()
        epoch = int(now.timestamp())
        state, expected_version, notice, greet, expired = self._session_for(
            tenant_id, deployment, channel_key, request, epoch
        )
        merged = {**state.context, **context}
        if _serialised_size(merged) > MAX_CONTEXT_CHARS:
            raise _bad_request(
                f"The session's context would exceed {MAX_CONTEXT_CHARS} characters serialised as JSON.",
                ["body", "context"],
            )
        state = replace(
            state,
            context=merged,
            environment=request.environment or state.environment,
            user_id=request.user_id or state.user_id,
            channel_key=channel_key,
        )
        was_in_handoff = state.status == HANDOFF
        result = run_turn(
            deployment,
            prepared.matcher,
            state,
            self._input_of(request),
            today=now.date(),
            choose_slot=self._slot_chooser(tenant_id),
            sentiment=self._sentiment or _vader,
            notice=notice,
            greet=greet,
        )
        idle_expires_at = epoch + deployment.idle_timeout_seconds
        try:
            self._sessions.save(
                tenant_id,
                state.conversation_id,
                result.state.to_json(),
                expected_version=expected_version,
                idle_expires_at=idle_expires_at,
            )
        except SessionConflict:
            raise ConflictProblem(
                "Another turn on this conversation was processed at the same time; send this one again.",
                headers={"Retry-After": "1"},
                extra={"conversationId": state.conversation_id},
            ) from None

        self._record_served(tenant_id, deployment, state, result.state, epoch)
        messages = self._messages(state.conversation_id, result)
        if not was_in_handoff:  # a handed-off conversation is completed: its transcript is final
            self._log_turn(tenant_id, deployment, result, messages, now, created=expected_version is None)
        if expired is not None and expired.status == ACTIVE:
            self._close_expired(tenant_id, expired, deployment, now)

        metadata: dict[str, Any] = {
            "multimodalEnabled": deployment.multimodal_enabled,
            "externalProcessingEnabled": deployment.external_processing_enabled,
            "hasPendingDataRequest": result.pending,
            "escalation": result.escalation,
            "frustration": result.frustration,
            "incomprehension": result.incomprehension,
            "isGenerative": False,
        }
        if result.intent_id:
            metadata["intentId"] = result.intent_id
        if result.escalation:
            metadata["escalationChannel"] = dict(deployment.escalation_channel)
        return {
            "messages": messages,
            "conversationId": state.conversation_id,
            "expirationTimestamp": _timestamp(now + timedelta(seconds=deployment.idle_timeout_seconds)),
            "modalities": list(MODALITIES),
            "payload": result.payload,
            "metadata": metadata,
            "context": {k: v for k, v in result.state.context.items() if k not in SYSTEM_KEYS},
        }

    # ---------------------------------------------------------------------------------------
    def _session_for(
        self,
        tenant_id: str,
        deployment: Deployment,
        channel_key: str,
        request: ConversationRequest,
        epoch: int,
    ) -> tuple[SessionState, int | None, str | None, bool, SessionState | None]:
        """(state, version to expect, notice, greet, the expired session to close)."""
        conversation_id = request.conversation_id
        carried: SessionState | None = None
        notice: str | None = None
        expired: SessionState | None = None
        if conversation_id is not None:
            stored = self._sessions.get(tenant_id, conversation_id)
            if stored is not None:
                current = SessionState.from_json(stored.state)
                if current.deployment_key != deployment.key:
                    raise ConflictProblem(
                        "This conversation belongs to another deployment.",
                        extra={"conversationId": conversation_id},
                    )
                if stored.idle_expires_at <= epoch:
                    carried, expired, notice = current, current, deployment.expired
                elif current.status == FULFILLED:
                    carried = current
                else:
                    return current, stored.version, None, True, None
                conversation_id = None
            elif self._conversations.get_header(tenant_id, conversation_id) is not None:
                # A transcript without a session: the session's TTL passed long ago.
                conversation_id, notice = None, deployment.expired
        state = SessionState(
            conversation_id=conversation_id or new_conversation_id(),
            deployment_key=deployment.key,
            channel_key=channel_key,
            user_id=(carried.user_id if carried else None)
            or request.user_id
            or "user_" + secrets.token_hex(8),
            environment=carried.environment if carried else None,
            context=dict(carried.context) if carried else {},
        )
        # After a fulfilment the next request simply starts a new conversation: no second welcome.
        greet = carried is None or expired is not None
        return state, None, notice, greet, expired

    @staticmethod
    def _input_of(request: ConversationRequest) -> TurnInput:
        unstructured = request.request.unstructured
        structured = request.request.structured
        return TurnInput(
            text=unstructured.text if unstructured else None,
            intent_id=structured.intent_id if structured else None,
            slots=tuple((s.slot_id, s.value) for s in (structured.slots or ()) if s.value is not None)
            if structured
            else (),
            choice_id=structured.choice_id if structured else None,
            utterance=structured.utterance if structured else None,
        )

    def _record_served(
        self, tenant_id: str, deployment: Deployment, before: SessionState, after: SessionState, epoch: int
    ) -> None:
        """Best effort: a failure only costs this question its share of learning, never the turn."""
        if self._nbq_sessions is None or after.pending in (None, before.pending) or after.intent_id is None:
            return
        slot = deployment.slot(after.pending)
        if slot is None or slot.question_id is None:
            return
        try:
            version = self._nbq.get(tenant_id)[0].catalog.version if self._nbq else deployment.key
            self._nbq_sessions.touch(
                tenant_id, after.conversation_id, slot.question_id, version, epoch, started_by=STARTED_BY_TURN
            )
        except Exception:
            if self._logger is not None:
                self._logger.warning("served question not recorded", extra={"question_id": slot.question_id})

    def _slot_chooser(self, tenant_id: str) -> Callable[[Intent, Sequence[Slot], SessionState], Slot]:
        def choose(intent: Intent, missing: Sequence[Slot], state: SessionState) -> Slot:
            tied = {s.question_id: s for s in missing if s.question_id}
            if not tied or self._nbq is None:
                return missing[0]
            try:
                prepared, stats = self._nbq.get(tenant_id)
            except NotFoundProblem:
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

    @staticmethod
    def _messages(conversation_id: str, result: TurnResult) -> list[dict[str, Any]]:
        turn = result.state.turn
        messages = []
        for position, message in enumerate(result.messages):
            body: dict[str, Any] = {
                "messageId": message_id(conversation_id, turn, position, message.text),
                "text": message.text,
                "type": "multichoice" if message.choices else "text",
            }
            if message.choices:
                body["choices"] = [{"choiceId": cid, "choiceText": text} for cid, text in message.choices]
                body["choicesMetadata"] = {"source": "Local"}
            messages.append(body)
        return messages

    def _log_turn(
        self,
        tenant_id: str,
        deployment: Deployment,
        result: TurnResult,
        messages: list[dict[str, Any]],
        now: datetime,
        *,
        created: bool,
    ) -> None:
        """Append the turn to the transcript. The turn is already applied: a failure here is
        logged and counted, never turned into an error that would make the client send it again."""
        stamp = _timestamp(now)
        turn: list[dict[str, Any]] = []
        if result.user_text:
            turn.append({"role": "user", "content": result.user_text, "timestamp": stamp})
        for message in messages:
            extra = {"messageId": message["messageId"], "type": message["type"]}
            if "choices" in message:
                extra["choices"] = message["choices"]
            turn.append(
                {"role": "assistant", "content": message["text"], "timestamp": stamp, "metadata": extra}
            )
        status = "completed" if result.completes else "active"
        conversation_id = result.state.conversation_id
        try:
            if created:
                metadata = {
                    "userId": result.state.user_id,
                    "deploymentKey": deployment.key,
                    "channelKey": result.state.channel_key,
                    "sessionId": conversation_id,
                }
                content = json.dumps({"messages": turn, "metadata": metadata}, ensure_ascii=False)
                create_conversation(
                    self._conversations,
                    tenant_id,
                    CreateConversationRequest.model_validate(
                        {"promptId": deployment.key, "content": content, "status": status}
                    ),
                    now,
                    conversation_id=conversation_id,
                )
            else:
                append_messages(
                    self._conversations,
                    tenant_id,
                    conversation_id,
                    AppendMessagesRequest.model_validate({"messages": turn, "status": status}),
                    now=now,
                    read_back=False,
                )
        except Exception:
            if self._logger is not None:
                self._logger.exception(
                    "turn transcript not written", extra={"conversation_id": conversation_id}
                )

    def _close_expired(
        self, tenant_id: str, expired: SessionState, deployment: Deployment, now: datetime
    ) -> None:
        note = f"The conversation timed out after {deployment.idle_timeout_seconds} s without a turn."
        with suppress(ProblemError):  # already completed, or never written: nothing to close
            append_messages(
                self._conversations,
                tenant_id,
                expired.conversation_id,
                AppendMessagesRequest.model_validate(
                    {"messages": [{"role": "system", "content": note}], "status": "completed"}
                ),
                now=now,
                read_back=False,
            )


def _vader(text: str) -> float:
    from parley.insights.sentiment import compound

    return compound(text)


__all__ = ["BotMessage", "DeploymentCache", "PreparedDeployment", "TurnService", "message_id"]
