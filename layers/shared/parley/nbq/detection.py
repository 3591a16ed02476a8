"""What the conversation already says: which categories are known, which terms are mentioned.

Everything that depends on the catalog is built once per catalog version (``DetectionIndex``).
A request then costs one tokenising regex per text and a few passes over the tokens that run in
C — set intersections and ``compress``/``map`` filters — so the Python work is proportional to
the rare things (numbers, multi-word phrases, negations), not to the text or the catalog:

- one-word keywords: ``set(tokens) & keywords``;
- negation: a keyword counts when at least one of its occurrences lies outside every "negated
  zone" (a few tokens around a negation, within its clause — "budget not yet discussed", "no
  idea about the size"); polar categories (yes/no answers such as "no chairs") ignore negation;
- multi-word phrases, numbers (money, sizes, counts, dates) and date words: only their
  positions are visited.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from itertools import compress, count

from parley.nbq.catalog import Catalog

# Deliberately simple (it is the hot path): letter runs, digit runs, currency symbols, "/" and
# clause punctuation. Hyphens and apostrophes split words ("south-facing" → south facing,
# "don't" → don t); catalog terms are split the same way.
TOKEN = re.compile(r"[a-z]+|[0-9]+|[€$£/.;:!?,]")
CLAUSE_BREAKS = frozenset(".;:!?,")
# "t" is what is left of "n't" once the apostrophe splits it ("don't" → don t).
NEGATIONS = frozenset(
    {"no", "not", "never", "without", "none", "nothing", "undecided", "unsure", "unknown", "tbd", "nor", "t"}
)
NEGATION_WINDOW_BEFORE = 5  # a negation up to 5 tokens before a mention negates it
NEGATION_WINDOW_AFTER = 3  # … or up to 3 tokens after it
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
MESSAGE_BREAK = "."  # joins messages, so no window or phrase spans two of them


@dataclass(frozen=True, slots=True)
class _Target:
    category: str
    polar: bool


@dataclass
class DetectionIndex:
    """Everything detection needs from one catalog version, built once."""

    single: dict[str, list[_Target]] = field(default_factory=dict)  # one-word keywords
    # first word → [(length of the rest, {rest words: targets})], longest first: one dict lookup
    # per length, however many phrases share the first word.
    multi: dict[str, list[tuple[int, dict[tuple[str, ...], list[_Target]]]]] = field(default_factory=dict)
    # first word → [(the whole term, target)]: "6 of us" must match "of us", not just "of".
    count_nouns: dict[str, list[tuple[tuple[str, ...], _Target]]] = field(default_factory=dict)
    value_targets: dict[str, list[_Target]] = field(default_factory=dict)  # money / size / date
    mention_single: dict[str, str] = field(default_factory=dict)
    mention_multi: dict[str, list[tuple[int, dict[tuple[str, ...], list[str]]]]] = field(default_factory=dict)
    single_keys: frozenset[str] = frozenset()
    multi_keys: frozenset[str] = frozenset()
    # first word of multi-word keywords → every category those keywords can make known
    multi_categories: dict[str, frozenset[str]] = field(default_factory=dict)


def tokens_of(text: str) -> list[str]:
    return TOKEN.findall(text.lower())


def _variants(phrase: tuple[str, ...]) -> Iterable[tuple[str, ...]]:
    """The phrase and its simple plural (tables / benches), so catalogs need not list both."""
    yield phrase
    last = phrase[-1]
    if last.isalpha() and len(last) > 2 and not last.endswith("s"):
        plural = last + ("es" if last.endswith(("ch", "sh", "x")) else "s")
        yield (*phrase[:-1], plural)


def _add_multi(table: dict, phrase: tuple[str, ...], value: object) -> None:
    rest = phrase[1:]
    by_length = table.setdefault(phrase[0], [])
    for length, phrases in by_length:
        if length == len(rest):
            phrases.setdefault(rest, []).append(value)
            return
    by_length.append((len(rest), {rest: [value]}))
    by_length.sort(key=lambda entry: -entry[0])  # longest phrase first


def build_index(catalog: Catalog) -> DetectionIndex:
    index = DetectionIndex()
    for category in catalog.categories.values():
        for detector in category.detectors:
            target = _Target(category.name, detector.polar)
            if detector.kind == "keywords":
                for term in detector.terms:
                    for phrase in _variants(tuple(tokens_of(term))):
                        if len(phrase) == 1:
                            index.single.setdefault(phrase[0], []).append(target)
                        else:
                            _add_multi(index.multi, phrase, target)
            elif detector.kind == "count":
                for term in detector.terms:
                    for phrase in _variants(tuple(tokens_of(term))):
                        index.count_nouns.setdefault(phrase[0], []).append((phrase, target))
            else:
                index.value_targets.setdefault(detector.kind, []).append(target)
    for question in catalog.questions:
        for term in question.requires_mentions:
            for phrase in _variants(tuple(tokens_of(term))):
                if len(phrase) == 1:
                    index.mention_single[phrase[0]] = term
                else:
                    _add_multi(index.mention_multi, phrase, term)
    index.single_keys = frozenset(index.single)
    index.multi_keys = frozenset(index.multi)
    index.multi_categories = {
        first: frozenset(
            t.category for _, phrases in entries for targets in phrases.values() for t in targets
        )
        for first, entries in index.multi.items()
    }
    return index


def _joined(token_lists: Iterable[list[str]]) -> list[str]:
    tokens: list[str] = []
    for part in token_lists:
        tokens += part
        tokens.append(MESSAGE_BREAK)
    return tokens


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


def _negated_occurrences(tokens: list[str]) -> Counter[str]:
    """How often each word occurs inside a negated zone (the positions a one-word mention would
    be negated at, by ``_negated``'s rule): a few C calls per negation, none per token."""
    breaks = list(compress(count(), map(CLAUSE_BREAKS.__contains__, tokens)))
    zone: set[int] = set()
    for p in compress(count(), map(NEGATIONS.__contains__, tokens)):
        b = bisect_left(breaks, p)
        clause_start = breaks[b - 1] + 1 if b else 0
        clause_end = breaks[b] if b < len(breaks) else len(tokens)
        zone.update(range(max(clause_start, p - NEGATION_WINDOW_AFTER), p))  # mentions before it
        zone.update(range(p + 1, min(clause_end, p + 1 + NEGATION_WINDOW_BEFORE)))  # … and after it
    return Counter(map(tokens.__getitem__, zone))


class _Detection:
    def __init__(self, index: DetectionIndex, tokens: list[str]) -> None:
        self.index, self.tokens = index, tokens
        self.known: set[str] = set()

    def run(self) -> set[str]:
        tokens, index, known = self.tokens, self.index, self.known
        distinct = set(tokens)
        hits = index.single_keys & distinct
        if hits:
            negated = _negated_occurrences(tokens) if not NEGATIONS.isdisjoint(distinct) else None
            occurrences: Counter[str] | None = None
            for word in hits:
                pending = [t for t in index.single[word] if t.category not in known]
                if not pending:
                    continue
                clean = negated is None or word not in negated
                if not clean:
                    occurrences = occurrences or Counter(tokens)
                    clean = occurrences[word] > negated[word]  # type: ignore[index]
                known.update(t.category for t in pending if clean or t.polar)
        # Only first words that can still make a category known are worth visiting.
        firsts = {f for f in index.multi_keys & distinct if not index.multi_categories[f] <= known}
        if firsts:
            for i in compress(count(), map(firsts.__contains__, tokens)):
                self._phrase(i)
        for i in compress(count(), map(str.isdigit, tokens)):
            self._number(i)
        for i in compress(count(), map(NUMBER_WORDS.__contains__, tokens)):
            self._count(i)
        if "date" in index.value_targets and not DATE_WORDS.isdisjoint(distinct):
            for i in compress(count(), map(DATE_WORDS.__contains__, tokens)):
                self._value("date", i, i + 1)
        return known

    def _phrase(self, i: int) -> None:
        tokens, known = self.tokens, self.known
        for length, phrases in self.index.multi[tokens[i]]:
            end = i + 1 + length
            targets = phrases.get(tuple(tokens[i + 1 : end]))
            if targets is None:
                continue
            pending = [t for t in targets if t.category not in known]
            if pending:
                negated = any(not t.polar for t in pending) and _negated(tokens, i, end)
                known.update(t.category for t in pending if t.polar or not negated)
            return  # the longest phrase starting here wins

    def _value(self, kind: str, start: int, end: int, after: bool = False) -> None:
        targets = self.index.value_targets.get(kind)
        if not targets or all(t.category in self.known for t in targets):
            return
        if not _negated(self.tokens, start, end, after=after):
            self.known.update(t.category for t in targets)

    def _number(self, i: int) -> None:
        tokens = self.tokens
        previous = tokens[i - 1] if i else ""
        following = tokens[i + 1] if i + 1 < len(tokens) else ""
        if previous in CURRENCIES or following in CURRENCIES:
            self._value("money", i, i + 1)
        if following in UNITS or (following == "x" and i + 2 < len(tokens) and tokens[i + 2].isdigit()):
            self._value("size", i, i + 1)
        if following == "/" or following in DATE_WORDS:
            self._value("date", i, i + 1)
        elif previous == "in" and following in DATE_SPANS:
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


def known_categories(index: DetectionIndex, user_tokens: Iterable[list[str]]) -> set[str]:
    """The categories the user's own words (history user turns and the context) already give."""
    return _Detection(index, _joined(user_tokens)).run()


def mentioned_terms(index: DetectionIndex, texts_tokens: Iterable[list[str]]) -> set[str]:
    """The ``requires.mentions`` terms that any turn of the conversation contains."""
    if not index.mention_single and not index.mention_multi:
        return set()
    tokens = _joined(texts_tokens)
    distinct = set(tokens)
    found = {index.mention_single[word] for word in distinct.intersection(index.mention_single)}
    firsts = distinct.intersection(index.mention_multi)
    for i in compress(count(), map(firsts.__contains__, tokens)):
        for length, phrases in index.mention_multi[tokens[i]]:
            terms = phrases.get(tuple(tokens[i + 1 : i + 1 + length]))
            if terms:
                found.update(terms)
    return found
