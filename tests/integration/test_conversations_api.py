"""The five Conversations functions under moto, driven by the events in events/.

moto restores a table from a snapshot when a transaction fails, which would undo other threads'
writes; DynamoDB serializes transactions itself. The ``serialized_transactions`` fixture gives
moto that guarantee, so the concurrency test checks our retry logic, not moto's.
"""

from __future__ import annotations

import copy
import json
import threading
from datetime import UTC, datetime, timedelta
from types import ModuleType
from typing import Any, ClassVar

import pytest

from parley import aws
from parley.conversations.models import CreateConversationRequest, Insights
from parley.conversations.repository import DynamoConversationRepository
from parley.conversations.service import ConversationService
from tests.helpers.events import load_event
from tests.helpers.http import header
from tests.helpers.streams import StreamRelay

EVENT_ID = "conv_0123456789abcdef01234567"
KB = 1024


class Api:
    """The five handlers, called with events from events/ (ids, bodies and tenants swapped in)."""

    FUNCTIONS: ClassVar[dict[str, str]] = {
        "create_fn": "CreateConversationFunction",
        "append_fn": "AppendMessagesFunction",
        "list_fn": "ListConversationsFunction",
        "get_fn": "GetConversationFunction",
        "insights_fn": "GetConversationInsightsFunction",
    }

    def __init__(self, load_function: Any, context: Any, resources: Any) -> None:
        self.load = load_function
        self.context = context
        self.resources = resources
        self._relay: StreamRelay | None = None

    def __getattr__(self, name: str) -> ModuleType:
        # Import a function only when a test calls it: each import is a cold start.
        if name not in self.FUNCTIONS:
            raise AttributeError(name)
        module = self.load(self.FUNCTIONS[name])
        setattr(self, name, module)
        return module

    def call(
        self,
        function: ModuleType,
        event_path: str,
        *,
        conversation_id: str | None = None,
        body: Any = None,
        raw_body: str | None = None,
        query: dict[str, str] | None = None,
        tenant: str = "demo",
        headers: dict[str, str] | None = None,
    ) -> tuple[int, dict, dict]:
        event = load_event(event_path)
        event["headers"] = {**(event.get("headers") or {}), **(headers or {})}
        if conversation_id is not None:
            event["path"] = (
                event["path"]
                .replace(EVENT_ID, conversation_id)
                .replace("conv_ffffffffffffffffffffffff", conversation_id)
            )
            event["pathParameters"] = {"id": conversation_id}
        if body is not None:
            event["body"] = json.dumps(body)
        if raw_body is not None:
            event["body"] = raw_body
        if query is not None:
            event["queryStringParameters"] = query
            event["multiValueQueryStringParameters"] = {k: [v] for k, v in query.items()}
        event["requestContext"]["authorizer"]["tenant_id"] = tenant
        response = function.lambda_handler(event, self.context)
        return response["statusCode"], json.loads(response["body"]), response

    def create(self, body: dict | None = None, tenant: str = "demo", **kwargs: Any) -> dict:
        status, created, _ = self.call(
            self.create_fn, "create_conversation/spec_example.json", body=body, tenant=tenant, **kwargs
        )
        assert status == 200, created
        return created

    def append(self, conversation_id: str, body: dict, tenant: str = "demo") -> tuple[int, dict]:
        status, answer, _ = self.call(
            self.append_fn,
            "append_messages/spec_example.json",
            conversation_id=conversation_id,
            body=body,
            tenant=tenant,
        )
        return status, answer

    def get(self, conversation_id: str, tenant: str = "demo", **kwargs: Any) -> tuple[int, dict]:
        status, answer, _ = self.call(
            self.get_fn, "get_conversation/ok.json", conversation_id=conversation_id, tenant=tenant, **kwargs
        )
        return status, answer

    def queued(self, kind: str | None = "conversation.completed") -> list[dict]:
        """The queued messages (of ``kind``; all of them with ``kind=None``), drained — after the
        stream relay has carried the committed changes to the queue."""
        if self._relay is None:
            self._relay = StreamRelay(self.resources, self.load, self.context)
        self._relay.pump()
        sqs = aws.client("sqs")
        url = self.resources.queues["InsightsQueue"]
        bodies = []
        while True:
            batch = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", [])
            if not batch:
                return [body for body in bodies if kind is None or body["kind"] == kind]
            bodies += [json.loads(message["Body"]) for message in batch]

    def repository(self) -> DynamoConversationRepository:
        return DynamoConversationRepository(aws.dynamodb(), self.resources.tables["ConversationsTable"])

    def seeding_repository(self) -> DynamoConversationRepository:
        return SeedingRepository(aws.dynamodb(), self.resources.tables["ConversationsTable"])


