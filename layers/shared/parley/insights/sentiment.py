"""Sentiment of the user's side of a conversation, from VADER (lexicon-based, offline).

Scale: ``sentimentScore`` is in [-1, 1] — a weighted mean of VADER's compound score over the
user's turns, where later turns weigh more (weight 0.8^(turns after it)): how a conversation ends
says more than how it began. Labels: ``mixed`` when the user had both a clearly positive and a
clearly negative turn (compound ≥ 0.5 and ≤ -0.5) and the weighted score stays within ±0.3;
otherwise ``positive`` (score ≥ 0.05), ``negative`` (≤ -0.05) or ``neutral``.
"""

from __future__ import annotations

from functools import cache
from typing import Any

RECENCY_DECAY = 0.8
STRONG = 0.5
MIXED_BAND = 0.3
NEUTRAL_BAND = 0.05


@cache
def _analyzer() -> Any:
    # The lexicon (~7,500 entries) is read once per container, on first use.
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    return SentimentIntensityAnalyzer()


def compound(text: str) -> float:
    return float(_analyzer().polarity_scores(text)["compound"])


def user_sentiment(user_texts: list[str]) -> tuple[str, float]:
    if not user_texts:
        return "neutral", 0.0
    scores = [compound(text) for text in user_texts]
    count = len(scores)
    weights = [RECENCY_DECAY ** (count - 1 - i) for i in range(count)]
    score = sum(w * s for w, s in zip(weights, scores, strict=True)) / sum(weights)
    score = round(max(-1.0, min(1.0, score)), 3)
    if max(scores) >= STRONG and min(scores) <= -STRONG and abs(score) < MIXED_BAND:
        return "mixed", score
    if score >= NEUTRAL_BAND:
        return "positive", score
    if score <= -NEUTRAL_BAND:
        return "negative", score
    return "neutral", score
