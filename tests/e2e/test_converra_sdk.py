"""Converra's published Python SDK (`converra`, pinned in requirements-dev) against the local gateway,
with nothing changed but its base URL and key — as a Converra customer moving to Parley would run it.

- `send()` creates a run, and `send(conversation_id=…)` appends to the same run: one conversation,
  readable on both APIs, the top-level session id stored as `metadata.sessionId`;
- `get_run_insights()` before and after completion, parsed by the SDK's own parser, every field
  following the rules of docs/api/runs.md from the insights the Conversations API shows;
- `init()` reads Parley's configuration; the resolver's agent match and active variant;
- `wrap()` around a stand-in OpenAI client: each call is answered by the client unchanged and lands
  as a run of its system prompt's agent, with its messages.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Iterator
from types import SimpleNamespace
from typing import Any

import pytest
import requests
from converra import (
    Converra,
    ConversationInsights,
    ConversationInsightsUnavailable,
    ConversationMessage,
    Usage,
)
from converra._hasher import hash_prompt_content
from converra._types import SdkConfig

from tests.helpers.gateway import RunningGateway

pytestmark = pytest.mark.e2e
TIMEOUT = 30
DEADLINE_SECONDS = 20
# docs/api/runs.md: what each kind of issue weighs against the quality score.
WEIGHTS = {"complaint": 20, "assistant_not_understood": 15, "repeated_question": 15, "human_requested": 10}


def bearer(gateway: RunningGateway) -> dict[str, str]:
    return {"Authorization": f"Bearer {gateway.demo_key}"}


def get(gateway: RunningGateway, path: str, **params: str) -> dict[str, Any]:
    response = requests.get(f"{gateway.url}{path}", params=params, headers=bearer(gateway), timeout=TIMEOUT)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def eventually[T](fetch: Callable[[], T], done: Callable[[T], bool]) -> T:
    deadline = time.monotonic() + DEADLINE_SECONDS
    while True:
        value = fetch()
        if done(value) or time.monotonic() > deadline:
            return value
        time.sleep(0.5)


@pytest.fixture
def converra(gateway: RunningGateway) -> Iterator[Converra]:
    """The SDK as its README shows it, pointed at the local gateway with the demo tenant's key."""
    assert gateway.demo_key
    client = Converra(api_key=gateway.demo_key, base_url=f"{gateway.url}/api/v1", flush_interval=0.2)
    yield client
    client.shutdown()


# ------------------------------------------------------------------------------------------------
# send()
# ------------------------------------------------------------------------------------------------
def test_send_creates_a_run_then_appends_to_the_same_run(gateway: RunningGateway, converra: Converra) -> None:
    session = f"sess-{uuid.uuid4().hex[:12]}"

    created = converra.send(
        agent="Support Bot",
        messages=[
            {"role": "user", "content": "Hi, my garden table order has not arrived."},
            {"role": "assistant", "content": "Sorry about that! What is the order number?"},
        ],
        status="active",
        session_id=session,
        user_id="customer_acme",
        metadata={"channel": "web"},
    )
    appended = converra.send(
        agent="Support Bot",
        conversation_id=created.conversation_id,
        messages=[
            ConversationMessage(role="user", content="It is A-1001."),
            ConversationMessage(
                role="assistant",
                content="A-1001 ships tomorrow.",
                model="gpt-4o",
                usage=Usage(prompt_tokens=120, completion_tokens=9),
                latency_ms=850,
            ),
        ],
        status="completed",
        session_id=session,
    )

    # One run, and it is the conversation of the same id on the Conversations API.
    assert appended.conversation_id == created.conversation_id
    conversation = get(gateway, f"/api/v1/conversations/{created.conversation_id}")
    assert conversation["promptId"] == "Support Bot"
    assert conversation["status"] == "completed"
    assert [m["content"] for m in conversation["messages"]] == [
        "Hi, my garden table order has not arrived.",
        "Sorry about that! What is the order number?",
        "It is A-1001.",
        "A-1001 ships tomorrow.",
    ]
    assert conversation["messages"][3]["usage"] == {"promptTokens": 120, "completionTokens": 9}
    assert conversation["messages"][3]["latencyMs"] == 850
    assert conversation["metadata"] == {
        "source": "sdk",
        "channel": "web",
        "sessionId": session,
        "userId": "customer_acme",
    }
    assert conversation["userId"] == "customer_acme"
    run = get(gateway, f"/api/v1/runs/{created.conversation_id}")["data"]
    assert (run["agentId"], run["sessionId"], run["messageCount"]) == ("Support Bot", session, 4)


