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

from collections.abc import Iterable
from functools import cache
from typing import Any

MIN_FUZZY_LENGTH = 5
TWO_EDITS_LENGTH = 9
MAX_FUZZY_LENGTH = 20
MEMO_ENTRIES = 4096


def allowed_edits(length: int) -> int:
    if length < MIN_FUZZY_LENGTH or length > MAX_FUZZY_LENGTH:
        return 0
    return 2 if length >= TWO_EDITS_LENGTH else 1


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
