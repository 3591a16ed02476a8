"""The runs API and the SDK routes (Converra's `converra` SDK) under moto, driven by the events in
events/: each handler as Lambda runs it, over the same conversations table as the Conversations
API, whose handlers read back what the runs API wrote."""

from __future__ import annotations

import json
from types import ModuleType
from typing import Any, ClassVar

import pytest

from parley import aws
from parley.conversations.models import Insights
from parley.conversations.repository import DynamoConversationRepository
from tests.helpers.events import load_event
from tests.helpers.http import header

EVENT_RUN = "conv_0123456789abcdef01234567"
# The agent of the system prompt in events/create_run/captured_call.json and events/match_agent.
CAPTURED_AGENT = "agent_445da69f7f4c54d094508519"


class Runs:
    """The handlers, called with the events of events/ (run id, body, query, tenant swapped in)."""

    FUNCTIONS: ClassVar[dict[str, str]] = {
        "create": "CreateRunFunction",
        "append": "AppendRunMessagesFunction",
        "get": "GetRunFunction",
        "list": "ListRunsFunction",
        "insights": "GetRunInsightsFunction",
        "config": "GetSdkConfigFunction",
        "match": "MatchAgentFunction",
        "variant": "GetActiveVariantFunction",
        "conversation": "GetConversationFunction",
        "append_conversation": "AppendMessagesFunction",
    }

    def __init__(self, load_function: Any, context: Any, resources: Any) -> None:
        self._load = load_function
        self._context = context
        self._resources = resources
        self._modules: dict[str, ModuleType] = {}

    def call(
        self,
        function: str,
        event_path: str,
        *,
        run_id: str | None = None,
        body: Any = None,
        raw_body: str | None = None,
        query: dict[str, str] | None = None,
        headers: dict[str, str] | None = None,
        tenant: str = "demo",
    ) -> tuple[int, dict[str, Any], dict[str, Any]]:
        if function not in self._modules:
            self._modules[function] = self._load(self.FUNCTIONS[function])
        event = load_event(event_path)
        event["headers"] = {**(event.get("headers") or {}), **(headers or {})}
        if run_id is not None:
            event["path"] = event["path"].replace(EVENT_RUN, run_id)
            event["pathParameters"] = {"id": run_id}
        if body is not None:
            event["body"] = json.dumps(body)
        if raw_body is not None:
            event["body"] = raw_body
        if query is not None:
            event["queryStringParameters"] = query
            event["multiValueQueryStringParameters"] = {k: [v] for k, v in query.items()}
        event["requestContext"]["authorizer"]["tenant_id"] = tenant
        response = self._modules[function].lambda_handler(event, self._context)
        return response["statusCode"], json.loads(response["body"]), response

    def send(self, **changes: Any) -> dict[str, Any]:
        """A run as `send()` creates it (events/create_run/ok.json), with ``changes`` to its body."""
        body = {**json.loads(load_event("create_run/ok.json")["body"]), **changes}
        status, answer, _ = self.call("create", "create_run/ok.json", body=body)
        assert status == 200, answer
        return dict(answer["data"])

    def conversation(self, run_id: str) -> dict[str, Any]:
        status, answer, _ = self.call("conversation", "get_conversation/ok.json", run_id=run_id)
        assert status == 200, answer
        return answer

    def repository(self) -> DynamoConversationRepository:
        return DynamoConversationRepository(aws.dynamodb(), self._resources.tables["ConversationsTable"])


@pytest.fixture
def runs(load_function: Any, lambda_context: Any, moto_resources: Any) -> Runs:
    return Runs(load_function, lambda_context, moto_resources)


def assert_problem(status: int, body: dict[str, Any], expected: int, code: str, legacy: str) -> None:
    assert status == expected, body
    assert body["type"].endswith(f"/{code}")
    assert body["request_id"].startswith("req_")
    assert body["error"]["code"] == legacy