def test_a_session_id_sent_on_append_links_the_run_to_that_sessions_outcome(
    gateway: RunningGateway, converra: Converra
) -> None:
    # Given a run whose session id arrives only with an append (as send(conversation_id=…) sends it)
    session = f"sess-{uuid.uuid4().hex[:12]}"
    run = converra.send(
        agent="Checkout Bot",
        messages=[{"role": "user", "content": "I'd like the teak table."}],
        status="active",
    )
    converra.send(
        agent="Checkout Bot",
        conversation_id=run.conversation_id,
        messages=[{"role": "assistant", "content": "Added to your cart."}],
        session_id=session,
    )

    # When the session's conversion is recorded
    recorded = requests.post(
        f"{gateway.url}/v1/sessions/{session}/conversion",
        json={"outcome": "purchase"},
        headers={**bearer(gateway), "Idempotency-Key": str(uuid.uuid4())},
        timeout=TIMEOUT,
    )
    assert recorded.status_code == 202, recorded.text

    # Then the run carries its outcome
    outcome = eventually(
        lambda: get(gateway, f"/api/v1/runs/{run.conversation_id}")["data"]["outcome"],
        lambda value: value is not None,
    )
    assert outcome == "purchase"


# ------------------------------------------------------------------------------------------------
# get_run_insights()
# ------------------------------------------------------------------------------------------------
def test_run_insights_after_completion_parse_with_the_sdks_own_parser(
    gateway: RunningGateway, converra: Converra
) -> None:
    # Given a run with a complaint, still active
    run = converra.send(
        agent="Support Bot",
        messages=[
            {"role": "user", "content": "The parasol I bought is broken, this is terrible."},
            {"role": "assistant", "content": "I'm sorry! I can send a replacement today."},
        ],
        status="active",
    )
    before = converra.get_run_insights(run.conversation_id)

    # When it completes and the worker has analysed it
    converra.send(
        agent="Support Bot",
        conversation_id=run.conversation_id,
        messages=[{"role": "user", "content": "Perfect, thank you!"}],
        status="completed",
    )
    insights = eventually(
        lambda: converra.get_run_insights(run.conversation_id),
        lambda value: isinstance(value, ConversationInsights),
    )

    # Then before completion the SDK read a pending lifecycle, and now the insights parse
    assert isinstance(before, ConversationInsightsUnavailable)
    assert (before.conversation_id, before.status, before.reason) == (
        run.conversation_id,
        "pending",
        "run_not_completed",
    )
    assert isinstance(insights, ConversationInsights), insights
    seed = get(gateway, f"/api/v1/conversations/{run.conversation_id}/insights")
    # The seed's insights keep their shape.
    assert set(seed) == {
        "conversationId",
        "sentiment",
        "sentimentScore",
        "taskCompleted",
        "topics",
        "summary",
        "issues",
        "createdAt",
        "request_id",
    }
    assert insights.id == "ins_" + run.conversation_id.removeprefix("conv_")
    assert insights.conversation_id == run.conversation_id
    assert insights.title == "The parasol I bought is broken, this is terrible."
    assert insights.executive_summary == seed["summary"]
    assert insights.keywords == seed["topics"]
    assert insights.created_at == insights.updated_at == seed["createdAt"]
    issues = insights.top_issues + insights.additional_concerns
    assert sorted(i["type"] for i in issues) == sorted(i["type"] for i in seed["issues"])
    assert "complaint" in [i["type"] for i in insights.top_issues]
    assert (
        "Follow up on the complaint and check that what the user reported is resolved." in insights.next_steps
    )
    assert insights.metadata == {
        "sentiment": seed["sentiment"],
        "sentimentScore": seed["sentimentScore"],
        "taskCompleted": seed["taskCompleted"],
        "outcome": None,
    }
    # The metrics, recomputed from the seed's insights with the documented rules.
    sentiment = round((seed["sentimentScore"] + 1) * 50, 1)
    quality = round(
        (sentiment + max(0, 100 - sum(WEIGHTS.get(i["type"], 10) for i in seed["issues"]))) / 2, 1
    )
    multiplier = {True: 1.0, None: 0.75, False: 0.5}[seed["taskCompleted"]]
    metrics = insights.metrics
    assert metrics.sentiment == sentiment
    assert metrics.quality_score == quality
    assert metrics.objective_multiplier == multiplier
    assert metrics.gated_score == round(quality * multiplier, 1)
    assert metrics.task_completion == {True: 100.0, False: 0.0, None: None}[seed["taskCompleted"]]


def test_unknown_run_insights_are_a_failed_request_for_the_sdk(converra: Converra) -> None:
    assert converra.get_run_insights("conv_ffffffffffffffffffffffff") is None


