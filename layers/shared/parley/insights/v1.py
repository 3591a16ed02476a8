"""A run's insights in the shape Converra's SDK parses (``GET /api/v1/runs/{id}/insights``), computed
from the insights Parley stored for the conversation (the offline analysis, or Bedrock's when the
deployment uses it) and its header — never from anything else, so every field can be checked
against ``GET /api/v1/conversations/{id}/insights`` with the rules below (docs/api/runs.md):

- ``title``: the conversation's title (the title sent, else the first user turn's first line);
- ``executiveSummary``: the insights' ``summary``; ``keywords``: their ``topics``;
- ``topIssues``: the three heaviest issues (by ``ISSUE_WEIGHTS``, then in message order);
  ``additionalConcerns``: the rest;
- ``nextSteps``: one sentence per kind of issue found (heaviest first), and one when the task
  was not completed;
- ``metrics.sentiment`` = (sentimentScore + 1) * 50, in 0-100 (50 when there is no score);
  ``metrics.qualityScore`` = the mean of ``sentiment`` and 100 minus the issues' weights (at least
  0); ``metrics.objectiveMultiplier`` = 1 when the task was completed, 0.5 when it was not, 0.75
  when that is unknown; ``metrics.gatedScore`` = qualityScore * objectiveMultiplier;
  ``metrics.taskCompletion`` = 100 or 0 (null when unknown).

Before there are insights the answer is a lifecycle object (``status: pending``) with a 200, as the
SDK reads it (it treats every 4xx as a failed request).
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from parley.conversations.entities import COMPLETED, StoredConversation
from parley.conversations.run_models import RunApiModel

# How much an issue of each kind weighs against the quality score (out of 100).
ISSUE_WEIGHTS: dict[str, int] = {
    "complaint": 20,
    "assistant_not_understood": 15,
    "repeated_question": 15,
    "human_requested": 10,
    "handed_off": 5,
}
# Issues of another kind (a Bedrock analysis may name its own).
OTHER_ISSUE_WEIGHT = 10
TOP_ISSUES = 3
OBJECTIVE_MULTIPLIERS: dict[bool | None, float] = {True: 1.0, None: 0.75, False: 0.5}
NEUTRAL_SENTIMENT = 50.0
UNTITLED = "Untitled run"

ISSUE_DESCRIPTIONS: dict[str, str] = {
    "complaint": "The user complained.",
    "assistant_not_understood": "The assistant did not understand the user.",
    "repeated_question": "The user had to ask a question again.",
    "human_requested": "The user asked for a person.",
    "handed_off": "The assistant handed the conversation to a person.",
}
NEXT_STEPS: dict[str, str] = {
    "complaint": "Follow up on the complaint and check that what the user reported is resolved.",
    "assistant_not_understood": (
        "Teach the assistant what the user asked (scope, examples), so it is understood next time."
    ),
    "repeated_question": "Make sure the assistant answers the question the user had to repeat.",
    "human_requested": "Offer a way to reach a person earlier in the conversation.",
    "handed_off": "Check how the conversation ended after the handoff to a person.",
}
TASK_NOT_COMPLETED_STEP = "Review why the user's task was not completed."


# --------------------------------------------------------------------------------------------
# The shape
# --------------------------------------------------------------------------------------------
class RunInsightIssue(RunApiModel):
    type: str = Field(description="complaint, assistant_not_understood, repeated_question, human_requested…")
    description: str = Field(description="What the issue means, in a sentence.")
    message_index: int | None = Field(description="The message it was found in (0-based).")
    excerpt: str = Field(description="The words it was found in.")
    weight: int = Field(description="What it takes from the quality score.")


class RunInsightsMetrics(RunApiModel):
    gated_score: float = Field(description="qualityScore * objectiveMultiplier (0-100).")
    quality_score: float = Field(description="Mean of sentiment and 100 minus the issues' weights (0-100).")
    objective_multiplier: float = Field(description="1 task completed, 0.5 not completed, 0.75 unknown.")
    sentiment: float = Field(description="(sentimentScore + 1) * 50 (0-100).")
    task_completion: float | None = Field(description="100 completed, 0 not completed, null unknown.")


class RunInsights(RunApiModel):
    id: str = Field(description="`ins_` + the hex digits of the run's id.")
    conversation_id: str
    title: str
    executive_summary: str
    top_issues: list[RunInsightIssue]
    additional_concerns: list[RunInsightIssue]
    next_steps: list[str]
    keywords: list[str]
    metrics: RunInsightsMetrics
    user_id: str | None = Field(description="The run's userId (metadata.userId), if any.")
    metadata: dict[str, object] = Field(
        description="What the metrics come from: sentiment, sentimentScore, taskCompleted, outcome."
    )
    created_at: str = Field(description="When the analysis was made.")
    updated_at: str = Field(description="The later of createdAt and the last outcome recorded.")


class RunInsightsPending(RunApiModel):
    conversation_id: str
    status: Literal["pending"]
    reason: Literal["analysis_queued", "run_not_completed"] = Field(
        description="analysis_queued: the run is completed, insights follow shortly; run_not_completed: "
        "they are computed when it completes."
    )
    message: str


class RunInsightsResponse(RunApiModel):
    data: RunInsights | RunInsightsPending


# --------------------------------------------------------------------------------------------
# The rules
# --------------------------------------------------------------------------------------------
def issue_weight(kind: str) -> int:
    return ISSUE_WEIGHTS.get(kind, OTHER_ISSUE_WEIGHT)


def _issue(raw: object) -> RunInsightIssue:
    fields = raw if isinstance(raw, dict) else {}
    kind = str(fields.get("type") or "issue")
    index = fields.get("messageIndex")
    return RunInsightIssue(
        type=kind,
        description=ISSUE_DESCRIPTIONS.get(kind, kind.replace("_", " ").capitalize() + "."),
        message_index=index if isinstance(index, int) and not isinstance(index, bool) else None,
        excerpt=str(fields.get("excerpt") or ""),
        weight=issue_weight(kind),
    )


def _by_weight(issue: RunInsightIssue) -> tuple[int, int]:
    return -issue.weight, issue.message_index if issue.message_index is not None else 1 << 30


def next_steps(issues: list[RunInsightIssue], task_completed: bool | None) -> list[str]:
    steps: list[str] = []
    for issue in issues:
        step = NEXT_STEPS.get(issue.type, f"Review the {issue.type.replace('_', ' ')} issue.")
        if step not in steps:
            steps.append(step)
    if task_completed is False:
        steps.append(TASK_NOT_COMPLETED_STEP)
    return steps


def metrics_of(
    sentiment_score: float | None, issues: list[RunInsightIssue], task_completed: bool | None
) -> RunInsightsMetrics:
    sentiment = NEUTRAL_SENTIMENT if sentiment_score is None else round((sentiment_score + 1) * 50, 1)
    issue_free = max(0, 100 - sum(issue.weight for issue in issues))
    quality = round((sentiment + issue_free) / 2, 1)
    multiplier = OBJECTIVE_MULTIPLIERS[task_completed]
    return RunInsightsMetrics(
        gated_score=round(quality * multiplier, 1),
        quality_score=quality,
        objective_multiplier=multiplier,
        sentiment=sentiment,
        task_completion=None if task_completed is None else (100.0 if task_completed else 0.0),
    )


def run_insights(stored: StoredConversation) -> RunInsights | RunInsightsPending:
    """The v1 insights of a run (``stored`` needs no messages), or why there are none yet."""
    conversation, insights = stored.conversation, stored.insights
    if insights is None:
        if conversation.status == COMPLETED:
            return RunInsightsPending(
                conversation_id=conversation.id,
                status="pending",
                reason="analysis_queued",
                message="The run is completed; its insights are computed shortly.",
            )
        return RunInsightsPending(
            conversation_id=conversation.id,
            status="pending",
            reason="run_not_completed",
            message="Insights are computed when the run is completed (append with status completed).",
        )
    issues = sorted((_issue(raw) for raw in insights.issues), key=_by_weight)
    outcome_at = conversation.outcome_at
    return RunInsights(
        id="ins_" + conversation.id.removeprefix("conv_"),
        conversation_id=conversation.id,
        title=conversation.title or UNTITLED,
        executive_summary=insights.summary,
        top_issues=issues[:TOP_ISSUES],
        additional_concerns=issues[TOP_ISSUES:],
        next_steps=next_steps(issues, insights.task_completed),
        keywords=list(insights.topics),
        metrics=metrics_of(insights.sentiment_score, issues, insights.task_completed),
        user_id=conversation.user_id,
        metadata={
            "sentiment": insights.sentiment,
            "sentimentScore": insights.sentiment_score,
            "taskCompleted": insights.task_completed,
            "outcome": conversation.outcome,
        },
        created_at=insights.created_at,
        updated_at=max(insights.created_at, outcome_at) if outcome_at else insights.created_at,
    )