# ------------------------------------------------------------------------------------------------
# Create
# ------------------------------------------------------------------------------------------------
def test_given_what_send_posts_when_created_then_the_run_is_a_conversation_of_its_agent(runs: Runs) -> None:
    status, answer, _ = runs.call("create", "create_run/ok.json")

    assert status == 200, answer
    run = answer["data"]
    assert set(answer) == {"data", "request_id"}
    assert run["id"].startswith("conv_")
    assert (run["agentId"], run["status"], run["sessionId"]) == ("Support Bot", "active", "sess_abc")
    assert run["title"] == "Hi, my order A-1001 has not arrived yet."
    conversation = runs.conversation(run["id"])
    assert conversation["promptId"] == "Support Bot"
    assert conversation["metadata"] == {"source": "sdk", "sessionId": "sess_abc"}
    assert [m["role"] for m in conversation["messages"]] == ["user", "assistant"]
    # content is always rendered from the messages (the SDK's "AI:" label is not kept)
    assert conversation["content"].splitlines()[1].startswith("Assistant: ")


def test_given_a_captured_llm_call_when_created_then_its_messages_usage_and_agent_are_kept(
    runs: Runs,
) -> None:
    status, answer, _ = runs.call("create", "create_run/captured_call.json")

    assert status == 200, answer
    conversation = runs.conversation(answer["data"]["id"])
    assert conversation["promptId"] == CAPTURED_AGENT
    assert conversation["status"] == "completed"
    assert conversation["userId"] == "sdk"
    assert conversation["llmModel"] == "gpt-4o-mini"
    assert conversation["messages"][2] == {
        "role": "assistant",
        "content": "It ships tomorrow.",
        "model": "gpt-4o-mini",
        "usage": {"promptTokens": 31, "completionTokens": 5},
    }
    assert conversation["metadata"]["assignment"] == "baseline"
    assert conversation["metadata"]["variantId"] is None


def test_given_neither_messages_nor_content_when_created_then_422_with_the_error_member(runs: Runs) -> None:
    status, answer, _ = runs.call("create", "create_run/no_messages.json")

    assert_problem(status, answer, 422, "validation_failed", "VALIDATION_ERROR")
    assert answer["errors"][0]["loc"] == ["body", "messages"]


def test_given_a_transcript_sent_twice_over_1_mib_when_created_then_the_run_is_stored(runs: Runs) -> None:
    # Given five messages of 100,000 bytes (newlines: each escapes to two bytes in JSON), sent as
    # messages and again as the SDK's content — a body the Conversations API's 1 MiB would refuse
    text = "line\n" * 20_000
    messages = [{"role": "user" if n % 2 == 0 else "assistant", "content": text} for n in range(5)]
    content = "\n".join(f"{'User' if m['role'] == 'user' else 'AI'}: {m['content']}" for m in messages)
    body = {"agentName": "Support Bot", "messages": messages, "content": content}
    assert 1024 * 1024 < len(json.dumps(body).encode()) < 2 * 1024 * 1024

    # When it is created
    status, answer, _ = runs.call("create", "create_run/ok.json", body=body)

    # Then it is stored whole
    assert status == 200, answer
    assert runs.conversation(answer["data"]["id"])["messageCount"] == 5


def test_given_a_body_over_2_mib_when_created_then_413_before_parsing(runs: Runs) -> None:
    status, answer, _ = runs.call("create", "create_run/ok.json", raw_body="{" + "x" * (2 * 1024 * 1024))

    assert_problem(status, answer, 413, "payload_too_large", "PAYLOAD_TOO_LARGE")
    assert answer["limit"] == {"name": "body", "maxBytes": 2 * 1024 * 1024}


# ------------------------------------------------------------------------------------------------
# Append, get, list
# ------------------------------------------------------------------------------------------------
def test_given_an_open_run_when_send_appends_and_completes_then_both_apis_show_one_conversation(
    runs: Runs,
) -> None:
    run = runs.send(sessionId=None)

    turn, opened, _ = runs.call("append", "append_run_messages/ok.json", run_id=run["id"])
    status, answer, _ = runs.call("append", "append_run_messages/complete.json", run_id=run["id"])
    again, conflict, _ = runs.call("append", "append_run_messages/complete.json", run_id=run["id"])

    assert (turn, opened["data"]["status"], opened["data"]["messageCount"]) == (200, "active", 3)
    assert status == 200, answer
    appended = answer["data"]
    assert (appended["id"], appended["status"], appended["messageCount"]) == (run["id"], "completed", 5)
    assert appended["sessionId"] == "sess_abc"
    assert appended["metadata"] == {"source": "sdk", "sessionId": "sess_abc"}
    assert [m["content"] for m in appended["messages"][2:]] == [
        "Any news on A-1001?",
        "Thanks, that helps!",
        "You're welcome!",
    ]
    assert_problem(again, conflict, 409, "conflict", "CONFLICT")
    assert runs.conversation(run["id"])["status"] == "completed"


