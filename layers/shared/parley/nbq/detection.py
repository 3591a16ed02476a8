"""What the conversation already says: which categories are known, which terms are mentioned.

Everything that depends on the catalog is built once per catalog version (``DetectionIndex``).
A request then costs a handful of C-level passes per text, so the Python work is proportional to
the rare things (phrase hits, numbers next to a currency, a unit or a count noun), not to the
text or the catalog:

- tokenising: ``bytes.translate``, a few ``replace`` and ``split`` instead of a regular
  expression (``tokens_of``; ``plain_tokens`` when the catalog's terms are words only);
- one pass picks the positions of the few words that matter one by one (one-word keywords,
  negations, currencies, units, count nouns, date words) and one looks at adjacent token pairs:
  a multi-word phrase can only start where a pair is its first two words;
- negation: a keyword counts when at least one of its occurrences lies outside every "negated
  zone" (a few tokens around a negation, within its clause — "budget not yet discussed", "no
  idea about the size"); polar categories (yes/no answers such as "no chairs") ignore negation.
  A text with no negation word skips every negation check;
- numbers (money, sizes, counts, dates) are found from the word next to them, so a text with no
  currency, unit or count noun costs nothing for them; a comparator or a money word before a number
  makes it money ("I don't want to spend more than 600", "menos de 500"), and a counting word a
  count of people ("a dining table for 6", "seats 4", "somos 6");
- typos: words the catalog does not know are corrected against its terms ("teble", "terace") by
  the language layer's bounded matcher (``parley.language.fuzzy``), a few words per text;
- accents are removed ("jardín" is "jardin"), so catalogs may hold Spanish terms.

Mentions (``requires.mentions``) are looked up lazily, term by term, in the texts themselves
(``MentionLookup``): a selection needs only the few terms of the questions it reaches.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from itertools import compress, count, islice
from typing import Any, NamedTuple

from parley.language.fuzzy import FuzzyVocabulary
from parley.language.lexicon import lexicon
from parley.nbq.catalog import Catalog, Detector

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
_ENGLISH, _SPANISH = lexicon("en"), lexicon("es")
# Words a number after which (within a few tokens) is money: comparators and money words, in the
# languages Parley understands ("spend more than 600", "under 500", "menos de 500", "hasta 800").
MONEY_CUES = frozenset(
    {
        phrase[-1]
        for lex in (_ENGLISH, _SPANISH)
        for phrase in lex.comparators_before
        if phrase[-1]
        not in ("to", "a", "de", "from", "desde", "like", "como", "near", "tipo", "unos", "unas", "min")
    }
    | _ENGLISH.money_context
    | _SPANISH.money_context
    | {"than", "que"}
) - {"k"}
MONEY_CUE_REACH = 3  # the number comes at most this many tokens after the cue, in the same clause
# Words right before a number that make it a count of people ("a table for 6", "somos 6").
COUNT_CUES = frozenset(
    {"for", "seats", "seat", "seating", "sits", "fits", "of", "para", "somos", "seremos", "caben"}
)
MAX_CUED_COUNT = 30
_COUNT_FILLERS = frozenset({"a", "about", "unos", "unas", "like", "around", "just"})  # "for about 6"
PEOPLE_NOUNS = _ENGLISH.people_nouns | _SPANISH.people_nouns
# Words never taken for a typo of a catalog term.
KNOWN_WORDS = (
    _ENGLISH.stop_words
    | _SPANISH.stop_words
    | _ENGLISH.common_words
    | _SPANISH.common_words
    | PEOPLE_NOUNS
    | frozenset(_ENGLISH.number_words)
    | frozenset(_SPANISH.number_words)
)
MAX_CORRECTED_WORDS = 16  # per text


# Tokenising without the regular expression (``tokens_of``): the text's UTF-8 bytes go through
# one translation table (A-Z → a-z, every byte that cannot be part of a token → space), the
# one-character tokens get spaces around them, letter and digit runs that touch get a space
# between them, and ``split`` does the rest. "€" and "£" (several bytes) stand in as \x01 and \x02
# meanwhile; \xff and \xfe never occur in UTF-8, so they can mark them before the translation.
_EURO, _POUND = "€".encode(), "£".encode()
_KEPT = b"abcdefghijklmnopqrstuvwxyz0123456789/.;:!?,$"
_TOKEN_BYTES = bytearray(b" " * 256)
for _byte in _KEPT:
    _TOKEN_BYTES[_byte] = _byte
for _byte in b"ABCDEFGHIJKLMNOPQRSTUVWXYZ":
    _TOKEN_BYTES[_byte] = _byte + 32
_TOKEN_BYTES[0xFF], _TOKEN_BYTES[0xFE] = 0x01, 0x02
_TO_TOKEN_BYTES = bytes(_TOKEN_BYTES)
_ONE_CHARACTER_TOKENS = tuple((bytes([b]), b" " + bytes([b]) + b" ") for b in b"/.;:!?,$\x01\x02")
_CLASSES = bytearray(b" " * 256)  # a letter → "a", a digit → "0": where they touch, a token ends
for _byte in b"abcdefghijklmnopqrstuvwxyz":
    _CLASSES[_byte] = ord("a")
for _byte in b"0123456789":
    _CLASSES[_byte] = ord("0")
_TO_CLASSES = bytes(_CLASSES)
# The only characters outside ASCII whose lower case has a token character in it ("İ" → "i̇",
# the Kelvin sign → "k"); a text with one of them is lowered by ``str.lower`` first. A unit test
# checks this list against the running Python's Unicode tables.
LOWER_CASE_TO_ASCII = ("\u0130", "\u212a")
_SHORT_TEXT = 48  # below this, the regular expression is as cheap as the set-up of the fast path


_COMBINING_MARKS = re.compile("[\u0300-\u036f]+")
# The same marks in UTF-8: U+0300-U+033F are CC 80-BF, U+0340-U+036F are CD 80-AF (CC and CD are
# lead bytes only, so a text without either byte has no mark and skips the substitution).
_COMBINING_MARK_BYTES = re.compile(rb"(?:\xcc[\x80-\xbf]|\xcd[\x80-\xaf])+")


def _folded(text: str) -> str:
    """Lowered, accents removed ("Jardín" → "jardin"): the canonical decomposition (NFD) without
    its combining marks, so nothing else changes (an ellipsis stays one character)."""
    return _COMBINING_MARKS.sub("", unicodedata.normalize("NFD", text.lower()))


def _folded_utf8(text: str) -> bytes:
    """``_folded(text)`` in UTF-8: most texts that are not ASCII have no accent ("€ 500"), and a
    byte search is cheaper than the substitution's scan."""
    data = unicodedata.normalize("NFD", text.lower()).encode("utf-8", "surrogatepass")
    if b"\xcc" in data or b"\xcd" in data:
        data = _COMBINING_MARK_BYTES.sub(b"", data)
    return data


