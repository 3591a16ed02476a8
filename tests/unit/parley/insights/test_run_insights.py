"""A run's v1 insights (parley.insights.v1) from the insights Parley stored: every field follows a
rule of docs/api/runs.md, and the SDK's own parser (``converra``) reads what Parley serialises."""

from __future__ import annotations

from typing import Any

import pytest
from converra import ConversationInsights, ConversationInsightsUnavailable

from parley.conversations.entities import Conversation, StoredConversation
from parley.conversations.models import Insights
from parley.insights.v1 import (
    TASK_NOT_COMPLETED_STEP,
    RunInsights,
    RunInsightsPending,
    RunInsightsResponse,
    run_insights,
)

RUN = "conv_0123456789abcdef01234567"


def issue(kind: str, index: int) -> dict[str, object]:
    return {"type": kind, "messageIndex": index, "excerpt": f"words of {index}"}


def stored(
    *,
    status: str = "completed",
    issues: list[dict[str, object]] | None = None,
    score: float | None = 0.4,
    completed: bool | None = True,
    title: str | None = "Where is my order?",
    outcome_at: str | None = None,
    analysed: bool = True,
) -> StoredConversation:
    header = Conversation(
        tenant_id="demo",
        id=RUN,
        prompt_id="Support Bot",
        status=status,
        created_at="2026-11-23T10:00:00Z",
        updated_at="2026-11-23T10:00:00Z",
        message_count=4,
        content_bytes=100,
        title=title,
        user_id="customer_acme",
        outcome="purchase" if outcome_at else None,
        outcome_at=outcome_at,
    )
    insights = Insights(
        sentiment="positive",
        sentiment_score=score,
        task_completed=completed,
        topics=["order status", "delivery"],
        summary='The user opened with: "Where is my order?"',
        issues=issues or [],
        created_at="2026-11-23T10:01:00Z",
    )
    return StoredConversation(header, [], insights if analysed else None)


def insights_of(**fields: Any) -> RunInsights:
    result = run_insights(stored(**fields))
    assert isinstance(result, RunInsights)
    return result


# --------------------------------------------------------------------------------------------------
# Before the analysis
# --------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("status", "reason"), [("completed", "analysis_queued"), ("active", "run_not_completed")]
)
def test_given_no_insights_yet_then_the_answer_is_pending_and_says_why(status: str, reason: str) -> None:
    answer = run_insights(stored(status=status, analysed=False))

    assert isinstance(answer, RunInsightsPending)
    assert (answer.status, answer.reason) == ("pending", reason)
    parsed = ConversationInsightsUnavailable.from_dict(RunInsightsResponse(data=answer).body()["data"])
    assert (parsed.conversation_id, parsed.status, parsed.reason) == (RUN, "pending", reason)


# --------------------------------------------------------------------------------------------------
# The fields
# --------------------------------------------------------------------------------------------------
def test_given_insights_then_title_summary_keywords_and_times_come_from_the_conversation() -> None:
    result = insights_of()

    assert result.id == "ins_0123456789abcdef01234567"
    assert result.conversation_id == RUN
    assert result.title == "Where is my order?"
    assert result.executive_summary == 'The user opened with: "Where is my order?"'
    assert result.keywords == ["order status", "delivery"]
    assert result.user_id == "customer_acme"
    assert result.created_at == result.updated_at == "2026-11-23T10:01:00Z"
    assert result.metadata == {
        "sentiment": "positive",
        "sentimentScore": 0.4,
        "taskCompleted": True,
        "outcome": None,
    }


def test_given_no_title_then_the_run_is_untitled() -> None:
    assert insights_of(title=None).title == "Untitled run"


def test_given_an_outcome_recorded_after_the_analysis_then_updated_at_is_its_time() -> None:
    result = insights_of(outcome_at="2026-11-24T08:00:00Z")

    assert (result.created_at, result.updated_at) == ("2026-11-23T10:01:00Z", "2026-11-24T08:00:00Z")
    assert result.metadata["outcome"] == "purchase"


