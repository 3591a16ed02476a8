"""Insights providers: offline by default; Amazon Bedrock (Converse API) when a deployment asks
for it, falling back to the offline analysis on any error — a model outage or a malformed answer
must never lose a conversation's insights."""

from __future__ import annotations

import json
from typing import Any, Protocol

from parley.insights.offline import OfflineInsightsProvider
from parley.insights.transcript import Analysis, Transcript

SENTIMENTS = frozenset({"positive", "neutral", "negative", "mixed"})
MAX_TRANSCRIPT_CHARS = 60_000
SYSTEM_PROMPT = (
    "You analyse customer conversations. Answer with one JSON object and nothing else, with keys: "
    '"sentiment" (one of positive, neutral, negative, mixed), "sentimentScore" (number from -1 to 1), '
    '"taskCompleted" (true, false or null), "topics" (up to 8 short strings), "summary" (at most 3 '
    'sentences, only facts stated in the conversation), "issues" (list of objects with "type", '
    '"messageIndex" (the [n] of the message) and "excerpt").'
)


class InsightsProvider(Protocol):
    name: str

    def analyze(self, transcript: Transcript) -> Analysis: ...


class BedrockInsightsProvider:
    name = "bedrock"

    def __init__(self, client: Any, model_id: str, fallback: InsightsProvider, logger: Any = None) -> None:
        self._client = client
        self._model_id = model_id
        self._fallback = fallback
        self._logger = logger

    def analyze(self, transcript: Transcript) -> Analysis:
        try:
            return self._ask(transcript)
        except Exception as exc:  # any failure: the offline analysis still answers
            if self._logger is not None:
                self._logger.warning(
                    "bedrock analysis failed; offline fallback", extra={"error_type": type(exc).__name__}
                )
            return self._fallback.analyze(transcript)

    def _ask(self, transcript: Transcript) -> Analysis:
        lines = [f"[{i}] {turn.role}: {turn.content}" for i, turn in enumerate(transcript.turns)]
        text = "\n".join(lines)[-MAX_TRANSCRIPT_CHARS:]
        if transcript.conversion_outcome:
            text += f"\n(Recorded outcome of this conversation: {transcript.conversion_outcome})"
        response = self._client.converse(
            modelId=self._model_id,
            system=[{"text": SYSTEM_PROMPT}],
            messages=[{"role": "user", "content": [{"text": text}]}],
            inferenceConfig={"maxTokens": 800, "temperature": 0.0},
        )
        answer = "".join(part.get("text", "") for part in response["output"]["message"]["content"])
        return _parse(answer, len(transcript.turns))


def _parse(answer: str, turn_count: int) -> Analysis:
    start, end = answer.find("{"), answer.rfind("}")
    data = json.loads(answer[start : end + 1])
    sentiment = data["sentiment"]
    if sentiment not in SENTIMENTS:
        raise ValueError(f"unknown sentiment {sentiment!r}")
    score = float(data["sentimentScore"])
    if not -1.0 <= score <= 1.0:
        raise ValueError("sentimentScore out of range")
    completed = data.get("taskCompleted")
    if completed is not None and not isinstance(completed, bool):
        raise ValueError("taskCompleted must be a boolean or null")
    issues = []
    for issue in data.get("issues", []):
        index = int(issue["messageIndex"])
        if not 0 <= index < turn_count:
            raise ValueError("issue points outside the conversation")
        issues.append(
            {
                "type": str(issue["type"]),
                "messageIndex": index,
                "excerpt": str(issue.get("excerpt", ""))[:200],
            }
        )
    return Analysis(
        sentiment=sentiment,
        sentiment_score=round(score, 3),
        task_completed=completed,
        topics=[str(t) for t in data.get("topics", [])][:8],
        summary=str(data.get("summary", ""))[:1000],
        issues=issues,
    )


def provider_for(
    name: str, model_id: str | None, client_factory: Any, logger: Any = None
) -> InsightsProvider:
    offline = OfflineInsightsProvider()
    if name == "bedrock" and model_id:
        return BedrockInsightsProvider(client_factory("bedrock-runtime"), model_id, offline, logger)
    return offline