def tokens_of(text: str) -> list[str]:
    """``TOKEN.findall(text.lower())`` (accents folded), computed with a few C-level passes."""
    if len(text) < _SHORT_TEXT:
        return TOKEN.findall(text.lower() if text.isascii() else _folded(text))
    placeholders = False
    if text.isascii():
        data = text.encode("ascii")
    else:
        data = _folded_utf8(text)
        if _EURO in data:
            data, placeholders = data.replace(_EURO, b"\xff"), True
        if _POUND in data:
            data, placeholders = data.replace(_POUND, b"\xfe"), True
    data = data.translate(_TO_TOKEN_BYTES)
    for single, spaced in _ONE_CHARACTER_TOKENS:
        data = data.replace(single, spaced)  # costs one scan when there is nothing to replace
    result = _cut_where_letters_touch_digits(data).decode("ascii")
    if placeholders:
        result = result.replace("\x01", "€").replace("\x02", "£")
    return result.split()


def _touching(classes: bytes, pair: bytes) -> list[int]:
    """Where a letter run and a digit run touch ("6people", "200x100", "500k")."""
    cuts = []
    at = classes.find(pair)
    while at >= 0:
        cuts.append(at + 1)
        at = classes.find(pair, at + 1)
    return cuts


# When the catalog's terms are words only, detection asks of a one-character token only whether
# it is a clause break, a currency symbol or "/": ``plain_tokens`` writes every clause break "."
# and every currency symbol "$", which saves most of the passes that put spaces around them (and
# the stand-ins for "€" and "£"); one-character strings are shared by Python, so they cost no
# allocation either.
_PLAIN_BYTES = bytearray(_TOKEN_BYTES)
for _char in CLAUSE_BREAKS:
    _PLAIN_BYTES[ord(_char)] = ord(".")
