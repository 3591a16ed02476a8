"""What the conversation already says: which categories are known, which terms are mentioned.

Everything that depends on the catalog is built once per catalog version (``DetectionIndex``).
A request then costs one tokenising regex per text and one pass over its tokens with a single
dictionary lookup per token — value detectors (money, sizes, counts, dates) read the tokens
around numbers and date words instead of running patterns over the text, so the cost does not
grow with the number of questions.

Negation: a mention inside a negated clause ("budget not yet discussed", "no idea about the
size") does not make its category known, unless the category is polar (a yes/no answer such as
"no chairs" is an answer).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from itertools import compress, count

from parley.nbq.catalog import Catalog

# Deliberately simple (it is the hot path): letters and digits runs, plus currency symbols, "/"
# and clause punctuation as tokens of their own. Hyphens and apostrophes split words
# ("south-facing" → south facing, "don't" → don t), and catalog terms are split the same way.
TOKEN = re.compile(r"[a-z]+|[0-9]+|[€$£/.;:!?,]")
CLAUSE_BREAKS = frozenset(".;:!?,")
# "t" is what is left of "n't" once the apostrophe splits it ("don't" → don t).
NEGATIONS = frozenset(
    {"no", "not", "never", "without", "none", "nothing", "undecided", "unsure", "unknown", "tbd", "nor", "t"}
)
NEGATION_WINDOW_BEFORE = 5
NEGATION_WINDOW_AFTER = 3
NUMBER_WORDS = frozenset(
    "one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen "
    "sixteen seventeen eighteen nineteen twenty thirty forty fifty couple dozen".split()
)
CURRENCIES = frozenset(
    "€ $ £ eur euro euros usd dollar dollars gbp pound pounds bucks chf franc francs k".split()
)
UNITS = frozenset("cm mm m meter meters metre metres in inch inches ft feet foot".split())
DATE_WORDS = frozenset(
    "january february march april may june july august september october november december "
    "jan feb mar apr jun jul aug sep sept oct nov dec monday tuesday wednesday thursday friday "
    "saturday sunday tomorrow today tonight weekend christmas easter".split()
)
DATE_SPANS = frozenset("day days week weeks month months year years".split())
_PHRASE, _CURRENCY, _UNIT, _DATE, _NUMBER_WORD = 1, 2, 4, 8, 16


@dataclass(frozen=True, slots=True)
class _Target:
    category: str
    polar: bool


@dataclass
class DetectionIndex:
    """Everything detection needs from one catalog version, built once."""

    flags: dict[str, int] = field(default_factory=dict)
    phrases: dict[tuple[str, ...], list[_Target]] = field(default_factory=dict)
    max_phrase: int = 1
    # first token → (the whole term, its target): "6 of us" must match "of us", not just "of".
    count_nouns: dict[str, list[tuple[tuple[str, ...], _Target]]] = field(default_factory=dict)
    value_targets: dict[str, list[_Target]] = field(default_factory=dict)  # money / size / date
    mention_phrases: dict[tuple[str, ...], str] = field(default_factory=dict)
    mention_first_tokens: set[str] = field(default_factory=set)
    mention_max: int = 1


def tokens_of(text: str) -> list[str]:
    return TOKEN.findall(text.lower())


def _variants(phrase: tuple[str, ...]) -> Iterable[tuple[str, ...]]:
    """The phrase and its simple plural (tables / benches), so catalogs need not list both."""
    yield phrase
    last = phrase[-1]
    if last.isalpha() and len(last) > 2 and not last.endswith("s"):
        plural = last + ("es" if last.endswith(("ch", "sh", "x")) else "s")
        yield (*phrase[:-1], plural)


def build_index(catalog: Catalog) -> DetectionIndex:
    index = DetectionIndex()
    flags = index.flags
    for vocabulary, flag in (
        (CURRENCIES, _CURRENCY),
        (UNITS, _UNIT),
        (DATE_WORDS, _DATE),
        (NUMBER_WORDS, _NUMBER_WORD),
    ):
        for word in vocabulary:
            flags[word] = flags.get(word, 0) | flag
    for category in catalog.categories.values():
        for detector in category.detectors:
            target = _Target(category.name, detector.polar)
            if detector.kind == "keywords":
                for term in detector.terms:
                    for phrase in _variants(tuple(tokens_of(term))):
                        index.phrases.setdefault(phrase, []).append(target)
                        flags[phrase[0]] = flags.get(phrase[0], 0) | _PHRASE
                        index.max_phrase = max(index.max_phrase, len(phrase))
            elif detector.kind == "count":
                for term in detector.terms:
                    for phrase in _variants(tuple(tokens_of(term))):
                        index.count_nouns.setdefault(phrase[0], []).append((phrase, target))
            else:
                index.value_targets.setdefault(detector.kind, []).append(target)
    for question in catalog.questions:
        for term in question.requires_mentions:
            for phrase in _variants(tuple(tokens_of(term))):
                index.mention_phrases[phrase] = term
                index.mention_first_tokens.add(phrase[0])
                index.mention_max = max(index.mention_max, len(phrase))
    return index


def _negated(tokens: Sequence[str], start: int, end: int, after: bool = True) -> bool:
    """Is there a negation in the same clause within a few tokens of tokens[start:end]?"""
    i = start - 1
    while i >= 0 and start - i <= NEGATION_WINDOW_BEFORE and tokens[i] not in CLAUSE_BREAKS:
        if tokens[i] in NEGATIONS:
            return True
        i -= 1
    if not after:
        return False
    j = end
    while j < len(tokens) and j - end < NEGATION_WINDOW_AFTER and tokens[j] not in CLAUSE_BREAKS:
        if tokens[j] in NEGATIONS:
            return True
        j += 1
    return False


class _Scan:
    """One pass over one text's tokens, adding what it finds to ``known``."""

    def __init__(self, index: DetectionIndex, tokens: list[str], known: set[str]) -> None:
        self.index, self.tokens, self.known = index, tokens, known

    def run(self) -> None:
        flags = self.index.flags
        tokens = self.tokens
        # Only positions whose token means something to this catalog, or is a number, are visited;
        # the filtering runs in C (map + compress), the Python below sees a few percent of tokens.
        for i in compress(count(), map(str.isdigit, tokens)):
            self._number(i)
        for i in compress(count(), map(flags.get, tokens)):
            flag = flags[tokens[i]]
            if flag & _PHRASE:
                self._phrase(i)
            if flag & _NUMBER_WORD:
                self._count(i)
            if flag & _DATE:
                self._value("date", i, i + 1)

    def _value(self, kind: str, start: int, end: int, after: bool = False) -> None:
        targets = self.index.value_targets.get(kind)
        if not targets or all(t.category in self.known for t in targets):
            return
        if not _negated(self.tokens, start, end, after=after):
            self.known.update(t.category for t in targets)

    def _number(self, i: int) -> None:
        tokens, flags = self.tokens, self.index.flags
        previous = flags.get(tokens[i - 1], 0) if i else 0
        following = tokens[i + 1] if i + 1 < len(tokens) else ""
        following_flag = flags.get(following, 0)
        if previous & _CURRENCY or following_flag & _CURRENCY:
            self._value("money", i, i + 1)
        if following_flag & _UNIT or (following == "x" and i + 2 < len(tokens) and tokens[i + 2].isdigit()):
            self._value("size", i, i + 1)
        if following == "/" or following_flag & _DATE:
            self._value("date", i, i + 1)
        elif i and tokens[i - 1] == "in" and following in DATE_SPANS:
            self._value("date", i, i + 2)
        self._count(i)

    def _count(self, i: int) -> None:
        nouns = self.index.count_nouns
        if not nouns:
            return
        tokens = self.tokens
        for j in range(i + 1, min(i + 4, len(tokens))):
            candidates = nouns.get(tokens[j])
            if candidates:
                found = [
                    t.category for phrase, t in candidates if tuple(tokens[j : j + len(phrase)]) == phrase
                ]
                if found:
                    if not _negated(tokens, i, j + 1):
                        self.known.update(found)
                    return
            if tokens[j] in CLAUSE_BREAKS:
                return

    def _phrase(self, i: int) -> None:
        tokens, phrases, known = self.tokens, self.index.phrases, self.known
        for length in range(min(self.index.max_phrase, len(tokens) - i), 0, -1):
            targets = phrases.get(tuple(tokens[i : i + length]) if length > 1 else (tokens[i],))
            if targets is None:
                continue
            negated: bool | None = None
            for target in targets:
                if target.category in known:
                    continue
                if not target.polar:
                    if negated is None:
                        negated = _negated(tokens, i, i + length)
                    if negated:
                        continue
                known.add(target.category)
            return


def known_categories(index: DetectionIndex, user_tokens: Iterable[list[str]]) -> set[str]:
    """The categories the user's own words (history user turns and the context) already give."""
    known: set[str] = set()
    for tokens in user_tokens:
        _Scan(index, tokens, known).run()
    return known


def mentioned_terms(index: DetectionIndex, texts_tokens: Iterable[list[str]]) -> set[str]:
    """The ``requires.mentions`` terms that any turn of the conversation contains."""
    if not index.mention_phrases:
        return set()
    found: set[str] = set()
    first_tokens, phrases, longest = index.mention_first_tokens, index.mention_phrases, index.mention_max
    for tokens in texts_tokens:
        for i in compress(count(), map(first_tokens.__contains__, tokens)):
            for length in range(min(longest, len(tokens) - i), 0, -1):
                term = phrases.get(tuple(tokens[i : i + length]))
                if term is not None:
                    found.add(term)
                    break
    return found