class SeedingRepository(DynamoConversationRepository):
    """Writes each item of a transaction on its own: the same items, conditions and counters, but
    fast to seed hundreds of conversations (moto copies the whole table for every transaction).
    Atomicity is tested by the append and idempotency tests, which use real transactions."""

    def _transact(self, items: list[dict[str, Any]], operation: str) -> None:
        client = aws.dynamodb()
        for item in items:
            ((kind, request),) = item.items()
            request = {k: v for k, v in request.items() if k != "ReturnValuesOnConditionCheckFailure"}
            if kind == "Put":
                client.put_item(**request)
            else:
                client.update_item(**request)


@pytest.fixture
def api(load_function, lambda_context, moto_resources) -> Api:
    return Api(load_function, lambda_context, moto_resources)


def assert_problem(status: int, body: dict, expected: int, code: str, legacy: str) -> None:
    assert status == expected, body
    assert body["type"] == f"https://api.zelinqa.ai/errors/{code}"
    assert body["status"] == expected
    assert body["request_id"].startswith("req_")
    assert body["error"]["code"] == legacy


def transcript(size: int, message_bytes: int = 100 * KB) -> str:
    """Canonical text content of exactly ``size`` UTF-8 bytes, no message above the limit."""
    lines: list[str] = []
    remaining = size
    while remaining > 0:
        label = "User" if len(lines) % 2 == 0 else "Assistant"
        overhead = len(label) + 2 + (1 if lines else 0)
        body = min(message_bytes, remaining - overhead)
        if remaining - overhead - body < 16 and remaining - overhead - body > 0:
            body -= 32  # leave enough for the next line's label
        lines.append(f"{label}: " + "x" * body)
        remaining -= overhead + body
    text = "\n".join(lines)
    assert len(text.encode()) == size
    return text


# ------------------------------------------------------------------------------------------------
# Create
# ------------------------------------------------------------------------------------------------
def test_given_the_spec_example_when_created_then_the_spec_response_and_one_insights_message(api) -> None:
    status, body, response = api.call(api.create_fn, "create_conversation/spec_example.json")

    assert status == 200, body
    assert body["id"].startswith("conv_")
    assert body["promptId"] == "prompt_123"
    assert body["status"] == "completed"
    assert datetime.strptime(body["createdAt"], "%Y-%m-%dT%H:%M:%SZ")
    assert body["_links"]["appendMessages"] == {
        "href": f"/api/v1/conversations/{body['id']}/messages",
        "method": "POST",
        "hint": "Append turns to this conversation. Send status: 'completed' on the final call to trigger "
        "analysis.",
    }
    assert header(response, "X-Request-Id") == body["request_id"]
    queued = api.queued()
    assert len(queued) == 1
    assert queued[0]["kind"] == "conversation.completed"
    assert (queued[0]["tenant_id"], queued[0]["conversation_id"]) == ("demo", body["id"])
    assert "Hello" not in json.dumps(queued[0])  # ids, never transcripts


def test_given_structured_content_when_created_then_get_returns_messages_metadata_and_text(api) -> None:
    created = api.create(load_event_body("create_conversation/structured_content.json"))

    status, body = api.get(created["id"])

    assert status == 200, body
    assert body["status"] == "in_progress"
    assert body["content"] == "User: Hello\nAssistant: Hi! How can I help?"
    assert body["messages"][1] == {
        "role": "assistant",
        "content": "Hi! How can I help?",
        "model": "gpt-4o",
        "tokens": 7,
    }
    assert body["metadata"] == {
        "userId": "user_789",
        "sessionId": "sess_abc",
        "channel": "web",
        "language": "en",
    }
    assert body["userId"] == "user_789"
    assert body["companyName"] == "Acme Outdoor"
    assert body["title"] == "Hello"
    assert body["insights"] is None
    assert api.queued() == []  # not completed: nothing to analyze yet