def test_given_an_idempotency_key_when_an_append_is_retried_then_it_answers_as_the_first(runs: Runs) -> None:
    run = runs.send()
    key = {"Idempotency-Key": "send-2"}

    first, _, _ = runs.call("append", "append_run_messages/ok.json", run_id=run["id"], headers=key)
    status, answer, response = runs.call(
        "append", "append_run_messages/ok.json", run_id=run["id"], headers=key
    )

    assert (first, status) == (200, 200)
    assert header(response, "Idempotent-Replayed") == "true"
    assert answer["data"]["messageCount"] == 3
    assert len(runs.conversation(run["id"])["messages"]) == 3


@pytest.mark.parametrize(
    ("function", "event"),
    [
        ("append", "append_run_messages/unknown_run.json"),
        ("get", "get_run/unknown_run.json"),
        ("insights", "get_run_insights/unknown_run.json"),
    ],
)
def test_given_an_unknown_run_when_called_then_404_with_the_error_member(
    runs: Runs, function: str, event: str
) -> None:
    status, answer, _ = runs.call(function, event)

    assert_problem(status, answer, 404, "not_found", "NOT_FOUND")


def test_given_another_tenants_run_when_read_then_it_is_the_unknown_runs_404(runs: Runs) -> None:
    run = runs.send()

    status, answer, _ = runs.call("get", "get_run/ok.json", run_id=run["id"], tenant="acme")

    assert_problem(status, answer, 404, "not_found", "NOT_FOUND")


def test_given_a_run_when_read_then_it_has_its_messages_agent_and_session(runs: Runs) -> None:
    run = runs.send()

    status, answer, _ = runs.call("get", "get_run/ok.json", run_id=run["id"])

    assert status == 200, answer
    data = answer["data"]
    assert (data["id"], data["agentId"], data["sessionId"], data["messageCount"]) == (
        run["id"],
        "Support Bot",
        "sess_abc",
        2,
    )
    assert data["content"] == runs.conversation(run["id"])["content"]
    assert data["hasInsights"] is False and data["outcome"] is None


def test_given_runs_of_two_agents_when_listed_by_agent_then_that_agents_come_back(runs: Runs) -> None:
    mine = runs.send()
    runs.send(agentName="Sales Bot")

    status, answer, _ = runs.call("list", "list_runs/ok.json")

    assert status == 200, answer
    assert [item["id"] for item in answer["data"]] == [mine["id"]]
    assert answer["data"][0]["agentId"] == "Support Bot"
    assert answer["pagination"] == {"total": 1, "limit": 20, "offset": 0}


def test_given_an_offset_and_a_cursor_when_listed_then_422(runs: Runs) -> None:
    status, answer, _ = runs.call("list", "list_runs/cursor_and_offset.json")

    assert_problem(status, answer, 422, "validation_failed", "VALIDATION_ERROR")


def test_given_a_session_id_on_a_conversations_append_then_it_is_metadata_session_id(runs: Runs) -> None:
    # The 0.3.x SDK appends through /api/v1/conversations/{id}/messages with a top-level sessionId.
    run = runs.send(sessionId=None)

    status, answer, _ = runs.call(
        "append_conversation",
        "append_messages/spec_example.json",
        run_id=run["id"],
        body={"messages": [{"role": "user", "content": "Thanks"}], "sessionId": "sess_legacy"},
    )

    assert status == 200, answer
    assert answer["metadata"] == {"source": "sdk", "sessionId": "sess_legacy"}


