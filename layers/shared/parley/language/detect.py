"""Which supported language a text is written in, from its function words: cheap and good enough to
pick a sentiment lexicon for a transcript that does not say its language."""

from __future__ import annotations

from collections.abc import Iterable

from parley.language.text import tokenize

# Frequent words of one language that are rare in the other.
_MARKERS = {
    "en": frozenset(
        "the and is are you i to of it my we for with that this have what how do dont can not want need "
        "looking table please thanks hi hello yes no would like im its".split()
    ),
    "es": frozenset(
        "el la los las que y es son de del en un una para con por mi quiero busco hola gracias esta "
        "estoy como pero muy tengo necesito mesa somos si".split()
    ),
}
_SHARED = _MARKERS["en"] & _MARKERS["es"]


def detect_language(texts: Iterable[str], default: str = "en") -> str:
    """``en`` or ``es``: the language whose marker words the texts use most (``default`` on a tie)."""
    counts = dict.fromkeys(_MARKERS, 0)
    for text in texts:
        for token in tokenize(text[:2000]):
            if token in _SHARED:
                continue
            for language, markers in _MARKERS.items():
                if token in markers:
                    counts[language] += 1
    best = max(counts.values())
    if best == 0:
        return default
    winners = [language for language, count in counts.items() if count == best]
    return default if default in winners else winners[0]
