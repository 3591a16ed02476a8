"""The fast detection path against a straightforward reference.

Detection reads a text with a few C-level passes (``tokens_of`` / ``plain_tokens`` without the
regular expression, the positions of the words that matter, adjacent token pairs, a lazy mention
lookup). The reference below is written from the documented rules instead, the plain way: the
regular expression over the lowered text, then every token position checked against every rule.
Both must give exactly the same categories, mentions and questions on varied text: negations,
clause punctuation, unicode (accents folded), money (also after a comparator or a money word),
sizes, dates, counts (also after a counting word) and typos of the catalog's words.
"""

from __future__ import annotations

import random
import sys
import unicodedata

import pytest

from parley.nbq import detection
from parley.nbq.catalog import Catalog, load_catalog_yaml, parse_catalog
from parley.nbq.detection import (
    CLAUSE_BREAKS,
    COUNT_CUES,
    CURRENCIES,
    DATE_SPANS,
    DATE_WORDS,
    KNOWN_WORDS,
    MAX_CORRECTED_WORDS,
    MAX_CUED_COUNT,
    MONEY_CUE_REACH,
    MONEY_CUES,
    NEGATIONS,
    NUMBER_WORDS,
    PEOPLE_NOUNS,
    TOKEN,
    UNITS,
    MentionLookup,
    build_index,
    categories_in_text,
    known_categories,
    mentioned_terms,
    plain_tokens,
    tokens_of,
)
from parley.nbq.learning import QuestionStats, sampled_value
from parley.nbq.selection import PreparedCatalog, Turn, select_next_question
from tests.helpers.paths import ROOT

DEMO = load_catalog_yaml((ROOT / "tenants/demo/catalog.yaml").read_text())


# --- the reference ---------------------------------------------------------------------------


def reference_tokens(text: str) -> list[str]:
    """The regular expression over the lowered text, accents removed (NFD, combining marks dropped)."""
    decomposed = unicodedata.normalize("NFD", text.lower())
    return TOKEN.findall("".join(c for c in decomposed if not unicodedata.combining(c)))


def reference_corrected(catalog: Catalog, tokens: list[str]) -> list[str]:
    """The first few unknown words of a text (alphabetically) replaced by the catalog word they
    are a near miss of."""
    from parley.language.fuzzy import FuzzyVocabulary

    index = build_index(catalog)
    terms = {w for w in _all_terms(catalog) if w.isalpha()}
    known = terms | KNOWN_WORDS | index.spotted | set(index.mention_single)
    unknown = sorted({t for t in tokens if t not in known and len(t) >= 5 and t.isalpha()})
    vocabulary = FuzzyVocabulary(terms)
    fixes = {w: vocabulary.correct(w) for w in unknown[:MAX_CORRECTED_WORDS]}
    return [fixes.get(t) or t for t in tokens]


def _all_terms(catalog: Catalog) -> set[str]:
    words: set[str] = set()
    for category in catalog.categories.values():
        for detector in category.detectors:
            for term in detector.terms:
                for phrase in variants(term):
                    words.update(phrase)
    return words


def variants(term: str) -> list[tuple[str, ...]]:
    phrase = tuple(reference_tokens(term))
    found = [phrase]
    last = phrase[-1]
    if last.isalpha() and len(last) > 2 and not last.endswith("s"):
        found.append((*phrase[:-1], last + ("es" if last.endswith(("ch", "sh", "x")) else "s")))
    return found


def negated_near(tokens: list[str], start: int, end: int, after: bool = True) -> bool:
    """A negation up to 5 tokens before tokens[start:end] (or up to 3 after it), same clause."""
    for i in range(start - 1, max(start - 6, -1), -1):
        if tokens[i] in CLAUSE_BREAKS:
            break
        if tokens[i] in NEGATIONS:
            return True
    if after:
        for j in range(end, min(end + 3, len(tokens))):
            if tokens[j] in CLAUSE_BREAKS:
                break
            if tokens[j] in NEGATIONS:
                return True
    return False


def in_negated_zone(tokens: list[str], p: int) -> bool:
    """A one-word keyword at p is negated by a negation n in its clause with n - 3 <= p <= n + 5."""
    for n, token in enumerate(tokens):
        if token not in NEGATIONS:
            continue
        if n - 3 <= p < n and not any(t in CLAUSE_BREAKS for t in tokens[p:n]):
            return True
        if n < p <= n + 5 and not any(t in CLAUSE_BREAKS for t in tokens[n + 1 : p + 1]):
            return True
    return False