def test_given_five_issues_then_the_three_heaviest_are_top_and_the_rest_additional() -> None:
    found = [
        issue("human_requested", 1),
        issue("repeated_question", 5),
        issue("complaint", 7),
        issue("assistant_not_understood", 2),
        issue("handed_off", 3),
    ]

    result = insights_of(issues=found)

    assert [(i.type, i.message_index, i.weight) for i in result.top_issues] == [
        ("complaint", 7, 20),
        ("assistant_not_understood", 2, 15),
        ("repeated_question", 5, 15),
    ]
    assert [(i.type, i.weight) for i in result.additional_concerns] == [
        ("human_requested", 10),
        ("handed_off", 5),
    ]
    assert result.top_issues[0].description == "The user complained."
    assert result.top_issues[0].excerpt == "words of 7"


def test_given_issues_and_an_unfinished_task_then_there_is_one_next_step_per_kind_and_one_for_the_task() -> (
    None
):
    result = insights_of(
        issues=[issue("complaint", 1), issue("complaint", 3), issue("human_requested", 4)], completed=False
    )

    assert result.next_steps == [
        "Follow up on the complaint and check that what the user reported is resolved.",
        "Offer a way to reach a person earlier in the conversation.",
        TASK_NOT_COMPLETED_STEP,
    ]


def test_given_a_clean_completed_run_then_there_are_no_next_steps() -> None:
    assert insights_of().next_steps == []


def test_given_an_issue_kind_of_a_bedrock_analysis_then_it_weighs_ten_and_reads_as_its_name() -> None:
    [found] = insights_of(issues=[issue("slow_answer", 2)]).top_issues

    assert (found.weight, found.description) == (10, "Slow answer.")
    assert insights_of(issues=[issue("slow_answer", 2)]).next_steps == ["Review the slow answer issue."]


# --------------------------------------------------------------------------------------------------
# The metrics
# --------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("score", "issues", "completed", "expected"),
    [
        # sentiment = (score + 1) * 50; quality = (sentiment + 100 - weights) / 2; gated = quality * m
        (0.4, [], True, (70.0, 85.0, 1.0, 85.0, 100.0)),
        (0.6, ["complaint", "human_requested"], False, (80.0, 75.0, 0.5, 37.5, 0.0)),
        (-1.0, [], None, (0.0, 50.0, 0.75, 37.5, None)),
        (None, ["complaint"], None, (50.0, 65.0, 0.75, 48.8, None)),
        # Issues never take the quality below the sentiment's half
        (0.0, ["complaint"] * 6, False, (50.0, 25.0, 0.5, 12.5, 0.0)),
    ],
)
def test_metrics_follow_the_documented_rules(
    score: float | None, issues: list[str], completed: bool | None, expected: tuple[Any, ...]
) -> None:
    metrics = insights_of(
        score=score, issues=[issue(kind, n) for n, kind in enumerate(issues)], completed=completed
    ).metrics

    assert (
        metrics.sentiment,
        metrics.quality_score,
        metrics.objective_multiplier,
        metrics.gated_score,
        metrics.task_completion,
    ) == expected


# --------------------------------------------------------------------------------------------------
# The SDK's own parser
# --------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("completed", [True, False, None])
def test_the_sdks_parser_reads_every_field_parley_sends(completed: bool | None) -> None:
    answer = insights_of(issues=[issue("complaint", 0)], completed=completed, score=None)
    wire = RunInsightsResponse(data=answer).body()["data"]

    parsed = ConversationInsights.from_dict(wire)

    assert parsed.id == answer.id and parsed.conversation_id == RUN
    assert (parsed.title, parsed.executive_summary) == (answer.title, answer.executive_summary)
    assert parsed.top_issues == wire["topIssues"] and parsed.additional_concerns == []
    assert parsed.next_steps == answer.next_steps and parsed.keywords == answer.keywords
    assert parsed.metrics.gated_score == answer.metrics.gated_score
    assert parsed.metrics.quality_score == answer.metrics.quality_score
    assert parsed.metrics.objective_multiplier == answer.metrics.objective_multiplier
    assert parsed.metrics.sentiment == answer.metrics.sentiment
    assert parsed.metrics.task_completion == answer.metrics.task_completion
    assert (parsed.user_id, parsed.metadata) == ("customer_acme", answer.metadata)
    assert (parsed.created_at, parsed.updated_at) == (answer.created_at, answer.updated_at)