@pytest.mark.parametrize(
    ("content", "roles"),
    [
        ("Human: Hi\nAI: Hello\nmore", ["user", "assistant"]),
        ("Customer: Where is\nmy parcel?\nAgent: On its way.", ["user", "assistant"]),
    ],
)
def test_given_other_role_labels_when_created_then_roles_are_normalised(api, content, roles) -> None:
    created = api.create({"promptId": "p", "content": content})

    _, body = api.get(created["id"])

    assert [m["role"] for m in body["messages"]] == roles
    assert body["content"].startswith("User: ")


def test_given_no_prompt_id_when_created_then_422_with_the_spec_error_member(api) -> None:
    status, body, response = api.call(api.create_fn, "create_conversation/missing_prompt_id.json")

    assert_problem(status, body, 422, "validation_failed", "VALIDATION_ERROR")
    assert header(response, "Content-Type") == "application/problem+json"
    assert body["error"]["message"] == "Invalid request body"
    assert body["error"]["details"] == {"promptId": "Required field"}
    assert body["errors"][0]["loc"] == ["body", "promptId"]


@pytest.mark.parametrize(
    "raw",
    [
        None,
        "not json",
        json.dumps({"promptId": "p", "content": "no labels at all"}),
        json.dumps({"promptId": "p", "content": json.dumps({"messages": [{"role": "user", "content": ""}]})}),
        json.dumps({"promptId": "p", "content": "User: hi", "status": "done"}),
    ],
)
def test_given_an_invalid_create_when_posted_then_422_and_nothing_is_stored(api, raw) -> None:
    status, body, _ = api.call(api.create_fn, "create_conversation/unlabelled_content.json", raw_body=raw)

    assert_problem(status, body, 422, "validation_failed", "VALIDATION_ERROR")
    _, listed, _ = api.call(api.list_fn, "list_conversations/default.json")
    assert listed["pagination"]["total"] == 0


def test_given_an_idempotency_key_when_posted_twice_then_the_same_conversation_comes_back(api) -> None:
    first_status, first, _ = api.call(api.create_fn, "create_conversation/idempotency_key.json")
    again_status, again, response = api.call(api.create_fn, "create_conversation/idempotency_key.json")

    assert (first_status, again_status) == (200, 200)
    assert {k: v for k, v in again.items() if k != "request_id"} == {
        k: v for k, v in first.items() if k != "request_id"
    }
    assert header(response, "Idempotent-Replayed") == "true"
    _, listed, _ = api.call(api.list_fn, "list_conversations/default.json")
    assert listed["pagination"]["total"] == 1
    assert len(api.queued()) == 1  # analysed once


def test_given_the_same_key_from_another_tenant_when_posted_then_it_is_a_new_conversation(api) -> None:
    _, first, _ = api.call(api.create_fn, "create_conversation/idempotency_key.json")
    _, other, _ = api.call(api.create_fn, "create_conversation/idempotency_key.json", tenant="acme")

    assert other["id"] != first["id"]


def test_given_a_key_older_than_24_hours_when_reused_then_a_new_conversation_is_created(api) -> None:
    repository = api.repository()
    request = CreateConversationRequest(prompt_id="p", content="User: hi", idempotency_key="k-1")
    then = datetime.now(UTC) - timedelta(hours=24, seconds=1)

    old, _ = ConversationService(repository).create("demo", request, now=then)
    same, created_again = ConversationService(repository).create(
        "demo", request, now=then + timedelta(hours=1)
    )
    new, created_now = ConversationService(repository).create("demo", request, now=datetime.now(UTC))

    assert (same.id, created_again) == (old.id, False)
    assert created_now is True
    assert new.id != old.id


# ------------------------------------------------------------------------------------------------
# Append
# ------------------------------------------------------------------------------------------------
def test_given_an_open_conversation_when_turns_are_appended_then_all_accumulate_and_merge(api) -> None:
    opened = api.create(load_event_body("create_conversation/open_active.json"))
    api.append(opened["id"], {"messages": [{"role": "user", "content": "Hi"}], "metadata": {"a": 1, "b": 1}})

    status, body, _ = api.call(
        api.append_fn, "append_messages/spec_example.json", conversation_id=opened["id"]
    )

    assert status == 200, body
    assert [m["content"] for m in body["messages"]] == [
        "You are a helpful shop assistant.",
        "Hi",
        "Can you check my order status?",
        "Sure — what's your order number?",
    ]
    assert body["content"] == (
        "System: You are a helpful shop assistant.\nUser: Hi\nUser: Can you check my order status?\n"
        "Assistant: Sure — what's your order number?"
    )
    assert body["metadata"] == {"a": 1, "b": 1, "sessionId": "sess_abc"}
    assert body["status"] == "active"
    assert body["title"] == "Hi"
    assert body["updatedAt"] >= body["createdAt"]
    assert "insights" not in body
    # Nothing to analyse yet; each append announces what changed (conversation.updated webhooks).
    updates = api.queued(kind=None)
    assert [m["kind"] for m in updates] == ["conversation.updated", "conversation.updated"]
    assert updates[1]["changed_fields"] == ["messages", "content", "updatedAt", "metadata"]