def reference_known(catalog: Catalog, text: str) -> set[str]:  # noqa: C901 -- a literal reference, kept in one piece
    tokens = [*reference_corrected(catalog, reference_tokens(text)), "."]
    keywords: list[tuple[tuple[str, ...], str, bool]] = []
    counts: list[tuple[tuple[str, ...], str]] = []
    values: dict[str, set[str]] = {}
    for category in catalog.categories.values():
        for detector in category.detectors:
            if detector.kind == "keywords":
                keywords += [(p, category.name, detector.polar) for t in detector.terms for p in variants(t)]
            elif detector.kind == "count":
                counts += [(p, category.name) for t in detector.terms for p in variants(t)]
            else:
                values.setdefault(detector.kind, set()).add(category.name)
    known: set[str] = set()

    def value(kind: str, start: int, end: int) -> None:
        if kind in values and not negated_near(tokens, start, end, after=False):
            known.update(values[kind])

    people = {c for p, c in counts if any(w in PEOPLE_NOUNS for w in p)}
    count_nouns = {p[0] for p, _ in counts}

    def money_after_cue(j: int) -> bool:  # a bound is a budget even negated: no negation check
        after = tokens[j + 1] if j + 1 < len(tokens) else ""
        if {after} & (UNITS | PEOPLE_NOUNS | DATE_SPANS | DATE_WORDS | count_nouns):
            return False
        for k in range(j - 1, max(-1, j - 1 - MONEY_CUE_REACH), -1):
            if tokens[k] in CLAUSE_BREAKS:
                return False
            if tokens[k] in MONEY_CUES:
                return True
        return False

    def count_after_cue(j: int) -> bool:
        if j == 0:
            return False
        cue = j - 1
        if tokens[cue] in ("a", "about", "unos", "unas", "like", "around", "just") and cue > 0:
            cue -= 1
        number, after = tokens[j], tokens[j + 1] if j + 1 < len(tokens) else ""
        small = (number.isdigit() and int(number) <= MAX_CUED_COUNT) or number in NUMBER_WORDS
        return (
            tokens[cue] in COUNT_CUES
            and small
            and tokens[j - 1] not in CURRENCIES
            and not ({after} & (CURRENCIES | UNITS | DATE_SPANS | DATE_WORDS))
            and not negated_near(tokens, cue, j + 1)
        )

    def count_from(i: int) -> None:
        for j in range(i + 1, min(i + 4, len(tokens))):
            found = [c for p, c in counts if tuple(tokens[j : j + len(p)]) == p]
            if found:
                if not negated_near(tokens, i, j + 1):
                    known.update(found)
                return
            if tokens[j] in CLAUSE_BREAKS:
                return

    for i, token in enumerate(tokens):
        for phrase, category, polar in keywords:  # one-word keywords
            if len(phrase) == 1 and phrase[0] == token and (polar or not in_negated_zone(tokens, i)):
                known.add(category)
        longest = max(
            (len(p) for p, _, _ in keywords if len(p) > 1 and tuple(tokens[i : i + len(p)]) == p), default=0
        )
        for phrase, category, polar in keywords:  # the longest multi-word keyword starting here
            matches = len(phrase) == longest > 1 and tuple(tokens[i : i + longest]) == phrase
            if matches and (polar or not negated_near(tokens, i, i + longest)):
                known.add(category)
        previous = tokens[i - 1] if i else ""
        following = tokens[i + 1] if i + 1 < len(tokens) else ""
        if token.isdigit():
            if previous in CURRENCIES or following in CURRENCIES:
                value("money", i, i + 1)
            if following in UNITS or (following == "x" and i + 2 < len(tokens) and tokens[i + 2].isdigit()):
                value("size", i, i + 1)
            if following == "/" or following in DATE_WORDS:
                value("date", i, i + 1)
            elif previous == "in" and following in DATE_SPANS:
                value("date", i, i + 2)
        if token.isdigit() or token in NUMBER_WORDS:
            count_from(i)
        if token in DATE_WORDS:
            value("date", i, i + 1)
        if token.isdigit() or token in NUMBER_WORDS:
            if "money" in values and money_after_cue(i):
                known.update(values["money"])
            if people and count_after_cue(i):
                known.update(people)
    return known


