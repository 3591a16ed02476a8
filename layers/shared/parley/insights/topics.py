"""Topics: key phrases from the user's turns (a small RAKE: candidate phrases are runs of content
words between stop words, numbers and punctuation, scored by word degree over frequency) plus the
NBQ categories the conversation covered. No model, no download, deterministic.

Stop words are the language layer's, in English and Spanish, with small talk, comparators ("under",
"around", "menos"), currencies ("euros", "pesos") and number words: a topic is never "around
euros". Words are compared folded (no accents) and shown as written."""

from __future__ import annotations

import re
from collections import Counter
from functools import cache

MAX_TOPICS = 6
MAX_PHRASE_WORDS = 3
_SPLIT = re.compile(r"[.,;:!?()\[\]\"“”¿¡/\\\n]+")
_WORD = re.compile(r"[^\W\d_](?:[^\W\d_]|['\u2019-](?=[^\W\d_]))*|\d[\d.,]*")
_EXTRA_STOP_WORDS = frozenset(
    """hi hello hey thanks thank please ok okay yes yeah sure just also really like want wanted need needs
    looking look get got would could maybe well much many lot lots thing things something anything one
    ones know think go going help tell let new hola gracias porfa favor bueno pues oye quiero necesito
    busco quisiera algo cosa cosas mas menos muy tambien somos estamos seremos possible posible""".split()
)


@cache
def stop_words() -> frozenset[str]:
    """Folded words that never make or join a topic."""
    from parley.language.lexicon import lexicon

    words: set[str] = set(_EXTRA_STOP_WORDS)
    for code in ("en", "es"):
        lex = lexicon(code)
        words |= (
            lex.stop_words
            | lex.negations
            | lex.currency_words
            | lex.money_context - {"budget", "presupuesto"}
        )
        words |= set(lex.number_words) | set(lex.multipliers) | lex.fillers | set(lex.span_days)
        words |= lex.people_nouns | set(lex.relatives) | lex.self_words
        for group in (lex.comparators_before, lex.comparators_after, lex.number_phrases):
            for phrase in group:
                words.update(phrase)
        for phrases in (lex.greetings, lex.thanks, lex.goodbyes, lex.acknowledgements, lex.corrections):
            for phrase in phrases:
                words.update(phrase)
    return frozenset(words)


def _folded(word: str) -> str:
    from parley.language.text import fold

    return fold(word)


def _phrases(user_texts: list[str]) -> list[tuple[str, ...]]:
    stops = stop_words()
    phrases: list[tuple[str, ...]] = []
    for text in user_texts:
        for fragment in _SPLIT.split(text.lower()):
            current: list[str] = []
            for word in _WORD.findall(fragment):
                if word[0].isdigit() or _folded(word) in stops or len(word) < 3:
                    if current:
                        phrases.append(tuple(current[:MAX_PHRASE_WORDS]))
                    current = []
                else:
                    current.append(word)
            if current:
                phrases.append(tuple(current[:MAX_PHRASE_WORDS]))
    return phrases


def key_phrases(user_texts: list[str], limit: int = MAX_TOPICS) -> list[str]:
    phrases = _phrases(user_texts)
    if not phrases:
        return []
    frequency: Counter[str] = Counter()
    degree: Counter[str] = Counter()
    for phrase in phrases:
        for word in phrase:
            frequency[word] += 1
            degree[word] += len(phrase)
    scored: dict[str, float] = {}
    for phrase in phrases:
        text = " ".join(phrase)
        scored[text] = max(scored.get(text, 0.0), sum(degree[w] / frequency[w] for w in phrase))
    # Repeated phrases matter more; ties keep first-mention order (dict order) for determinism.
    counts = Counter(" ".join(p) for p in phrases)
    ranked = sorted(scored, key=lambda p: -(scored[p] + counts[p] - 1))
    chosen: list[str] = []
    for candidate in ranked:
        if any(candidate in other or other in candidate for other in chosen):
            continue
        chosen.append(candidate)
        if len(chosen) == limit:
            break
    return chosen


def topics(user_texts: list[str], covered_categories: tuple[str, ...]) -> list[str]:
    categories = [c.replace("_", " ") for c in covered_categories]
    phrases = [p for p in key_phrases(user_texts) if p not in categories]
    return (categories + phrases)[: MAX_TOPICS + len(categories)]
