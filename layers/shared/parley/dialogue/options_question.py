"""A visitor who asks about the options instead of answering a choice question: "cual es mas
resistente, acero o aluminio?", "which one lasts longer outside?", "q me recomiendas? el sol pega
durisimo". The engine then answers with the slot's advice and asks the same question again.

A text asks about the options of the pending choice question when it is a question (a sentence
that ends with "?", or a first one that starts with an interrogative after fillers: "y cual aguanta
mas la lluvia") and, in its questions, either

* names two or more of the slot's concrete choices (the no-preference one does not count),
* asks "which" ("cual no se oxida?", "which one is lighter?"),
* has a comparative or suitability word ("aguanta", "mejor", "lasts", "sturdier"), or
* has a recommending verb ("recomiendas", "suggest") together with a need or a condition anywhere in
  the text: some other content word than the verb, pronouns, stop words and the slot's own words
  ("material", the question's words).

It still answers the question when it names a choice after its last question ("stone maybe? yes,
stone"), and when it gives an amount or a count to a question of amounts or counts ("somos seis,
cual dura mas?").

A bare "tu que me recomiendas?" / "what do you recommend?" is no question about the options: the
visitor hands the choice over (no preference). Words inside a choice's own words are that choice's,
never a comparison or a recommendation ("the best you have", "madera dura", "el que me recomiendes").
"""

from __future__ import annotations

from collections.abc import Iterable

from parley.dialogue.deployment import Choice, Slot
from parley.dialogue.recognition import LanguageModel, Utterance
from parley.language.text import CLAUSE_BREAKS, fold, tokens

SENTENCE_ENDS = frozenset(".!?")
# Words of no preference that answer even beside a question ("no tengo preferencia", "me da igual");
# fewer may be another sense ("no se oxida" is no "no sé").
WAVED_OFF_WORDS = 3

# Words a question starts with (folded; "q" and "k" are how visitors type "que" on a phone).
INTERROGATIVES: dict[str, frozenset[str]] = {
    "en": frozenset({"which", "what", "whats", "how"}),
    "es": frozenset({"cual", "cuales", "que", "q", "k", "ke", "como"}),
}
# The interrogative that asks for one of a set: a question with it is about the options.
WHICH: dict[str, frozenset[str]] = {"en": frozenset({"which"}), "es": frozenset({"cual", "cuales"})}
# Words that may come before the interrogative ("y cual…", "oye, que…", "but which…").
LEADING_FILLERS: dict[str, frozenset[str]] = {
    "en": frozenset({"and", "but", "so", "ok", "okay", "well", "hmm", "hey", "then", "also"}),
    "es": frozenset({"y", "oye", "pero", "pues", "entonces", "bueno", "oiga", "ok", "va", "ah", "mmm", "tu"}),
}
# Comparing the options, or asking which suits a use.
COMPARATIVES: dict[str, frozenset[str]] = {
    "en": frozenset(
        {"better", "best", "last", "lasts", "longer", "sturdier", "stronger", "durable", "withstand",
         "withstands"}
    ),
    "es": frozenset(
        {"aguanta", "aguantan", "resiste", "resisten", "resistente", "resistentes", "mejor", "dura",
         "duran", "duradera", "duradero"}
    ),
}  # fmt: skip
# Multi-word comparatives ("hold up", "holds up").
COMPARATIVE_PHRASES: dict[str, tuple[tuple[str, ...], ...]] = {
    "en": (("hold", "up"), ("holds", "up")),
    "es": (),
}
RECOMMENDING: dict[str, frozenset[str]] = {
    "en": frozenset(
        {"recommend", "recommends", "suggest", "suggests", "advise", "advises", "recommendation",
         "recommendations", "suggestion", "suggestions"}
    ),
    "es": frozenset(
        {"recomiendas", "recomienda", "recomiendan", "recomendaria", "recomendarias", "recomendarian",
         "sugieres", "sugiere", "sugieren", "aconsejas", "aconseja", "aconsejan", "aconsejaria",
         "aconsejarias", "recomendacion", "recomendaciones", "sugerencia", "sugerencias"}
    ),
}  # fmt: skip
# Pronouns that say nothing about a need ("what would YOU recommend for ME").
PRONOUNS: dict[str, frozenset[str]] = {
    "en": frozenset({"you", "u", "me", "i", "we", "us", "your", "my", "our", "one", "ones", "it"}),
    "es": frozenset({"tu", "usted", "ustedes", "me", "nos", "te", "le", "les", "yo", "nosotros", "vos"}),
}


