"""Offline understanding of one utterance: which intent, which slot values. Pure and deterministic.

**Intents.** Each intent is scored against the utterance: for each example utterance, the share of
its content words the user's text contains (a word also matches a close misspelling, at 0.9) blended
with ``difflib``'s character ratio of the two normalised texts; a keyword phrase contained in the
text scores 0.9. The best intent wins if it reaches ``INTENT_THRESHOLD``; ties go to the intent
declared first. Everything per deployment (token sets, vocabulary) is built once (``IntentMatcher``).

**Slot values.** Choices by their text or a synonym (whole-word phrases), or by a number falling in
a choice's range; numbers (digits or words, "a couple"), counts before a slot's units ("6 people"),
money (a number next to a currency, "1.2k"), dates (ISO, weekdays, "tomorrow", "in 2 weeks",
"12 June"). A slot that was just asked takes a bare number, and a text slot its whole answer.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from parley.dialogue.deployment import Choice, Deployment, Slot
from parley.nbq.detection import CURRENCIES, tokens_of

INTENT_THRESHOLD = 0.5
KEYWORD_SCORE = 0.9
FUZZY_WORD_CUTOFF = 0.8
FUZZY_WORD_WEIGHT = 0.9
OVERLAP_WEIGHT = 0.7
# Words that say nothing about what the user wants; left out of the overlap.
STOPWORDS = frozenset(
    "a an the i im i'm me my we our you your to of for in on at and or is are be do does can could "
    "would will it this that with about please hi hello hey some any there what how want need like "
    "looking look get have has just so".split()
)
NUMBER_VALUES = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
    "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30,
    "forty": 40, "fifty": 50, "couple": 2, "dozen": 12,
}  # fmt: skip
_CURRENCY_SYMBOLS = "€$£"
_CURRENCY_WORDS = "|".join(sorted((c for c in CURRENCIES if c.isalpha() and c != "k"), key=len, reverse=True))
# One number: 1,200 / 1.200 / 1 200 (thousands), 12.5, optionally k; a currency before or after.
_AMOUNT = re.compile(
    rf"(?P<before>[{_CURRENCY_SYMBOLS}])?\s?"
    r"(?P<number>\d{1,3}(?:[,.\u00a0 ]\d{3})+(?![\d])|\d+(?:[.,]\d+)?)"
    r"(?P<k>\s?k\b)?"
    rf"(?:\s?(?P<after>[{_CURRENCY_SYMBOLS}]|\b(?:{_CURRENCY_WORDS})\b))?",
    re.IGNORECASE,
)
_ISO_DATE = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")
_RELATIVE = re.compile(r"\bin\s+(\d+|a|an|one|two|three|four|five|six)\s+(day|week|month)s?\b")
_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"), ("may",),
            ("june", "jun"), ("july", "jul"), ("august", "aug"), ("september", "sep", "sept"),
            ("october", "oct"), ("november", "nov"), ("december", "dec"),
        ),
        start=1,
    )
    for name in names
}  # fmt: skip
_DAY_MONTH = re.compile(r"\b(\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?(" + "|".join(_MONTHS) + r")\b")
_MONTH_DAY = re.compile(r"\b(" + "|".join(_MONTHS) + r")\s+(\d{1,2})(?:st|nd|rd|th)?\b")
_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


@dataclass(frozen=True, slots=True)
class _Example:
    words: frozenset[str]
    normalised: str


@dataclass(frozen=True, slots=True)
class _IntentModel:
    intent_id: str
    examples: tuple[_Example, ...]
    keywords: tuple[tuple[str, ...], ...]


def _content_words(tokens: Iterable[str]) -> list[str]:
    return [t for t in tokens if t.isalnum() and t not in STOPWORDS]


def _contains(tokens: Sequence[str], phrase: Sequence[str]) -> bool:
    n = len(phrase)
    if not n:
        return False
    first = phrase[0]
    return any(
        tokens[i] == first and tuple(tokens[i : i + n]) == tuple(phrase) for i in range(len(tokens) - n + 1)
    )


class IntentMatcher:
    """The intents of one deployment, prepared once; ``recognise`` is the per-turn call."""

    def __init__(self, deployment: Deployment) -> None:
        models = []
        vocabulary: set[str] = set()
        for intent in deployment.intents.values():
            examples = []
            for utterance in intent.utterances:
                words = _content_words(tokens_of(utterance))
                vocabulary.update(words)
                examples.append(_Example(frozenset(words), " ".join(words)))
            keywords = tuple(tuple(tokens_of(k)) for k in intent.keywords)
            for keyword in keywords:
                vocabulary.update(keyword)
            models.append(_IntentModel(intent.id, tuple(examples), keywords))
        self._models = tuple(models)
        self._vocabulary = sorted(vocabulary)
        self._known = frozenset(vocabulary)

    def _canonical(self, words: list[str]) -> set[str]:
        """The user's words, each also as its nearest vocabulary word when it is a near miss."""
        canonical: set[str] = set()
        for word in words:
            if word in self._known or len(word) < 4:
                canonical.add(word)
                continue
            close = difflib.get_close_matches(word, self._vocabulary, n=1, cutoff=FUZZY_WORD_CUTOFF)
            canonical.add("~" + close[0] if close else word)
        return canonical

    def scores(self, text: str) -> dict[str, float]:
        tokens = tokens_of(text)
        words = _content_words(tokens)
        canonical = self._canonical(words)
        normalised = " ".join(words)
        result: dict[str, float] = {}
        for model in self._models:
            best = 0.0
            if any(_contains(tokens, keyword) for keyword in model.keywords):
                best = KEYWORD_SCORE
            for example in model.examples:
                if not example.words:
                    continue
                exact = len(example.words & canonical)
                fuzzy = sum(1 for w in example.words if "~" + w in canonical)
                overlap = (exact + FUZZY_WORD_WEIGHT * fuzzy) / len(example.words)
                ratio = difflib.SequenceMatcher(None, normalised, example.normalised, autojunk=False).ratio()
                best = max(best, OVERLAP_WEIGHT * overlap + (1 - OVERLAP_WEIGHT) * ratio)
            result[model.intent_id] = round(best, 4)
        return result

    def recognise(self, text: str) -> tuple[str | None, float]:
        """The best intent and its score; None below the threshold."""
        best_id, best_score = None, 0.0
        for intent_id, score in self.scores(text).items():
            if score > best_score:
                best_id, best_score = intent_id, score
        return (best_id, best_score) if best_score >= INTENT_THRESHOLD else (None, best_score)


