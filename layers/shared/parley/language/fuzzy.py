"""Typo correction against a known vocabulary, bounded in cost.

Candidates come from a deletion index built once per vocabulary (SymSpell's idea: a word and every
string one or two deletions away point at the words they come from), so a lookup is a few dozen
dictionary probes whatever the vocabulary's size — never a scan of it. Each candidate is verified
with RapidFuzz's optimal-string-alignment distance (a transposition counts one edit) under a
cut-off, and the closest wins (ties: same first letter, then the shorter length difference, then
alphabetical order, so the answer is deterministic).

Allowed edits grow with the word: none below ``MIN_FUZZY_LENGTH`` letters ("deck" is not "desk"),
one from 5 letters ("teble" → "table", "terace" → "terrace"), two from 9 ("alumminium"), and no
word longer than ``MAX_FUZZY_LENGTH`` is looked up. RapidFuzz is imported on the first lookup that
has candidates.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache
from typing import Any

MIN_FUZZY_LENGTH = 5
TWO_EDITS_LENGTH = 9
MAX_FUZZY_LENGTH = 20
MEMO_ENTRIES = 4096
# Words this short are looked up by their sound only (``sound_key``): "meza" is "mesa".
MIN_SOUND_LENGTH = 4

# Spanish letters that sound alike (``sound_key``).
_QU = re.compile(r"qu(?=[ei])")
_HARD_GU = re.compile(r"gu(?=[ei])")
_SOFT_G = re.compile(r"g(?=[ei])")
_SOFT_C = re.compile(r"c(?=[ei])")
_DOUBLE = re.compile(r"(.)\1")
_SAME_SOUND = str.maketrans({"c": "k", "z": "s", "v": "b", "h": None, "w": "b"})


def allowed_edits(length: int) -> int:
    if length < MIN_FUZZY_LENGTH or length > MAX_FUZZY_LENGTH:
        return 0
    return 2 if length >= TWO_EDITS_LENGTH else 1


def sound_key(word: str, language: str) -> str | None:
    """How a folded Spanish word sounds, the same for the spellings of one sound: s/z/soft c
    ("meza", "nesesito"), b/v ("varata"), silent h, ll/y, k/qu/hard c ("kiero"), j/soft g, doubled
    letters ("teraza"). None for another language (its spelling is not its sound)."""
    if language != "es":
        return None
    key = word.replace("ch", "\x00").replace("ll", "y")
    key = _QU.sub("k", key)
    key = _SOFT_G.sub("j", _HARD_GU.sub("\x01", key)).replace("\x01", "g")
    key = _SOFT_C.sub("s", key).translate(_SAME_SOUND)
    return _DOUBLE.sub(r"\1", key).replace("\x00", "ch")


def sounds_index(words: Iterable[str], language: str) -> dict[str, str]:
    """Sound key → the one word of ``words`` that sounds so (keys that two words share, such as
    "casa"/"caza", left out: the sound does not tell them apart)."""
    found: dict[str, str | None] = {}
    for word in words:
        key = sound_key(word, language) if len(word) >= MIN_SOUND_LENGTH and word.isalpha() else None
        if key is not None:
            found[key] = word if found.get(key, word) == word else None
    return {k: w for k, w in found.items() if w is not None}


def _deletes(word: str, edits: int) -> set[str]:
    found = {word}
    frontier = {word}
    for _ in range(edits):
        frontier = {w[:i] + w[i + 1 :] for w in frontier for i in range(len(w))}
        found |= frontier
    return found


@cache
def _osa() -> Any:
    from rapidfuzz.distance import OSA

    return OSA


def edit_distance(word: str, other: str, limit: int) -> int:
    """The optimal-string-alignment distance, or ``limit + 1`` beyond ``limit``."""
    return int(_osa().distance(word, other, score_cutoff=limit))


class FuzzyVocabulary:
    """A vocabulary with its deletion index; ``correct`` is the per-word call."""

    def __init__(self, words: Iterable[str]) -> None:
        self._index: dict[str, list[str]] = {}
        self.words = frozenset(words)
        for word in sorted(self.words):
            edits = allowed_edits(len(word))
            if not edits or not word.isalpha():
                continue
            for variant in _deletes(word, edits):
                self._index.setdefault(variant, []).append(word)
        self._memo: dict[str, str | None] = {}

    @property
    def entries(self) -> int:
        return len(self._index)

    def correct(self, word: str) -> str | None:
        """The vocabulary word this one is a near miss of, or None (also for a known word)."""
        if word in self.words:
            return None
        if word in self._memo:
            return self._memo[word]
        found = self._lookup(word)
        if len(self._memo) >= MEMO_ENTRIES:
            self._memo.clear()
        self._memo[word] = found
        return found

    def _lookup(self, word: str) -> str | None:
        edits = allowed_edits(len(word))
        if not edits or not word.isalpha():
            return None
        candidates: set[str] = set()
        for variant in _deletes(word, edits):
            candidates.update(self._index.get(variant, ()))
        if not candidates:
            return None
        osa = _osa()
        best: tuple[int, int, int, str] | None = None
        for candidate in candidates:
            limit = min(edits, allowed_edits(len(candidate)))
            distance = osa.distance(word, candidate, score_cutoff=limit)
            if distance > limit:
                continue
            key = (distance, candidate[0] != word[0], abs(len(candidate) - len(word)), candidate)
            if best is None or key < best:
                best = key
        return best[3] if best else None
