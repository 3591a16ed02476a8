"""Reading a person's reply without a model: refusals, "I don't know", which of a question's
choices the words name, and which candidate an agent's rephrased question is. English and Spanish,
on folded tokens (case and accents ignored: ``parley.nbq.detection.tokens_of``)."""

from __future__ import annotations

from collections.abc import Sequence

from parley.nbq.catalog import Question
from parley.nbq.detection import tokens_of
from parley.nbq.objective import Choice

_REFUSALS = (
    "rather not", "prefer not", "would not say", "wont say", "won t say", "not telling", "no comment",
    "none of your business", "not your business", "dont want to say", "don t want to say",
    "do not want to say", "skip", "pass", "next question", "private",
    "prefiero no", "no quiero decir", "no te voy a decir", "paso", "siguiente pregunta", "es privado",
)  # fmt: skip
_UNKNOWNS = (
    "dont know", "don t know", "do not know", "not sure", "no idea", "unsure", "maybe later",
    "no se", "ni idea", "no estoy seguro", "no estoy segura", "quien sabe",
)  # fmt: skip


def _phrases(texts: Sequence[str]) -> tuple[tuple[str, ...], ...]:
    return tuple(tuple(tokens_of(text)) for text in texts)


_REFUSAL_TOKENS = _phrases(_REFUSALS)
_UNKNOWN_TOKENS = _phrases(_UNKNOWNS)


def _contains(tokens: list[str], phrase: tuple[str, ...]) -> bool:
    width = len(phrase)
    return any(tuple(tokens[i : i + width]) == phrase for i in range(len(tokens) - width + 1))


SHORT_REPLY_TOKENS = 3  # "skip", "I'll pass", "paso, gracias": a lone word refuses only alone
MAX_OTHER_TOKENS = 3  # "not sure, sorry" is no answer; "not sure, maybe 900 euros a month" is one


def is_refusal(text: str) -> bool:
    """A refusal phrase ("rather not", "prefiero no"); a one-word one ("skip", "private",
    "paso") only in a short reply, so "pass me the oak" or "a private terrace" is not one."""
    tokens = tokens_of(text)
    return any(
        _contains(tokens, phrase) and (len(phrase) > 1 or len(tokens) <= SHORT_REPLY_TOKENS)
        for phrase in _REFUSAL_TOKENS
    )


def is_unknown(text: str) -> bool:
    """ "I don't know" with little else and no number: a reply that hedges and then answers
    ("not sure… 900 euros") is an answer."""
    tokens = tokens_of(text)
    if any(any(ch.isdigit() for ch in token) for token in tokens):
        return False
    return any(
        _contains(tokens, phrase) and len(tokens) - len(phrase) <= MAX_OTHER_TOKENS
        for phrase in _UNKNOWN_TOKENS
    )


def choices_named(question: Question, text: str) -> tuple[Choice, ...]:
    """The choices whose whole label (or id) the words contain, longest labels first so that
    "8 or more" is not read as "8"; for a single-choice question, only a lone match counts."""
    tokens = tokens_of(text)
    found: list[Choice] = []
    for choice in sorted(question.options, key=lambda c: -len(tokens_of(c.label))):
        for name in (choice.label, choice.id):
            phrase = tuple(tokens_of(name))
            if phrase and _contains(tokens, phrase):
                if not any(set(phrase) <= set(tokens_of(other.label)) for other in found):
                    found.append(choice)
                break
    if question.selection_mode != "multiple" and len(found) > 1:
        return ()
    return tuple(found)


def likeness(a: str, b: str) -> float:
    """Word overlap of two texts (Jaccard on folded tokens), 0 to 1."""
    left, right = set(tokens_of(a)), set(tokens_of(b))
    if not left or not right:
        return 0.0
    return len(left & right) / len(left | right)