def reference_mentions(catalog: Catalog, texts: list[str]) -> set[str]:
    single: dict[str, str] = {}  # a word reports the last term registered for it
    multi: list[tuple[tuple[str, ...], str]] = []
    for question in catalog.questions:
        for term in question.requires_mentions:
            for phrase in variants(term):
                if len(phrase) == 1:
                    single[phrase[0]] = term
                else:
                    multi.append((phrase, term))
    found: set[str] = set()
    for text in texts:
        tokens = [*reference_tokens(text), "."]
        found.update(single[t] for t in tokens if t in single)
        for phrase, term in multi:
            if any(tuple(tokens[i : i + len(phrase)]) == phrase for i in range(len(tokens))):
                found.add(term)
    return found


def reference_select(catalog: Catalog, history, context, answered, stats, session_id) -> str | None:
    user = [content for role, content in history if role == "user"] + ([context] if context else [])
    known = set().union(*(reference_known(catalog, t) for t in user))
    known.update(catalog.by_id[q].category for q in answered if q in catalog.by_id)
    mentions = reference_mentions(
        catalog, [content for _, content in history] + ([context] if context else [])
    )
    best = None
    for q in catalog.questions:
        if q.external_id in answered or q.category in known:
            continue
        if any(c not in known for c in q.requires_categories):
            continue
        if q.requires_mentions and not any(m in mentions for m in q.requires_mentions):
            continue
        value = sampled_value(stats.get(q.external_id), session_id, q.external_id) if stats else 0.0
        key = (q.priority, value, -q.position)
        if best is None or key > best[0]:
            best = (key, q.external_id)
    return best[1] if best else None


# --- varied text -------------------------------------------------------------------------------

TRICKY = [
    "no",
    "not",
    "never",
    "without",
    "none",
    "nothing",
    "unsure",
    "tbd",
    "nor",
    "don't",
    "isn't",
    "won't",
    ".",
    ",",
    ";",
    ":",
    "!",
    "?",
    "...",
    "/",
    "-",
    "—",
    "\u2013",
    "\u2019",
    "\u201c",
    "\u201d",
    "'",
    '"',
    "(",
    ")",
    "€",
    "£",
    "$",
    "€500",
    "500€",
    "$1,200",
    "1.200",
    "£ 30",
    "30 £",
    "500k",
    "2k",
    "12/06",
    "3rd",
    "200x100",
    "200 x 100",
    "2 m",
    "180cm",
    "6 ft",
    "10in",
    "in 3 weeks",
    "in 2 days",
    "6people",
    "four",
    "six",
    "dozen",
    "twenty",
    "of us",
    "6 of us",
    "4 adults",
    "may",
    "june",
    "tomorrow",
    "Café",
    "naïve",
    "ÉTÉ",
    "İstanbul",
    "\u212aelvin",
    "ß",
    "ﬁne",
    "日本",
    "😀",
    "\u00a0",
    "\t",
    "\n",
    "\x00",
    "\x01",
    "\x02",
    "\ud800",
    "  ",
    "TABLE",
    "Table",
    "tAbLe",
    "x",
    "k",
    "m",
    "t",
    "s",
]


def random_text(rng: random.Random, words: list[str], length: int) -> str:
    pieces = []
    for _ in range(length):
        roll = rng.random()
        if roll < 0.35:
            piece = rng.choice(TRICKY)
        elif roll < 0.45:
            piece = str(rng.randint(0, 99999))
        else:
            piece = rng.choice(words)
        if rng.random() < 0.15:
            piece = piece.upper() if rng.random() < 0.5 else piece.title()
        pieces.append(piece)
        pieces.append(rng.choice(["", " ", " ", " ", "  ", "\n", "-", ", ", ". "]))
    return "".join(pieces)


def catalog_words(catalog: Catalog) -> list[str]:
    words = {w for c in catalog.categories.values() for d in c.detectors for t in d.terms for w in t.split()}
    words |= {m for q in catalog.questions for m in q.requires_mentions}
    words |= {"the", "a", "and", "for", "in", "of", "we", "budget", "euros", "people", "cm", "weeks", "x"}
    return sorted(words)