def test_given_completion_when_appended_then_analysis_is_queued_once_and_later_appends_conflict(api) -> None:
    opened = api.create(load_event_body("create_conversation/open_active.json"))

    status, done, _ = api.call(api.append_fn, "append_messages/complete.json", conversation_id=opened["id"])
    again_status, again = api.append(
        opened["id"], {"messages": [{"role": "user", "content": "x"}], "status": "completed"}
    )

    assert status == 200, done
    assert done["status"] == "completed"
    assert done["completedAt"]
    assert done["messages"][1] == {
        "role": "tool",
        "content": "",
        "toolCalls": [{"id": "call_1", "name": "order_status", "arguments": {"orderId": "A-1001"}}],
    }
    assert done["messages"][2]["usage"] == {"promptTokens": 120, "completionTokens": 9}
    assert done["messages"][2]["latencyMs"] == 840
    assert_problem(again_status, again, 409, "conflict", "CONFLICT")
    assert again["conversationStatus"] == "completed"
    assert [m["conversation_id"] for m in api.queued()] == [opened["id"]]
    _, stored = api.get(opened["id"])
    assert stored["messageCount"] == 3


@pytest.mark.parametrize(
    "body",
    [
        {"messages": []},
        {"messages": [{"role": "user", "content": ""}]},
        {"messages": [{"role": "robot", "content": "x"}]},
        {"messages": [{"role": "user", "content": "x"}], "status": "abandoned"},
    ],
)
def test_given_an_invalid_append_when_posted_then_422_and_nothing_changes(api, body) -> None:
    opened = api.create({"promptId": "p", "content": "User: hi", "status": "active"})

    status, answer = api.append(opened["id"], body)

    assert_problem(status, answer, 422, "validation_failed", "VALIDATION_ERROR")
    assert api.get(opened["id"])[1]["messageCount"] == 1


def test_given_an_unknown_conversation_when_appended_then_404_with_the_spec_error_member(api) -> None:
    status, body, _ = api.call(api.append_fn, "append_messages/unknown_conversation.json")

    assert_problem(status, body, 404, "not_found", "NOT_FOUND")
    assert body["error"]["message"] == "Conversation not found"


