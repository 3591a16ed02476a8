"""Snowball stemming ("tables" → "tabl", "mesas" → "mes") with PyStemmer: the Snowball algorithms
compiled to C. Chosen over the pure-Python ``snowballstemmer`` for cold start and per-word cost
(measured in ``make bench``: ~0.6 ms against ~15 to 20 ms to import, ~0.2 µs against ~25 µs a word),
which bounds what an adversarial turn of unknown words can cost. Imported on first use."""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from typing import Any

from parley.language import base_language

_ALGORITHMS = {"en": "english", "es": "spanish"}
CACHE_WORDS = 20_000  # PyStemmer's own per-stemmer cache of recent words


@cache
def _stemmer(base: str) -> Any:
    import Stemmer  # type: ignore[import-not-found]  # PyStemmer ships no type information

    stemmer = Stemmer.Stemmer(_ALGORITHMS[base])
    stemmer.maxCacheSize = CACHE_WORDS
    return stemmer


def stem_words(words: Sequence[str], language: str) -> list[str]:
    """The stems of folded words, in order (one C call for the whole list)."""
    if not words:
        return []
    return list(_stemmer(base_language(language)).stemWords(list(words)))


def stem(word: str, language: str) -> str:
    return str(_stemmer(base_language(language)).stemWord(word))


# Spanish word endings that stand for another form of a word, longest first: diminutives
# ("baratito" → "barato", "mesita" → "mesa", "poquito" → "poco", "cafecito" → "cafe", "mesilla" →
# "mesa"), and verb endings typed without their accents, which Snowball's Spanish algorithm only
# removes with them ("cobrais" → "cobráis", "llegaria" → "llegaría").
_ES_OTHER_FORMS = (
    ("quitos", ("cos",)),
    ("quitas", ("cas",)),
    ("guitos", ("gos",)),
    ("guitas", ("gas",)),
    ("quito", ("co",)),
    ("quita", ("ca",)),
    ("guito", ("go",)),
    ("guita", ("ga",)),
    ("citos", ("", "s")),
    ("citas", ("", "s")),
    ("cito", ("", "o")),
    ("cita", ("", "a")),
    ("itos", ("os",)),
    ("itas", ("as",)),
    ("illos", ("os",)),
    ("illas", ("as",)),
    ("ito", ("o",)),
    ("ita", ("a",)),
    ("illo", ("o",)),
    ("illa", ("a",)),
    ("iamos", ("íamos",)),
    ("iais", ("íais",)),
    ("ais", ("áis",)),
    ("eis", ("éis",)),
    ("ian", ("ían",)),
    ("ias", ("ías",)),
    ("ia", ("ía",)),
    ("io", ("ió",)),
)
_MIN_FORM = 4  # letters of the other form ("poquito" → "poco"; "silla" is no diminutive of "sa")


def other_forms(word: str, language: str) -> tuple[str, ...]:
    """Forms a folded word may stand for, most likely first (Spanish only: diminutives and verb
    endings whose accents were dropped); recognition reads an unknown word as the first of them whose
    stem it knows."""
    if base_language(language) != "es":
        return ()
    found: list[str] = []
    for ending, replacements in _ES_OTHER_FORMS:
        if word.endswith(ending):
            found += [f for r in replacements if len(f := word[: -len(ending)] + r) >= _MIN_FORM]
    return tuple(found)


# What Snowball's Spanish algorithm removes from a noun or an adjective (a plural, a gender, a noun
# suffix); anything else it removes is a verb's ending ("recibir", "casado", "cambiarla").
_ES_NOUN_ENDINGS = frozenset(("", "o", "a", "e", "os", "as", "es", "s"))
_ES_NOUN_SUFFIXES = ("cion", "ciones", "sion", "siones", "miento", "mientos", "dad", "dades", "ura", "uras")


KIND_LANGUAGES = frozenset({"es"})  # the languages ``word_kind`` tells nouns from verbs in


def word_kind(word: str, stem: str, language: str) -> str:
    """Whether a folded Spanish word may be a noun's form ("n": "recibo", "datos", "casa",
    "devolucion", but also the verbs "llevo", "funciona") or is only a verb's ("v": "recibir",
    "casado", "cambiarla"), judged by what stemming removed from it; "" in other languages. Snowball
    gives "recibo" (a bill) and "recibir" (to receive) one stem: the kind tells them apart."""
    if base_language(language) not in KIND_LANGUAGES or not word.startswith(stem):
        return ""
    ending = word[len(stem) :]
    return "n" if ending in _ES_NOUN_ENDINGS or ending.endswith(_ES_NOUN_SUFFIXES) else "v"
