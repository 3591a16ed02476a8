"""Units of work: the event a function serves as its ``n``-th new request, and the state it needs.

A benchmark that sends a mutation's event file again and again measures its idempotent replay
after the first time (the stored answer), or a ``state_version_conflict``. So:

- ``vary(folder, event, n)`` makes an event a new unit of work without touching the store: a new
  ``Idempotency-Key`` on every event that carries one, a new NBQ session id for next-questions
  (the warm section replays these against recorded answers);
- ``prepare(folder, event, n, resources)`` also creates what that unit needs in the store
  (whatever boto3 points at: moto's server or ``mock_aws``): a new Zelinqa session for the
  session mutations, the draft revision for a configuration change, a queued publication for the
  compiler, no publication in progress for publish.

The reads name what ``seed`` stores once: a session, a finished compilation (and the demo
tenant's conversation, seeded by ``benchmarks.stack``).
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from localgw.resources import LocalResources
    from parley.configuration.service import ConfigurationService
    from parley.sessions.service import SessionService

TENANT = "demo"
# The ids the read events name (events/get_session/ok.json, events/get_compilation/ok.json).
EVENT_SESSION_ID = "ses_0123456789abcdef01234567"
EVENT_COMPILATION_ID = "cmp_0123456789abcdef0123"
# The demo tenant's conversation ``benchmarks.stack`` seeds (the conversations events name it).
EVENT_CONVERSATION_ID = "conv_0123456789abcdef01234567"
IDEMPOTENCY_HEADER = "idempotency-key"
SESSION_MUTATIONS = frozenset({"next_session_questions", "apply_session_events", "submit_session_feedback"})
# A change that leaves the demo catalog as it is (its own text), so a publication it leads to keeps
# the catalog the other functions' events expect.
CHANGE = {
    "entity": "question",
    "operation": "update",
    "question": {"id": "q_space", "text": "Where will the furniture go — a terrace, a balcony, a garden?"},
}
# The conversation the insights worker analyses in each unit of work.
ANALYSED_MESSAGES = [
    {"role": "user", "content": "Hi, I'm looking for an outdoor dining table for six people."},
    {"role": "assistant", "content": "Happy to help. Do you prefer wood, metal or a mix?"},
    {"role": "user", "content": "Metal, something contemporary. The terrace faces south."},
    {
        "role": "assistant",
        "content": "Then powder-coated aluminium suits you. What budget do you have in mind?",
    },
    {"role": "user", "content": "Around 1,200 euros. Can it be delivered next week?"},
    {"role": "assistant", "content": "Yes, the Solana table is 1,150 euros and ships in three days."},
    {"role": "user", "content": "Great, thanks a lot, I'll order it now."},
]


def idempotency_key(n: int) -> str:
    return str(uuid.UUID(int=n))


def vary(folder: str, event: dict[str, Any], n: int) -> dict[str, Any]:
    """A copy of ``event`` as the ``n``-th new unit of work (no store access)."""
    event = json.loads(json.dumps(event))
    if folder == "next_question":
        body = json.loads(event["body"])
        body["session_id"] = f"bench-session-{n}"
        event["body"] = json.dumps(body)
    key = idempotency_key(n)
    for name in list(event.get("headers") or {}):
        if name.lower() == IDEMPOTENCY_HEADER:
            event["headers"][name] = key
    for name in list(event.get("multiValueHeaders") or {}):
        if name.lower() == IDEMPOTENCY_HEADER:
            event["multiValueHeaders"][name] = [key]
    return event


def prepare(folder: str, event: dict[str, Any], n: int, resources: LocalResources) -> dict[str, Any]:
    """``vary``, plus what the unit needs in the store."""
    event = vary(folder, event, n)
    if folder == "insights_worker":  # a completed conversation without insights: a real analysis
        conversation_id = f"conv_bench{n:018d}"
        store_conversation(
            _dynamodb(), resources.tables["ConversationsTable"], conversation_id, datetime.now(UTC),
            "completed", ANALYSED_MESSAGES,
        )  # fmt: skip
        return _with_record_body(event, conversation_id=conversation_id, only_kind="conversation.completed")
    if folder in SESSION_MUTATIONS:
        session_id = _sessions(resources).create(TENANT, f"bench-create-{n:08d}", _new_session(n))
        return _for_session(event, str(session_id["session_id"]))
    if folder in ("apply_configuration_changes", "publish_configuration", "compile_configuration"):
        configuration = _configuration(resources)
        _release(configuration, resources)
        if folder == "apply_configuration_changes":
            return _with_body(event, expected_draft_revision=_draft_revision(resources))
        _ensure_draft(configuration, n)
        if folder == "compile_configuration":
            queued = configuration.publish(_Actor(), f"bench-publish-{n:08d}", _publish(), "req_bench")
            return _with_record_body(event, compilation_id=queued["compilation_id"])
    return event


def store_conversation(
    dynamodb: Any,
    table: str,
    conversation_id: str,
    now: datetime,
    status: str,
    messages: list[dict[str, str]],
) -> None:
    """A conversation of the demo tenant with its messages, as the create function stores it."""
    from parley.conversations.content import rendered_size
    from parley.conversations.entities import Conversation
    from parley.conversations.repository import DynamoConversationRepository

    stamp = now.strftime("%Y-%m-%dT%H:%M:%SZ")
    conversation = Conversation(
        tenant_id=TENANT,
        id=conversation_id,
        prompt_id="prompt_123",
        status=status,
        created_at=stamp,
        updated_at=stamp,
        message_count=len(messages),
        content_bytes=rendered_size(messages),
    )
    list_sk = f"{int(now.timestamp() * 1_000_000):017d}#{conversation_id}"
    DynamoConversationRepository(dynamodb, table).create(
        conversation, messages, list_sk, None, int(now.timestamp())
    )


def seed(resources: LocalResources) -> None:
    """The session and the finished compilation the read events name."""
    _sessions(resources, EVENT_SESSION_ID).create(TENANT, "bench-seed-session", _new_session(0))
    configuration = _configuration(resources, EVENT_COMPILATION_ID)
    _ensure_draft(configuration, 0)
    configuration.publish(_Actor(), "bench-seed-publish", _publish(), "req_bench_seed")
    configuration.compile(TENANT, EVENT_COMPILATION_ID)


# ------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class _Actor:
    tenant_id: str = TENANT
    key_prefix: str = "pk_test_bench"
    scopes: frozenset[str] = frozenset({"configuration:write", "configuration:publish"})


class _Once:
    """An idempotency guard that always runs: each prepared unit has a key of its own."""

    def run(self, scope: dict[str, str], payload: dict[str, Any], action: Any) -> dict[str, Any]:
        result: dict[str, Any] = action()
        return result


class _Dropped:
    """The compilations queue of a prepared publication: the event itself names the compilation."""

    def send(self, message: Any) -> None:
        return None


def _sessions(resources: LocalResources, session_id: str | None = None) -> SessionService:
    import boto3

    from parley.nbq.repository import DynamoNbqConfigRepository, DynamoNbqSessionRepository
    from parley.nbq.service import TenantNbqCache
    from parley.sessions.repository import DynamoSessionStore
    from parley.sessions.service import SessionService

    client, tables = boto3.client("dynamodb"), resources.tables
    configurations = DynamoNbqConfigRepository(client, tables["TenantsTable"])
    store = DynamoSessionStore(client, tables["SessionsTable"])
    learning = DynamoNbqSessionRepository(client, tables["SessionsTable"], tables["TenantsTable"])
    parts = (store, TenantNbqCache(configurations), configurations, learning, _Once())
    if session_id is None:
        return SessionService(*parts)
    return SessionService(*parts, new_id=lambda: session_id)


def _configuration(resources: LocalResources, compilation_id: str | None = None) -> ConfigurationService:
    import boto3

    from parley.configuration.repository import DynamoAuditLog, DynamoCompilationStore, DynamoDraftStore
    from parley.configuration.service import ConfigurationService
    from parley.nbq.repository import DynamoNbqConfigRepository
    from parley.wiring import TenantNames

    client, table = boto3.client("dynamodb"), resources.tables["TenantsTable"]
    parts = (
        DynamoDraftStore(client, table),
        DynamoCompilationStore(client, table),
        DynamoAuditLog(client, table),
        DynamoNbqConfigRepository(client, table),
        TenantNames(client, table),
        _Dropped(),
        _Once(),
    )
    if compilation_id is None:
        return ConfigurationService(*parts)
    return ConfigurationService(*parts, new_id=lambda: compilation_id)


def _dynamodb() -> Any:
    import boto3

    return boto3.client("dynamodb")


def _new_session(n: int) -> Any:
    from parley.sessions.models import SessionCreateRequest

    return SessionCreateRequest.model_validate({"client_reference": f"bench-{n:08d}", "max_turns": 12})


def _publish() -> Any:
    from parley.configuration.models import PublishRequest

    return PublishRequest.model_validate({})


def _draft_revision(resources: LocalResources) -> int:
    import boto3

    from parley.configuration.repository import DynamoDraftStore

    draft = DynamoDraftStore(boto3.client("dynamodb"), resources.tables["TenantsTable"]).get(TENANT)
    return draft.revision if draft is not None else 0


def _ensure_draft(configuration: ConfigurationService, n: int) -> None:
    """A draft to publish: one change on the current revision."""
    from parley.configuration.models import ConfigurationChangesRequest

    request = ConfigurationChangesRequest.model_validate({"changes": [CHANGE]})
    configuration.apply(_Actor(), f"bench-change-{n:08d}", request, "req_bench")


def _release(configuration: ConfigurationService, resources: LocalResources) -> None:
    """Finish the publication that holds the tenant's lock, if any (a publish only queues one)."""
    import boto3

    from parley.configuration.repository import DynamoCompilationStore

    store = DynamoCompilationStore(boto3.client("dynamodb"), resources.tables["TenantsTable"])
    busy = store.holder(TENANT, int(datetime.now(UTC).timestamp()))
    if busy is not None:
        configuration.compile(TENANT, busy.compilation_id)


def _for_session(event: dict[str, Any], session_id: str) -> dict[str, Any]:
    event["pathParameters"] = {**(event.get("pathParameters") or {}), "session_id": session_id}
    event["path"] = str(event.get("path", "")).replace(EVENT_SESSION_ID, session_id)
    if event.get("body"):
        body = json.loads(event["body"])
        if "state_version" in body:
            body["state_version"] = 0  # a new session's
        event["body"] = json.dumps(body)
    return event


def _with_body(event: dict[str, Any], **values: Any) -> dict[str, Any]:
    event["body"] = json.dumps({**json.loads(event.get("body") or "{}"), **values})
    return event


def _with_record_body(event: dict[str, Any], only_kind: str = "", **values: Any) -> dict[str, Any]:
    for record in event["Records"]:
        body = json.loads(record["body"])
        if not only_kind or body.get("kind") == only_kind:
            record["body"] = json.dumps({**body, **values})
    return event
