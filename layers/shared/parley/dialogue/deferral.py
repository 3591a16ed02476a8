"""A visitor who leaves a digression's question for later ("luego te paso el cp", "I'll check the
postcode later"): the digression is dropped and the task it interrupted goes on, instead of asking
the same question again."""

from __future__ import annotations

from collections.abc import Sequence

from parley.language.text import tokenize

_LATER: dict[str, tuple[str, ...]] = {
    "es": (
        "luego te paso",
        "luego te lo paso",
        "despues te paso",
        "despues te lo paso",
        "luego veo",
        "luego lo veo",
        "despues lo veo",
        "luego te digo",
        "despues te digo",
        "mas tarde",
        "no me lo se",
        "no me se",
        "no lo tengo a la mano",
        "no lo tengo",
        "no me acuerdo",
        "lo busco y te digo",
        "luego lo busco",
        "eso luego",
        "eso despues",
        "ahorita no",
    ),
    "en": (
        "later",
        "ill check",
        "i will check",
        "dont know it",
        "dont have it",
        "not sure what it is",
        "ill tell you later",
        "i will tell you later",
        "cant remember",
        "never mind that",
    ),
}
_PHRASES = {code: tuple(tuple(tokenize(p)) for p in phrases) for code, phrases in _LATER.items()}


def leaves_for_later(words: Sequence[str], language: str) -> bool:
    """Whether the text leaves the question asked for later."""
    for phrase in _PHRASES.get(language, ()):
        n = len(phrase)
        if any(tuple(words[i : i + n]) == phrase for i in range(len(words) - n + 1)):
            return True
    return False