# ------------------------------------------------------------------------------------------------
# Values
# ------------------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Amount:
    value: float
    money: bool
    start: int
    end: int


def _number(raw: str) -> float:
    compact = raw.replace("\u00a0", " ")
    if re.fullmatch(r"\d{1,3}(?:[,. ]\d{3})+", compact):
        return float(re.sub(r"[,. ]", "", compact))
    return float(compact.replace(",", "."))


def amounts_of(text: str) -> list[Amount]:
    """Every number in the text (digits or number words), and whether it reads as money."""
    lowered = text.lower()
    found: list[Amount] = []
    for match in _AMOUNT.finditer(lowered):
        value = _number(match.group("number"))
        if match.group("k"):
            value *= 1000
        money = bool(match.group("before") or match.group("after"))
        found.append(Amount(value, money, match.start("number"), match.end()))
    for match in re.finditer(r"\b(" + "|".join(NUMBER_VALUES) + r")\b", lowered):
        found.append(Amount(float(NUMBER_VALUES[match.group(1)]), False, match.start(), match.end()))
    return sorted(found, key=lambda a: a.start)


def _count_before_units(text: str, amounts: list[Amount], units: Sequence[str]) -> float | None:
    lowered = text.lower()
    for amount in amounts:
        if amount.money:
            continue
        following = tokens_of(lowered[amount.end : amount.end + 40])[:3]
        for unit in units:
            unit_tokens = tokens_of(unit)
            if unit_tokens and (
                _contains(following, unit_tokens)
                or _contains(following, [*unit_tokens[:-1], unit_tokens[-1] + "s"])
            ):
                return amount.value
    return None


def _iso_date(lowered: str, words: set[str], today: date) -> date | None:
    match = _ISO_DATE.search(lowered)
    if match is None:
        return None
    try:
        return date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    except ValueError:
        return None


def _named_day(lowered: str, words: set[str], today: date) -> date | None:
    if words & {"today", "tonight"}:
        return today
    if "tomorrow" in words:
        return today + timedelta(days=1)
    for index, weekday in enumerate(_WEEKDAYS):
        if weekday in words:
            return today + timedelta(days=(index - today.weekday()) % 7 or 7)
    if "weekend" in words:
        return today + timedelta(days=(5 - today.weekday()) % 7)
    return None


def _in_some_time(lowered: str, words: set[str], today: date) -> date | None:
    match = _RELATIVE.search(lowered)
    if match is None:
        return None
    raw = match.group(1)
    count = int(raw) if raw.isdigit() else NUMBER_VALUES.get(raw, 1)
    return today + timedelta(days={"day": 1, "week": 7, "month": 30}[match.group(2)] * count)