_PLAIN_BYTES[0xFF] = ord("$")  # "€" and "£", marked as for ``tokens_of``
_TO_PLAIN_BYTES = bytes(_PLAIN_BYTES)
_PLAIN_ONE_CHARACTER_TOKENS = tuple((bytes([b]), b" " + bytes([b]) + b" ") for b in b".$/")


def plain_tokens(text: str) -> list[str]:
    """``tokens_of(text)`` with every clause break written "." and every currency symbol "$"
    (all that detection sees of them when the catalog's terms are words only)."""
    if len(text) < _SHORT_TEXT:
        return [
            _PLAIN.get(token, token)
            for token in TOKEN.findall(text.lower() if text.isascii() else _folded(text))
        ]
    if text.isascii():
        data = text.encode("ascii")
    else:
        data = _folded_utf8(text)
        data = data.replace(_EURO, b"\xff").replace(_POUND, b"\xff")
    data = data.translate(_TO_PLAIN_BYTES)
    for single, spaced in _PLAIN_ONE_CHARACTER_TOKENS:
        data = data.replace(single, spaced)
    return _cut_where_letters_touch_digits(data).decode("ascii").split()


_PLAIN = {**{char: "." for char in CLAUSE_BREAKS}, "€": "$", "£": "$"}


def _cut_where_letters_touch_digits(data: bytes) -> bytes:
    """A space wherever a letter run and a digit run touch ("6people", "200x100", "500k")."""
    classes = data.translate(_TO_CLASSES)
    cuts = _touching(classes, b"a0") + _touching(classes, b"0a")
    if not cuts:
        return data
    cuts.sort()
    return b" ".join([data[start:end] for start, end in zip([0, *cuts], [*cuts, None], strict=True)])


@dataclass(frozen=True, slots=True)
class _Target:
    category: str
    polar: bool


class _Targets(NamedTuple):
    """What one keyword phrase makes known: every category, and the polar ones (still known
    when the phrase is negated)."""

    categories: frozenset[str]
    polar: frozenset[str]
    # false when every target is polar: negation then changes nothing
    negatable: bool

    @classmethod
    def of(cls, targets: list[_Target]) -> _Targets:
        if len(targets) == 1:  # most phrases belong to one category
            target = targets[0]
            categories = frozenset((target.category,))
            return cls(categories, categories if target.polar else _NOTHING, not target.polar)
        return cls(
            frozenset(t.category for t in targets),
            frozenset(t.category for t in targets if t.polar),
            any(not t.polar for t in targets),
        )


_NOTHING: frozenset[str] = frozenset()


@dataclass
class DetectionIndex:
    """Everything detection needs from one catalog version, built once."""

    single: dict[str, list[_Target]] = field(default_factory=dict)  # one-word keywords
    # first word → [(length of the rest, {rest words: targets})], longest first: one dict lookup
    # per length, however many phrases share the first word.
    multi: dict[str, list[tuple[int, dict[tuple[str, ...], _Targets]]]] = field(default_factory=dict)
    # first word → [(the whole term, target)]: "6 of us" must match "of us", not just "of".
    count_nouns: dict[str, list[tuple[tuple[str, ...], _Target]]] = field(default_factory=dict)
    # the same, one entry per distinct term: first word → [(the whole term, its categories)]
    count_terms: dict[str, list[tuple[tuple[str, ...], frozenset[str]]]] = field(default_factory=dict)
    value_targets: dict[str, list[_Target]] = field(default_factory=dict)  # money / size / date
    mention_single: dict[str, str] = field(default_factory=dict)
    mention_multi: dict[str, list[tuple[int, dict[tuple[str, ...], list[str]]]]] = field(default_factory=dict)
    single_keys: frozenset[str] = frozenset()
    multi_keys: frozenset[str] = frozenset()
    # first word of multi-word keywords → every category those keywords can make known
    multi_categories: dict[str, frozenset[str]] = field(default_factory=dict)
    # The first two words of every multi-word keyword: only where two adjacent tokens are one of
    # these pairs can a phrase start.
    multi_pairs: frozenset[tuple[str, str]] = frozenset()
    # The pairs that are a whole phrase and start no longer one: where such a pair occurs, that
    # phrase is what matches, so without negation in the text its position does not matter.
    whole_pairs: dict[tuple[str, str], _Targets] = field(default_factory=dict)
    # money / size / date → the categories its targets make known
    value_categories: dict[str, frozenset[str]] = field(default_factory=dict)
    # every distinct set of categories a count term makes known
    count_groups: frozenset[frozenset[str]] = frozenset()
    # those and the value kinds' sets: the groups ``TextFacts`` may hold
    groups: frozenset[frozenset[str]] = frozenset()
    # The words whose positions detection visits: one-word keywords, negations, and the words a
    # number is recognised by (currencies, units, "x", "/", date words, count nouns) for the
    # detectors this catalog has.
    spotted: frozenset[str] = frozenset()
    # mention term → the token sequences that report it (see ``MentionLookup``)
    mention_phrases: dict[str, tuple[tuple[str, ...], ...]] = field(default_factory=dict)
    # Every keyword and count term is made of words only: detection may then read a text's
    # ``plain_tokens`` (see there) instead of its exact tokens.
    plain: bool = True
    # Comparators and money words that make the next number money, when the catalog detects money.
    money_cues: frozenset[str] = frozenset()
    # Counting words that make the next number a count, and the count groups of people it joins.
    count_cues: frozenset[str] = frozenset()
    people_groups: frozenset[frozenset[str]] = frozenset()
    # The catalog's words for typo correction, and the words never corrected.
    fuzzy: FuzzyVocabulary | None = None
    known_words: frozenset[str] = frozenset()


