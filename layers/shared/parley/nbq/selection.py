"""The selection engine: pure, deterministic, and cheap for large catalogs.

1. Eligible: not answered, its category not already known (from what the user said or from an
   answered question of that category), its required categories known, its required mentions
   present in the conversation.
2. Order: priority first (the tenant's business order is never overridden), then learned value
   within a priority tier (a per-session Thompson draw, see ``learning``), then catalog order.
   A tenant with no statistics yet gets catalog order within each tier.
3. Nothing eligible: exhausted.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import TypeVar

from parley.nbq.catalog import Catalog, Question
from parley.nbq.detection import (
    DetectionIndex,
    MentionLookup,
    TextFacts,
    build_index,
    expand,
    mentioned_terms,
    text_facts,
    tokens_of,
)
from parley.nbq.learning import Stats, sampled_value


@dataclass(frozen=True, slots=True)
class Turn:
    role: str
    content: str


_Facts = TypeVar("_Facts")

# Messages remembered per catalog version; only message-sized texts (a history message is at most
# 2,000 characters), so the memo stays within ~20 MB of a container's memory.
MEMO_ENTRIES = 10_000
MEMO_MAX_CHARS = 2_000


@dataclass(frozen=True)
class PreparedCatalog:
    """A catalog with its detection index: built once per catalog version and cached.

    What one message reveals (its categories, its mentions) depends only on that message and the
    catalog — negation never reaches across messages — and clients re-send the whole history
    on every call, so the categories are remembered per message text: a session's next call
    analyses only its new messages. Selection looks mentions up term by term instead
    (``MentionLookup``, cheaper than analysing every turn); ``mentions_in`` gives the whole set.
    """

    catalog: Catalog
    index: DetectionIndex
    # Highest priority first: the search can stop at the first tier below the best found.
    by_priority: tuple[Question, ...]
    _categories: dict[str, TextFacts] = field(default_factory=dict, repr=False, compare=False)
    _mentions: dict[str, frozenset[str]] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def of(cls, catalog: Catalog) -> PreparedCatalog:
        ordered = tuple(sorted(catalog.questions, key=lambda q: (-q.priority, q.position)))
        return cls(catalog, build_index(catalog), ordered)

    def categories_in(self, texts: Iterable[str]) -> set[str]:
        facts: set[str | frozenset[str]] = set()
        for text in texts:
            of_text: TextFacts = self._remembered(text, self._categories, text_facts)
            facts |= of_text
        return expand(self.index, facts)

    def mentions_in(self, texts: Iterable[str]) -> set[str]:
        found: set[str] = set()
        for text in texts:
            of_text: frozenset[str] = self._remembered(
                text, self._mentions, lambda index, text: frozenset(mentioned_terms(index, [tokens_of(text)]))
            )
            found |= of_text
        return found

    def _remembered(
        self, text: str, memo: dict[str, _Facts], detect: Callable[[DetectionIndex, str], _Facts]
    ) -> _Facts:
        result = memo.get(text)
        if result is None:
            result = detect(self.index, text)
            if len(text) <= MEMO_MAX_CHARS:
                if len(memo) >= MEMO_ENTRIES:
                    memo.clear()
                memo[text] = result
        return result


def select_next_question(
    prepared: PreparedCatalog,
    history: Sequence[Turn],
    context: str | None,
    answered_ids: Iterable[str],
    *,
    stats: Stats,
    session_id: str = "",
) -> Question | None:
    catalog = prepared.catalog
    answered = set(answered_ids)
    # The user's words decide what is known; every turn (the assistant's too) counts for mentions.
    user_texts = [turn.content for turn in history if turn.role == "user"]
    if context:
        user_texts.append(context)
    known = prepared.categories_in(user_texts)
    known.update(catalog.by_id[qid].category for qid in answered if qid in catalog.by_id)
    # Looked up term by term, only for the questions the search reaches (see ``MentionLookup``).
    mentions: MentionLookup | None = None

    best: Question | None = None
    best_key: tuple[int, float, int] | None = None
    for question in prepared.by_priority:
        if best is not None and question.priority < best.priority:
            break  # every remaining question is in a lower tier, which can never win
        if question.external_id in answered or question.category in known:
            continue
        if not known.issuperset(question.requires_categories):
            continue
        if question.requires_mentions:
            if mentions is None:
                mentions = MentionLookup(
                    prepared.index, [turn.content for turn in history] + ([context] if context else [])
                )
            if not any(term in mentions for term in question.requires_mentions):
                continue
        value = (
            sampled_value(stats.get(question.external_id), session_id, question.external_id) if stats else 0.0
        )
        key = (question.priority, value, -question.position)
        if best_key is None or key > best_key:
            best, best_key = question, key
    return best