# ------------------------------------------------------------------------------------------------
# init(), the resolver
# ------------------------------------------------------------------------------------------------
def test_init_reads_parleys_configuration_and_the_resolver_gets_agents_and_the_baseline(
    converra: Converra,
) -> None:
    prompt = "  You are the   garden shop's assistant.\n\nAnswer in one sentence.  "

    assert converra.init() is converra
    agent = converra.resolver.match_agent(prompt)
    variant = converra.resolver.get_active_variant(agent.agent_id if agent else "", session_id="sess-1")

    # init() keeps what /sdk/config answered (it keeps nothing when the call fails).
    assert converra._sdk_config == SdkConfig(
        testing_mode="simulation", capture_enabled=True, active_optimizations=[], agent_hashes={}
    )
    assert converra.testing_mode == "simulation"
    # The agent's id is derived from the prompt's hash, which is the SDK's own.
    assert agent is not None and agent.matched
    assert agent.content_hash == hash_prompt_content(prompt)
    assert agent.agent_id == "agent_" + hash_prompt_content(prompt)[:24]
    assert variant is not None
    assert (variant.has_active_variant, variant.assignment, variant.in_test) == (False, "baseline", False)
    assert variant.variant is None


# ------------------------------------------------------------------------------------------------
# wrap()
# ------------------------------------------------------------------------------------------------
class _Completions:
    """`chat.completions` of the stand-in: answers each call with a fixed text and records it."""

    def __init__(self) -> None:
        self.calls: list[dict[str, Any]] = []

    def create(self, *, model: str, messages: list[dict[str, Any]], **kwargs: Any) -> Any:
        self.calls.append({"model": model, "messages": messages, **kwargs})
        answer = f"Answer {len(self.calls)}"
        return SimpleNamespace(
            model=model,
            choices=[SimpleNamespace(message=SimpleNamespace(content=answer))],
            usage=SimpleNamespace(prompt_tokens=40 + len(self.calls), completion_tokens=3),
        )


class OpenAI:
    """A stand-in for `openai.OpenAI` (the SDK recognises an OpenAI client by its class name)."""

    def __init__(self) -> None:
        self.completions = _Completions()
        self.chat = SimpleNamespace(completions=self.completions)


def test_wrap_captures_every_llm_call_as_a_run_with_its_messages(
    gateway: RunningGateway, converra: Converra
) -> None:
    # Given a wrapped client, after init()
    session = f"sess-{uuid.uuid4().hex[:12]}"
    system = f"You are the order assistant ({uuid.uuid4().hex[:8]}). Answer briefly."
    converra.init()
    stand_in = OpenAI()
    llm: Any = converra.wrap(stand_in, session_id=session)

    # When the application makes three calls: two with the system prompt, one without
    first = llm.chat.completions.create(
        model="gpt-4o-mini",
        messages=[{"role": "system", "content": system}, {"role": "user", "content": "Where is A-1001?"}],
    )
    second = llm.chat.completions.create(
        model="gpt-4o-mini",
        messages=[
            {"role": "system", "content": system},
            {"role": "user", "content": "Where is A-1001?"},
            {"role": "assistant", "content": "Answer 1"},
            {"role": "user", "content": "Can I change the address?"},
        ],
    )
    third = llm.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": "Hello?"}])
    converra.shutdown()  # flushes the SDK's capture queue

    # Then the client answered each call itself, unchanged
    assert [r.choices[0].message.content for r in (first, second, third)] == [
        "Answer 1",
        "Answer 2",
        "Answer 3",
    ]
    assert [call["messages"][0]["content"] for call in stand_in.completions.calls[:2]] == [system, system]
    # And each call is a completed run of its system prompt's agent, with its messages and the answer
    agent = "agent_" + hash_prompt_content(system)[:24]
    listed = eventually(
        lambda: get(gateway, "/api/v1/runs", agentId=agent)["data"], lambda runs: len(runs) >= 2
    )
    runs = sorted(
        (get(gateway, f"/api/v1/runs/{item['id']}")["data"] for item in listed),
        key=lambda r: r["messageCount"],
    )
    assert [run["messageCount"] for run in runs] == [3, 5]
    assert [m["content"] for m in runs[1]["messages"]] == [
        system,
        "Where is A-1001?",
        "Answer 1",
        "Can I change the address?",
        "Answer 2",
    ]
    for number, run in enumerate(runs, start=1):
        assert run["status"] == "completed"
        assert run["agentId"] == agent
        assert run["sessionId"] == session
        assert run["llmModel"] == "gpt-4o-mini"
        assert run["messages"][-1] == {
            "role": "assistant",
            "content": f"Answer {number}",
            "model": "gpt-4o-mini",
            "usage": {"promptTokens": 40 + number, "completionTokens": 3},
        }
        assert run["metadata"]["assignment"] == "baseline"
        assert run["metadata"]["source"] == "sdk"
    # A call without a system prompt has no agent: it is a run of `unassigned`.
    unassigned = eventually(
        lambda: [
            get(gateway, f"/api/v1/runs/{item['id']}")["data"]
            for item in get(gateway, "/api/v1/runs", agentId="unassigned", limit="100")["data"]
        ],
        lambda found: any(run["sessionId"] == session for run in found),
    )
    [lone] = [run for run in unassigned if run["sessionId"] == session]
    assert [(m["role"], m["content"]) for m in lone["messages"]] == [
        ("user", "Hello?"),
        ("assistant", "Answer 3"),
    ]