def _variants(phrase: tuple[str, ...]) -> Iterable[tuple[str, ...]]:
    """The phrase and its simple plural (tables / benches), so catalogs need not list both."""
    yield phrase
    last = phrase[-1]
    if last.isalpha() and len(last) > 2 and not last.endswith("s"):
        plural = last + ("es" if last.endswith(("ch", "sh", "x")) else "s")
        yield (*phrase[:-1], plural)


def _add_multi(table: dict[str, Any], phrase: tuple[str, ...], value: object) -> None:
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
    multi: dict[str, list[tuple[int, dict[tuple[str, ...], list[_Target]]]]] = {}
    for category in catalog.categories.values():
        for detector in category.detectors:
            _index_detector(index, multi, _Target(category.name, detector.polar), detector)
    for question in catalog.questions:
        for term in question.requires_mentions:
            for phrase in _variants(tuple(tokens_of(term))):
                if len(phrase) == 1:
                    index.mention_single[phrase[0]] = term
                else:
                    _add_multi(index.mention_multi, phrase, term)
    _index_phrases(index, multi)
    _index_numbers(index)
    _index_cues(index)
    index.spotted = _spotted(index)
    index.mention_phrases = _mention_phrases(index)
    index.plain = all(word.isalpha() for word in _words_of_terms(index))
    terms = frozenset(word for word in _words_of_terms(index) if word.isalpha())
    index.fuzzy = FuzzyVocabulary(terms)
    index.known_words = terms | KNOWN_WORDS | index.spotted | frozenset(index.mention_single)
    return index


def _index_cues(index: DetectionIndex) -> None:
    if "money" in index.value_targets:
        index.money_cues = MONEY_CUES
    index.people_groups = frozenset(
        categories
        for terms in index.count_terms.values()
        for phrase, categories in terms
        if any(word in PEOPLE_NOUNS for word in phrase)
    )
    if index.people_groups:
        index.count_cues = COUNT_CUES


def _index_detector(
    index: DetectionIndex,
    multi: dict[str, list[tuple[int, dict[tuple[str, ...], list[_Target]]]]],
    target: _Target,
    detector: Detector,
) -> None:
    if detector.kind == "keywords":
        for term in detector.terms:
            for phrase in _variants(tuple(tokens_of(term))):
                if len(phrase) == 1:
                    index.single.setdefault(phrase[0], []).append(target)
                else:
                    _add_multi(multi, phrase, target)
    elif detector.kind == "count":
        for term in detector.terms:
            for phrase in _variants(tuple(tokens_of(term))):
                index.count_nouns.setdefault(phrase[0], []).append((phrase, target))
    else:
        index.value_targets.setdefault(detector.kind, []).append(target)


def _spotted(index: DetectionIndex) -> frozenset[str]:
    """Every token whose presence can matter: a text with none of them detects nothing."""
    spotted = set(index.single_keys) | NEGATIONS | set(index.count_nouns)
    if "money" in index.value_targets:
        spotted |= CURRENCIES
    if "size" in index.value_targets:
        spotted |= UNITS | {"x"}
    if "date" in index.value_targets:
        spotted |= DATE_WORDS | DATE_SPANS | {"/"}
    return frozenset(spotted)