def _day_of_month(lowered: str, words: set[str], today: date) -> date | None:
    day_month, month_day = _DAY_MONTH.search(lowered), _MONTH_DAY.search(lowered)
    if day_month:
        day, month = int(day_month.group(1)), _MONTHS[day_month.group(2)]
    elif month_day:
        day, month = int(month_day.group(2)), _MONTHS[month_day.group(1)]
    else:
        return None
    for year in (today.year, today.year + 1):  # the next such day
        try:
            candidate = date(year, month, day)
        except ValueError:
            return None
        if candidate >= today:
            return candidate
    return None


_DATE_FINDERS = (_iso_date, _in_some_time, _day_of_month, _named_day)


def date_of(text: str, today: date) -> str | None:
    """An ISO date the text names (the next one, for weekdays and day-month dates)."""
    lowered = text.lower()
    words = set(tokens_of(lowered))
    for finder in _DATE_FINDERS:
        found = finder(lowered, words, today)
        if found is not None:
            return found.isoformat()
    return None


def match_choice(slot: Slot, text: str, *, pending: bool) -> Choice | None:
    """The choice the text names (longest phrase wins), or whose range holds the number it gives."""
    tokens = tokens_of(text)
    best: tuple[int, Choice] | None = None
    for choice in slot.choices:
        for phrase in (choice.text, *choice.synonyms):
            phrase_tokens = tokens_of(phrase)
            # Bare numbers ("2", "4") are choices only as an answer to their own question.
            if not pending and all(t.isdigit() for t in phrase_tokens):
                continue
            if _contains(tokens, phrase_tokens) and (best is None or len(phrase_tokens) > best[0]):
                best = (len(phrase_tokens), choice)
    if best is not None:
        return best[1]
    ranged = [c for c in slot.choices if c.minimum is not None or c.maximum is not None]
    if ranged:
        value = _slot_number(slot, text, pending=pending)
        if value is not None:
            for choice in ranged:
                low = choice.minimum if choice.minimum is not None else float("-inf")
                high = choice.maximum if choice.maximum is not None else float("inf")
                if low <= value <= high:
                    return choice
    if pending:
        # A near-miss spelling of a whole choice ("teek", "alumnium").
        wanted = " ".join(tokens)
        for choice in slot.choices:
            for phrase in (choice.text, *choice.synonyms):
                candidate = " ".join(tokens_of(phrase))
                if len(candidate) >= 4 and difflib.SequenceMatcher(None, wanted, candidate).ratio() >= 0.8:
                    return choice
    return None


def _slot_number(slot: Slot, text: str, *, pending: bool) -> float | None:
    amounts = amounts_of(text)
    if not amounts:
        return None
    source = slot.value_from or ("money" if slot.kind == "money" else "number")
    if source == "money":
        money = [a for a in amounts if a.money]
        if money:
            return money[0].value
        return amounts[0].value if pending else None
    if slot.units:
        counted = _count_before_units(text, amounts, slot.units)
        if counted is not None:
            return counted
    plain = [a for a in amounts if not a.money]
    return plain[0].value if pending and plain else None


def _plain(value: float) -> int | float:
    return int(value) if value.is_integer() else value


def extract_slot(slot: Slot, text: str, *, pending: bool, today: date) -> Any:
    """The slot's value in the text, or None. Choice slots answer with the choice id."""
    if not text.strip():
        return None
    if slot.kind == "choice":
        choice = match_choice(slot, text, pending=pending)
        return choice.id if choice else None
    if slot.kind in ("number", "money"):
        value = _slot_number(slot, text, pending=pending)
        return None if value is None else _plain(value)
    if slot.kind == "date":
        return date_of(text, today)
    if slot.pattern:
        match = re.search(slot.pattern, text, re.IGNORECASE)
        return match.group(0).strip() if match else None
    return text.strip()[:500] if pending else None


def _coerced_choice(slot: Slot, value: Any) -> Any:
    text = str(value)
    if slot.choice(text) is not None:
        return text
    choice = match_choice(slot, text, pending=True)
    return choice.id if choice else None


def _coerced_number(slot: Slot, value: Any) -> Any:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return value
    parsed = amounts_of(str(value))
    return _plain(parsed[0].value) if parsed else None


def _coerced_date(slot: Slot, value: Any) -> Any:
    text = str(value)
    return text if _ISO_DATE.fullmatch(text) else None


def _coerced_text(slot: Slot, value: Any) -> Any:
    text = str(value).strip()
    if slot.pattern and not re.search(slot.pattern, text, re.IGNORECASE):
        return None
    return text[:500] or None


_COERCERS = {
    "choice": _coerced_choice,
    "number": _coerced_number,
    "money": _coerced_number,
    "date": _coerced_date,
    "text": _coerced_text,
}


def coerce_slot_value(slot: Slot, value: Any) -> Any:
    """A value given directly (structured ``slots[]``) in the slot's terms; None if it does not fit."""
    return _COERCERS[slot.kind](slot, value)