def test_given_20_concurrent_appenders_when_each_sends_5_then_all_100_land_contiguously(
    api, load_function
) -> None:
    opened = api.create({"promptId": "p", "content": "System: start", "status": "active"})
    appenders = [load_function("AppendMessagesFunction") for _ in range(20)]  # a resolver per thread
    failures: list[Any] = []

    def append(worker: int) -> None:
        event = load_event("append_messages/spec_example.json")
        event["path"] = event["path"].replace(EVENT_ID, opened["id"])
        event["pathParameters"] = {"id": opened["id"]}
        event["body"] = json.dumps(
            {"messages": [{"role": "user", "content": f"w{worker:02d}-{n}"} for n in range(5)]}
        )
        response = appenders[worker].lambda_handler(event, api.context)
        if response["statusCode"] != 200:
            failures.append(response["body"])

    threads = [threading.Thread(target=append, args=(worker,)) for worker in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert failures == []
    _, body = api.get(opened["id"])
    contents = [m["content"] for m in body["messages"][1:]]
    assert len(contents) == 100
    assert sorted(contents) == sorted(f"w{w:02d}-{n}" for w in range(20) for n in range(5))
    for start in range(0, 100, 5):  # each call's five messages are contiguous and in order
        worker = contents[start][:3]
        assert contents[start : start + 5] == [f"{worker}-{n}" for n in range(5)]


# ------------------------------------------------------------------------------------------------
# Limits
# ------------------------------------------------------------------------------------------------
def test_given_content_of_exactly_512_kb_when_created_then_it_is_stored(api) -> None:
    content = transcript(512 * KB)

    created = api.create({"promptId": "p", "content": content})

    _, body = api.get(created["id"])
    assert body["content"] == content


def test_given_content_one_byte_over_512_kb_when_created_then_413_problem(api) -> None:
    status, body, _ = api.call(
        api.create_fn,
        "create_conversation/spec_example.json",
        body={"promptId": "p", "content": transcript(512 * KB + 1)},
    )

    assert_problem(status, body, 413, "payload_too_large", "PAYLOAD_TOO_LARGE")
    assert body["limit"] == {"name": "content", "maxBytes": 512 * KB}


def test_given_a_500_kb_conversation_when_read_back_then_it_is_intact(api) -> None:
    content = transcript(500 * KB, message_bytes=5 * KB)
    created = api.create({"promptId": "p", "content": content, "status": "in_progress"})

    status, body = api.get(created["id"])

    assert status == 200
    assert body["content"] == content
    assert body["messageCount"] == content.count("\n") + 1
    assert body["messages"][-1]["content"] == content.rsplit(": ", 1)[1]


@pytest.mark.parametrize(("size", "expected"), [(100 * KB, 200), (100 * KB + 1, 413)])
def test_given_a_message_at_the_100_kb_edge_when_created_then_it_passes_or_is_413(
    api, size, expected
) -> None:
    structured = json.dumps({"messages": [{"role": "user", "content": "é" * (size // 2) + "x" * (size % 2)}]})

    status, body, _ = api.call(
        api.create_fn, "create_conversation/spec_example.json", body={"promptId": "p", "content": structured}
    )

    assert status == expected, body
    if expected == 413:
        assert body["error"]["code"] == "PAYLOAD_TOO_LARGE"


@pytest.mark.parametrize(("count", "expected"), [(500, 200), (501, 413)])
def test_given_500_or_501_messages_when_created_then_it_passes_or_is_413(api, count, expected) -> None:
    structured = json.dumps({"messages": [{"role": "user", "content": f"m{n}"} for n in range(count)]})

    status, body, _ = api.call(
        api.create_fn, "create_conversation/spec_example.json", body={"promptId": "p", "content": structured}
    )

    assert status == expected, body


def test_given_appends_when_they_reach_500_messages_then_the_501st_is_413(api) -> None:
    structured = json.dumps({"messages": [{"role": "user", "content": f"m{n}"} for n in range(499)]})
    opened = api.create({"promptId": "p", "content": structured, "status": "active"})
    turn = {"messages": [{"role": "assistant", "content": "ok"}]}

    assert api.append(opened["id"], turn)[0] == 200
    status, body = api.append(opened["id"], turn)

    assert_problem(status, body, 413, "payload_too_large", "PAYLOAD_TOO_LARGE")
    assert api.get(opened["id"])[1]["messageCount"] == 500


def test_given_appends_when_content_reaches_512_kb_then_one_more_byte_is_413(api) -> None:
    last_line = "\nUser: " + "y" * 10
    opened = api.create(
        {"promptId": "p", "content": transcript(512 * KB - len(last_line)), "status": "active"}
    )

    at_limit = api.append(opened["id"], {"messages": [{"role": "user", "content": "y" * 10}]})
    over = api.append(opened["id"], {"messages": [{"role": "user", "content": "z"}]})

    assert at_limit[0] == 200, at_limit[1]
    assert len(at_limit[1]["content"].encode()) == 512 * KB
    assert_problem(*over, 413, "payload_too_large", "PAYLOAD_TOO_LARGE")


def test_given_a_body_over_1_mib_when_posted_then_413_before_parsing(api) -> None:
    status, body, _ = api.call(
        api.create_fn, "create_conversation/spec_example.json", raw_body="{" + " " * (1024 * KB)
    )

    assert_problem(status, body, 413, "payload_too_large", "PAYLOAD_TOO_LARGE")
    assert body["limit"]["name"] == "body"


# ------------------------------------------------------------------------------------------------
# List
# ------------------------------------------------------------------------------------------------
def test_given_a_few_hundred_conversations_when_listed_then_filters_totals_and_pages_are_exact(api) -> None:
    repository = api.seeding_repository()
    start = datetime(2025, 1, 20, tzinfo=UTC)
    statuses = ["completed", "abandoned", "in_progress", "active"]
    expected: list[tuple[str, str, str, bool]] = []  # (id, prompt, status, has insights), oldest first
    for n in range(240):
        prompt, status = f"prompt_{n % 3}", statuses[n % 4]
        request = CreateConversationRequest(prompt_id=prompt, content=f"User: {n}", status=status)
        conversation, _ = ConversationService(repository).create(
            "demo", request, now=start + timedelta(minutes=n)
        )
        with_insights = status == "completed" and n % 8 == 0
        if with_insights:
            insights = Insights(sentiment="positive", summary="ok", created_at="2025-01-21T00:00:00Z")
            assert repository.put_insights("demo", conversation.id, insights)
        expected.append((conversation.id, prompt, status, with_insights))
    for n in range(30):  # another tenant's conversations never show up, nor count
        request = CreateConversationRequest(prompt_id="prompt_0", content="User: x", status="completed")
        ConversationService(repository).create("acme", request, now=start + timedelta(minutes=n))
    newest_first = list(reversed(expected))

    def listed(**query: str) -> dict:
        status, body, _ = api.call(api.list_fn, "list_conversations/default.json", query=query)
        assert status == 200, body
        return body

    cases: list[dict[str, str]] = [
        {},
        {"promptId": "prompt_1"},
        {"status": "completed"},
        {"hasInsights": "true"},
        {"hasInsights": "false"},
        {"promptId": "prompt_0", "status": "completed"},
        {"promptId": "prompt_0", "hasInsights": "true"},
        {"status": "completed", "hasInsights": "false"},
        {"promptId": "prompt_0", "status": "completed", "hasInsights": "true"},
    ]
    for filters in cases:
        matching = [
            row[0]
            for row in newest_first
            if row[1] == filters.get("promptId", row[1])
            and row[2] == filters.get("status", row[2])
            and str(row[3]).lower() == filters.get("hasInsights", str(row[3]).lower())
        ]
        assert listed(**filters)["pagination"]["total"] == len(matching), filters
        pages = [
            item["id"]
            for offset in range(0, len(matching), 25)
            for item in listed(**filters, limit="25", offset=str(offset))["data"]
        ]
        assert pages == matching, filters
        # The same walk by cursor: every page after the first starts where the last one ended.
        walked, cursor = [], None
        while True:
            page = listed(**filters, limit="25", **({"cursor": cursor} if cursor else {}))
            walked += [item["id"] for item in page["data"]]
            cursor = page["pagination"].get("nextCursor")
            if cursor is None:
                break
        assert walked == matching, filters

    page = listed(limit="3", offset="236")  # read from the oldest end: offset near the total
    assert [item["id"] for item in page["data"]] == [row[0] for row in newest_first[236:239]]
    assert listed(offset="240")["data"] == []
    first = listed(promptId="prompt_0", status="completed", hasInsights="true", limit="1")
    assert first["data"][0] == {
        "id": newest_first[[r[3] and r[1] == "prompt_0" for r in newest_first].index(True)][0],
        "promptId": "prompt_0",
        "status": "completed",
        "hasInsights": True,
        "createdAt": first["data"][0]["createdAt"],
    }
    assert first["pagination"] == {
        "total": first["pagination"]["total"],
        "limit": 1,
        "offset": 0,
        "nextCursor": first["pagination"]["nextCursor"],
    }


def test_given_completion_by_append_when_listed_then_the_status_counts_move(api) -> None:
    opened = api.create({"promptId": "p", "content": "User: hi", "status": "active"})
    api.append(opened["id"], {"messages": [{"role": "assistant", "content": "bye"}], "status": "completed"})

    _, active, _ = api.call(api.list_fn, "list_conversations/default.json", query={"status": "active"})
    _, done, _ = api.call(api.list_fn, "list_conversations/default.json", query={"status": "completed"})

    assert active["pagination"]["total"] == 0
    assert [item["id"] for item in done["data"]] == [opened["id"]]


def test_given_bad_list_parameters_when_listed_then_422_naming_the_parameter(api) -> None:
    status, body, _ = api.call(api.list_fn, "list_conversations/limit_too_large.json")

    assert_problem(status, body, 422, "validation_failed", "VALIDATION_ERROR")
    assert body["errors"][0]["loc"] == ["query", "limit"]
    assert body["error"]["details"] == {"limit": body["errors"][0]["msg"]}


def test_given_the_filtered_event_when_listed_then_it_answers_an_empty_page(api) -> None:
    status, body, _ = api.call(api.list_fn, "list_conversations/filtered.json")

    assert status == 200
    assert body == {
        "data": [],
        "pagination": {"total": 0, "limit": 10, "offset": 0},
        "request_id": body["request_id"],
    }


# ------------------------------------------------------------------------------------------------
# Get and insights
# ------------------------------------------------------------------------------------------------
def test_given_insights_when_read_then_both_routes_serve_them(api) -> None:
    created = api.create()
    insights = Insights(
        sentiment="positive",
        sentiment_score=0.82,
        task_completed=True,
        topics=["greeting", "product inquiry", "availability"],
        summary="User inquired about product availability.",
        issues=[],
        created_at="2025-01-20T14:35:00Z",
    )
    assert api.repository().put_insights("demo", created["id"], insights)

    status, body, _ = api.call(
        api.insights_fn, "get_conversation_insights/ok.json", conversation_id=created["id"]
    )
    _, with_insights = api.get(created["id"])
    _, without = api.get(created["id"], query={"includeInsights": "false"})
    _, listed, _ = api.call(api.list_fn, "list_conversations/default.json", query={"hasInsights": "true"})

    assert status == 200
    assert {k: v for k, v in body.items() if k != "request_id"} == {
        "conversationId": created["id"],
        "sentiment": "positive",
        "sentimentScore": 0.82,
        "taskCompleted": True,
        "topics": ["greeting", "product inquiry", "availability"],
        "summary": "User inquired about product availability.",
        "issues": [],
        "createdAt": "2025-01-20T14:35:00Z",
    }
    assert with_insights["insights"]["sentiment"] == "positive"
    assert with_insights["hasInsights"] is True
    assert "insights" not in without
    assert listed["pagination"]["total"] == 1


def test_given_a_completed_conversation_without_insights_when_read_then_404_says_not_ready(api) -> None:
    created = api.create()

    status, body, response = api.call(
        api.insights_fn, "get_conversation_insights/ok.json", conversation_id=created["id"]
    )

    assert_problem(status, body, 404, "not_found", "NOT_FOUND")
    assert body["insightsStatus"] == "pending"
    assert "not ready yet" in body["detail"]
    assert header(response, "Retry-After") == "30"


def test_given_an_open_conversation_when_its_insights_are_read_then_404_says_not_requested(api) -> None:
    created = api.create({"promptId": "p", "content": "User: hi", "status": "active"})

    status, body, _ = api.call(
        api.insights_fn, "get_conversation_insights/ok.json", conversation_id=created["id"]
    )

    assert_problem(status, body, 404, "not_found", "NOT_FOUND")
    assert body["insightsStatus"] == "not_requested"


@pytest.mark.parametrize(
    ("function", "event"),
    [
        ("get_fn", "get_conversation/unknown_conversation.json"),
        ("insights_fn", "get_conversation_insights/unknown_conversation.json"),
        ("get_fn", "get_conversation/ok.json"),
    ],
)
def test_given_an_unknown_id_when_read_then_404_not_found(api, function, event) -> None:
    status, body, _ = api.call(getattr(api, function), event)

    assert_problem(status, body, 404, "not_found", "NOT_FOUND")
    assert body["error"]["message"] == "Conversation not found"


# ------------------------------------------------------------------------------------------------
# Tenancy
# ------------------------------------------------------------------------------------------------
def test_given_another_tenants_conversation_when_any_route_is_used_then_404_and_nothing_changes(api) -> None:
    opened = api.create({"promptId": "p", "content": "User: secret", "status": "active"})

    append_status, append_body = api.append(
        opened["id"], {"messages": [{"role": "user", "content": "x"}], "status": "completed"}, tenant="acme"
    )
    get_status, get_body = api.get(opened["id"], tenant="acme")
    insights_status, insights_body, _ = api.call(
        api.insights_fn, "get_conversation_insights/ok.json", conversation_id=opened["id"], tenant="acme"
    )
    _, listed, _ = api.call(api.list_fn, "list_conversations/default.json", tenant="acme")

    for status, body in (
        (append_status, append_body),
        (get_status, get_body),
        (insights_status, insights_body),
    ):
        assert_problem(status, body, 404, "not_found", "NOT_FOUND")
    assert listed["pagination"]["total"] == 0
    _, mine = api.get(opened["id"])
    assert (mine["messageCount"], mine["status"]) == (1, "active")
    assert api.queued() == []


def load_event_body(relative: str) -> dict:
    return json.loads(copy.deepcopy(load_event(relative))["body"])


# ------------------------------------------------------------------------------------------------
# The JSON rule: what could not be read back is never stored
# ------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "content",
    [
        json.dumps({"messages": [{"role": "user", "content": "hi"}], "metadata": {"d": "x"}}).replace(
            '"x"', "[" * 300 + "]" * 300
        ),
        '{"messages": [{"role": "user", "content": "hi"}], "metadata": {"n": NaN}}',
        '{"messages": [{"role": "user", "content": "hi", "latencyMs": 1e400}]}',
        '{"messages": [{"role": "user", "content": "hi \\ud800 there"}]}',
    ],
    ids=["nested-300-deep", "nan", "overflowing-number", "lone-surrogate"],
)
def test_embedded_json_that_could_not_be_read_back_is_refused_before_anything_is_stored(
    api: Api, moto_resources: Any, content: str
) -> None:
    status, body, _ = api.call(
        api.create_fn, "create_conversation/spec_example.json", body={"promptId": "p", "content": content}
    )

    assert status == 422, body
    assert body["type"].endswith("validation_failed")
    assert body["errors"][0]["loc"][:2] == ["body", "content"]
    listed = api.call(api.list_fn, "list_conversations/default.json")[1]
    assert listed["pagination"]["total"] == 0


def test_an_append_with_non_finite_numbers_is_refused_and_the_conversation_stays_readable(api: Api) -> None:
    created = api.create({"promptId": "p", "content": "User: hi", "status": "active"})

    status, body, _ = api.call(
        api.append_fn,
        "append_messages/spec_example.json",
        conversation_id=created["id"],
        raw_body='{"messages": [{"role": "user", "content": "x", "latencyMs": 1e400}], "metadata": {"a": 1}}',
    )

    assert status == 422, body
    status, conversation = api.get(created["id"])
    assert status == 200 and conversation["messageCount"] == 1


def test_a_retried_append_with_the_same_idempotency_key_is_answered_once_and_stored_once(api: Api) -> None:
    created = api.create({"promptId": "p", "content": "User: hi", "status": "active"})
    append = {"messages": [{"role": "user", "content": "for six"}], "status": "completed"}

    answers = [
        api.call(
            api.append_fn,
            "append_messages/spec_example.json",
            conversation_id=created["id"],
            body=append,
            headers={"Idempotency-Key": "retry-7f3a"},
        )
        for _ in range(2)
    ]

    (first_status, first, first_response), (second_status, second, second_response) = answers
    assert first_status == second_status == 200
    assert header(second_response, "Idempotent-Replayed") == "true"
    assert "Idempotent-Replayed" not in (first_response.get("headers") or {})
    assert second["messages"] == first["messages"] and second["messageCount"] == 2
    other_status, other, _ = api.call(
        api.append_fn,
        "append_messages/spec_example.json",
        conversation_id=created["id"],
        body={"messages": [{"role": "user", "content": "something else"}]},
        headers={"Idempotency-Key": "retry-7f3a"},
    )
    assert other_status == 422 and other["type"].endswith("idempotency_conflict")
    assert api.get(created["id"])[1]["messageCount"] == 2


def test_a_deep_offset_is_refused_with_a_clear_422_naming_the_cursor(api: Api) -> None:
    status, body, _ = api.call(api.list_fn, "list_conversations/default.json", query={"offset": "1001"})

    assert status == 422
    assert body["errors"][0]["loc"] == ["query", "offset"]


@pytest.mark.parametrize(
    "query",
    [
        {"cursor": "not-a-cursor"},
        {"cursor": "MDE3MzczNDQxNjAwMDAwMDAjY29udl8zODE5ZmM5MGFhMGYyMTY3NTQzMTlmYjI", "offset": "20"},
        {"cursor": "VCNvdGhlciN0ZW5hbnQ"},
    ],
    ids=["garbage", "with-an-offset", "another-shape"],
)
def test_a_cursor_no_list_returned_is_a_422_not_a_500(api: Api, query: dict[str, str]) -> None:
    status, body, _ = api.call(api.list_fn, "list_conversations/default.json", query=query)

    assert status == 422, body
    assert body["type"].endswith("validation_failed")
