"""Folding and tokens.

``fold`` lowers the case, removes accents (NFKD, combining marks dropped: "jardín" → "jardin",
"Mañana" → "manana") and apostrophes ("don't" → "dont", "I'm" → "im"), and maps typographic
dashes and quotes to ASCII. ``tokens`` cuts a folded text into words (``[a-z]+``), numbers
(``1,200``, ``12.5``), currency symbols, "+" and "%", clause breaks (``. , ; : ! ?``) and "-" where a
dash joins two numbers ("1000-2000"). Letters and digits that touch are separate tokens ("6people",
"1.5k"). Every pattern here is linear in the text.
"""

from __future__ import annotations

import re
import unicodedata

CLAUSE_BREAKS = frozenset(".,;:!?")
CURRENCY_SYMBOLS = frozenset("€$£")
_MARKS = re.compile("[\u0300-\u036f]+")  # combining diacritical marks
_PUNCTUATION = str.maketrans(
    {
        "\u2019": "'",
        "\u2018": "'",
        "\u00b4": "'",
        "`": "'",
        "\u2013": "-",
        "\u2014": "-",
        "\u2212": "-",
        "\u00bf": " ",
        "\u00a1": " ",
        "\u00a0": " ",
        "\u201c": '"',
        "\u201d": '"',
        "\u00ab": '"',
        "\u00bb": '"',
    }
)
_TOKEN = re.compile(r"[a-z]+|\d+(?:[.,]\d+)*|[€$£+%]|(?<=\d)\s*-\s*(?=\d)|[.,;:!?]")


def fold(text: str) -> str:
    """Lower case, no accents, ASCII apostrophes removed and dashes as "-"."""
    lowered = text.lower()
    if not lowered.isascii():
        lowered = _MARKS.sub("", unicodedata.normalize("NFKD", lowered.translate(_PUNCTUATION)))
    return lowered.replace("'", "")


def tokens(folded: str) -> list[str]:
    """The tokens of a folded text (see the module's docstring)."""
    return [token if token[0] != " " and token[-1] != " " else "-" for token in _TOKEN.findall(folded)]


def tokenize(text: str) -> list[str]:
    """``tokens(fold(text))``."""
    return tokens(fold(text))


def is_word(token: str) -> bool:
    return token.isalpha()


def is_number(token: str) -> bool:
    return token[0].isdigit()


# A sentence: up to its end mark(s) ("?", "??", "…"), a line break or a "¿" that opens a question
# ("Antes que nada, ¿hacen envíos?"). Linear.
_SENTENCE = re.compile(r"\u00bf?[^.!?\n\u2026\u00bf]+[.!?\u2026]*")


# Openings of a question asked without its marks ("Quisiera saber cómo se devuelve.", "Cómo hago para
# devolverla", "I'd like to know how long it takes").
_ASKING = re.compile(
    r"^(?:quisiera saber|quiero saber|queria saber|me gustaria saber|necesito saber|una pregunta|"
    r"como hago|como se|como puedo|como le hago|cuanto tarda|cuanto cuesta|cuanto tiempo|donde|"
    r"i want to know|id like to know|i would like to know|how do i|how can i|how long|where)\b"
)


def _asks(sentence: str) -> bool:
    return (
        sentence.endswith("?") or sentence.startswith("\u00bf") or _ASKING.match(fold(sentence)) is not None
    )


def questions_of(text: str) -> tuple[str, str]:
    """The text's questions (sentences that end with "?", open with "¿" or with the words of one) and
    the rest, when it says more than its questions; ("", "") when it asks nothing or is nothing but
    questions."""
    sentences = [s.strip() for s in _SENTENCE.findall(text) if s.strip(" .!?\u2026\n")]
    asked = [s for s in sentences if _asks(s)]
    if not asked or len(asked) == len(sentences):
        return "", ""
    return " ".join(asked), " ".join(s for s in sentences if s not in asked)
