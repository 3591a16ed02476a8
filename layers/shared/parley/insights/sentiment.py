"""Sentiment of the user's side of a conversation, per language: VADER (lexicon-based, offline) for
English, and for Spanish a small lexicon scored the way VADER scores (valences from -4 to 4,
negation and intensifiers, the same normalisation to [-1, 1]). No English lexicon is ever applied
to Spanish words: a transcript's language is detected from its words (``parley.language.detect``).

Scale: ``sentimentScore`` is in [-1, 1] — a weighted mean of the compound score over the user's
turns, where later turns weigh more (weight 0.8^(turns after it)): how a conversation ends says
more than how it began. Labels: ``mixed`` when the user had both a clearly positive and a clearly
negative turn (compound ≥ 0.5 and ≤ -0.5) and the weighted score stays within ±0.3; otherwise
``positive`` (score ≥ 0.05), ``negative`` (≤ -0.05) or ``neutral``.
"""

from __future__ import annotations

import math
from functools import cache
from typing import Any

RECENCY_DECAY = 0.8
STRONG = 0.5
MIXED_BAND = 0.3
NEUTRAL_BAND = 0.05
_NORMALISE = 15.0  # VADER's alpha
_NEGATION_SCALAR = -0.74  # VADER's
_BOOST = 0.293  # VADER's intensifier increment

# Spanish valences (folded: no accents), on VADER's scale.
_SPANISH = {
    **dict.fromkeys(
        "excelente perfecto perfecta maravilloso maravillosa increible encanta encanto fantastico "
        "fantastica genial buenisimo buenisima padrisimo chingon".split(),
        3.0,
    ),
    **dict.fromkeys(
        "bueno buena bien gracias agradezco amable chido chida padre bonito bonita lindo linda "
        "feliz contento contenta encantado encantada facil rapido rapida util super gusto "
        "gusta recomiendo comodo comoda ideal exacto justo listo lista resuelto".split(),
        2.0,
    ),
    **dict.fromkeys("ok vale claro sale correcto funciona sirve interesante".split(), 1.0),
    **dict.fromkeys(
        "malo mala mal feo fea lento lenta caro cara tarde problema problemas falla fallo "
        "error roto rota triste confuso confusa dificil queja molesto molesta".split(),
        -2.0,
    ),
    **dict.fromkeys(
        "pesimo pesima horrible terrible fatal basura inutil estafa odio harto harta "
        "furioso furiosa enojado enojada decepcionado decepcionada decepcion verguenza "
        "porqueria asco desastre ridiculo ridicula".split(),
        -3.0,
    ),
    **dict.fromkeys("nunca jamas".split(), -0.5),
}
_NEGATIONS = frozenset("no ni sin tampoco nada nadie ningun ninguna".split())
_INTENSIFIERS = frozenset("muy super re bien demasiado tan bastante sumamente totalmente realmente".split())


@cache
def _analyzer() -> Any:
    # The lexicon (~7,500 entries) is read once per container, on first use.
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    return SentimentIntensityAnalyzer()


def compound(text: str) -> float:
    """VADER's compound score of an English text."""
    return float(_analyzer().polarity_scores(text)["compound"])


def spanish_compound(text: str) -> float:
    """The compound score of a Spanish text from the Spanish lexicon."""
    from parley.language.text import tokenize

    words = [t for t in tokenize(text) if t.isalpha()]
    total = 0.0
    for i, word in enumerate(words):
        valence = _SPANISH.get(word)
        if valence is None:
            continue
        if i and words[i - 1] in _INTENSIFIERS:
            valence += _BOOST if valence > 0 else -_BOOST
        if any(w in _NEGATIONS for w in words[max(0, i - 3) : i]):
            valence *= _NEGATION_SCALAR
        total += valence
    if not total:
        return 0.0
    exclamations = min(text.count("!"), 4) * 0.292
    total += exclamations if total > 0 else -exclamations
    return round(max(-1.0, min(1.0, total / math.sqrt(total * total + _NORMALISE))), 4)


def compound_in(text: str, language: str) -> float:
    """The compound score of a text in a language (``en``, ``es``); 0 for any other language."""
    if language.startswith("en"):
        return compound(text)
    if language.startswith("es"):
        return spanish_compound(text)
    return 0.0


def user_sentiment(user_texts: list[str], language: str | None = None) -> tuple[str, float]:
    if not user_texts:
        return "neutral", 0.0
    if language is None:
        from parley.language.detect import detect_language

        language = detect_language(user_texts)
    scores = [compound_in(text, language) for text in user_texts]
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
