"""Numbers, money, ranges, comparators and counts of people, from a text's tokens.

- **Numbers** in digits ("1,200", "1.200", "12.5", "1.5k") or words ("twenty-five", "fifteen
  hundred", "two grand", "a couple", "dos mil quinientos", "treinta y dos", "media docena").
  Spanish "un"/"una" are articles unless a multiplier or a people noun follows them.
- **Money**: a currency symbol or word next to the number ("€500", "500 euros", "mil pesos",
  "2 grand").
- **Bounds**: a comparator before or after ("under 500", "no more than 600", "I don't want to spend
  more than 600", "1000 or more", "menos de 500", "hasta 800", "500 o más"), a range ("between
  1000 and 2000", "1000-2000", "from 500 to 800", "entre 1000 y 2000", "de 500 a 800"), or an
  approximation ("around 800", "unos 800").
- **Counts of people**: a number before a people noun, groups added up ("two adults and three
  kids"), a number after a counting phrase ("a table for 6", "seats 4", "somos 6", "familia de
  cinco"), or people listed ("me, my wife and our three kids" → 5, "mi esposa y yo" → 2).

Every function is one pass over the tokens with bounded look-ahead.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import cache

from parley.language.lexicon import ABOUT, AT_LEAST, AT_MOST, LESS, MORE, Lexicon
from parley.language.text import CLAUSE_BREAKS, CURRENCY_SYMBOLS

NEGATION_REACH = 6  # a negation this many tokens before "more than" makes it an upper bound
HUNDREDS = 100  # "mil 300": hundreds after a thousand add to it ("1.5k 4 personas" are four people)
MAX_COUNT = 50  # a count of people above this is not a count ("for 500" is a price)
MAX_COUNT_AFTER_PHRASE = 30
_MONEY_MULTIPLIERS = frozenset({"k", "grand", "lucas"})
_SPANISH_ARTICLES = frozenset({"un", "una"})
# Words after a number that make it something other than a count of people.
NOT_PEOPLE = frozenset(
    "cm mm m meter meters metre metres in inch inches ft feet foot kg kilos gb mb tb gigas megas minutes "
    "minutos mins hours horas hrs days dias weeks semanas months meses years anos euros eur dollars "
    "dolares pesos bucks usd mxn percent porciento am pm x".split()
)


@dataclass(frozen=True, slots=True)
class Number:
    value: float
    start: int  # token index
    end: int  # token index after the number (and its multiplier)
    in_words: bool = False
    scaled: bool = False  # "k", "grand", "lucas": almost always money


@dataclass(frozen=True, slots=True)
class Quantity:
    """A number as the text means it: its value, whether it is money, and the bounds a comparator
    or a range gives it (``low``/``high`` None: unbounded; ``open_low``/``open_high``: strict)."""

    value: float
    money: bool
    start: int
    end: int
    low: float | None = None
    high: float | None = None
    open_low: bool = False
    open_high: bool = False
    about: bool = False
    in_words: bool = False

    @property
    def exact(self) -> bool:
        return self.low is None and self.high is None

    @property
    def is_range(self) -> bool:
        return self.low is not None and self.high is not None

    def point(self) -> float:
        """The single value that best stands for the quantity (for a choice's range or a slot)."""
        if self.is_range:
            return (self.low + self.high) / 2  # type: ignore[operator]
        if self.high is not None:
            return self.high - 0.01 if self.open_high else self.high
        if self.low is not None:
            return self.low + 0.01 if self.open_low else self.low
        return self.value


def parse_digits(token: str) -> float | None:
    """'1,200' → 1200, '1.200' → 1200, '12.5' → 12.5, '12,5' → 12.5, '1.200,50' → 1200.5."""
    if token.isdigit():
        return float(token)
    dots, commas = token.count("."), token.count(",")
    try:
        if dots and commas:
            decimal = "." if token.rfind(".") > token.rfind(",") else ","
            thousands = "," if decimal == "." else "."
            return float(token.replace(thousands, "").replace(decimal, "."))
        separator = "." if dots else ","
        groups = token.split(separator)
        if len(groups) > 2 or (len(groups[-1]) == 3 and groups[0] != "0"):
            return float("".join(groups))
        return float(token.replace(",", "."))
    except ValueError:
        return None


@cache
def _phrase_starts(code: str, phrases: tuple[tuple[str, ...], ...]) -> frozenset[str]:
    return frozenset(phrase[0] for phrase in phrases)


def _phrase_at(tokens: Sequence[str], i: int, phrases: dict[tuple[str, ...], int]) -> tuple[int, int] | None:
    for length in (3, 2, 1):
        candidate = tuple(tokens[i : i + length])
        if len(candidate) == length and candidate in phrases:
            return phrases[candidate], length
    return None


def _scale(value: int) -> int:
    """The order a number word fills: 1 (units), 10 (teens, tens), 100 (hundreds)."""
    if value >= 100:
        return 1000
    if value >= 20:
        return 10
    return 1 if value < 10 else 100  # a teen takes nothing after it but a multiplier


def _words_number(tokens: Sequence[str], i: int, lex: Lexicon) -> Number | None:
    """A number written in words starting at ``i`` ("twenty five", "dos mil quinientos")."""
    words, multipliers, joiners = lex.number_words, lex.multipliers, lex.number_joiners
    total, current, room, j, end, last = 0.0, 0.0, 10_000, i, i, 0
    scaled = False
    while j < len(tokens):
        word = tokens[j]
        if word in multipliers:
            if j == i and word != "mil":
                return None
            total += max(current, 1) * multipliers[word]
            current, room, j, last = 0.0, multipliers[word], j + 1, multipliers[word]
            scaled = scaled or word in _MONEY_MULTIPLIERS
            end = j
        elif word == "hundred" and j > i:
            current, room, j, last = max(current, 1) * 100, 100, j + 1, 100
            end = j
        elif word in words and word != "hundred":
            value = words[word]
            if value >= room or (current and _scale(int(current) % 1000 or 1000) <= value):
                break
            current += value
            room = _scale(value) if value < 100 else 100
            j, last = j + 1, value
            end = j
        elif (
            word in joiners and j > i and j + 1 < len(tokens) and tokens[j + 1] in words and _joins(last, lex)
        ):
            if j + 2 < len(tokens) and (tokens[j + 2] in multipliers or tokens[j + 2] == "hundred"):
                break  # "between one thousand and two thousand": two numbers
            j += 1
        else:
            break
    if end == i:
        return None
    return Number(total + current, i, end, in_words=True, scaled=scaled)


def _joins(last: int, lex: Lexicon) -> bool:
    """ "treinta y dos" (after tens), "one hundred and five" (after hundred or thousand)."""
    if lex.code == "es":
        return 20 <= last <= 90 and last % 10 == 0
    return last >= 100


def numbers_in(tokens: Sequence[str], lex: Lexicon) -> list[Number]:
    """Every number in the tokens, in order."""
    found: list[Number] = []
    i, n = 0, len(tokens)
    starts = _phrase_starts(lex.code, tuple(lex.number_phrases))
    while i < n:
        token = tokens[i]
        phrase = _phrase_at(tokens, i, lex.number_phrases) if token in starts else None
        if phrase is not None:
            found.append(Number(float(phrase[0]), i, i + phrase[1], in_words=True))
            i += phrase[1]
            continue
        if token[0].isdigit():
            # Four digits or more after a leading zero are a code ("al 08025"), never an amount.
            code = token[0] == "0" and len(token) >= 4 and token.isdigit()
            value_or_none = None if code else parse_digits(token)
            j = i + 1
            scaled = False
            if value_or_none is not None:
                value = float(value_or_none)
                if j < n and tokens[j] in lex.multipliers:
                    value *= lex.multipliers[tokens[j]]
                    scaled = tokens[j] in _MONEY_MULTIPLIERS
                    j += 1
                j, value = _digits_after_multiplier(tokens, j, value, lex)
                found.append(Number(value, i, j, scaled=scaled))
            i = j
            continue
        if token in lex.number_words or token in lex.multipliers:
            if token in _SPANISH_ARTICLES and lex.code == "es" and not _article_counts(tokens, i, lex):
                i += 1
                continue
            number = _words_number(tokens, i, lex)
            if number is not None:
                end, value = _digits_after_multiplier(tokens, number.end, number.value, lex)
                if end != number.end:
                    number = Number(value, number.start, end, in_words=True)
                found.append(number)
                i = number.end
                continue
        i += 1
    return found


def _digits_after_multiplier(
    tokens: Sequence[str], end: int, value: float, lex: Lexicon
) -> tuple[int, float]:
    """ "mil 300", "2 mil 500": digits after a multiplier that they are smaller than add to it."""
    multiplier = lex.multipliers.get(tokens[end - 1]) if end else None
    following = parse_digits(tokens[end]) if end < len(tokens) and tokens[end][0].isdigit() else None
    if multiplier is None or following is None or not HUNDREDS <= following < multiplier:
        return end, value
    return end + 1, value + following


def _article_counts(tokens: Sequence[str], i: int, lex: Lexicon) -> bool:
    """Spanish "un"/"una" is a number before a multiplier or a people noun, or standing alone
    ("¿cuántas líneas?" — "una")."""
    following = tokens[i + 1] if i + 1 < len(tokens) else ""
    alone = following in ("", *CLAUSE_BREAKS)
    return alone or following in lex.multipliers or following in lex.people_nouns or following == "hundred"


def _is_money_word(token: str, lex: Lexicon) -> bool:
    return token in CURRENCY_SYMBOLS or token in lex.currency_words


def _comparator_before(tokens: Sequence[str], start: int, lex: Lexicon) -> tuple[str, int] | None:
    """The comparator ending right before ``start`` (a currency symbol may sit between), and where
    it starts."""
    end = start - 1 if start and tokens[start - 1] in CURRENCY_SYMBOLS else start
    for length in (4, 3, 2, 1):
        phrase = tuple(tokens[max(0, end - length) : end])
        if len(phrase) == length and phrase in lex.comparators_before:
            return lex.comparators_before[phrase], end - length
    return None


def _comparator_after(tokens: Sequence[str], end: int, lex: Lexicon) -> str | None:
    if end < len(tokens) and _is_money_word(tokens[end], lex):
        end += 1
    for length in (3, 2, 1):
        phrase = tuple(tokens[end : end + length])
        if len(phrase) == length and phrase in lex.comparators_after:
            return lex.comparators_after[phrase]
    return None


def _negated_before(tokens: Sequence[str], at: int, lex: Lexicon) -> bool:
    for k in range(at - 1, max(-1, at - 1 - NEGATION_REACH), -1):
        if tokens[k] in CLAUSE_BREAKS:
            return False
        if tokens[k] in lex.negations:
            return True
    return False


def _bounded(quantity: Quantity, kind: str) -> Quantity:
    """The quantity with the bounds a comparator gives it."""
    value = quantity.value
    if kind == LESS:
        return replace(quantity, high=value, open_high=True)
    if kind == AT_MOST:
        return replace(quantity, high=value)
    if kind == MORE:
        return replace(quantity, low=value, open_low=True)
    if kind == AT_LEAST:
        return replace(quantity, low=value)
    return replace(quantity, about=True)


def _money(tokens: Sequence[str], number: Number, lex: Lexicon) -> bool:
    before = tokens[number.start - 1] if number.start else ""
    after = tokens[number.end] if number.end < len(tokens) else ""
    return number.scaled or _is_money_word(before, lex) or _is_money_word(after, lex)


def _range_end(
    tokens: Sequence[str], first: Number, numbers: list[Number], k: int, lex: Lexicon
) -> Number | None:
    """The second number of a range starting with ``first`` ("between X and Y", "X-Y", "de X a Y")."""
    if k + 1 >= len(numbers):
        return None
    second = numbers[k + 1]
    gap = tokens[first.end : second.start]
    if first.end < len(tokens) and _is_money_word(tokens[first.end], lex):
        gap = gap[1:]
    if len(gap) == 2 and _is_money_word(gap[1], lex):
        gap = gap[:1]
    if len(gap) != 1:
        return None
    started = first.start > 0 and tokens[first.start - 1] in lex.range_starts
    if first.start > 1 and tokens[first.start - 1] in CURRENCY_SYMBOLS:
        started = started or tokens[first.start - 2] in lex.range_starts
    joiner = gap[0]
    if (started and joiner in lex.range_joiners) or joiner in lex.range_joiners_free:
        return second if second.value > first.value else None
    return None


def quantities(tokens: Sequence[str], lex: Lexicon) -> list[Quantity]:
    """Every number with its meaning: money or not, bounds, ranges (one quantity per range)."""
    numbers = numbers_in(tokens, lex)
    found: list[Quantity] = []
    k = 0
    while k < len(numbers):
        number = numbers[k]
        second = _range_end(tokens, number, numbers, k, lex)
        if second is not None:
            money = _money(tokens, number, lex) or _money(tokens, second, lex)
            low = number.value * (1000 if second.scaled and number.value < 10 and not number.scaled else 1)
            found.append(
                Quantity(
                    second.value,
                    money,
                    number.start,
                    second.end,
                    low=min(low, second.value),
                    high=second.value,
                    in_words=number.in_words,
                )
            )
            k += 2
            continue
        kind_at = _comparator_before(tokens, number.start, lex)
        kind = kind_at[0] if kind_at else _comparator_after(tokens, number.end, lex)
        if kind == ABOUT and _comparator_after(tokens, number.end, lex) == MORE:
            kind, kind_at = MORE, None  # "tipo mil y pico": a little over a thousand
        if kind in (MORE, AT_LEAST) and kind_at is not None and _negated_before(tokens, kind_at[1], lex):
            kind = AT_MOST  # "I don't want to spend more than 600"
        money = _money(tokens, number, lex)
        quantity = Quantity(number.value, money, number.start, number.end, in_words=number.in_words)
        found.append(_bounded(quantity, kind) if kind else quantity)
        k += 1
    return found


# ------------------------------------------------------------------------------------------------
# Counts of people
# ------------------------------------------------------------------------------------------------
def _noun_after(tokens: Sequence[str], end: int, nouns: frozenset[str], lex: Lexicon) -> int | None:
    """The index of a people noun within two tokens after ``end`` ("6 people", "3 little kids")."""
    for j in range(end, min(end + 3, len(tokens))):
        token = tokens[j]
        if token in nouns or token in lex.relatives or token in lex.pair_nouns:
            return j
        if token in CLAUSE_BREAKS or token[0].isdigit() or token in NOT_PEOPLE or token in lex.list_joiners:
            return None  # ("nosotros dos y los compadres": the noun after "y" is another group's)
        if token in lex.self_words or token in _ONE_PERSON_POSSESSIVES:
            return None  # "para cuatro: yo, mi mamá y …", "seríamos cuatro mi pareja y yo": a list follows
    return None


_ONE_PERSON_POSSESSIVES = frozenset({"mi", "tu", "my", "your"})


def _before_a_group(
    tokens: Sequence[str], end: int, at_number: dict[int, Number], nouns: frozenset[str], lex: Lexicon
) -> bool:
    """A bare number joined to a group of people ("4 plus 2 kids", "somos 4 más 2 niños"): it counts
    people too."""
    if end + 1 >= len(tokens) or tokens[end] not in lex.list_joiners:
        return False
    following = at_number.get(end + 1)
    return following is not None and _noun_after(tokens, following.end, nouns, lex) is not None


def _of_us(tokens: Sequence[str], end: int) -> bool:
    return tuple(tokens[end : end + 2]) in (("of", "us"), ("de", "nosotros"))


# Pronouns before a bare number that make it people ("ellos dos", "somos los dos y …"); not "las",
# which before a number is most often an hour ("a las 5 y media").
_PRONOUNS_BEFORE_NUMBER = frozenset("ellos ellas nosotros nosotras ustedes los us".split())
# "cuál de los dos": a choice between two things, not two people.
_PARTITIVES = frozenset(("de", "of", "entre", "between"))
_ARTICLES = frozenset(("el", "la", "los", "las", "the"))
_WITH = frozenset(("con", "with"))


@dataclass(slots=True)
class _Item:
    count: int
    start: int
    end: int
    group: bool  # a number of people, not one person named
    oneself: bool = False
    kin: bool = False  # a number of relatives ("mis dos hijas"): never the same people named again


def _pronoun_pair(tokens: Sequence[str], number: Number, lex: Lexicon) -> _Item | None:
    """ "ellos dos", "los dos y nuestras dos hijas": a number of people named by a pronoun. Named,
    not a group: alone it may be things ("me gustan los dos")."""
    i = number.start
    if not i or tokens[i - 1] not in _PRONOUNS_BEFORE_NUMBER or (i > 1 and tokens[i - 2] in _PARTITIVES):
        return None
    following = tokens[number.end] if number.end < len(tokens) else ""
    if following and following not in CLAUSE_BREAKS and following not in lex.list_joiners:
        return None
    return _Item(int(number.value), i - 1, number.end, False)


def _person_at(tokens: Sequence[str], i: int, lex: Lexicon) -> _Item | None:
    """The person one word names: oneself ("yo", "para mí", "vivo con …"), a relative, family after
    a possessive ("mis viejos")."""
    token = tokens[i]
    if token in lex.self_words or _self_after_preposition(tokens, i, lex):
        return _Item(1, i, i + 1, False, oneself=True)
    with_someone = any(t in _WITH for t in tokens[i + 1 : i + 4])
    if with_someone and (token in lex.oneself_verbs or _to_do_something(tokens, i, lex)):
        return _Item(1, i, i + 1, False, oneself=True)  # "vivo con…", "para desayunar con mi chica"
    before = tokens[i - 1] if i else ""
    if token in lex.couple_words and before in _ANOTHER:
        return _Item(2, i - 1, i + 1, False)  # "otra pareja de amigos", "another couple": two people
    if token in lex.relatives and before not in lex.negations and not _only_tells(tokens, i, lex):
        return _Item(lex.relatives[token], i, i + 1, False)
    if token in lex.kin_after_possessive and before in lex.possessives and before not in _ARTICLES:
        return _Item(lex.kin_after_possessive[token], i, i + 1, False)
    return None


_ANOTHER = frozenset({"otra", "una", "another", "a"})


def _only_tells(tokens: Sequence[str], i: int, lex: Lexicon) -> bool:
    """A relative who only recommends, says or pays ("mi vecina Maruja me recomendó vuestra tienda",
    "mi marido dice que no más de 900", "mi hermano es el que paga"): the subject of such a verb,
    a name and a pronoun or two between, sits nowhere in the story."""
    following = tokens[i + 1 : i + 5]
    for k, word in enumerate(following):
        if word in lex.telling_verbs:
            return True
        if word in CLAUSE_BREAKS or word in lex.list_joiners or (k and word not in _BEFORE_A_VERB):
            return False  # (the first word may be a name: "mi vecina Maruja me recomendó")
    return False


_BEFORE_A_VERB = frozenset({"me", "nos", "le", "les", "ya", "tambien", "siempre", "es", "el", "que"})


def _to_do_something(tokens: Sequence[str], i: int, lex: Lexicon) -> bool:
    """ "para desayunar con…", "para tomarme el tinto con…": what the writer will do, with someone."""
    return (
        lex.code == "es" and i > 0 and tokens[i - 1] == "para" and _INFINITIVE.search(tokens[i]) is not None
    )


_INFINITIVE = re.compile(r"[aei]r(?:me|nos|se|lo|la)?$")


def _items(tokens: Sequence[str], numbers: list[Number], nouns: frozenset[str], lex: Lexicon) -> list[_Item]:
    """People named in the text: groups ("three kids"), "N of us", oneself, relatives."""
    items: list[_Item] = []
    at_number = {n.start: n for n in numbers}
    i = 0
    while i < len(tokens):
        number = at_number.get(i)
        if number is not None and number.value <= MAX_COUNT and number.value == int(number.value):
            noun = _noun_after(tokens, number.end, nouns, lex)
            if noun is None and _before_a_group(tokens, number.end, at_number, nouns, lex):
                items.append(_Item(int(number.value), i, number.end, True))  # "4 plus 2 kids"
                i = number.end
                continue
            if noun is not None and _sharing_a_cost(tokens, i):
                i = noun + 1  # "entre los tres hermanos reunimos 900": who pays, not who sits
                continue
            if noun is not None or _of_us(tokens, number.end):
                end = noun + 1 if noun is not None else number.end + 2
                each = 2 if noun is not None and tokens[noun] in lex.pair_nouns else 1
                kin = noun is not None and tokens[noun] in lex.relatives
                items.append(_Item(int(number.value) * each, i, end, True, kin=kin))
                if _partners_follow(tokens, end, lex):  # "… con sus esposas": as many again
                    items.append(_Item(int(number.value) * each, end, end + 3, True))
                    end += 3
                i = end
                continue
            pair = _pronoun_pair(tokens, number, lex)
            if pair is not None:
                items.append(pair)
        person = _person_at(tokens, i, lex)
        if person is not None:
            items.append(person)
        i = number.end if number is not None else i + 1
    return items


def _partners_follow(tokens: Sequence[str], end: int, lex: Lexicon) -> bool:
    """ "with their wives", "con sus esposas" right after a group just counted."""
    words = tokens[end : end + 3]
    return (
        len(words) == 3
        and words[0] in lex.list_joiners
        and words[1] in ("sus", "their")
        and words[2] in lex.partner_plurals
    )


def _self_after_preposition(tokens: Sequence[str], i: int, lex: Lexicon) -> bool:
    """Spanish "mí" after a preposition is oneself ("para mí, mi esposo y …"); folded, it is "mi",
    which elsewhere is "my"."""
    if lex.code != "es" or tokens[i] not in ("mi", "conmigo"):
        return tokens[i] == "conmigo"
    following = tokens[i + 1] if i + 1 < len(tokens) else ""
    ends = following in ("", ",", "y", "e", ".", "nada") or following in lex.only_words  # "para mí nada más"
    return i > 0 and tokens[i - 1] in ("para", "a", "de", "por") and ends


def _chains(tokens: Sequence[str], items: list[_Item], lex: Lexicon) -> list[list[_Item]]:
    """Items joined by "and", commas and possessives ("me, my wife and our three kids")."""
    separators = (
        lex.list_joiners
        | lex.possessives
        | {",", "also", "tambien", "a", "the", "for", "para", "de", "otros", "otras", "other"}
    )
    chains: list[list[_Item]] = []
    for item in items:
        between = tokens[chains[-1][-1].end : item.start] if chains else []
        if between and not chains[-1][-1].group and _a_name(between[0], lex):
            between = between[1:]  # "mi esposa Yanet, mis tres hijos": a relative's name
        if chains and all(t in separators for t in between):
            chains[-1].append(item)
        else:
            chains.append([item])
    return chains


def _a_name(token: str, lex: Lexicon) -> bool:
    """A word that can be a person's name after a relative: a word, not a number, not a word of
    the lexicon's lists (a name is no joiner, no possessive, no verb the lists know)."""
    return (
        token.isalpha()
        and len(token) > 2
        and token not in lex.list_joiners
        and token not in lex.possessives
        and token not in lex.stop_words
        and token not in lex.relatives
        and token not in lex.people_nouns
    )


# Words between a counting phrase and its number ("for about 6", "somos unos 6", "up to 8").
_BEFORE_COUNT = frozenset(
    (
        "a",
        "about",
        "up",
        "unos",
        "unas",
        "como",
        "hasta",
        "just",
        "los",
        "ellos",
        "ellas",
        "pon",
        "pone",
        "ponle",
    )
)

# Lower bounds between a counting phrase and its number ("que quepan por lo menos diez", "seats at
# least 8"): the number is still the count.
_AT_LEAST = (("por", "lo", "menos"), ("al", "menos"), ("minimo",), ("at", "least"), ("minimum",))


@cache
def _by_first_word(phrases: tuple[tuple[str, ...], ...]) -> dict[str, tuple[tuple[str, ...], ...]]:
    """The phrases by their first word, in their order (one lookup per token, not one per phrase)."""
    grouped: dict[str, list[tuple[str, ...]]] = {}
    for phrase in phrases:
        grouped.setdefault(phrase[0], []).append(phrase)
    return {word: tuple(found) for word, found in grouped.items()}


def _count_after_phrase(
    tokens: Sequence[str], numbers: list[Number], lex: Lexicon, phrases: tuple[tuple[str, ...], ...]
) -> int | None:
    """ "for 6", "seats 4", "somos 6", "family of five" — a number right after a counting phrase."""
    if not numbers:
        return None
    at_number = {n.start: n for n in numbers}
    by_first = _by_first_word(phrases)
    for i, token in enumerate(tokens):
        for phrase in by_first.get(token, ()):
            if tuple(tokens[i : i + len(phrase)]) != phrase:
                continue
            j = i + len(phrase)
            # The number right after the phrase, or after a word before it ("about 6", "unos 6");
            # a number phrase may begin with that word ("we're a dozen", "somos un par").
            j += next((len(b) for b in _AT_LEAST if tuple(tokens[j : j + len(b)]) == b), 0)
            number = at_number.get(j)
            if number is None and j < len(tokens) and tokens[j] in _BEFORE_COUNT:
                number = at_number.get(j + (2 if tokens[j] == "up" else 1))
            if number is None and phrase in _WE_ARE:
                number = _rough_count_later(tokens, j, at_number)
            if number is None or number.value > MAX_COUNT_AFTER_PHRASE or number.value != int(number.value):
                continue
            following = tokens[number.end] if number.end < len(tokens) else ""
            if following in NOT_PEOPLE or following in lex.currency_words or following in CURRENCY_SYMBOLS:
                continue
            if following in _MORE_OR_FEWER and tokens[number.end + 1 : number.end + 2] != ["o"]:
                continue  # "así que uno menos" changes a count; it is none ("una docena más o menos" is one)
            if following in lex.months or following in lex.span_days:
                continue
            if number.start and tokens[number.start - 1] in CURRENCY_SYMBOLS:
                continue
            return int(number.value)
    return None


_MORE_OR_FEWER = frozenset({"menos", "mas", "less", "fewer", "more"})
_AMONG = frozenset(
    {("entre", "los"), ("entre", "las"), ("entre", "mis"), ("among", "the"), ("between", "the")}
)


def _sharing_a_cost(tokens: Sequence[str], i: int) -> bool:
    return tuple(tokens[max(0, i - 2) : i]) in _AMONG


@cache
def _table_phrases(phrases: tuple[tuple[str, ...], ...]) -> tuple[tuple[str, ...], ...]:
    """The counting phrases that name the table ("mesa de", "a table for")."""
    return tuple(p for p in phrases if {"mesa", "mesita", "table"}.intersection(p))


# "We are" said before describing the group ("somos un montón, como 10", "somos una familia enorme,
# como 14", "solemos ser 8 o 9"): a rough number later in the sentence is how many.
_WE_ARE = frozenset(
    {("somos",), ("seremos",), ("seriamos",), ("solemos", "ser"), ("nos", "juntamos"), ("nos", "reunimos"),
     ("were",), ("we", "are")}
)  # fmt: skip
_ROUGHLY = frozenset({"como", "unos", "unas", "facil", "about", "like", "around", "roughly"})
_WE_ARE_REACH = 6
_SENTENCE_END = frozenset(".!?")


def _listed_after_we_are(tokens: Sequence[str], chains: list[list[_Item]], lex: Lexicon) -> int | None:
    """The people of the list right after "we are", with those the story brings in after it."""
    for at, chain in enumerate(chains):
        start = chain[0].start
        while start and tokens[start - 1] in lex.possessives:
            start -= 1
        # "Only" before the list closes it ("somos solo mi esposo y yo, los hijos ya se fueron").
        only = bool(start and tokens[start - 1] in lex.only_words)
        only = only or tuple(tokens[max(0, start - 2) : start]) in lex.only_phrases
        start -= (1 if tokens[start - 1] in lex.only_words else 2) if only else 0
        before = tuple(tokens[max(0, start - 2) : start])
        if len(chain) >= 2 and any(before[-len(p) :] == p for p in _WE_ARE if len(before) >= len(p)):
            listed = _closed_list(tokens, chain, lex) if only else chain
            total = max(_chain_total(listed), _joined_people(tokens, chains[at:], lex) or 0)
            return total if 0 < total <= MAX_COUNT else None
    return None


def _closed_list(tokens: Sequence[str], chain: list[_Item], lex: Lexicon) -> list[_Item]:
    """The chain up to the item "and" brings in: "somos solo mi señora y yo, los hijos ya se
    casaron" lists two; the people after it are another sentence's."""

    def joined(k: int) -> bool:  # "y", "and" before the k-th item ("con" joins a partner, no list's end)
        return any(
            t in lex.list_joiners and t not in ("con", "with")
            for t in tokens[chain[k - 1].end : chain[k].start]
        )

    for k in range(1, len(chain) - 1):
        if joined(k) and not joined(k + 1):
            return chain[: k + 1]
    return chain


def _rough_count_later(tokens: Sequence[str], start: int, at_number: dict[int, Number]) -> Number | None:
    """A rough number within a few words after "we are" ("somos bastantes, mis tíos, primos... fácil
    15"): commas and the dots of an ellipsis go on with the sentence."""
    words = 0
    for k in range(start, len(tokens) - 1):
        word = tokens[k]
        if word == "." and "." in (tokens[k - 1], tokens[k + 1]):
            continue  # "..."
        if word in _SENTENCE_END or k in at_number or words >= _WE_ARE_REACH:
            return None
        if word in _ROUGHLY and k + 1 in at_number:
            return at_number[k + 1]
        words += word not in CLAUSE_BREAKS
    return None


def count_of_people(
    tokens: Sequence[str], lex: Lexicon, extra_nouns: frozenset[str] = frozenset()
) -> int | None:
    """How many people the text says there are, or None."""
    numbers = [n for n in numbers_in(tokens, lex) if not _money(tokens, n, lex)]
    nouns = lex.people_nouns | extra_nouns
    outright = _count_said_outright(tokens, numbers, nouns, lex)
    if outright is not None:
        return outright
    best: int | None = None
    chains = _chains(tokens, _items(tokens, numbers, nouns, lex), lex)
    # The people listed right after "we are" are everyone ("mis hijos ya se casaron, nada más somos mi
    # señora y yo"), whoever else the story names.
    we_are = _listed_after_we_are(tokens, chains, lex)
    if we_are is not None:
        return we_are
    for chain in chains:
        if len(chain) >= 2 or chain[0].group:
            total = _chain_total(chain)
            if 0 < total <= MAX_COUNT and (best is None or total > best):
                best = total
    joined = _joined_people(tokens, chains, lex)
    if joined is not None and joined <= MAX_COUNT and (best is None or joined > best):
        best = joined
    # A total said outright ("somos 6, my wife, me y los 4 kids") holds everyone a list names.
    stated = _count_after_phrase(tokens, numbers, lex, lex.count_before)
    if best is not None:
        return max(best, stated or 0)
    if _only_oneself(tokens, lex):
        return 1
    return stated


def _count_said_outright(
    tokens: Sequence[str], numbers: list[Number], nouns: frozenset[str], lex: Lexicon
) -> int | None:
    """A total the text concludes with ("yo, mi pololo y a veces mis papás, así que cuatro"); or a
    table asked for by its size ("somos 10 amigas … pensamos en una mesa de 6"); or a number said as
    "for the two of us" ("algo bonito para los dos", "for the 4 of us")."""
    concluded = _count_after_phrase(tokens, numbers, lex, lex.count_conclusions)
    if concluded is not None:
        return concluded
    sized = _count_after_phrase(tokens, numbers, lex, _table_phrases(lex.count_before))
    return sized if sized is not None else _for_the_n_of_us(tokens, numbers, nouns, lex)


_FOR_THE = frozenset(
    {("para", "los"), ("para", "las"), ("para", "nosotros"), ("para", "nosotras"), ("for", "the")}
)


def _for_the_n_of_us(
    tokens: Sequence[str], numbers: list[Number], nouns: frozenset[str], lex: Lexicon
) -> int | None:
    """ "para los dos", "para nosotros cuatro", "for the 4 of us": a number of people with no noun."""
    for number in numbers:
        if tuple(tokens[max(0, number.start - 2) : number.start]) not in _FOR_THE:
            continue
        if not 0 < number.value <= MAX_COUNT or number.value != int(number.value):
            continue
        english = tokens[number.start - 2] == "for"
        if number.end < len(tokens) and tokens[number.end] in lex.list_joiners:
            continue  # "para nosotros dos y los compadres": a list
        if (english and _of_us(tokens, number.end)) or (
            not english
            and _noun_after(tokens, number.end, nouns, lex) is None
            and not _of_a_thing(tokens, number.end)
        ):
            return int(number.value)
    return None


def _of_a_thing(tokens: Sequence[str], end: int) -> bool:
    """A noun after the number that is no person ("para los dos balcones"): a word that is no verb's
    infinitive, no pronoun, no joiner and no clause break."""
    following = tokens[end] if end < len(tokens) else ""
    return (
        following.isalpha() and following not in _AFTER_A_COUNT and not following.endswith(("ar", "er", "ir"))
    )


_AFTER_A_COUNT = frozenset({"o", "que", "solos", "solitos", "nada", "nomas", "juntos", "of"})


def _chain_total(chain: list[_Item]) -> int:
    """The people of a chain; a number followed by exactly that many people named is the same
    people twice ("dos líneas, la mía y la de mi novia", "two of us, me and my wife"), and oneself
    said twice is one person ("mi hermana que vive conmigo y yo")."""
    first, named = chain[0], chain[1:]
    named_only = not any(item.group for item in named)
    restated = (named_only or len(named) >= 2) and named and sum(i.count for i in named) == first.count
    if first.group and restated and not first.kin:
        return first.count
    selves = sum(item.oneself for item in chain)
    return sum(item.count for item in chain) - max(0, selves - 1)


@dataclass(slots=True)
class _Story:
    """The people of chains told one after another as one story."""

    people: int = 0
    chains: int = 0
    oneself: bool = False
    visited: bool = False  # someone comes over: to the one who writes, who is there too

    def add(self, chain: list[_Item], *, visiting: bool) -> None:
        has_oneself = any(item.oneself for item in chain)
        self.people += _chain_total(chain) - (1 if has_oneself and self.oneself else 0)
        self.chains += 1
        self.oneself = self.oneself or has_oneself
        self.visited = self.visited or (visiting and not all(item.group for item in chain))

    def total(self) -> int | None:
        """Everyone in the story: only when more than one chain tells it, or when people come over
        (then the host too)."""
        if self.visited and not self.oneself:
            return self.people + 1
        return self.people if self.chains >= 2 else None


@cache
def _count_words(phrases: tuple[tuple[str, ...], ...]) -> frozenset[str]:
    return frozenset(phrase[0] for phrase in phrases if len(phrase) == 1)


def _link_before(
    tokens: Sequence[str], start: int, previous_end: int, lex: Lexicon
) -> tuple[bool, bool, bool]:
    """How the chain at ``start`` follows the one ending at ``previous_end``: whether it is joined to
    it ("y", "con", or only story words between: "mi esposa y yo tenemos cuatro hijos"), whether
    someone comes over ("y a veces viene mi novio"), whether a counting word stands before it ("y
    somos 4 personas": a total, not more people)."""
    count_words = _count_words(lex.count_before)
    visiting = coming = counted = False
    k = start - 1
    while k >= previous_end:
        word = tokens[k]
        visiting = visiting or word in lex.visiting_verbs
        coming = coming or visiting or word in lex.coming_verbs
        if word != "," and word not in lex.possessives and word not in lex.story_links and not coming:
            break
        counted = counted or word in count_words
        k -= 1
    # (people coming over join the story too: "… para cuando vengan nuestros dos hijos")
    joined = k < previous_end or tokens[k] in lex.list_joiners or coming
    return joined, visiting, counted


def _joined_people(tokens: Sequence[str], chains: list[list[_Item]], lex: Lexicon) -> int | None:
    """People named apart in one story, each later chain brought in by "and"/"with" or by words of the
    story ("mi marido y yo nos mudamos … y mis suegros vienen cada domingo, con mi cuñada y su
    novio"; "Los domingos vienen mis viejos, mi hermana con su marido, y estamos mi mujer y yo"):
    all of them. A story begins with people named: a number of people alone ("para 6 personas y mi
    esposa quiere teca") is a total."""
    best: int | None = None
    story = _Story()
    previous_end = 0
    for chain in chains:
        named = not all(item.group and not item.kin for item in chain)  # ("nuestros dos hijos" are named)
        joined, visiting, counted = _link_before(tokens, chain[0].start, previous_end, lex)
        if story.chains and joined and (named or not counted):
            story.add(chain, visiting=visiting)
        elif named:
            story = _Story()
            story.add(chain, visiting=visiting)
        else:
            story = _Story()
        previous_end = chain[-1].end
        total = story.total()
        if total is not None and (best is None or total > best):
            best = total
    return best


def _only_oneself(tokens: Sequence[str], lex: Lexicon) -> bool:
    """ "just me", "only for me", "solo yo", "nomás para mí", "yo solito jaja": one person."""
    for i, token in enumerate(tokens):
        only = token in lex.only_words or tuple(tokens[i - 1 : i + 1]) in lex.only_phrases
        if only:
            skipped = ("for", "para", "a", "es", "seria", "is", "tengo", "have")
            rest = [t for t in tokens[i + 1 : i + 3] if t not in skipped]
            if rest and (rest[0] in lex.self_words or (rest[0] == "mi" and lex.code == "es")):
                return True
            # "yo nomás", "me only": oneself, then the word
            if i and tokens[i - 1] in lex.self_words and _nothing_more(tokens, i + 1, lex):
                return True
            if lex.code == "es" and tuple(tokens[max(0, i - 2) : i]) == ("para", "mi"):
                return True  # "para mí solo"
    return False


def _nothing_more(tokens: Sequence[str], start: int, lex: Lexicon) -> bool:
    """The clause ends at ``start``, or only small talk is left of it ("yo solito jaja")."""
    for token in tokens[start:]:
        if token in CLAUSE_BREAKS:
            return True
        if token not in lex.fillers or token in lex.list_joiners:
            return False
    return True


def is_integer(value: float) -> bool:
    return math.isfinite(value) and value == int(value)
