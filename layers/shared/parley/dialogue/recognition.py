"""Offline understanding of one utterance: which intent, which slot values, which small talk.
Pure and deterministic; everything per deployment and language is built once (``IntentMatcher``).

**Reading** (``LanguageModel.read``): the text is folded and cut into tokens (``parley.language``);
the first ``MAX_CORRECTED_WORDS_PER_TURN`` unknown words are corrected against the deployment's
vocabulary (deletion index + RapidFuzz with a cut-off); words are stemmed (Snowball).

**Intents.** Each intent's example utterances and keywords become sets of content stems (stop
words left out), weighted by how few intents use them (idf). Candidates come from an inverted
index (stem → examples), so a turn touches only the examples that share a stem with it. An
intent's score is the mean of (a) the best example's covered share and (b) the share of the
text's evidence that points at the intent, unknown words counting against every intent (an
everyday unknown word less: ``parley.language.vocabulary``); a keyword phrase found in the text
scores at least ``KEYWORD_SCORE``. Generic out-of-scope lines (the language's, and the
deployment's ``out_of_scope``) compete as an intent of their own: when they win, or nothing reaches
``INTENT_THRESHOLD``, the text is out of scope.

**One ordinary word is not enough.** An example or keyword made of everyday words ("not
working", "cambio") vouches for an intent in proportion to how specific its words are — to
general language, or to the intent itself (a word most of the intent's examples use, such as
"return" or "mesa", is its theme); an intent whose only evidence is the words of its choices
("London", "teak") scores at most ``CHOICE_ONLY_SCORE``; what a text slot's pattern captures
("to Monterrey") counts for its intent rather than against it.

**Words that only look alike.** A Spanish verb's form that shares its stem with an intent's noun
("recibir" / a bill's "recibo") counts ``OTHER_KIND`` for it; an example that says "no" ("no carga")
covers a text without a negation less (``UNNEGATED``); a one-word keyword gives way to another
intent's specific words in the text ("funciona mi plan en Canadá" is a trip).

**Slot values.** Choices by their text or a synonym (stemmed phrases, not when negated: "not
teak"), or by a number in a choice's range: money ("under 500 euros", "1000-2000"), counts of
people ("me, my wife and the three kids"); numbers, money and dates as values. A slot that was
just asked also takes a bare number (unless another unit claims it: "we are 6 people" is no
budget), and a text slot its whole answer. Patterns run on RE2.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import cache, cached_property
from typing import Any

from parley.dialogue.deployment import Choice, Deployment, Slot
from parley.dialogue.limits import MAX_CORRECTED_WORDS_PER_TURN
from parley.language import base_language
from parley.language.dates import date_in
from parley.language.fuzzy import MIN_SOUND_LENGTH, FuzzyVocabulary, sound_key, sounds_index
from parley.language.lexicon import Lexicon, lexicon
from parley.language.numbers import MAX_COUNT, NOT_PEOPLE, Quantity, count_of_people, quantities
from parley.language.stems import KIND_LANGUAGES, other_forms, stem_words, word_kind
from parley.language.text import CLAUSE_BREAKS, fold, questions_of, tokens
from parley.language.vocabulary import general_words, specificity

INTENT_THRESHOLD = 0.6
# A bounded number this large is an amount even without a currency ("max 1000", "under 200").
MONEY_WITHOUT_CURRENCY = 50
MIN_LOANWORD_LETTERS = 4  # an unasked word of the other language names a choice from this length ("wood")
PRICE_FLOOR_SHARE = 10
KEYWORD_SCORE = 0.85
KEYWORD_TIE = 0.02  # scores this close name the intents equally well: a keyword said decides
# The specificity (``vocabulary.specificity``, or the intent's theme) at which an example or a
# keyword says enough to name its intent alone; one everyday word (0.35) says about half of it.
FULL_EXAMPLE = 0.6
# A word that this share of an intent's examples use (times THEME_GAIN) is the intent's theme:
# specific to it, however everyday ("return" in a shop's returns, "envío" in its deliveries).
THEME_GAIN = 3.0
# The most an intent scores on the words of its choices alone ("weather in London" is no trip).
CHOICE_ONLY_SCORE = 0.5
CHOICE_EVIDENCE = 0.6
UNKNOWN_WEIGHT = 1.5  # an unknown content word counts as this much evidence against every intent
# A word that shares its stem with an intent's word but is another kind of word (the verb "recibir"
# against a bill's noun "recibo", "casado" against "casa") counts for the intent this much.
OTHER_KIND = 0.5
# How much a text without a negation covers an example with one ("no carga" / "un cargo").
UNNEGATED = 0.5
OUT_OF_SCOPE = "@out_of_scope"
# How much a word that the deployment's own intents use too ("compro", "tiempo", "cambio") counts
# as evidence for the out-of-scope lines that also use it: an everyday word of the domain is no sign
# that a text is off topic.
SHARED_OFF_TOPIC = 0.5
NEGATION_REACH = 3
MIN_TYPO_LETTERS = 5  # shorter words are never corrected
SMALL_TALK = ("goodbye", "thanks", "help", "greeting", "acknowledgement")
MAX_SMALL_TALK_WORDS = 12
BARE_COUNT_LIMIT = 50  # a bare number that corrects a count of people is one up to this
REACHED_AMOUNT_BELOW = 10_000  # a bare number a verb reaches is an amount below this, a code from it
POSTCODE_REACH = 8  # how far back a postcode's word may stand ("el código postal de la casa nueva es el …")
AMOUNT_REACH = 2  # how far from a number its bounds are said ("hasta unos 500", "500 como máximo")


# ------------------------------------------------------------------------------------------------
# Reading a text
# ------------------------------------------------------------------------------------------------
class Utterance:
    """One text as recognition sees it: folded, typo-corrected tokens and their stems; numbers,
    counts and dates computed on first use."""

    def __init__(self, text: str, model: LanguageModel) -> None:
        self.text = text.strip()
        self.lex = model.lex
        self._date_words = model.date_words
        self._money_stems, self._amount_words = model.money_stems, model.amount_words
        self._acknowledgements = model.acknowledgement_words
        self._base_lex = model.base_lexicon
        self.folded = fold(self.text)
        shorthands = self.lex.shorthands
        raw = [shorthands.get(t, t) for t in tokens(self.folded)]
        self.corrected: dict[str, str] = model.corrections(raw)
        self.tokens = [self.corrected.get(t, t) for t in raw]
        self.stems = model.stems(self.tokens)
        self.content = frozenset(
            s for i, (t, s) in enumerate(zip(self.tokens, self.stems, strict=True)) if self._votes(i, t)
        )
        # The kinds of word (noun, verb: ``stems.word_kind``) each content stem has here.
        self.kinds = _kinds(self.tokens, self.stems, self.content, model.language)
        self._counts: dict[frozenset[str], int | None] = {}
        self.recognition: Recognition | None = None
        # Where each slot's choice was read by its words (token start, end).
        self.choice_spans: dict[str, tuple[int, int]] = {}

    def _votes(self, i: int, token: str) -> bool:
        """Whether a token is a content word that says what the text is about: not a stop word,
        and not the noun of a count ("6 personas" is a number of people, not a request for one)."""
        if (
            not token.isalpha()
            or len(token) == 1
            or token in self.lex.stop_words
            or token in self._date_words
        ):
            return False  # (a letter alone, "k" for "que" on a phone, says nothing)
        if token in self.lex.negations or token in self.lex.only_words or token in self._acknowledgements:
            return False  # ("ok perfecto, tengo como 550": an acknowledgement is about nothing)
        if self.quantities and self._of_an_amount(i, token):
            return False  # "no quiero pagar más de 35": the words of an amount say nothing else
        if token in self.lex.relatives and self.quantities:
            return False  # people beside a number ("mi esposo dice que no pasemos de mil") are no topic
        if token in self.lex.people_nouns:
            # A slot's unit after a number ("una línea", "3 phones") still says what the text is
            # about; a people noun does not ask for a person.
            before = self.tokens[max(0, i - 2) : i]
            return not any(t[0].isdigit() or t in self.lex.number_words or t in _HOW_MANY for t in before)
        return True

    def _of_an_amount(self, i: int, token: str) -> bool:
        """A word of money ("gastarme", "presupuesto", "euros"), or a number word or bound next to a
        number ("5 mil", "1000 máximo")."""
        lex = self.lex
        if token in lex.money_context or token in lex.currency_words or self.stems[i] in self._money_stems:
            return True
        if token in lex.amount_verbs:
            return any(
                i < q.start <= i + AMOUNT_REACH + 1 and (q.money or self._reached(i, q))
                for q in self.quantities
            )
        if token not in self._amount_words or tuple(self.tokens[i - 1 : i + 1]) == ("por", "ciento"):
            return False  # (a percentage is no amount: "el 15 por ciento de 80")
        money = self.money_said
        return any(
            (q.money or money or not q.exact) and q.start - AMOUNT_REACH <= i < q.end + AMOUNT_REACH
            for q in self.quantities
        )

    @cached_property
    def money_said(self) -> bool:
        """Whether a word of money is said ("presupuesto", "gastarme"): its numbers are amounts."""
        return any(
            t in self.lex.money_context or t in self.lex.currency_words or s in self._money_stems
            for t, s in zip(self.tokens, self.stems, strict=True)
        )

    @cached_property
    def negated(self) -> bool:
        return any(t in self.lex.negations for t in self.tokens)

    @cached_property
    def quantities(self) -> list[Quantity]:
        found = quantities(self.tokens, self.lex)
        base = self._base_lex
        if found or base is None:
            return found
        # Numbers in the deployment's own language on a channel in another ("como forty five
        # dollars"): its number words, never its articles ("a", "an").
        words = base.number_words.keys() - _ARTICLES
        return quantities(self.tokens, base) if any(t in words for t in self.tokens) else []

    def count(self, nouns: frozenset[str]) -> int | None:
        """How many people the text says; correcting itself, the count after the last correcting
        words ("para 6 digo para 8")."""
        if nouns not in self._counts:
            tail = self.tokens[self.correction_end :] if self.correcting and self.correction_end else []
            corrected = count_of_people(tail, self.lex, nouns) if tail else None
            if corrected is None and tail:
                corrected = self._bare_count_after_correction()
            self._counts[nouns] = corrected or count_of_people(self.tokens, self.lex, nouns)
        return self._counts[nouns]

    def _bare_count_after_correction(self) -> int | None:
        """The one small bare number after the correcting words, when the text counted people
        before them ("para 8... no perdón, 6")."""
        after = [q for q in self.quantities if q.start >= self.correction_end and not q.money]
        value = after[0].value if len(after) == 1 and after[0].exact else 0.0
        if not 0 < value <= BARE_COUNT_LIMIT or value != int(value):
            return None
        before = count_of_people(self.tokens[: self.correction_end], self.lex, self.lex.people_nouns)
        return int(value) if before is not None else None

    def date(self, today: date) -> date | None:
        """The date the text names; correcting itself, the one after the last correcting words
        ("el miércoles 2 de diciembre… no, mejor el viernes 4")."""
        tail = self.tokens[self.correction_end :] if self.correcting else []
        corrected = date_in(" ".join(tail), tail, self.lex, today) if tail else None
        return corrected or date_in(self.folded, self.tokens, self.lex, today)

    @cached_property
    def spelled_digits(self) -> str | None:
        """The text with each run of three or more one-digit number words written as digits ("cero
        seis siete cero cero" → "06700"), or None when it has no such run."""
        words, run, out = self.lex.number_words, [], []
        found = False
        for token in [*self.tokens, ""]:
            value = words.get(token)
            if value is not None and value < 10 and token not in _ARTICLES:
                run.append(str(value))
                continue
            if len(run) >= 3:
                out.append("".join(run))
                found = True
            else:
                out.extend(run)
            run = []
            out.append(token)
        return " ".join(out).strip() if found else None

    @cached_property
    def courtesy(self) -> frozenset[int]:
        """The positions of the words of greetings and thanks of two words or more ("muchas
        gracias", "thanks a lot")."""
        covered: set[int] = set()
        for phrase in (*self.lex.greetings, *self.lex.thanks):
            if len(phrase) < 2 or not _COURTESY_CORES.intersection(phrase):
                continue  # ("de lujo" is thanks too, and a budget)
            at = _find(self.tokens, phrase)
            while at >= 0:
                covered.update(range(at, at + len(phrase)))
                at = _find(self.tokens, phrase, at + 1)
        return frozenset(covered)

    def _reached(self, i: int, quantity: Quantity) -> bool:
        """A verb that reaches an amount, then "a", "hasta" and the number ("¿y si subo a 2500?")."""
        between = self.tokens[i + 1 : quantity.start]
        plausible = quantity.value < REACHED_AMOUNT_BELOW  # ("¿cuánto tarda en llegar a 28013?" is a place)
        return plausible and 0 < len(between) <= AMOUNT_REACH and all(t in _REACHING for t in between)

    @cached_property
    def reached_amounts(self) -> frozenset[int]:
        """Where the numbers a verb reaches begin ("¿y si subo a 2500?", "podría subir a 2500")."""
        words, verbs = self.tokens, self.lex.amount_verbs
        return frozenset(
            q.start
            for q in self.quantities
            if any(
                words[k] in verbs and self._reached(k, q)
                for k in range(max(0, q.start - AMOUNT_REACH - 1), q.start)
            )
        )

    @cached_property
    def amount_digits(self) -> frozenset[str]:
        """The digits of the amounts the text says as money ("presupuesto hasta 3000 euros", "¿y si
        subo a 2500?"): no code."""
        words, context, reached = self.tokens, self.lex.money_context, self.reached_amounts

        def as_money(q: Quantity) -> bool:
            before = words[max(0, q.start - AMOUNT_REACH - 1) : q.start]
            return (
                q.money
                or q.start in reached
                or any(t in context or (t[-1:] == "s" and t[:-1] in context) for t in before)
            )

        # (every number of a range: "entre 1100 y 1400 euros")
        return frozenset(
            t for q in self.quantities if as_money(q) for t in words[q.start : q.end] if t[0].isdigit()
        )

    @cached_property
    def postcodes(self) -> tuple[str, ...]:
        """Numbers the text names postcodes ("cp 06140", "el código postal de la casa nueva es el
        28400"): a postcode word before them in the same clause, a few words back at most."""
        words = self.tokens
        named: list[str] = []
        if _POSTCODE_WORDS.isdisjoint(words):
            return ()
        for i, word in enumerate(words):
            if not word.isdigit():
                continue
            before = words[max(0, i - POSTCODE_REACH) : i]
            clause = before[max((k + 1 for k, w in enumerate(before) if w in CLAUSE_BREAKS), default=0) :]
            if _POSTCODE_WORDS.intersection(clause):
                named.append(word)
        return tuple(named)

    @cached_property
    def correction_end(self) -> int:
        """Where the words after the last correcting phrase begin (0 when there is none)."""
        end = 0
        for phrase in self.lex.corrections:
            at = _find(self.tokens, phrase)
            while at >= 0:
                if not _the_best(self.tokens, at, phrase):
                    end = max(end, at + len(phrase))
                at = _find(self.tokens, phrase, at + 1)
        return end

    def inside_other_value(self, slot_id: str, others: Iterable[str]) -> bool:
        """Whether the words that gave the slot its choice lie inside the words of another slot's
        choice, taken first ("whatever it costs" is a budget, not also a material of "whatever";
        "not much" answering the data question is not also a budget)."""
        span = self.choice_spans.get(slot_id)
        if span is None:
            return False
        for other in others:
            outer = self.choice_spans.get(other)
            if other != slot_id and outer and outer[0] <= span[0] and span[1] <= outer[1]:
                return True
        return False

    def has(self, phrases: Iterable[tuple[str, ...]]) -> bool:
        return any(_find(self.tokens, phrase) >= 0 for phrase in phrases)

    @cached_property
    def correcting(self) -> bool:
        """Words that correct something said before ("actually", "instead", "mejor")."""
        at, first = next(((i, t) for i, t in enumerate(self.tokens) if t not in CLAUSE_BREAKS), (0, None))
        if first in self.lex.leading_corrections and not self._indifference_at(at):
            return True  # ("no sé, ¿cuánto debería gastar?" says not knowing, it takes nothing back)
        return self.correction_end > 0

    def _indifference_at(self, at: int) -> bool:
        return any(tuple(self.tokens[at : at + len(p)]) == p for p in self.lex.indifference)

    @cached_property
    def human_request(self) -> str | None:
        """ "strong" (a person named outright: "operator", "talk to someone"), "weak" (a wanting verb
        and a person: "i need someone", which may go on to name a task), or None."""
        return _human_request(self.tokens, self.lex)

    @property
    def wants_human(self) -> bool:
        return self.human_request is not None

    @cached_property
    def small_talk(self) -> str | None:
        """greeting, thanks, goodbye, help or acknowledgement when the text is only that."""
        return _small_talk(self.tokens, self.lex)


def _find(tokens: list[str], phrase: tuple[str, ...], start: int = 0) -> int:
    """Where the phrase starts in the tokens (from ``start``), or -1: C-level ``list.index`` for
    its first word, then a comparison."""
    n, first = len(phrase), phrase[0]
    wanted = list(phrase)
    try:
        i = tokens.index(first, start)
        while True:
            if tokens[i : i + n] == wanted:
                return i
            i = tokens.index(first, i + 1)
    except ValueError:
        return -1


def _adverb_of(words: Sequence[str], choice: Choice, lex: Lexicon) -> bool:
    """An adverb whose stem is a one-word choice ("normally", "normalmente" → "normal"): unless
    the choice names the adverb itself."""
    ending = _ADVERB_ENDINGS.get(lex.code)
    if ending is None or len(words) != 1 or not words[0].endswith(ending):
        return False
    return words[0] not in {fold(text) for text in (choice.text, *choice.synonyms)}


_ADVERB_ENDINGS = {"en": "ly", "es": "mente"}
_NAME_ARTICLES = frozenset({"La", "Las", "El", "Los"})
_NAME_PARTICLES = frozenset({"de", "del", "la", "las", "los", "of"})  # inside a place's name


def _article_of_a_name(words: list[str]) -> bool:
    """ "Las Palmas", "El Paso", "La Paz": a capitalised article is part of the place's name."""
    return len(words) > 1 and words[0] in _NAME_ARTICLES and words[1][:1].isupper()


def _price_floor(slot: Slot) -> float:
    """A tenth of the slot's smallest price bound (50 for a budget from "under 500", 2 for a plan
    from "under 20"): a bare number below it is no price."""
    bounds = [b for c in slot.choices for b in (c.minimum, c.maximum) if b is not None and b > 0]
    return min(bounds) / PRICE_FLOOR_SHARE if bounds else 0.0


def _price_ceiling(slot: Slot) -> float:
    """Ten times the slot's largest price bound (20,000 for a budget up to "over 2000"): a bare
    number above it is no price ("35001" typed after a delivery answer is a postcode)."""
    bounds = [b for c in slot.choices for b in (c.minimum, c.maximum) if b is not None and b > 0]
    return max(bounds) * PRICE_FLOOR_SHARE if bounds else math.inf


CODE_WORDS = frozenset({"codigo", "cp", "postal", "zip", "postcode", "pedido", "orden", "order", "numero"})


def _labelled_a_code(utterance: Utterance, quantity: Quantity) -> bool:
    """ "el código postal es 28013", "mi pedido 4471": a number named a code is no amount."""
    before = utterance.tokens[max(0, quantity.start - 3) : quantity.start]
    return bool(CODE_WORDS.intersection(before))


# Words that name the number after them a postcode ("cp 06140", "código postal 28013", "zip 10001").
_POSTCODE_WORDS = frozenset({"cp", "postal", "zip", "postcode", "codigo"})


# Words that point to a place without naming it ("¿hacen envíos hasta acá?", "¿se la mandan a su
# casa?"): the place the rest of the text names is not necessarily it, so its postcode is asked.
_POINTING = frozenset({"aca", "aqui", "alla", "alli", "ahi", "here", "there"})
_TO_A_PLACE = frozenset({"a", "en", "hasta", "to", "in"})


def _points_to_a_place(words: Sequence[str]) -> bool:
    return any(
        w in _POINTING or (w in _TO_A_PLACE and i + 1 < len(words) and words[i + 1] in _POSSESSIVES)
        for i, w in enumerate(words)
    )


_WE_ARE_WORDS = frozenset({"were", "theres"})  # "we're like 8", "there's 6 of us" ("'" is gone)


# Words that talk of a group of people ("somos una familia grande, como doce").
_PEOPLE_WORDS = frozenset({"somos", "seremos", "seriamos", "familia", "family", "us", "were"})
_HOW_MANY = frozenset({"cuantas", "cuantos", "many"})  # "para cuántas personas": a count asked, no person
_HELD_END = re.compile(r"(.)\1+$")  # a last letter held ("graciass")
_HELD = re.compile(r"(.)\1{2,}")  # a letter held three times or more anywhere ("buenooo", "siiii")


def _names(choice: Choice, word: str) -> bool:
    return any(word in tokens(fold(text)) for text in (choice.text, *choice.synonyms))


# A Spanish verb with its pronoun ("a quedarse", "para armarla"): no place is named so.
_VERB_WITH_PRONOUN = re.compile(r"[aei]r(?:se|l[aoe]s?|me|te|nos)$")
# Endings of another form of a known word, typed in lower case: a plural ("en otras tiendas") or a
# verb ("para rentar") is no place.
_INFLECTED = re.compile(r"(?:[aei]r|s)$")
_INFINITIVE = re.compile(r"[aei]r$")  # "la voy a guardar": a lower-case infinitive is no place
# Possessives that open a captured place ("mi colonia"), in every language served.
_POSSESSIVES = frozenset(
    "mi mis tu tus su sus nuestro nuestra nuestros nuestras my your our his her their".split()
)


# "anything but metal", "todo menos madera": everything except what follows.
_EXCEPT = frozenset(
    {("anything", "but"), ("everything", "but"), ("anything", "except"), ("todo", "menos"),
     ("cualquiera", "menos"), ("sea", "menos"), ("cualquier", "excepto"), ("todo", "excepto"),
     # "aluminium instead of teak", "mejor aluminio en vez de madera": the one given up
     ("instead", "of"), ("rather", "than"), ("vez", "de"), ("lugar", "de"), ("en", "vez"), ("en", "lugar")}
)  # fmt: skip


_ARTICLES = frozenset({"a", "an", "un", "una"})

# After a choice's words, words that make them a comparison ("un poquito más", "a bit more").
_COMPARING = frozenset({"mas", "more", "menos", "less"})

# The words that make a phrase a greeting or thanks whatever else is in it.
_COURTESY_CORES = frozenset(
    {"gracias", "thanks", "thank", "hola", "hello", "buenas", "buenos", "buen", "good"}
)

# Words that turn from what a negation refuses to what is wanted ("de madera no mejor cerámica",
# "not teak but steel"): a negation before them does not reach past them.
_TURNS = frozenset({"mejor", "pero", "sino", "but", "better", "rather"})


def _negated(tokens: Sequence[str], at: int, lex: Lexicon) -> bool:
    """A negation within a few tokens before ``at`` in the same clause ("not teak", "sin vidrio",
    "anything but metal")."""
    for k in range(at - 1, max(-1, at - 1 - NEGATION_REACH), -1):
        token = tokens[k]
        if k and (tokens[k - 1], token) in _EXCEPT:
            return True
        if token in CLAUSE_BREAKS or token in _TURNS:
            return False
        if token in lex.negations:
            return True
    return False


# "(la de madera) que tenemos / teníamos", "(the wooden one) we have / had": the table one has.
_HAD = frozenset({"tenemos", "teniamos", "tengo", "tenia", "tuvimos", "tuve", "have", "had"})


_REACHING = frozenset({"a", "al", "hasta", "en", "unos", "como", "to", "up"})  # "subo a", "go up to"

# Words of degree that may say how much money as well as how much of anything ("poquito, unos 15 pesos").
_DEGREE = frozenset("poco poquito poquita mucho mucha muchisimo bastante little lot lots plenty".split())


def _of_the_amount(utterance: Utterance, start: int, end: int) -> bool:
    """Words of degree that end where an amount said as money follows after a comma ("poquito, unos 15
    pesos"): said of the amount."""
    words = utterance.tokens
    return (
        set(words[start:end]) <= _DEGREE
        and end < len(words)
        and words[end] == ","
        and any(q.money and end < q.start <= end + 3 for q in utterance.quantities)
    )


def _the_one_had(tokens: Sequence[str], end: int) -> bool:
    following = tokens[end : end + 3]
    return len(following) >= 2 and following[0] in ("que", "we", "i") and following[1] in _HAD


def _negated_after(tokens: Sequence[str], end: int, lex: Lexicon) -> bool:
    """A negation right after the words that closes the clause ("teca no, aluminio")."""
    return (
        end < len(tokens)
        and tokens[end] in lex.negations
        and (end + 1 == len(tokens) or tokens[end + 1] in CLAUSE_BREAKS)
    )


def _human_request(words: list[str], lex: Lexicon) -> str | None:
    for phrase in lex.human_terms:
        at = _find(words, phrase)
        if at >= 0 and _robot_or_person(words, at):
            continue  # "¿eres un robot o una persona?" asks what the assistant is
        if at >= 0 and (not _negated(words, at, lex) or _asked_negatively(words, at)):
            return "strong"
    for phrases, reach, kind in ((lex.human_verbs, 4, "strong"), (lex.human_wants, 2, "weak")):
        for phrase in phrases:
            at = _find(words, phrase)
            while at >= 0:
                end = at + len(phrase)
                if not _negated(words, at, lex) and any(
                    w in lex.human_targets for w in words[end : end + reach]
                ):
                    return kind
                at = _find(words, phrase, at + 1)
    return None


# A question asked with a negation ("¿no hay una persona con quien hablar?", "isn't there a person
# I can talk to?"): it asks for what it names.
_NEGATIVE_ASKING = frozenset({("no", "hay"), ("no", "tienen"), ("no", "tienes"), ("isnt", "there")})


_ARTICLES_BEFORE_BEST = frozenset({"lo", "el", "la", "los", "las", "the"})


def _the_best(tokens: list[str], at: int, phrase: tuple[str, ...]) -> bool:
    """ "lo mejor", "la mejor mesa", "the best": a superlative, not a correction ("mejor de aluminio")."""
    return phrase in (("mejor",), ("better",)) and at > 0 and tokens[at - 1] in _ARTICLES_BEFORE_BEST


_MACHINE = frozenset({"robot", "bot", "maquina", "ia", "chatgpt", "machine", "ai", "programa", "program"})


def _robot_or_person(words: list[str], at: int) -> bool:
    """ "¿eres un robot o una persona?", "¿eres una persona de verdad o un programa?": what the
    assistant is, asked as a choice."""
    before, after = words[max(0, at - 3) : at], words[at + 1 : at + 8]
    if "?" not in words[at:]:
        return False
    machine_before = bool(_MACHINE.intersection(before)) and ("o" in before or "or" in before)
    or_machine = any(
        w in ("o", "or") and _MACHINE.intersection(after[i + 1 : i + 3]) for i, w in enumerate(after)
    )
    return machine_before or or_machine


def _asked_negatively(words: list[str], at: int) -> bool:
    before = {tuple(words[i : i + 2]) for i in range(max(0, at - 3), at)}
    return "?" in words[at:] and not before.isdisjoint(_NEGATIVE_ASKING)


def _small_talk(words: list[str], lex: Lexicon) -> str | None:
    if sum(1 for w in words if w not in CLAUSE_BREAKS) > MAX_SMALL_TALK_WORDS:
        return None  # a long text is never only small talk
    kinds = (
        ("goodbye", lex.goodbyes),
        ("thanks", lex.thanks),
        ("help", lex.helps),
        ("greeting", lex.greetings),
        ("acknowledgement", lex.acknowledgements),
    )
    covered = [t in CLAUSE_BREAKS or t in lex.fillers for t in words]
    found: set[str] = set()
    for kind, phrases in kinds:
        for phrase in phrases:
            at = _find(words, phrase)
            while at >= 0:
                for k in range(at, at + len(phrase)):
                    covered[k] = True
                found.add(kind)
                at = _find(words, phrase, at + len(phrase))
    if not found or not all(covered):
        return None
    return next(kind for kind in SMALL_TALK if kind in found)


# ------------------------------------------------------------------------------------------------
# One language of one deployment
# ------------------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class _Example:
    intent: str
    stems: frozenset[str]
    weight: float
    # A choice's words cover an intent less than an example utterance does; an example of everyday
    # words ("not working") less than one of specific words.
    factor: float = 1.0
    # The example says "not" ("no funciona", "no carga"): a text without a negation is less like it.
    negated: bool = False


@dataclass(frozen=True, slots=True)
class Recognition:
    intent_id: str | None  # None: out of scope or nothing recognised
    score: float
    out_of_scope: bool
    # The generic out-of-scope lines won (weather, jokes …), rather than nothing being recognised.
    off_topic: bool = False


@dataclass(frozen=True, slots=True)
class Extracted:
    """A slot value found in a text, and whether the text said it outright (a choice's words, a
    currency, a unit) rather than by a bare number or the whole answer."""

    value: Any
    strong: bool


@dataclass
class _Phrases:
    """Phrases (stem tuples) indexed by their first stem."""

    by_first: dict[str, list[tuple[tuple[str, ...], Any]]] = field(default_factory=dict)

    def add(self, phrase: tuple[str, ...], target: Any) -> None:
        if phrase:
            self.by_first.setdefault(phrase[0], []).append((phrase, target))

    # Words a phrase may have inside it said aloud ("me da exactamente igual", "me da totalmente lo mismo").
    skippable: frozenset[str] = frozenset()

    def matches(self, stems: Sequence[str]) -> list[tuple[int, int, Any]]:
        """(start, end, target) of every phrase occurrence."""
        found = []
        for i, stem in enumerate(stems):
            for phrase, target in self.by_first.get(stem, ()):
                if tuple(stems[i : i + len(phrase)]) == phrase:
                    found.append((i, i + len(phrase), target))
                elif self.skippable and len(phrase) > 1:
                    end = self._with_skipped(stems, i, phrase)
                    if end:
                        found.append((i, end, target))
        return found

    def _with_skipped(self, stems: Sequence[str], i: int, phrase: tuple[str, ...]) -> int:
        """Where the phrase ends when words of ``skippable`` (two at most) stand inside it, else 0."""
        j, skipped = i + 1, 0
        for part in phrase[1:]:
            while j < len(stems) and stems[j] != part and stems[j] in self.skippable and skipped < 2:
                j, skipped = j + 1, skipped + 1  # ("me da un poco igual")
            if j >= len(stems) or stems[j] != part:
                return 0
            j += 1
        return j if skipped else 0


class LanguageModel:
    """Recognition for one language view of a deployment, built once."""

    def __init__(self, view: Deployment, base: Deployment | None = None) -> None:
        self.language = base_language(view.language)
        self.lex = lexicon(self.language)
        self._stem_memo: dict[str, str] = {}
        vocabulary = self._vocabulary(view)
        self.fuzzy = FuzzyVocabulary(vocabulary)
        self._sounds = sounds_index(vocabulary, self.language)
        self._known = (
            vocabulary
            | self.lex.stop_words
            | _lexicon_words(self.lex)
            | self.lex.common_words
            | general_words(self.language)
        )
        self._general = specificity(self.language)
        self._indifferent = frozenset(self.lex.indifference)
        self._intensifiers = frozenset(self.stems(sorted(self.lex.intensifiers)))
        self.date_words = frozenset(
            (*self.lex.weekdays, *self.lex.months, *self.lex.span_days, *self.lex.today_words)
        ).union(*self.lex.tomorrow_words)
        self._build_intents(view)
        # Stems of words the deployment or general language has: another form of one is no typo.
        self._known_stems = frozenset(self._idf) | frozenset(self._general)
        self._choices: dict[str, _Phrases] = {}
        self._slot_nouns: dict[str, frozenset[str]] = {}  # "material" in "whatever material"
        # The choice that stands for no preference ("me da igual"), per slot that has one.
        self._no_preference: dict[str, Choice | None] = {}
        for intent in view.intents.values():
            for slot in intent.slots:
                if slot.id not in self._choices:
                    self._choices[slot.id] = self._choice_phrases(slot)
                    self._slot_nouns[slot.id] = self._indifference_nouns(slot)
                    self._no_preference[slot.id] = self._indifference_choice(slot)
        # The choices in the words of the deployment's own language, on a channel in another one:
        # an answer to their question may name them so ("aluminum", "wood": Spanglish).
        self._loanwords: dict[str, _Phrases] = {}
        # … and counts and numbers in its words ("just me and my roommate", "forty five dollars")
        self.base_lexicon: Lexicon | None = None
        if base is not None and base_language(base.language) != self.language:
            self.base_lexicon = lexicon(base_language(base.language))
            for intent in base.intents.values():
                for slot in intent.slots:
                    self._loanwords.setdefault(slot.id, self._choice_phrases(slot))
        # The patterns of each intent's text slots ("to (place)"): the words they capture in a text
        # are that intent's evidence ("hacen envios a Monterrey"), not foreign to it.
        self._patterns = {
            intent.id: tuple(slot.pattern for slot in intent.slots if slot.kind == "text" and slot.pattern)
            for intent in view.intents.values()
        }
        self._units = {
            slot.id: frozenset(w for unit in slot.units for w in tokens(fold(unit)) if w.isalpha())
            for intent in view.intents.values()
            for slot in intent.slots
        }
        # Nouns that make a number a count ("6 people", "3 phones"): after a number they say how
        # much of something, not what the text is about.
        self.count_nouns = self.lex.people_nouns.union(*self._units.values())
        self._words_said_about_nothing()

    # --- preparation ------------------------------------------------------------------------
    def _words_said_about_nothing(self) -> None:
        """Words of an amount: money verbs and nouns in any form ("gastarme"), and the number words
        and bounds that an amount is said with ("mil", "máximo"); one-word acknowledgements."""
        self.money_stems: frozenset[str] = frozenset(self.stems(sorted(self.lex.money_context)))
        bounds = (*self.lex.comparators_before, *self.lex.comparators_after)
        self.acknowledgement_words: frozenset[str] = frozenset(
            p[0] for p in self.lex.acknowledgements if len(p) == 1
        )
        self.amount_words: frozenset[str] = frozenset(
            (*self.lex.number_words, *self.lex.multipliers, *(w for phrase in bounds for w in phrase))
        )

    def _vocabulary(self, view: Deployment) -> frozenset[str]:
        words: set[str] = set()
        texts: list[str] = [*view.out_of_scope]
        for intent in view.intents.values():
            texts += [*intent.utterances, *intent.keywords]
            for slot in intent.slots:
                texts += [*slot.units, *(t for c in slot.choices for t in (c.text, *c.synonyms))]
        for text in texts:
            words.update(t for t in tokens(fold(text)) if t.isalpha() and len(t) > 2)
        words.update(w for p in self.lex.number_phrases for w in p)
        words.update(self.lex.number_words)
        words.update(self.lex.people_nouns)
        return frozenset(words - self.lex.stop_words)

    def _content(self, text: str) -> tuple[frozenset[str], tuple[str, ...]]:
        words = tokens(fold(text))
        return self._content_of(words), tuple(self.stems(words))

    def _content_of(self, words: list[str]) -> frozenset[str]:
        stems = self.stems(words)
        return frozenset(
            s
            for w, s in zip(words, stems, strict=True)
            if w.isalpha() and w not in self.lex.stop_words and w not in self.lex.negations
        )

    def _sources(self, view: Deployment) -> list[tuple[str, str, float]]:
        """(intent, text, factor) of every text that says what an intent is about; the keywords'
        phrases are indexed on the way."""
        sources: list[tuple[str, str, float]] = []
        self._keywords = _Phrases()
        for intent in view.intents.values():
            sources += [(intent.id, u, 1.0) for u in intent.utterances]
            for keyword in intent.keywords:
                sources.append((intent.id, keyword, 1.0))
                self._keywords.add(self._content(keyword)[1], intent.id)
            # The words of the intent's choices say what it is about too ("teak", "Japan"), less.
            for slot in intent.slots:
                sources += [
                    (intent.id, text, CHOICE_EVIDENCE)
                    for choice in slot.choices
                    for text in (choice.text, *choice.synonyms)
                    if not any(ch.isdigit() for ch in text)
                ]
                # … and so do its units ("megas", "lines"), as much as a choice's words.
                sources += [(intent.id, unit, CHOICE_EVIDENCE) for unit in slot.units]
        return sources + [(OUT_OF_SCOPE, u, 1.0) for u in view.out_of_scope]

    def _build_intents(self, view: Deployment) -> None:
        sources = self._sources(view)
        parsed = [(intent_id, tokens(fold(text)), factor) for intent_id, text, factor in sources]
        contents = [(intent_id, self._content_of(words), factor) for intent_id, words, factor in parsed]
        negated = [any(w in self.lex.negations for w in words) for _i, words, _f in parsed]
        self._kinds = self._intent_kinds(parsed)
        contents += [(OUT_OF_SCOPE, stems, 1.0) for stems in _generic_out_of_scope(self.language)]
        negated += [False] * (len(contents) - len(negated))  # (the generic out-of-scope lines)
        intents_of: dict[str, set[str]] = {}
        for intent_id, stems, _factor in contents:
            for stem in stems:
                intents_of.setdefault(stem, set()).add(intent_id)
        total = len({intent_id for intent_id, _, _ in contents})
        general = self._general
        self._idf = {stem: 1.0 + math.log(total / len(ids)) for stem, ids in intents_of.items()}
        # How specific each stem is: how seldom general language uses it, unless it is the theme of
        # an intent (most of its examples use it). What a short example or a keyword of everyday
        # words ("not working") is worth on its own.
        own_counts: dict[str, int] = {}
        per_stem: dict[tuple[str, str], int] = {}
        for intent_id, stems, factor in contents:
            if factor == 1.0 and intent_id != OUT_OF_SCOPE:
                own_counts[intent_id] = own_counts.get(intent_id, 0) + 1
                for stem in stems:
                    per_stem[intent_id, stem] = per_stem.get((intent_id, stem), 0) + 1
        theme: dict[str, float] = {}
        for (intent_id, stem), count in per_stem.items():
            theme[stem] = max(theme.get(stem, 0.0), min(1.0, THEME_GAIN * count / own_counts[intent_id]))
        self._specific = {stem: max(general.get(stem, 1.0), theme.get(stem, 0.0)) for stem in intents_of}
        self._pools: dict[str, frozenset[str]] = {}
        # The stems of an intent's own utterances and keywords (not its choices' words).
        self._own: dict[str, frozenset[str]] = {}
        self._examples: list[_Example] = []
        self._postings: dict[str, list[int]] = {}
        for (intent_id, stems, factor), negative in zip(contents, negated, strict=True):
            if not stems:
                continue
            self._pools[intent_id] = self._pools.get(intent_id, frozenset()) | stems
            if factor == 1.0:
                self._own[intent_id] = self._own.get(intent_id, frozenset()) | stems
            index = len(self._examples)
            says = min(1.0, sum(self._specific[s] for s in stems) / FULL_EXAMPLE)  # how much it says alone
            weight = sum(self._idf[s] for s in stems)
            self._examples.append(_Example(intent_id, stems, weight, factor * says, negative))
            for stem in stems:
                self._postings.setdefault(stem, []).append(index)
        # Stems some intent of the deployment uses: the rest of a text is foreign to it.
        self._in_domain = frozenset().union(*(p for i, p in self._pools.items() if i != OUT_OF_SCOPE))
        self._intent_order = [*view.intents, OUT_OF_SCOPE]

    def _intent_kinds(
        self, parsed: Sequence[tuple[str, list[str], float]]
    ) -> dict[tuple[str, str], frozenset[str]]:
        """(intent, stem) → the kinds of word (noun, verb) the intent's texts use the stem as."""
        found: dict[tuple[str, str], frozenset[str]] = {}
        if base_language(self.language) not in KIND_LANGUAGES:
            return found
        for intent_id, words, _factor in parsed:
            stems = self.stems(words)
            for stem, kinds in _kinds(words, stems, frozenset(stems), self.language).items():
                found[intent_id, stem] = found.get((intent_id, stem), frozenset()) | kinds
        return found

    def _choice_phrases(self, slot: Slot) -> _Phrases:
        phrases = _Phrases(skippable=self._intensifiers)
        for choice in slot.choices:
            for text in (choice.text, *choice.synonyms):
                stems = self._content(text)[1]
                phrases.add(tuple(s for s in stems if s not in CLAUSE_BREAKS), choice)
        return phrases

    # --- per turn ------------------------------------------------------------------------------
    def stems(self, words: Sequence[str]) -> list[str]:
        memo = self._stem_memo
        missing = [w for w in words if w not in memo and w.isalpha()]
        if missing:
            if len(memo) > 50_000:
                memo.clear()
            memo.update(zip(missing, stem_words(missing, self.language), strict=True))
        return [memo.get(w, w) for w in words]

    def corrections(self, words: Sequence[str]) -> dict[str, str]:
        """Near-miss spellings of known words, for the first unknown words of the text. A word that
        is another form of a known word ("cortar", "libra": its stem is known) is no typo; one whose
        other form is known ("baratito", "cobrais": ``stems.other_forms``) is read as that form; one
        that sounds like a known word is read as it ("meza", "terasa": ``fuzzy.sound_key``), even
        when it is too short for a near miss."""
        corrected: dict[str, str] = {}
        for w in dict.fromkeys(words):
            held = self._stretched(w) if w not in self._known and w.isalpha() else None
            if held is not None:
                corrected[w] = held  # "ahh", "siii", "graciass"
        candidates = [
            w
            for w in dict.fromkeys(words)
            if w not in self._known and w.isalpha() and len(w) >= MIN_SOUND_LENGTH and w not in corrected
        ]
        if not candidates:
            return corrected
        tried = 0
        for word, stem in zip(candidates, self.stems(candidates), strict=True):
            if stem in self._known_stems:
                continue
            tried += 1
            if tried > MAX_CORRECTED_WORDS_PER_TURN:
                break
            found = self._sounds.get(sound_key(word, self.language) or "")
            if found is None and len(word) >= MIN_TYPO_LETTERS:
                found = self._known_form(word) or self.fuzzy.correct(word)
            if found is not None:
                corrected[word] = found
        return corrected

    def _stretched(self, word: str) -> str | None:
        """A known word with a letter held ("graciass", "holaaa", "porfaaa"): that word."""
        for squeezed in (_HELD_END.sub(r"\1", word), _HELD.sub(r"\1", word)):
            if squeezed != word and squeezed in self._known:
                return squeezed
        return None

    def _known_form(self, word: str) -> str | None:
        forms = other_forms(word, self.language)
        if not forms:
            return None
        return next(
            (f for f, s in zip(forms, self.stems(forms), strict=True) if s in self._known_stems), None
        )

    def read(self, text: str) -> Utterance:
        return Utterance(text, self)

    def _weight(self, stem: str) -> float:
        """A content stem's weight as evidence: its idf when the deployment (or the generic
        out-of-scope lines) use it; else ``UNKNOWN_WEIGHT``, less for an everyday word."""
        if stem in self._idf:
            return self._idf[stem]
        return UNKNOWN_WEIGHT * self._general.get(stem, 1.0)

    def foreign_share(self, utterance: Utterance) -> float:
        """How much of the text's evidence no intent of the deployment uses (unknown words, words of
        the generic out-of-scope lines only): 0.0 when every content word is the deployment's."""
        total = foreign = 0.0
        for stem in utterance.content:
            weight = self._weight(stem)
            total += weight
            if stem not in self._in_domain:
                foreign += weight
        return foreign / total if total else 0.0

    def own_evidence(self, utterance: Utterance, intent_id: str) -> float:
        """The weight of the text's stems among the intent's own utterances and keywords."""
        own = self._own.get(intent_id, frozenset())
        return sum(self._idf[s] for s in utterance.content if s in own)

    def scores(self, utterance: Utterance) -> dict[str, float]:
        content = utterance.content
        idf = self._idf
        weights = {stem: self._weight(stem) for stem in content}
        total = sum(weights.values())
        coverage: dict[str, float] = {}
        matched: dict[int, float] = {}
        for stem in content:
            weight = idf.get(stem)
            if weight is None:
                continue
            for index in self._postings.get(stem, ()):
                fit = self._fit(self._examples[index].intent, stem, utterance) if utterance.kinds else 1.0
                matched[index] = matched.get(index, 0.0) + weight * fit
        for index, weight in matched.items():
            example = self._examples[index]
            # An example of one everyday word ("not working") is covered by any text that uses the
            # word: its coverage counts in proportion to how much the example says (``factor``).
            share = example.factor * weight / example.weight
            if example.negated and not utterance.negated:
                share *= UNNEGATED
            if share > coverage.get(example.intent, 0.0):
                coverage[example.intent] = share
        result: dict[str, float] = {}
        # A text made only of the deployment's words: what it shares with the generic out-of-scope
        # lines says less that it is off topic.
        domain_only = all(stem in self._in_domain for stem in content)
        for intent_id, best in coverage.items():
            evidence = self._evidence(intent_id, utterance, weights, domain_only=domain_only)
            score = 0.5 * best + 0.5 * (evidence / total if total else 0.0)
            own = self._own.get(intent_id, frozenset())
            if intent_id != OUT_OF_SCOPE and not any(stem in own for stem in content):
                # Only the words of its choices ("London", "teak"): not enough to name the intent.
                score = min(score, CHOICE_ONLY_SCORE)
            result[intent_id] = score
        for intent_id, strength in self._keyword_strengths(utterance, weights, total).items():
            base = result.get(intent_id, 0.0)
            result[intent_id] = max(base, strength * KEYWORD_SCORE + 0.1 * base)
        return {intent_id: round(score, 4) for intent_id, score in result.items()}

    def _keyword_strengths(
        self, utterance: Utterance, weights: dict[str, float], total: float
    ) -> dict[str, float]:
        """Per intent, how strongly its keywords found in the text vouch for it (0 to 1)."""
        content = utterance.content
        strongest: dict[str, float] = {}
        others: dict[str, float] = {}
        for start, end, intent_id in self._keywords.matches(utterance.stems):
            stems = {stem for stem in utterance.stems[start:end] if stem in content}
            if not stems and not any(t[0].isdigit() for t in utterance.tokens[start:end]):
                continue  # its words are an amount's, a count's or a date's here ("5g" stays "5g")
            # A keyword of everyday words alone ("not working", "cambio") vouches for less.
            says = sum(self._specific.get(s, 0.0) * self._fit(intent_id, s, utterance) for s in stems)
            strength = min(1.0, says / FULL_EXAMPLE) if stems else 1.0
            if len(stems) == 1:
                # One word vouches for less when the rest of the text is another intent's
                # ("funciona mi plan en Canadá" is a trip, though "plan" is a keyword of plans).
                if intent_id not in others:
                    others[intent_id] = self._others_share(intent_id, weights, total)
                strength *= 1.0 - others[intent_id]
            strongest[intent_id] = max(strongest.get(intent_id, 0.0), strength)
        return strongest

    def _others_share(self, intent_id: str, weights: dict[str, float], total: float) -> float:
        """The share of the text's evidence in specific words (``FULL_EXAMPLE`` and above: no
        everyday "pido") that other intents use and this one does not."""
        pool = self._pools.get(intent_id, frozenset())
        elsewhere = sum(
            w
            for stem, w in weights.items()
            if stem in self._in_domain and stem not in pool and self._specific.get(stem, 1.0) >= FULL_EXAMPLE
        )
        return elsewhere / total if total else 0.0

    def _fit(self, intent_id: str, stem: str, utterance: Utterance) -> float:
        """``OTHER_KIND`` when the text uses the stem only as a verb (an infinitive, a participle:
        "recibir", "casado") and the intent never does (a bill's "recibo", a house's "casa"), else
        1.0. A verb's form that reads like a noun's ("recibo", "llevo") is taken as either."""
        said = utterance.kinds.get(stem)
        known = self._kinds.get((intent_id, stem))
        return OTHER_KIND if said == _VERB and known and "v" not in known else 1.0

    def _evidence(
        self, intent_id: str, utterance: Utterance, weights: dict[str, float], *, domain_only: bool
    ) -> float:
        """The weight of the text's stems that the intent uses. For the generic out-of-scope lines,
        in a text made only of the deployment's words, a word they share with the deployment's
        intents counts ``SHARED_OFF_TOPIC``: "si compro hoy" is no "donde compro una bici"."""
        pool = self._pools[intent_id] | self._captured(intent_id, utterance)
        shared = SHARED_OFF_TOPIC if domain_only and intent_id == OUT_OF_SCOPE else 1.0
        return sum(
            w * self._fit(intent_id, stem, utterance) * (shared if stem in self._in_domain else 1.0)
            for stem, w in weights.items()
            if stem in pool
        )

    def _captured(self, intent_id: str, utterance: Utterance) -> frozenset[str]:
        """The stems of what the intent's text-slot patterns capture in the text (a place, a
        reference), without the words around it that name nothing."""
        patterns = self._patterns.get(intent_id)
        if not patterns:
            return frozenset()
        from parley.language.patterns import search

        captured: set[str] = set()
        amounts = utterance.amount_digits
        for pattern in patterns:
            value = search(
                pattern, utterance.text, accept=lambda v: self.named(v) is not None and v not in amounts
            )
            named = self.named(value) if value else None
            if named:
                captured.update(self.stems([t for t in tokens(fold(named)) if t.isalpha()]))
        return frozenset(captured)

    def recognise(self, utterance: Utterance) -> Recognition:
        if utterance.recognition is None:
            utterance.recognition = self._recognise(utterance)
        return utterance.recognition

    def _recognise(self, utterance: Utterance) -> Recognition:
        scores = self.scores(utterance)
        if not scores:
            return Recognition(None, 0.0, bool(utterance.content))
        order = {intent_id: i for i, intent_id in enumerate(self._intent_order)}
        best = min(scores, key=lambda i: (-scores[i], order.get(i, len(order))))
        best = self._keyword_in_a_tie(utterance, scores, best)
        score = scores[best]
        if best == OUT_OF_SCOPE or score < INTENT_THRESHOLD:
            return Recognition(None, score, True, best == OUT_OF_SCOPE and score >= INTENT_THRESHOLD)
        return Recognition(best, score, False)

    def _keyword_in_a_tie(self, utterance: Utterance, scores: dict[str, float], best: str) -> str:
        """Of two intents the text names about as well, the one whose keyword it says ("compré una
        mesa y está enorme, ¿cómo la devuelvo?": a table's words, and a return's keyword)."""
        top = scores[best]
        close = [i for i in scores if i not in (best, OUT_OF_SCOPE) and top - scores[i] <= KEYWORD_TIE]
        if not close or best == OUT_OF_SCOPE:
            return best
        weights = {stem: self._weight(stem) for stem in utterance.content}
        vouched = self._keyword_strengths(utterance, weights, sum(weights.values()))
        if vouched.get(best):
            return best
        said = [i for i in close if vouched.get(i)]
        return max(said, key=lambda i: scores[i]) if len(said) == 1 else best

    # --- slot values -----------------------------------------------------------------------
    def extract(self, slot: Slot, utterance: Utterance, *, pending: bool, today: date) -> Extracted | None:
        """The slot's value in the text, or None. Choice slots answer with the choice id."""
        if not utterance.text:
            return None
        if slot.kind == "choice":
            return self._choice(slot, utterance, pending=pending)
        if slot.kind in ("number", "money"):
            found = self._number(slot, utterance, pending=pending)
            return None if found is None else Extracted(_plain(found[0]), found[1])
        if slot.kind == "date":
            day = utterance.date(today)
            return Extracted(day.isoformat(), True) if day else None
        if slot.pattern:
            from parley.language.patterns import search

            # A postcode named one comes first ("¿entregan en la colonia Condesa? cp 06140"), then
            # what a question asks about ("¿llegáis a Canarias? vivo en Las Palmas").
            asked, _rest = questions_of(utterance.text)
            value = None
            whole = () if asked and _points_to_a_place(tokens(fold(asked))) else (utterance.text,)
            amounts = utterance.amount_digits
            for text in (*utterance.postcodes, *((asked,) if asked else ()), *whole):
                value = search(
                    slot.pattern,
                    text,
                    accept=lambda v: self.named(v) is not None and v not in amounts,
                    last=utterance.correcting,  # "03010, no perdón, 03100"
                )
                if value is not None:
                    break
            value = self.named(value) if value else None
            if value is None and pending:
                value = self._bare_answer(slot.pattern, utterance.text)
            if value is None and pending and utterance.spelled_digits:
                # "cero seis siete cero cero": a code said digit by digit, as a voice channel writes it
                value = search(slot.pattern, utterance.spelled_digits)
            return Extracted(value[:500], True) if value else None
        return Extracted(utterance.text[:500], False) if pending else None

    def _bare_answer(self, pattern: str, text: str) -> str | None:
        """An answer to a pattern slot's own question that omits the words the pattern expects
        before the value ("Berlin" for "… to (place)"): the text is tried after each of the
        language's prepositions of place."""
        from parley.language.patterns import search

        if len(text.split()) > 3 or self.named(text) is None:
            return None
        for preposition in self.lex.places_before:
            value = search(pattern, f"{preposition} {text}", accept=lambda v: self.named(v) is not None)
            if value is not None:
                return self.named(value)
        return None

    def named(self, value: str) -> str | None:
        """What a pattern captured, without the words around it that name nothing ("Berlin
        please" → "Berlin"); None when every word is a common word or one of the assistant's own
        ("my area"), which a captured place or reference cannot be."""
        words = value.split()
        if words and fold(words[0]) in _POSSESSIVES:
            return None  # "a mi colonia", "to my place": where the visitor lives, not its name

        def plain(word: str) -> bool:
            if (
                len(words) > 1
                and word[:1].isupper()
                and all(w[:1].isupper() or w in _NAME_PARTICLES for w in words)
            ):
                return False  # "Puerto Rico", "Viña del Mar": a name of several capitalised words
            folded = fold(word).strip(".,;:!?")
            return not any(c.isdigit() for c in folded) and (
                folded in _POINTING  # "hasta acá" points to a place, it names none
                or folded in self._known
                or not folded
                or _VERB_WITH_PRONOUN.search(folded) is not None
                or (word.islower() and _INFLECTED.search(folded) is not None and self._stem_known(folded))
                or (word.islower() and self.language == "es" and _INFINITIVE.search(folded) is not None)
            )

        while words and plain(words[-1]):
            words.pop()
        while words and plain(words[0]) and not _article_of_a_name(words):
            words.pop(0)
        return " ".join(words) or None

    def _talks_of_people(self, utterance: Utterance) -> bool:
        lex = self.lex
        return any(
            t in lex.people_nouns or t in lex.relatives or t in _PEOPLE_WORDS for t in utterance.tokens
        )

    def _stem_known(self, word: str) -> bool:
        return self.stems([word])[0] in self._known_stems

    def _choice(self, slot: Slot, utterance: Utterance, *, pending: bool) -> Extracted | None:
        typed = self._typed_label(slot, utterance) if pending else None
        if typed is not None:
            return Extracted(typed.id, True)  # a button's label typed out ("1000 € - 2000 €")
        ranged = [c for c in slot.choices if c.minimum is not None or c.maximum is not None]
        weak: Choice | None = None
        found: tuple[Quantity | float, bool] | None = None
        if ranged:
            found = self._number(slot, utterance, pending=pending)
            choice = _choice_for(ranged, found[0]) if found is not None else None
            if found is not None and choice is not None:
                if found[1]:
                    return Extracted(choice.id, True)
                weak = choice  # a bare number: the choice's words, if any, come first
        phrase = self._choice_by_words(slot, utterance, pending=pending)
        if phrase is not None and not self._amount_beats_words(slot, found, weak):
            return Extracted(phrase.id, True)
        return Extracted(weak.id, False) if weak is not None else None

    def _typed_label(self, slot: Slot, utterance: Utterance) -> Choice | None:
        said = [t for t in utterance.tokens if t not in CLAUSE_BREAKS]
        for choice in slot.choices:
            if [t for t in tokens(fold(choice.text)) if t not in CLAUSE_BREAKS] == said:
                return choice
        return None

    def _amount_beats_words(
        self, slot: Slot, found: tuple[Quantity | float, bool] | None, weak: Choice | None
    ) -> bool:
        """An amount said beside a vague word wins over it ("budget's about 2500": "budget" is also
        a word for cheap); a small bare number does not ("2, cheap" to the budget question)."""
        if weak is None or found is None or slot.value_from != "money":
            return False
        value = found[0].value if isinstance(found[0], Quantity) else found[0]
        return value >= MONEY_WITHOUT_CURRENCY

    def _choice_by_words(self, slot: Slot, utterance: Utterance, *, pending: bool) -> Choice | None:
        best: tuple[bool, bool, int, int, Choice] | None = None
        refused = False  # words of a choice that name it not here ("poquito, unos 15 pesos")
        for start, end, choice in self._choices[slot.id].matches(utterance.stems):
            if not self._names_choice(slot, utterance, start, end, choice, pending=pending):
                refused = refused or _of_the_amount(utterance, start, end)
                continue
            # A choice named outright comes before words of indifference ("aluminio está bien, que no
            # se oxide": "no sé" is no answer there), then the longest, then the first (the last when
            # correcting).
            concrete = choice is not self._no_preference.get(slot.id)
            # Correcting itself, the text's choice is the one after its last correcting words ("de
            # madera no, mejor cerámica").
            after = utterance.correcting and start >= utterance.correction_end > 0
            key = (concrete, after, end - start, -start if after or not utterance.correcting else start)
            if best is None or key > best[:4]:
                best = (*key, choice)
        if best is None and pending:
            return (
                None
                if refused and pending
                else self._indifferent_answer(slot, utterance)
                or self._near_choice(slot, utterance)
                or self._loanword(slot, utterance)
            )
        loan = self._loanword(slot, utterance, concrete_only=True) if best is None or not best[0] else None
        if loan is not None:
            # A choice named in the deployment's own language ("aluminum porque no se oxida, right?",
            # "steel o iron"): before words that only look indifferent, and unasked.
            return loan
        if best is None:
            return None
        _concrete, after, length, position, choice = best
        start = position if utterance.correcting and not after else -position
        utterance.choice_spans[slot.id] = (start, start + length)
        return choice

    def _names_choice(
        self, slot: Slot, utterance: Utterance, start: int, end: int, choice: Choice, *, pending: bool
    ) -> bool:
        """Whether the words a choice's phrase matched name the choice here."""
        words, tokens_ = utterance.tokens[start:end], utterance.tokens
        numeric = all(w[0].isdigit() or w in self.lex.number_words for w in words)
        said_otherwise = (
            # "muchas gracias" thanks; it asks for no "muchas" lines
            utterance.courtesy.issuperset(range(start, end))
            # "5 of us normally" says how often, not a "normal" budget
            or _adverb_of(words, choice, self.lex)
            # "un poquito más de datos" wants more than now, not "poquito"
            or (end < len(tokens_) and tokens_[end] in _COMPARING)
            # "pago mucho" says how much one pays, not how much data one uses
            or (slot.value_from != "money" and self._after_paying(utterance, start))
            # another word of the language with the same stem ("la acera" is no "acero")
            or (len(words) == 1 and words[0] in self.lex.common_words and not _names(choice, words[0]))
            # bare numbers ("2", "four") are choices only as an answer to their own question, and then
            # through the number path (a range), not the words
            or (numeric and (not pending or bool(slot.value_from)))
            or _negated(tokens_, start, self.lex)
            or _negated_after(tokens_, end, self.lex)
            # "la de madera que tenemos se ha puesto fatal": the old table, not the one wanted
            or _the_one_had(tokens_, end)
            # "poquito, unos quince pesos": a word said of the amount beside it, not the data's "poquito"
            or (slot.value_from != "money" and _of_the_amount(utterance, start, end))
        )
        if said_otherwise:
            return False
        # "whatever" answers the question asked, not a slot nobody asked about
        return (
            pending or tuple(words) not in self._indifferent or self._names_slot(slot, utterance, end, start)
        )

    def named_choices(self, slot: Slot, utterance: Utterance) -> list[tuple[int, int, Choice]]:
        """(start, end, choice) of every choice of the slot the text names by its words."""
        phrases = self._choices.get(slot.id)
        return phrases.matches(utterance.stems) if phrases is not None else []

    def no_preference(self, slot: Slot) -> Choice | None:
        """The slot's choice that stands for no preference, if it has one."""
        return self._no_preference.get(slot.id)

    def slot_nouns(self, slot: Slot) -> frozenset[str]:
        """The words that name the slot itself beside words of indifference ("material")."""
        return self._slot_nouns.get(slot.id, frozenset())

    def _names_slot(self, slot: Slot, utterance: Utterance, end: int, start: int | None = None) -> bool:
        """Whether words of indifference name their slot, after them ("whatever material", "me da
        igual el material") or just before ("el material me da igual"): a word its choices'
        synonyms put beside them ("any material")."""
        nouns = self._slot_nouns.get(slot.id, frozenset())
        before = utterance.tokens[max(0, start - 3) : start] if start is not None else []
        # (the noun's plural too: "no sé nada de materiales")
        return any(
            t in nouns or t[:-1] in nouns or t[:-2] in nouns
            for t in (*utterance.tokens[end : end + 4], *before)
        )

    def _indifference_nouns(self, slot: Slot) -> frozenset[str]:
        """The words beside words of indifference in the slot's synonyms ("any material" → material)."""
        indifferent = {w for phrase in self._indifferent for w in phrase}
        nouns: set[str] = set()
        for choice in slot.choices:
            for text in choice.synonyms:
                words = tokens(fold(text))
                if not indifferent.intersection(words) or len(words) < 2:
                    continue
                if any(_find(words, phrase) >= 0 for phrase in self._indifferent):
                    nouns.update(
                        w for w in words if w.isalpha() and w not in indifferent | self.lex.stop_words
                    )
        return frozenset(nouns)

    def _indifference_choice(self, slot: Slot) -> Choice | None:
        """The slot's choice one of whose synonyms is, word for word, one of the language's words of
        indifference ("da igual", "whatever"): the answer of someone with no preference."""
        for choice in slot.choices:
            if any(tuple(tokens(fold(text))) in self._indifferent for text in choice.synonyms):
                return choice
        return None

    def _indifferent_answer(self, slot: Slot, utterance: Utterance) -> Choice | None:
        """Any of the language's words of indifference, answering the slot's own question, when the
        deployment lists other ones ("la que sea", "como sea" when it lists "lo que sea"); and a bare
        "no" ("nope", "no, la verdad no") to a question that asks whether one has a preference
        ("do you have a material in mind?")."""
        choice = self._no_preference.get(slot.id)
        if choice is None:
            return None
        if utterance.negated and not utterance.content:
            return choice
        for phrase in self._indifferent:
            at = _find(utterance.tokens, phrase)
            # (a phrase that says "no" itself, "ninguno en especial", is not negated by another)
            if at >= 0 and (phrase[0] in self.lex.negations or not _negated(utterance.tokens, at, self.lex)):
                return choice
        return None

    def _loanword(self, slot: Slot, utterance: Utterance, *, concrete_only: bool = False) -> Choice | None:
        """A choice named in the deployment's own language, answering its question on a channel
        in another one ("aluminum" to the Spanish material question): the longest such name."""
        phrases = self._loanwords.get(slot.id)
        if phrases is None:
            return None
        best: tuple[int, str] | None = None
        for start, end, choice in phrases.matches(utterance.stems):
            if _negated(utterance.tokens, start, self.lex) or _negated_after(utterance.tokens, end, self.lex):
                continue
            words = utterance.tokens[start:end]
            if all(w[0].isdigit() for w in words) or _adverb_of(words, choice, self.lex):
                continue  # a numeral or an adverb is no word of another language ("normalmente")
            if any(q.start < end and start < q.end for q in utterance.quantities):
                continue  # "forty five dollars": words of an amount name no choice
            indifferent = self._no_preference.get(slot.id)
            if concrete_only and (
                (indifferent is not None and choice.id == indifferent.id)
                or tuple(words) in self._indifferent
                or sum(len(w) for w in words) < MIN_LOANWORD_LETTERS
                or any(w in self.lex.stop_words or w in self._known for w in words)
            ):
                continue  # unasked, only a word of the other language that is no word of this one
            if best is None or end - start > best[0]:
                best = (end - start, choice.id)
        return slot.choice(best[1]) if best is not None else None

    def _near_choice(self, slot: Slot, utterance: Utterance) -> Choice | None:
        """An answer that is a near miss of a one-word choice ("teek", "alumnium"): one edit from
        four letters, as an answer to the choice's own question only."""
        from parley.language.fuzzy import allowed_edits, edit_distance

        tokens_ = utterance.tokens
        candidates = [
            (i, t)
            for i, t in enumerate(tokens_)
            if t.isalpha() and t not in self.lex.stop_words and len(t) >= 4
        ]
        if not candidates or len(candidates) > 3:
            return None
        # A negated word is no answer ("de cerámica no, que se rompe"), however near it is.
        words = [
            t
            for i, t in candidates
            if not _negated(tokens_, i, self.lex) and not _negated_after(tokens_, i + 1, self.lex)
        ]
        for choice in slot.choices:
            for text in (choice.text, *choice.synonyms):
                target = fold(text)
                if " " in target or len(target) < 4:
                    continue
                limit = max(1, allowed_edits(len(target)))
                if any(edit_distance(word, target, limit) <= limit for word in words):
                    return choice
        return None

    def _number(
        self, slot: Slot, utterance: Utterance, *, pending: bool
    ) -> tuple[Quantity | float, bool] | None:
        """The number the slot takes, and whether the text said it outright: money next to a
        currency or a comparator, a count of people, a number before one of the slot's units; a
        bare number only for the pending question."""
        source = slot.value_from or ("money" if slot.kind == "money" else "number")
        found: tuple[Quantity | float, bool] | None
        if source == "money":
            found = self._money(utterance)
        elif source == "count":
            count = utterance.count(self.lex.people_nouns | self._units.get(slot.id, frozenset()))
            base = self.base_lexicon
            if (
                count is None
                and base is not None
                and (pending or not base.people_nouns.union(_WE_ARE_WORDS).isdisjoint(utterance.tokens))
            ):
                # ("just me and my roommate" answering; "para like 6 people" unasked)
                count = count_of_people(tokens(utterance.folded), base)
            found = (float(count), True) if count is not None else None
        else:
            found = self._measure(utterance, self._units.get(slot.id, frozenset()))
        if found is not None:
            return found
        free = self._free_numbers(utterance, slot)
        if not pending and source == "money" and not self._money_context(utterance):
            # "a table for 4 of 800": a bare amount that can only be a price
            free = [
                q for q in free if MONEY_WITHOUT_CURRENCY <= q.value < 10_000 and not 1900 <= q.value <= 2100
            ]
        elif not pending and source != "money":
            return None
        elif not pending or (source == "money" and self._talks_of_people(utterance)):
            # A small bare number beside a word of money, or beside people, is no amount ("de precio
            # razonable para comer 6", "somos una familia grande, como doce"): a table for 6 €, nobody
            # asks for.
            free = [q for q in free if q.value >= _price_floor(slot)]
        if source == "count":  # "budget's about 2500" answers no count question
            free = [q for q in free if q.value <= MAX_COUNT]
        free = [q for q in free if not self._said_of_now(utterance, q) and not _labelled_a_code(utterance, q)]
        if source == "money":
            free = [q for q in free if q.value <= _price_ceiling(slot)]
        if not free:
            return None
        chosen = free[-1] if utterance.correcting else free[0]
        return chosen, source == "money" and (not chosen.exact or self._money_context(utterance))

    def _money(self, utterance: Utterance) -> tuple[Quantity, bool] | None:
        """An amount: next to a currency, or bounded ("max 1000", "between 500 and 800") and either
        in a money context ("budget", "spend") or too large to be a count of people."""
        context = self._money_context(utterance)
        reached = utterance.reached_amounts
        money = [
            q
            for q in utterance.quantities
            if q.money
            or q.start in reached  # "podría subir a 2500"
            or (
                not q.exact
                and not q.about
                and (context or q.value >= MONEY_WITHOUT_CURRENCY)
                and not self._claimed(utterance, q)
            )
        ]
        money = [q for q in money if not self._said_of_now(utterance, q)]
        if not money:
            return None
        return (money[-1] if utterance.correcting else money[0]), True

    def _after_paying(self, utterance: Utterance, start: int) -> bool:
        before = tuple(utterance.tokens[max(0, start - 3) : start])
        return any(before[-len(phrase) :] == phrase for phrase in self.lex.paying_now)

    def _said_of_now(self, utterance: Utterance, quantity: Quantity) -> bool:
        """An amount said of what one pays or has now, beside words that want something else ("me
        cobran 45 dolares … quiero uno más barato", "tengo 8 gigas y no me alcanzan"): it is not
        the amount wanted."""
        lex = self.lex
        before = utterance.tokens[max(0, quantity.start - 4) : quantity.start]
        for now, other in ((lex.paying_now, lex.cheaper), (lex.having_now, lex.not_enough)):
            if any(_find(before, phrase) >= 0 for phrase in now) and utterance.has(other):
                return True
        return False

    def _claimed(self, utterance: Utterance, quantity: Quantity) -> bool:
        """A unit or a people noun right after the number claims it ("6 people", "2 m")."""
        following = utterance.tokens[quantity.end : quantity.end + 2]
        return any(t in self.lex.people_nouns or t in NOT_PEOPLE for t in following)

    def _measure(self, utterance: Utterance, units: frozenset[str]) -> tuple[Quantity, bool] | None:
        """A number right before one of the units ("20 gigs", "20gb", "3 lines")."""
        if not units:
            return None
        found = [
            q
            for q in utterance.quantities
            if any(t in units for t in utterance.tokens[q.end : q.end + 2])
            and not q.money
            and not self._said_of_now(utterance, q)
        ]
        if not found:
            return None
        return (found[-1] if utterance.correcting else found[0]), True

    def _money_context(self, utterance: Utterance) -> bool:
        # (also "budget's", "price's": the apostrophe is gone once folded)
        context = self.lex.money_context
        return any(t in context or (t[-1:] == "s" and t[:-1] in context) for t in utterance.tokens)

    def _free_numbers(self, utterance: Utterance, slot: Slot) -> list[Quantity]:
        """Numbers no unit claims: not "6 people", "2 m", "3 weeks", "the 12th of March"."""
        claimed = (
            self.lex.people_nouns | NOT_PEOPLE | frozenset(self.lex.months) | frozenset(self.lex.span_days)
        )
        claimed = claimed | self.count_nouns
        amounts = (slot.value_from or slot.kind) == "money"
        free = []
        for quantity in utterance.quantities:
            if amounts and quantity.in_words and quantity.value == 1 and not quantity.money:
                continue  # "pagar una sola factura", "one bill": a word for one is no amount of money
            if quantity.money:
                if amounts:  # "30 dólares" is an amount, never a number of lines or of people
                    free.append(quantity)
                continue
            following = utterance.tokens[quantity.end : quantity.end + 2]
            if following and following[0] in self.lex.rate_words and following[-1] in self.lex.span_days:
                free.append(quantity)  # "55 a month", "30 al mes": a price per period, not a period
                continue
            if any(t in claimed for t in following) or self._after_count_phrase(utterance, quantity):
                continue
            free.append(quantity)
        return free

    def _after_count_phrase(self, utterance: Utterance, quantity: Quantity) -> bool:
        """ "for 6", "seats 4", "somos 6": a small number a counting phrase claims."""
        if quantity.value > 30 or not quantity.exact:
            return False
        before = tuple(utterance.tokens[max(0, quantity.start - 3) : quantity.start])
        return any(before[-len(p) :] == p for p in self.lex.count_before if len(p) <= len(before))


_VERB = frozenset("v")


def _kinds(
    words: Sequence[str], stems: Sequence[str], content: frozenset[str], language: str
) -> dict[str, frozenset[str]]:
    found: dict[str, frozenset[str]] = {}
    for word, stem in zip(words, stems, strict=True):
        if stem in content:
            kind = word_kind(word, stem, language)
            if kind:
                found[stem] = found.get(stem, frozenset()) | {kind}
    return found


@cache
def _generic_out_of_scope(language: str) -> tuple[frozenset[str], ...]:
    """The content stems of the language's generic out-of-scope lines, the same for every
    deployment: computed once per language."""
    lex = lexicon(language)
    result = []
    for line in lex.out_of_scope:
        words = tokens(fold(line))
        stems = stem_words(words, language)
        result.append(
            frozenset(
                s
                for w, s in zip(words, stems, strict=True)
                if w.isalpha() and w not in lex.stop_words and w not in lex.negations
            )
        )
    return tuple(result)


def _lexicon_words(lex: Lexicon) -> frozenset[str]:
    words: set[str] = set(lex.number_words) | set(lex.multipliers) | lex.currency_words | lex.money_context
    for group in (
        lex.greetings,
        lex.thanks,
        lex.goodbyes,
        lex.helps,
        lex.acknowledgements,
        lex.human_terms,
        lex.human_verbs,
        lex.human_wants,
        lex.corrections,
        lex.count_before,
        tuple(lex.comparators_before),
        tuple(lex.comparators_after),
        tuple(lex.number_phrases),
    ):
        for phrase in group:
            words.update(phrase)
    words |= lex.people_nouns | lex.negations | lex.human_targets | lex.fillers | set(lex.relatives)
    words |= set(lex.weekdays) | set(lex.months) | lex.today_words | set(lex.span_days)
    return frozenset(words)


def _choice_for(choices: Sequence[Choice], value: Quantity | float) -> Choice | None:
    """The choice a number picks: the one holding it; for a range, the one it overlaps most."""

    def holds(choice: Choice, number: float) -> bool:
        low = choice.minimum if choice.minimum is not None else -math.inf
        high = choice.maximum if choice.maximum is not None else math.inf
        return low <= number <= high

    if isinstance(value, Quantity) and value.is_range:
        low, high = value.low, value.high
        assert low is not None and high is not None

        def overlap(choice: Choice) -> float:
            c_low = choice.minimum if choice.minimum is not None else -math.inf
            c_high = choice.maximum if choice.maximum is not None else math.inf
            return max(0.0, min(high, c_high) - max(low, c_low))

        best = max(choices, key=overlap)
        if overlap(best) > 0:
            return best
    number = value.point() if isinstance(value, Quantity) else value
    return next((c for c in choices if holds(c, number)), None)


def _plain(value: Quantity | float) -> int | float:
    number = value.point() if isinstance(value, Quantity) else value
    return int(number) if float(number).is_integer() else round(number, 2)


# ------------------------------------------------------------------------------------------------
# Every language of a deployment
# ------------------------------------------------------------------------------------------------
class IntentMatcher:
    """The recognition of one deployment in each of its languages, each built on first use (a
    container that serves one channel never builds the others)."""

    def __init__(self, deployment: Deployment) -> None:
        self._deployment = deployment
        self._models: dict[str, LanguageModel] = {}

    def for_language(self, language: str | None) -> LanguageModel:
        view = self._deployment.localized(language)
        model = self._models.get(view.language)
        if model is None:
            model = self._models[view.language] = LanguageModel(view, self._deployment)
        return model

    def recognise(self, text: str, language: str | None = None) -> tuple[str | None, float]:
        """The best intent and its score; None when out of scope or below the threshold."""
        model = self.for_language(language)
        found = model.recognise(model.read(text))
        return found.intent_id, found.score


def extract_slot(
    slot: Slot, text: str, *, pending: bool, today: date, matcher: IntentMatcher, language: str | None = None
) -> Any:
    """The slot's value in the text, or None (a convenience over ``LanguageModel.extract``)."""
    model = matcher.for_language(language)
    found = model.extract(slot, model.read(text), pending=pending, today=today)
    return None if found is None else found.value


def _coerced_choice(slot: Slot, value: Any, model: LanguageModel) -> Any:
    text = str(value)
    if slot.choice(text) is not None:
        return text
    found = model.extract(slot, model.read(text), pending=True, today=date.min)
    return found.value if found else None


def _coerced_number(slot: Slot, value: Any, model: LanguageModel) -> Any:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return value
    numbers = quantities(tokens(fold(str(value))), model.lex)
    return _plain(numbers[0]) if numbers else None


def _coerced_date(slot: Slot, value: Any, model: LanguageModel) -> Any:
    text = str(value)
    return text if len(text) == 10 and _iso(text) else None


def _coerced_text(slot: Slot, value: Any, model: LanguageModel) -> Any:
    text = str(value).strip()
    if slot.pattern:
        from parley.language.patterns import search

        if search(slot.pattern, text) is None:
            return None
    return text[:500] or None


_COERCERS = {
    "choice": _coerced_choice,
    "number": _coerced_number,
    "money": _coerced_number,
    "date": _coerced_date,
    "text": _coerced_text,
}


def coerce_slot_value(slot: Slot, value: Any, model: LanguageModel) -> Any:
    """A value given directly (structured ``slots[]``) in the slot's terms; None if it does not fit."""
    return _COERCERS[slot.kind](slot, value, model)


def _iso(text: str) -> bool:
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return True