def _index_phrases(
    index: DetectionIndex, multi: dict[str, list[tuple[int, dict[tuple[str, ...], list[_Target]]]]]
) -> None:
    index.multi = {
        first: [
            (length, {rest: _Targets.of(targets) for rest, targets in phrases.items()})
            for length, phrases in entries
        ]
        for first, entries in multi.items()
    }
    index.single_keys = frozenset(index.single)
    index.multi_keys = frozenset(index.multi)
    index.multi_categories = {
        first: frozenset().union(
            *(targets.categories for _, phrases in entries for targets in phrases.values())
        )
        for first, entries in index.multi.items()
    }
    starts = [
        (length, (first, rest[0]), targets)
        for first, entries in index.multi.items()
        for length, phrases in entries
        for rest, targets in phrases.items()
    ]
    index.multi_pairs = frozenset(pair for _, pair, _ in starts)
    longer = {pair for length, pair, _ in starts if length > 1}
    index.whole_pairs = {
        pair: targets for length, pair, targets in starts if length == 1 and pair not in longer
    }


def _index_numbers(index: DetectionIndex) -> None:
    for first, candidates in index.count_nouns.items():
        by_term: dict[tuple[str, ...], set[str]] = {}
        for phrase, target in candidates:
            by_term.setdefault(phrase, set()).add(target.category)
        index.count_terms[first] = [(phrase, frozenset(categories)) for phrase, categories in by_term.items()]
    index.count_groups = frozenset(
        categories for terms in index.count_terms.values() for _, categories in terms
    )
    index.value_categories = {
        kind: frozenset(t.category for t in targets) for kind, targets in index.value_targets.items()
    }
    index.groups = index.count_groups | frozenset(index.value_categories.values())


def _words_of_terms(index: DetectionIndex) -> Iterable[str]:
    """Every token of every keyword and count term."""
    yield from index.single
    for first, entries in index.multi.items():
        yield first
        for _, phrases in entries:
            for rest in phrases:
                yield from rest
    for candidates in index.count_nouns.values():
        for phrase, _ in candidates:
            yield from phrase


def _mention_phrases(index: DetectionIndex) -> dict[str, tuple[tuple[str, ...], ...]]:
    """Term → the phrases ``mentioned_terms`` reports it for (a one-word phrase reports the last
    term registered for that word)."""
    phrases: dict[str, list[tuple[str, ...]]] = {}
    for word, term in index.mention_single.items():
        phrases.setdefault(term, []).append((word,))
    for first, entries in index.mention_multi.items():
        for _, rests in entries:
            for rest, terms in rests.items():
                for term in dict.fromkeys(terms):
                    phrases.setdefault(term, []).append((first, *rest))
    return {term: tuple(found) for term, found in phrases.items()}


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


# What one text reveals: category names, and groups of categories that numbers make known
# together (every category with a money detector, every category counting "people", …) as
# elements of their own — the index's frozensets — so that a union over many texts does not copy
# the same dozens of categories per text, and a remembered text costs one object.
TextFacts = frozenset[str | frozenset[str]]


def expand(index: DetectionIndex, facts: set[str | frozenset[str]]) -> set[str]:
    """The categories of ``facts`` (a union of ``TextFacts``), its groups opened, in place."""
    groups = index.groups & facts
    facts -= groups
    for group in groups:
        facts |= group
    return facts  # type: ignore[return-value]  # only names are left