def asks_about_options(model: LanguageModel, slot: Slot, utterance: Utterance) -> bool:
    """Whether the text, while the slot's choice question is pending, asks about its options."""
    code = utterance.lex.code if utterance.lex.code in INTERROGATIVES else "en"
    words = utterance.tokens
    asked = _questions(words, utterance.text, code)
    if slot.kind != "choice" or not asked:
        return False
    named = _named_choices(model, slot, utterance)
    concrete = [
        (start, choice.id) for start, _end, choice in named if not _no_preference(model, slot, choice)
    ]
    # (naming no preference at length answers too: "no tengo preferencia … usted qué recomienda?")
    waved_off = any(
        _no_preference(model, slot, c) and end - start >= WAVED_OFF_WORDS for start, end, c in named
    )
    if waved_off or _answers(slot, utterance, concrete, asked) or _proposes(words, concrete, asked, code):
        return False
    if len({choice_id for start, choice_id in concrete if start in asked}) >= 2 or _asks_which(
        words, asked, code
    ):
        return True
    taken = {i for start, end, _choice in named for i in range(start, end)}
    free = [word if i not in taken else "" for i, word in enumerate(words)]
    question = [word if i in asked else "" for i, word in enumerate(free)]
    if any(word in COMPARATIVES[code] for word in question) or _has_phrase(
        question, COMPARATIVE_PHRASES[code]
    ):
        return True
    if not any(word in RECOMMENDING[code] for word in question):
        return False
    own = _own_words(model, slot)
    return any(_states_a_need(word, code, utterance, own) for word in free)


# Tags that turn a statement into a question asking for agreement ("de aluminio sería lo mejor, no?").
AGREEMENT_TAGS: dict[str, frozenset[str]] = {
    "en": frozenset({"right", "no"}),
    "es": frozenset({"no", "verdad", "cierto", "va"}),
}


def _proposes(words: list[str], concrete: list[tuple[int, str]], asked: frozenset[int], code: str) -> bool:
    """A question that names one choice and asks for agreement ("creo que de aluminio sería lo
    mejor no?"): the visitor's answer, not a question about the options."""
    last = max(asked)
    tag = next((words[i] for i in range(last - 1, -1, -1) if words[i] not in SENTENCE_ENDS), "")
    return tag in AGREEMENT_TAGS[code] and len({choice_id for _start, choice_id in concrete}) == 1


def _asks_which(words: list[str], asked: frozenset[int], code: str) -> bool:
    """ "cual no se oxida?", "which one is lighter?": a choice among the options asked for (unless
    it asks for a recommendation, which hands the choice over)."""
    recommending = any(words[i] in RECOMMENDING[code] for i in asked)
    return not recommending and any(words[i] in WHICH[code] for i in asked)


def _answers(
    slot: Slot, utterance: Utterance, concrete: list[tuple[int, str]], asked: frozenset[int]
) -> bool:
    """Whether the text answers the question after all: the visitor's own amount or count, to a
    question of amounts or counts ("somos seis, cual dura mas?", "which is better for a big
    family?": those choices are no options to compare), or a choice named after the last question
    ("stone maybe? yes, stone": the visitor answers their own question)."""
    if slot.value_from and (concrete or utterance.quantities):
        return True
    return any(start > max(asked) for start, _id in concrete)


def _questions(words: list[str], text: str, code: str) -> frozenset[int]:
    """The positions of the words of the text's questions: each sentence that ends with "?", and a
    first sentence that starts with an interrogative (after fillers); the whole text after a lone
    "¿" (which tokens drop)."""
    asked: set[int] = set()
    start = 0
    for i, word in enumerate(words):
        if word in SENTENCE_ENDS:
            if word == "?" or (start == 0 and _starts_a_question(words[:i], code)):
                asked.update(range(start, i + 1))
            start = i + 1
    if start == 0 and ("\u00bf" in text or _starts_a_question(words, code)):
        asked.update(range(len(words)))
    return frozenset(asked)


def _starts_a_question(words: list[str], code: str) -> bool:
    fillers = LEADING_FILLERS[code]
    first = next((w for w in words if w not in CLAUSE_BREAKS and w not in fillers), None)
    return first in INTERROGATIVES[code]


def _named_choices(model: LanguageModel, slot: Slot, utterance: Utterance) -> list[tuple[int, int, Choice]]:
    """(start, end, choice) of every choice of the slot the text names by its words."""
    return model.named_choices(slot, utterance)


def _no_preference(model: LanguageModel, slot: Slot, choice: Choice) -> bool:
    indifferent = model.no_preference(slot)
    return indifferent is not None and indifferent.id == choice.id


def _own_words(model: LanguageModel, slot: Slot) -> frozenset[str]:
    """The slot's own words: its noun ("material", from "any material") and its question's words."""
    nouns = model.slot_nouns(slot)
    return nouns | frozenset(tokens(fold(slot.prompt)))


def _states_a_need(word: str, code: str, utterance: Utterance, own: frozenset[str]) -> bool:
    """A content word beside a recommending verb: a need or a condition ("sol", "rooftop")."""
    lex = utterance.lex
    return (
        word.isalpha()
        and len(word) > 1
        and word not in lex.stop_words
        and word not in lex.negations
        and word not in lex.fillers
        and word not in RECOMMENDING[code]
        and word not in PRONOUNS[code]
        and word not in INTERROGATIVES[code]
        and word not in own
    )


def _has_phrase(words: list[str], phrases: Iterable[tuple[str, ...]]) -> bool:
    return any(list(phrase) == words[i : i + len(phrase)] for phrase in phrases for i in range(len(words)))