EXOTIC = parse_catalog(
    {
        "version": "exotic",
        "categories": {
            "two_seater": {"detectors": [{"keywords": ["2-seater", "e.g. table", "no rush"]}]},
            "money_words": {"detectors": [{"keywords": ["$", "price range", "price range per seat"]}]},
            "polar": {
                "detectors": [{"keywords": ["no chairs", "chairs"], "polar": True}, {"keywords": ["chair"]}]
            },
            "sizes": {"detectors": ["size", {"keywords": ["length"]}]},
            "dates": {"detectors": ["date", {"keywords": ["deadline", "as soon as possible"]}]},
            "people": {"detectors": [{"count": ["people", "of us", "adults", "6 seats"]}, "money"]},
        },
        "questions": [
            {"external_id": "q1", "text": "?", "category": "two_seater", "requires": {"mentions": ["Table"]}},
            {
                "external_id": "q2",
                "text": "?",
                "category": "money_words",
                "requires": {"mentions": ["table"]},
            },
            {
                "external_id": "q3",
                "text": "?",
                "category": "polar",
                "requires": {"mentions": ["dining set", "e.g."]},
            },
            {"external_id": "q4", "text": "?", "category": "sizes", "priority": 3},
            {"external_id": "q5", "text": "?", "category": "dates", "requires": {"mentions": ["garden"]}},
            {"external_id": "q6", "text": "?", "category": "people", "requires": {"categories": ["sizes"]}},
        ],
    }
)


def synthetic(questions: int) -> Catalog:
    from benchmarks.nbq_selection import synthetic_catalog_document

    return parse_catalog(synthetic_catalog_document(questions))


CATALOGS = {
    "demo": DEMO,
    "exotic": EXOTIC,
    "synthetic-100": synthetic(100),
    "synthetic-1000": synthetic(1000),
}


def texts_for(catalog: Catalog, seed: int, count: int = 60) -> list[str]:
    rng = random.Random(seed)
    words = catalog_words(catalog)
    return [random_text(rng, words, rng.choice([1, 3, 8, 40, 200])) for _ in range(count)]


# --- the checks ------------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(CATALOGS))
def test_tokens_are_the_regular_expressions(name: str) -> None:
    for text in [*texts_for(CATALOGS[name], 1), "", " ", "€", "£$€", "a" * 100, "7" * 60 + "x"]:
        assert tokens_of(text) == reference_tokens(text), text


def plain(token: str) -> str:
    if token in CLAUSE_BREAKS:
        return "."
    return "$" if token in "€$£" else token


@pytest.mark.parametrize("name", sorted(CATALOGS))
def test_plain_tokens_are_the_tokens_with_clause_breaks_and_currencies_written_alike(name: str) -> None:
    for text in [*texts_for(CATALOGS[name], 2), "", "€", "Ab, 6€!", "£$€" * 20, "7" * 60 + "x"]:
        assert plain_tokens(text) == [plain(t) for t in reference_tokens(text)], text


@pytest.mark.parametrize("name", sorted(CATALOGS))
def test_categories_match_the_reference(name: str) -> None:
    catalog = CATALOGS[name]
    index = build_index(catalog)
    assert index.plain == (name != "exotic")
    for text in texts_for(catalog, 3, count=80):
        expected = reference_known(catalog, text)
        assert categories_in_text(index, text) == expected, text
        assert known_categories(index, [tokens_of(text)]) == expected, text


@pytest.mark.parametrize("name", sorted(CATALOGS))
def test_mentions_match_the_reference(name: str) -> None:
    catalog = CATALOGS[name]
    index = build_index(catalog)
    terms = sorted({m for q in catalog.questions for m in q.requires_mentions} | {"not a term"})
    rng = random.Random(4)
    texts = texts_for(catalog, 4)
    for _ in range(40):
        chosen = rng.sample(texts, rng.randint(1, 4))
        expected = reference_mentions(catalog, chosen)
        lookup = MentionLookup(index, chosen)
        order = terms[:]
        rng.shuffle(order)
        assert {t for t in order if t in lookup} == expected & set(terms), chosen
        assert set().union(*(mentioned_terms(index, [tokens_of(t)]) for t in chosen)) == expected


def test_mentions_after_many_misses_come_from_the_full_analysis() -> None:
    catalog = parse_catalog(
        {
            "version": "1",
            "categories": {"a": {"detectors": [{"keywords": ["alpha"]}]}},
            "questions": [
                {
                    "external_id": f"q{n}",
                    "text": "?",
                    "category": "a",
                    "requires": {"mentions": [f"word{chr(97 + n)}"]},
                }
                for n in range(12)
            ]
            + [
                {
                    "external_id": "qt",
                    "text": "?",
                    "category": "a",
                    "requires": {"mentions": ["wordz", "e.g."]},
                }
            ],
        }
    )
    index = build_index(catalog)
    lookup = MentionLookup(index, ["Nothing here.", "wordz, E.G. and wordk"])
    answers = {t: t in lookup for t in [f"word{chr(97 + n)}" for n in range(12)] + ["wordz", "e.g."]}
    assert lookup._all is not None  # switched to the full set after LAZY_MISSES misses
    assert {t for t, found in answers.items() if found} == {"wordk", "wordz", "e.g."}