class _Detection:
    def __init__(self, index: DetectionIndex, tokens: list[str]) -> None:
        self.index, self.tokens = index, tokens
        self.known: set[str] = set()
        self.negations = True  # does the text have a negation at all? (``run`` finds out)
        # What numbers revealed: value kinds and count terms whose categories are known. Their
        # categories (often many: every category with a money detector) join ``known`` once, at
        # the end, instead of on every number.
        self.values: set[str] = set()
        self.counts: set[frozenset[str]] = set()

    def run(self) -> set[str]:
        """Every category the tokens make known."""
        return expand(self.index, set(self.facts()))

    def facts(self) -> TextFacts:
        tokens, index, known = self.tokens, self.index, self.known
        # One C-level pass for the positions of every word that matters on its own.
        spots = list(compress(count(), map(index.spotted.__contains__, tokens)))
        spotted_words = set(map(tokens.__getitem__, spots))
        self.negations = not NEGATIONS.isdisjoint(spotted_words)
        hits = index.single_keys & spotted_words
        if hits:
            negated = _negated_occurrences(tokens) if self.negations else None
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
        # A phrase can only start where two adjacent tokens are the first two words of one.
        if index.multi_pairs:
            positions_matter = self.negations
            if not positions_matter:
                present = index.multi_pairs.intersection(zip(tokens, islice(tokens, 1, None), strict=False))
                for pair in present:
                    targets = index.whole_pairs.get(pair)
                    if targets is None:
                        positions_matter = True  # a longer phrase may start there
                    else:
                        known |= targets.categories
            if positions_matter:
                pairs = zip(tokens, islice(tokens, 1, None), strict=False)
                for i in compress(count(), map(index.multi_pairs.__contains__, pairs)):
                    if not index.multi_categories[tokens[i]] <= known:
                        self._phrase(i)
        if spots and (index.value_targets or index.count_nouns):
            self._numbers(spots)
        if (index.money_cues and "money" not in self.values) or (
            index.count_cues and not self.counts >= index.people_groups
        ):
            self._cued_numbers()
        return frozenset(known).union(self.counts, map(index.value_categories.__getitem__, self.values))

    def _numbers(self, spots: list[int]) -> None:
        """Money, sizes, dates and counts, read from the words that give a number its meaning:

        - money: a number right before or right after a currency ("€ 500", "500 euros");
        - size: a number right before a unit, or "200 x 100";
        - date: a number right before "/" or a date word, "in 3 weeks", or a date word alone;
        - count: a number or number word up to three tokens before a count term in the same
          clause (the first count term after it decides: "6 people", "the 4 of us").

        A negation up to five tokens before the number (same clause) cancels it; for a count,
        also one up to three tokens after the term. Only numbers next to such a word are visited,
        and none once every kind and count group this catalog has is known.
        """
        tokens, index = self.tokens, self.index
        last = len(tokens) - 1
        money = "money" in index.value_targets
        size = "size" in index.value_targets
        date = "date" in index.value_targets
        nouns = index.count_terms
        kinds, groups = index.value_categories.keys(), index.count_groups
        counted: set[int] = set()
        for p in spots:
            word = tokens[p]
            before = tokens[p - 1].isdigit() if p else False
            if money and word in CURRENCIES:  # "€ 500" / "500 euros"
                if p < last and tokens[p + 1].isdigit():
                    self._value("money", p + 1, p + 2)
                if before:
                    self._value("money", p - 1, p)
            if size and before and (word in UNITS or (word == "x" and p < last and tokens[p + 1].isdigit())):
                self._value("size", p - 1, p)
            if date:
                if before and (word == "/" or word in DATE_WORDS):
                    self._value("date", p - 1, p)
                elif before and word in DATE_SPANS and p >= 2 and tokens[p - 2] == "in":
                    self._value("date", p - 1, p + 1)
                if word in DATE_WORDS:
                    self._value("date", p, p + 1)
            if word in nouns and not self.counts >= groups:
                # a number (or a number word) up to three tokens before a count noun
                for i in range(max(0, p - 3), p):
                    if i not in counted and (tokens[i].isdigit() or tokens[i] in NUMBER_WORDS):
                        counted.add(i)
                        self._count(i)
            if self.counts >= groups and self.values >= kinds:
                return  # every number from here on could only repeat what is known

    def _cued_numbers(self) -> None:
        """Numbers a cue before them gives a meaning: money a few tokens after a comparator or a
        money word ("spend more than 600", "under 500", "presupuesto de 800" — a bound is a budget
        even when negated: "I don't want to spend more than 600"), a count of people right after a
        counting word ("a table for 6", "seats 4", "somos 6"). Only the numbers are visited (C-level
        passes find them), never every cue word."""
        tokens, index = self.tokens, self.index
        positions = set(compress(count(), map(str.isdigit, tokens)))
        positions.update(compress(count(), map(NUMBER_WORDS.__contains__, tokens)))
        for j in sorted(positions):
            following = tokens[j + 1] if j + 1 < len(tokens) else ""
            if index.money_cues and "money" not in self.values and self._money_cue(j, following):
                self.values.add("money")
            if index.count_cues and not self.counts >= index.people_groups and self._count_cue(j, following):
                self.counts.update(index.people_groups)

    def _money_cue(self, j: int, following: str) -> bool:
        tokens = self.tokens
        if (
            following in UNITS
            or following in PEOPLE_NOUNS
            or following in DATE_SPANS
            or following in DATE_WORDS
        ):
            return False
        if following in self.index.count_terms:
            return False
        for k in range(j - 1, max(-1, j - 1 - MONEY_CUE_REACH), -1):
            if tokens[k] in CLAUSE_BREAKS:
                return False
            if tokens[k] in self.index.money_cues:
                return True
        return False

    def _count_cue(self, j: int, following: str) -> bool:
        tokens = self.tokens
        if j == 0:
            return False
        cue = j - 1
        if tokens[cue] in _COUNT_FILLERS and cue > 0:
            cue -= 1
        if tokens[cue] not in self.index.count_cues:
            return False
        number = tokens[j]
        small = number in NUMBER_WORDS or (number.isdigit() and int(number) <= MAX_CUED_COUNT)
        if not small or tokens[j - 1] in CURRENCIES:
            return False
        if (
            following in CURRENCIES
            or following in UNITS
            or following in DATE_SPANS
            or following in DATE_WORDS
        ):
            return False
        return not (self.negations and _negated(tokens, cue, j + 1))

    def _phrase(self, i: int) -> None:
        tokens, known = self.tokens, self.known
        for length, phrases in self.index.multi[tokens[i]]:
            end = i + 1 + length
            targets = phrases.get(tuple(tokens[i + 1 : end]))
            if targets is None:
                continue
            if not targets.categories <= known:
                # Negation matters only while a category of a non-polar target is still unknown.
                if (
                    self.negations
                    and targets.negatable
                    and not (targets.categories - targets.polar) <= known
                    and _negated(tokens, i, end)
                ):
                    known |= targets.polar
                else:
                    known |= targets.categories
            return  # the longest phrase starting here wins

    def _value(self, kind: str, start: int, end: int, after: bool = False) -> None:
        if kind in self.values or kind not in self.index.value_targets:
            return
        if not (self.negations and _negated(self.tokens, start, end, after=after)):
            self.values.add(kind)

    def _count(self, i: int) -> None:
        terms = self.index.count_terms
        if not terms:
            return
        tokens = self.tokens
        for j in range(i + 1, min(i + 4, len(tokens))):
            candidates = terms.get(tokens[j])
            if candidates:
                found = [
                    categories
                    for phrase, categories in candidates
                    if len(phrase) == 1 or tuple(tokens[j : j + len(phrase)]) == phrase
                ]
                if found:
                    if not (self.negations and _negated(tokens, i, j + 1)):
                        self.counts.update(found)
                    return
            if tokens[j] in CLAUSE_BREAKS:
                return


