"""The offline insights provider: sentiment in the conversation's language (VADER for English, a
Spanish lexicon for Spanish), key phrases, rule-based issues, and a summary assembled only from
what the conversation and Parley's records say — never invented."""

from __future__ import annotations

import re

from parley.insights.issues import find_issues
from parley.insights.sentiment import compound_in, user_sentiment
from parley.insights.topics import topics
from parley.insights.transcript import Analysis, Transcript

SUMMARY_REQUEST_CHARS = 140
_SENTENCE = re.compile(r"(?<=[.!?])\s+")
_CLOSING = re.compile(
    r"\b(?:thanks?|thank\s+you|perfect|great|awesome|that\s+helps|that'?s\s+all|sounds\s+good|i'?ll\s+(?:take|order|buy)"
    r"|order(?:ed)?\s+it|problem\s+solved|works\s+now|all\s+set"
    r"|gracias|perfecto|genial|excelente|listo|me\s+sirve|eso\s+es\s+todo|ya\s+funciona|lo\s+compro)\b",
    re.IGNORECASE,
)
_OUTCOME_WORDS = {"purchase": "a purchase", "lead": "a lead", "abandon": "an abandon", "other": "an outcome"}
_BLOCKING_ISSUES = frozenset(
    {"complaint", "human_requested", "assistant_not_understood", "repeated_question", "handed_off"}
)


def task_completed(
    transcript: Transcript, issues: list[dict[str, object]], language: str = "en"
) -> bool | None:
    """A recorded conversion decides first; otherwise the end of the conversation does."""
    if transcript.conversion_outcome in ("purchase", "lead"):
        return True
    if transcript.conversion_outcome == "abandon":
        return False
    users = transcript.user_turns()
    if not users:
        return None
    last_index, last_text = users[-1]
    late_issues = [
        i for i in issues if i["type"] in _BLOCKING_ISSUES and int(str(i["messageIndex"])) >= last_index - 2
    ]
    if late_issues:
        return False
    if _CLOSING.search(last_text) and compound_in(last_text, language) >= 0:
        return True
    return None


def _first_request(user_texts: list[str]) -> str | None:
    for text in user_texts:
        sentence = _SENTENCE.split(text.strip())[0].strip()
        if len(sentence) >= 3:
            if len(sentence) > SUMMARY_REQUEST_CHARS:
                sentence = sentence[: SUMMARY_REQUEST_CHARS - 1].rsplit(" ", 1)[0] + "…"
            return sentence
    return None


def summarize(
    transcript: Transcript, sentiment: str, completed: bool | None, issues: list[dict[str, object]]
) -> str:
    user_texts = [text for _, text in transcript.user_turns()]
    parts: list[str] = []
    request = _first_request(user_texts)
    if request:
        parts.append(f'The user opened with: "{request}"')
    else:
        parts.append("The user wrote nothing.")
    if transcript.covered_categories:
        parts.append(
            "Covered: " + ", ".join(c.replace("_", " ") for c in transcript.covered_categories) + "."
        )
    kinds = sorted({str(i["type"]).replace("_", " ") for i in issues})
    if kinds:
        parts.append("Issues: " + ", ".join(kinds) + ".")
    if transcript.conversion_outcome:
        parts.append(f"Recorded outcome: {_OUTCOME_WORDS.get(transcript.conversion_outcome, 'an outcome')}.")
    elif completed is True:
        parts.append("The user ended satisfied.")
    elif completed is False:
        parts.append("The task was not completed.")
    parts.append(f"{len(user_texts)} user turns of {len(transcript.turns)}; user sentiment {sentiment}.")
    return " ".join(parts)


class OfflineInsightsProvider:
    name = "offline"

    def analyze(self, transcript: Transcript) -> Analysis:
        user_texts = [text for _, text in transcript.user_turns()]
        language = transcript.language()
        sentiment, score = user_sentiment(user_texts, language)
        issues = find_issues(transcript)
        completed = task_completed(transcript, issues, language)
        return Analysis(
            sentiment=sentiment,
            sentiment_score=score,
            task_completed=completed,
            topics=topics(user_texts, transcript.covered_categories),
            summary=summarize(transcript, sentiment, completed, issues),
            issues=issues,
        )
