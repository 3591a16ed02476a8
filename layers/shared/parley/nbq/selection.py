"""The selection engine: pure, deterministic, and cheap for large catalogs.

1. Eligible: not answered, its category not already known (from what the user said or from an
   answered question of that category), its required categories known, its required mentions
   present in the conversation.
2. Order: priority first (the tenant's business order is never overridden), then learned value
   within a priority tier, then catalog order.
3. Nothing eligible: exhausted.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from parley.nbq.catalog import Catalog, Question
from parley.nbq.detection import DetectionIndex, build_index, known_categories, mentioned_terms, tokens_of
from parley.nbq.learning import Stats, learned_value


@dataclass(frozen=True, slots=True)
class Turn:
    role: str
    content: str


@dataclass(frozen=True)
class PreparedCatalog:
    """A catalog with its detection index: built once per catalog version and cached."""

    catalog: Catalog
    index: DetectionIndex

    @classmethod
    def of(cls, catalog: Catalog) -> PreparedCatalog:
        return cls(catalog, build_index(catalog))


def select_next_question(
    prepared: PreparedCatalog,
    history: Sequence[Turn],
    context: str | None,
    answered_ids: Iterable[str],
    stats: Stats,
) -> Question | None:
    catalog = prepared.catalog
    answered = set(answered_ids)
    # Each text is tokenised once: the user's words decide what is known, and every turn (the
    # assistant's too) counts for mentions.
    user_tokens = [tokens_of(turn.content) for turn in history if turn.role == "user"]
    if context:
        user_tokens.append(tokens_of(context))
    known = known_categories(prepared.index, user_tokens)
    known.update(catalog.by_id[qid].category for qid in answered if qid in catalog.by_id)
    mentions: set[str] | None = None

    best: Question | None = None
    best_key: tuple[int, float, int] | None = None
    for question in catalog.questions:
        if question.external_id in answered or question.category in known:
            continue
        if best is not None and question.priority < best.priority:
            continue  # a lower tier can never win; skip the remaining checks
        if any(required not in known for required in question.requires_categories):
            continue
        if question.requires_mentions:
            if mentions is None:
                other_tokens = [tokens_of(turn.content) for turn in history if turn.role != "user"]
                mentions = mentioned_terms(prepared.index, user_tokens + other_tokens)
            if not any(term in mentions for term in question.requires_mentions):
                continue
        key = (question.priority, learned_value(stats.get(question.external_id)), -question.position)
        if best_key is None or key > best_key:
            best, best_key = question, key
    return best
