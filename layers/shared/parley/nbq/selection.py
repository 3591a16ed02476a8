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

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from parley.nbq.catalog import Catalog, Question
from parley.nbq.detection import DetectionIndex, build_index, known_categories, mentioned_terms, tokens_of
from parley.nbq.learning import Stats, sampled_value


@dataclass(frozen=True, slots=True)
class Turn:
    role: str
    content: str


@dataclass(frozen=True)
class PreparedCatalog:
    """A catalog with its detection index: built once per catalog version and cached."""

    catalog: Catalog
    index: DetectionIndex
    # Highest priority first: the search can stop at the first tier below the best found.
    by_priority: tuple[Question, ...]

    @classmethod
    def of(cls, catalog: Catalog) -> PreparedCatalog:
        ordered = tuple(sorted(catalog.questions, key=lambda q: (-q.priority, q.position)))
        return cls(catalog, build_index(catalog), ordered)


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
    for question in prepared.by_priority:
        if best is not None and question.priority < best.priority:
            break  # every remaining question is in a lower tier, which can never win
        if question.external_id in answered or question.category in known:
            continue
        if any(required not in known for required in question.requires_categories):
            continue
        if question.requires_mentions:
            if mentions is None:
                other_tokens = [tokens_of(turn.content) for turn in history if turn.role != "user"]
                mentions = mentioned_terms(prepared.index, user_tokens + other_tokens)
            if not any(term in mentions for term in question.requires_mentions):
                continue
        value = (
            sampled_value(stats.get(question.external_id), session_id, question.external_id) if stats else 0.0
        )
        key = (question.priority, value, -question.position)
        if best_key is None or key > best_key:
            best, best_key = question, key
    return best
