"""Dates in English and Spanish, relative to a day the caller gives (the engine has no clock).

ISO dates ("2026-12-24"), numeric dates ("24/12", "12/24" in English), today / tomorrow / the day
after, weekdays (the next one), the weekend (the next Saturday), "in 2 weeks" / "en 3 días" /
"dentro de una semana", and a day with a month ("12 March", "March 12th", "12 de marzo").
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date, timedelta

from parley.language.lexicon import Lexicon
from parley.language.numbers import numbers_in

_ISO = re.compile(r"\b(\d{4})-(\d{1,2})-(\d{1,2})\b")
_NUMERIC = re.compile(r"\b(\d{1,2})/(\d{1,2})(?:/(\d{2,4}))?\b")
_ORDINAL = frozenset({"st", "nd", "rd", "th", "o", "ro", "de", "of", "the", "el"})


def _valid(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _next(month: int, day: int, today: date) -> date | None:
    for year in (today.year, today.year + 1):
        candidate = _valid(year, month, day)
        if candidate is None:
            return None
        if candidate >= today:
            return candidate
    return None


def _numeric(folded: str, lex: Lexicon, today: date) -> date | None:
    match = _ISO.search(folded)
    if match:
        return _valid(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    match = _NUMERIC.search(folded)
    if match is None:
        return None
    first, second = int(match.group(1)), int(match.group(2))
    day, month = (second, first) if lex.code == "en" and first <= 12 else (first, second)
    if match.group(3):
        year = int(match.group(3))
        return _valid(year + 2000 if year < 100 else year, month, day)
    return _next(month, day, today)


def _has(tokens: Sequence[str], phrases: tuple[tuple[str, ...], ...]) -> bool:
    for phrase in phrases:
        n = len(phrase)
        if any(tuple(tokens[i : i + n]) == phrase for i in range(len(tokens) - n + 1)):
            return True
    return False


# "en la mañana", "in the morning" is a time of day, not tomorrow ("el jueves en la mañana").
_MORNING_AFTER = frozenset({"la", "esta", "the", "this"})


def _named_day(tokens: Sequence[str], lex: Lexicon, today: date) -> date | None:
    tokens = [
        t for i, t in enumerate(tokens) if not (t == "manana" and i and tokens[i - 1] in _MORNING_AFTER)
    ]
    if _has(tokens, lex.day_after_words):
        return today + timedelta(days=2)
    if _has(tokens, lex.tomorrow_words):
        return today + timedelta(days=1)
    words = set(tokens)
    if words & lex.today_words:
        return today
    for index, weekday in enumerate(lex.weekdays):
        if weekday in words:
            return today + timedelta(days=(index - today.weekday()) % 7 or 7)
    if _has(tokens, lex.weekend_words):
        return today + timedelta(days=(5 - today.weekday()) % 7 or 7)
    return None


def _relative(tokens: Sequence[str], lex: Lexicon, today: date) -> date | None:
    numbers = {n.start: n for n in numbers_in(tokens, lex)}
    for i, token in enumerate(tokens):
        if token not in lex.relative_starts:
            continue
        j = i + 1
        if j < len(tokens) and tokens[j] == "de":  # dentro de
            j += 1
        count = 1.0
        number = numbers.get(j)
        if number is not None:
            count, j = number.value, number.end
        elif j < len(tokens) and tokens[j] in ("a", "an", "una", "un"):
            j += 1
        if j < len(tokens) and tokens[j] in lex.span_days and count <= 366:
            return today + timedelta(days=int(lex.span_days[tokens[j]] * count))
    return None


def _day_and_month(tokens: Sequence[str], lex: Lexicon, today: date) -> date | None:
    for i, token in enumerate(tokens):
        month = lex.months.get(token)
        if month is None:
            continue
        # "12 March", "12th of March", "12 de marzo"
        k = i - 1
        while k >= 0 and i - k <= 3 and tokens[k] in _ORDINAL:
            k -= 1
        if k >= 0 and tokens[k].isdigit() and 1 <= int(tokens[k]) <= 31:
            return _next(month, int(tokens[k]), today)
        # "March 12", "March 12th", "marzo 12"
        if i + 1 < len(tokens) and tokens[i + 1].isdigit() and 1 <= int(tokens[i + 1]) <= 31:
            return _next(month, int(tokens[i + 1]), today)
    return None


def date_in(folded: str, tokens: Sequence[str], lex: Lexicon, today: date) -> date | None:
    """The date the text names, or None."""
    for found in (
        _numeric(folded, lex, today),
        _relative(tokens, lex, today),
        _day_and_month(tokens, lex, today),
        _weekday_and_day(tokens, lex, today),
        _named_day(tokens, lex, today),
    ):
        if found is not None:
            return found
    return None


def _weekday_and_day(tokens: Sequence[str], lex: Lexicon, today: date) -> date | None:
    """ "el viernes 4", "Friday the 4th": the next day of that number that falls on that weekday
    (else the next day of that number)."""
    for i, token in enumerate(tokens):
        if token not in lex.weekdays:
            continue
        k = i + 1
        while k < len(tokens) and k - i <= 2 and tokens[k] in _ORDINAL:
            k += 1
        if k >= len(tokens) or not tokens[k].isdigit() or not 1 <= int(tokens[k]) <= 31:
            continue
        day, weekday = int(tokens[k]), lex.weekdays.index(token)
        candidates = [
            found
            for months in range(13)
            if (
                found := _valid(
                    today.year + (today.month - 1 + months) // 12, (today.month - 1 + months) % 12 + 1, day
                )
            )
            and found >= today
        ]
        return next((c for c in candidates if c.weekday() == weekday), candidates[0] if candidates else None)
    return None
