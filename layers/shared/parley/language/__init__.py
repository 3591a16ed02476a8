"""The language layer shared by the turn engine, NBQ detection and insights: pure, deterministic,
offline, and bounded in cost whatever the text.

- ``text``: folding (case, accents, typographic punctuation) and tokens;
- ``lexicon``: per-language word lists (stop words, number words, comparators, people nouns,
  small talk, requests for a person, corrections, negations, dates, generic out-of-scope lines,
  chat spellings);
- ``numbers``: numbers in digits or words, money, ranges and comparators, counts of people;
- ``dates``: dates in English and Spanish;
- ``stems``: Snowball stemming (PyStemmer, C);
- ``fuzzy``: typo correction against a vocabulary, candidates from a deletion index and verified
  by RapidFuzz with a distance cut-off;
- ``patterns``: tenants' regular expressions on RE2 (linear time) with size limits;
- ``detect``: which of the supported languages a text is written in;
- ``vocabulary``: the everyday words of each language in frequency bands — how much a word says in
  general language (specificity), and words that are never typos.

Languages are named by their base code (``en``, ``es``); ``base_language("es-MX")`` is ``es``.
"""

from __future__ import annotations

SUPPORTED_LANGUAGES = ("en", "es")


def base_language(code: str) -> str:
    """``es-MX`` → ``es``; ``en`` → ``en``."""
    return code.split("-", 1)[0].lower()
