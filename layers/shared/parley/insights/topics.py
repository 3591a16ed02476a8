"""Topics: key phrases from the user's turns (a small RAKE: candidate phrases are runs of content
words between stop words and punctuation, scored by word degree over frequency) plus the NBQ
categories the conversation covered. No model, no download, deterministic."""

from __future__ import annotations

import re
from collections import Counter

MAX_TOPICS = 6
MAX_PHRASE_WORDS = 3
_SPLIT = re.compile(r"[.,;:!?()\[\]\"“”/\\\n]+")
_WORD = re.compile(r"[a-z][a-z'-]*[a-z]|[a-z]")
STOP_WORDS = frozenset(
    """a about above after again against all am an and any are aren't as at be because been before being
    below between both but by can can't cannot could couldn't did didn't do does doesn't doing don't down
    during each few for from further had hadn't has hasn't have haven't having he he'd he'll he's her here
    here's hers herself him himself his how how's i i'd i'll i'm i've if in into is isn't it it's its
    itself let's me more most mustn't my myself no nor not of off on once only or other ought our ours
    ourselves out over own same shan't she she'd she'll she's should shouldn't so some such than that
    that's the their theirs them themselves then there there's these they they'd they'll they're they've
    this those through to too under until up very was wasn't we we'd we'll we're we've were weren't what
    what's when when's where where's which while who who's whom why why's with won't would wouldn't you
    you'd you'll you're you've your yours yourself yourselves hi hello hey thanks thank please ok okay yes
    yeah sure just also really like want wanted need needs looking look get got would could maybe well
    much many lot lots thing things something anything one ones know think go going help tell let
    new""".split()
)


def key_phrases(user_texts: list[str], limit: int = MAX_TOPICS) -> list[str]:
    phrases: list[tuple[str, ...]] = []
    for text in user_texts:
        for fragment in _SPLIT.split(text.lower()):
            current: list[str] = []
            for word in _WORD.findall(fragment):
                if word in STOP_WORDS or len(word) < 3:
                    if current:
                        phrases.append(tuple(current[:MAX_PHRASE_WORDS]))
                    current = []
                else:
                    current.append(word)
            if current:
                phrases.append(tuple(current[:MAX_PHRASE_WORDS]))
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