def corrected(index: DetectionIndex, tokens: list[str]) -> list[str]:
    """The tokens with near misses of the catalog's words corrected ("teble" → "table"): only
    words the catalog and the language do not know, at most ``MAX_CORRECTED_WORDS`` per text (the
    first in alphabetical order: deterministic and cheap to pick; lookups are memoised per word)."""
    fuzzy = index.fuzzy
    if fuzzy is None:
        return tokens
    unknown = [w for w in set(tokens).difference(index.known_words) if len(w) >= 5 and w.isalpha()]
    if not unknown:
        return tokens
    fixes = {}
    for word in sorted(unknown)[:MAX_CORRECTED_WORDS]:  # a deterministic few, however long the text
        found = fuzzy.correct(word)
        if found is not None:
            fixes[word] = found
    if not fixes:
        return tokens
    return [fixes.get(t, t) for t in tokens]


def known_categories(index: DetectionIndex, user_tokens: Iterable[list[str]]) -> set[str]:
    """The categories the user's own words (history user turns and the context) already give."""
    return _Detection(index, corrected(index, _joined(user_tokens))).run()


def text_facts(index: DetectionIndex, text: str) -> TextFacts:
    """What ``known_categories(index, [tokens_of(text)])`` finds, as ``TextFacts``; reads
    ``plain_tokens`` when the catalog allows."""
    tokens = corrected(index, plain_tokens(text) if index.plain else tokens_of(text))
    tokens.append(MESSAGE_BREAK)
    return _Detection(index, tokens).facts()