@pytest.mark.parametrize("name", sorted(CATALOGS))
def test_selection_matches_the_reference(name: str) -> None:
    catalog = CATALOGS[name]
    prepared = PreparedCatalog.of(catalog)
    rng = random.Random(5)
    ids = [q.external_id for q in catalog.questions]
    stats = {qid: QuestionStats(n, rng.randint(0, n)) for qid in ids for n in (rng.randint(0, 50),)}
    texts = texts_for(catalog, 5, count=40)
    for n in range(25):
        history = [("user" if k % 2 else "assistant", rng.choice(texts)) for k in range(rng.randint(0, 6))]
        if history:
            history[-1] = ("user", history[-1][1])
        context = rng.choice([None, rng.choice(texts)])
        answered = rng.sample(ids, rng.randint(0, min(3, len(ids))))
        turns = [Turn(role, content) for role, content in history]
        got = select_next_question(prepared, turns, context, answered, stats=stats, session_id=f"s{n}")
        expected = reference_select(catalog, history, context, answered, stats, f"s{n}")
        assert (got.external_id if got else None) == expected


def test_benchmark_histories_match_the_reference() -> None:
    from benchmarks.nbq_selection import synthetic_history

    catalog = CATALOGS["synthetic-1000"]
    index = build_index(catalog)
    phrases = sorted(t for c in catalog.categories.values() for d in c.detectors for t in d.terms)
    for _role, text in synthetic_history(6, 2000, 7, phrases):
        assert categories_in_text(index, text) == reference_known(catalog, text)
        assert tokens_of(text) == reference_tokens(text)


def test_only_two_characters_outside_ascii_lower_to_a_token_character() -> None:
    """``tokens_of`` lowers only A-Z itself, trusting LOWER_CASE_TO_ASCII for the rest."""
    found = tuple(
        chr(c) for c in range(0x80, sys.maxunicode + 1) if chr(c) not in "€£" and TOKEN.search(chr(c).lower())
    )
    assert found == detection.LOWER_CASE_TO_ASCII


@pytest.mark.parametrize("name", sorted(CATALOGS))
def test_remembered_texts_give_the_reference_union(name: str) -> None:
    catalog = CATALOGS[name]
    prepared = PreparedCatalog.of(catalog)
    texts = texts_for(catalog, 6, count=30)
    rng = random.Random(6)
    for _ in range(10):
        chosen = rng.sample(texts, rng.randint(1, 8))
        expected = set().union(*(reference_known(catalog, t) for t in chosen))
        assert prepared.categories_in(chosen) == expected  # the first time analysed ...
        assert prepared.categories_in(chosen) == expected  # ... then remembered


OVERLAPS = parse_catalog(
    {
        "version": "overlaps",
        "categories": {
            "short": {"detectors": [{"keywords": ["as soon"]}]},
            "long": {"detectors": [{"keywords": ["as soon as possible"]}]},
            "prefix_only": {"detectors": [{"keywords": ["in time for dinner"]}]},
            "people": {"detectors": [{"count": ["people"]}]},
            "chairs": {"detectors": [{"count": ["chairs"]}]},
            "budget": {"detectors": ["money"]},
            "size": {"detectors": ["size"]},
        },
        "questions": [{"external_id": "q", "text": "?", "category": "short"}],
    }
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Deliver it as soon as possible, thanks", {"long"}),  # the longest phrase wins
        ("as soon please", {"short"}),
        ("as soon as we can, and as soon as possible", {"short", "long"}),
        ("just in time for dinner", {"prefix_only"}),
        ("in time for lunch", set()),
        ("not as soon as possible", set()),
        ("we are 4 people and want 6 chairs", {"people", "chairs"}),
        ("6 chairs for 4 people", {"people", "chairs"}),
        ("about 500 euros for a 200 x 100 table", {"budget", "size"}),
        ("200x100 cm, 1200€", {"budget", "size"}),
    ],
)
def test_overlapping_phrases_and_several_number_kinds(text: str, expected: set[str]) -> None:
    index = build_index(OVERLAPS)
    padded = text + " " + "and so on " * 6  # long enough for the fast tokeniser too
    for candidate in (text, padded):
        assert reference_known(OVERLAPS, candidate) == expected
        assert categories_in_text(index, candidate) == expected
        assert known_categories(index, [tokens_of(candidate)]) == expected