# ------------------------------------------------------------------------------------------------
# Insights
# ------------------------------------------------------------------------------------------------
def test_given_no_insights_yet_when_read_then_200_pending_says_why(runs: Runs) -> None:
    open_run = runs.send()
    completed_run = runs.send(status="completed")

    status, waiting, response = runs.call("insights", "get_run_insights/ok.json", run_id=open_run["id"])
    queued_status, queued, queued_response = runs.call(
        "insights", "get_run_insights/ok.json", run_id=completed_run["id"]
    )

    assert (status, queued_status) == (200, 200)
    assert waiting["data"]["status"] == queued["data"]["status"] == "pending"
    assert waiting["data"]["reason"] == "run_not_completed"
    assert "Retry-After" not in response["headers"]
    assert queued["data"]["reason"] == "analysis_queued"
    assert header(queued_response, "Retry-After") == "30"


def test_given_stored_insights_when_read_then_the_v1_shape_is_computed_from_them(runs: Runs) -> None:
    run = runs.send(status="completed")
    insights = Insights(
        sentiment="negative",
        sentiment_score=-0.2,
        task_completed=False,
        topics=["delivery", "order status"],
        summary='The user opened with: "Hi, my order A-1001 has not arrived yet."',
        issues=[{"type": "complaint", "messageIndex": 0, "excerpt": "has not arrived yet"}],
        created_at="2026-11-23T15:31:00Z",
    )
    assert runs.repository().put_insights("demo", run["id"], insights)

    status, answer, _ = runs.call("insights", "get_run_insights/ok.json", run_id=run["id"])

    assert status == 200, answer
    data = answer["data"]
    assert data["id"] == "ins_" + run["id"].removeprefix("conv_")
    assert data["title"] == "Hi, my order A-1001 has not arrived yet."
    assert data["executiveSummary"] == insights.summary
    assert data["keywords"] == ["delivery", "order status"]
    assert [issue["type"] for issue in data["topIssues"]] == ["complaint"]
    assert data["additionalConcerns"] == []
    # sentiment (-0.2 + 1) * 50 = 40; quality (40 + 100 - 20) / 2 = 60; not completed: * 0.5
    assert data["metrics"] == {
        "gatedScore": 30.0,
        "qualityScore": 60.0,
        "objectiveMultiplier": 0.5,
        "sentiment": 40.0,
        "taskCompletion": 0.0,
    }
    # The seed's insights keep their shape
    _, seed, _ = runs.call("conversation", "get_conversation/ok.json", run_id=run["id"])
    assert seed["insights"]["summary"] == insights.summary and "metrics" not in seed["insights"]


# ------------------------------------------------------------------------------------------------
# The SDK's configuration, agent match and variant
# ------------------------------------------------------------------------------------------------
def test_given_the_sdk_when_it_reads_its_configuration_then_capture_is_on_and_nothing_is_tested(
    runs: Runs,
) -> None:
    status, answer, _ = runs.call("config", "get_sdk_config/ok.json")

    assert status == 200, answer
    assert answer["data"] == {
        "testingMode": "simulation",
        "captureEnabled": True,
        "activeOptimizations": [],
        "agentHashes": {},
    }


def test_given_a_system_prompt_when_matched_then_its_agent_is_the_one_a_capture_lands_under(
    runs: Runs,
) -> None:
    status, answer, _ = runs.call("match", "match_agent/ok.json")
    _, created, _ = runs.call(
        "create",
        "create_run/captured_call.json",
        body={
            **json.loads(load_event("create_run/captured_call.json")["body"]),
            "agentId": None,
        },
    )

    assert status == 200, answer
    agent = answer["data"]
    assert agent["agentId"] == agent["promptId"] == CAPTURED_AGENT
    assert agent["contentHash"].startswith(CAPTURED_AGENT.removeprefix("agent_"))
    assert agent["matched"] is True
    # A capture without agentId (its match timed out in the SDK) lands under the same agent.
    assert created["data"]["agentId"] == CAPTURED_AGENT


def test_given_any_agent_when_its_variant_is_asked_then_it_is_the_baseline(runs: Runs) -> None:
    status, answer, _ = runs.call("variant", "get_active_variant/ok.json")
    refused, problem, _ = runs.call("variant", "get_active_variant/unknown_traffic_type.json")

    assert status == 200, answer
    assert answer["data"] == {"hasActiveVariant": False, "assignment": "baseline", "inTest": False}
    assert_problem(refused, problem, 422, "validation_failed", "VALIDATION_ERROR")
    assert problem["errors"][0]["loc"] == ["query", "trafficType"]