def categories_in_text(index: DetectionIndex, text: str) -> set[str]:
    """``known_categories(index, [tokens_of(text)])``."""
    return expand(index, set(text_facts(index, text)))


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


# Mention lookups search each text's bytes, lowered (A-Z → a-z; nothing else of a token changes
# case, see LOWER_CASE_TO_ASCII). Between two tokens of a phrase there may be anything that is not
# a token: no letter, digit, "/" or clause punctuation, and no currency symbol ("€" and "£" are
# several bytes).
_LOWERED = bytearray(range(256))
for _byte in b"ABCDEFGHIJKLMNOPQRSTUVWXYZ":
    _LOWERED[_byte] = _byte + 32
_TO_LOWERED = bytes(_LOWERED)
_BETWEEN_TOKENS = re.compile(rb"(?:[^a-z0-9/.;:!?,$\xc2\xe2]|\xc2(?!\xa3)|\xe2(?!\x82\xac))*")
_LETTERS = frozenset(b"abcdefghijklmnopqrstuvwxyz")
# After this many terms found in none of the texts (each a search of every text), analyse the
# texts once instead.
LAZY_MISSES = 8


class MentionLookup:
    """``term in lookup``: is a ``requires.mentions`` term in any of these texts?

    The same answer as ``term in`` the union of ``mentioned_terms(index, [tokens_of(text)])`` over
    the texts, found term by term on demand: a selection asks about the few terms of the questions
    it reaches, and a term made of words is a substring search (checked at word boundaries) text by
    text until one has it, where the full set needs every text tokenised. Terms with digits or
    punctuation are looked up in the tokens; after ``LAZY_MISSES`` terms found nowhere the full set
    is computed.
    """

    def __init__(self, index: DetectionIndex, texts: Sequence[str]) -> None:
        self._index, self._texts = index, texts
        self._answers: dict[str, bool] = {}
        self._lowered: list[bytes] = []  # the texts' lowered bytes, made as the search reaches them
        self._token_lists: list[list[str]] | None = None
        self._all: set[str] | None = None
        self._misses = 0

    def __contains__(self, term: str) -> bool:
        answer = self._answers.get(term)
        if answer is None:
            if self._all is not None:
                answer = term in self._all
            else:
                phrases = self._index.mention_phrases.get(term, ())
                answer = any(self._occurs(phrase) for phrase in phrases)
                self._misses += bool(phrases) and not answer
                if self._misses >= LAZY_MISSES:
                    self._all = set().union(
                        *(mentioned_terms(self._index, [tokens]) for tokens in self._tokens())
                    )
            self._answers[term] = answer
        return answer

    def _occurs(self, phrase: tuple[str, ...]) -> bool:
        if not all(word.isalpha() for word in phrase):
            return any(_contains([*tokens, MESSAGE_BREAK], phrase) for tokens in self._tokens())
        first, rest = phrase[0].encode(), [word.encode() for word in phrase[1:]]
        return any(_occurs_in(self._text(n), first, rest) for n in range(len(self._texts)))

    def _text(self, n: int) -> bytes:
        lowered = self._lowered
        while len(lowered) <= n:
            text = self._texts[len(lowered)]
            if not text.isascii():
                text = _folded(text)
            lowered.append(text.encode("utf-8", "surrogatepass").translate(_TO_LOWERED))
        return lowered[n]

    def _tokens(self) -> list[list[str]]:
        if self._token_lists is None:
            self._token_lists = [tokens_of(text) for text in self._texts]
        return self._token_lists


def _occurs_in(text: bytes, first: bytes, rest: list[bytes]) -> bool:
    """Does the lowered text have the words first, *rest as consecutive tokens?"""
    size = len(text)
    at = text.find(first)
    while at >= 0:
        end = at + len(first)
        if (not at or text[at - 1] not in _LETTERS) and (end == size or text[end] not in _LETTERS):
            for word in rest:
                start = _BETWEEN_TOKENS.match(text, end).end()  # type: ignore[union-attr]
                end = start + len(word)
                if not text.startswith(word, start) or (end < size and text[end] in _LETTERS):
                    break
            else:
                return True
        at = text.find(first, at + 1)
    return False


def _contains(tokens: list[str], phrase: tuple[str, ...]) -> bool:
    n = len(phrase)
    return any(tuple(tokens[i : i + n]) == phrase for i in compress(count(), map(phrase[0].__eq__, tokens)))
