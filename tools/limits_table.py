"""Print the table of every API limit, read from the domains' limits modules (the one place each
limit is declared): `python -m tools.limits_table > docs/limits.md`. A test checks that the page is
what this prints, so the documentation cannot drift from the code."""

from __future__ import annotations

import argparse
from types import ModuleType

from parley import canonical
from parley.configuration import limits as configuration
from parley.conversations import limits as conversations
from parley.dialogue import limits as dialogue
from parley.nbq import limits as nbq
from parley.sessions import limits as sessions

# (module, constant, unit, what it bounds)
ROWS: tuple[tuple[str, ModuleType, str, str, str], ...] = (
    ("All APIs", canonical, "MAX_DEPTH", "levels", "nesting of any JSON value Parley stores"),
    ("NBQ", nbq, "NEXT_QUESTION_MAX_BODY_BYTES", "bytes", "`POST /v1/next-questions` body"),
    ("NBQ", nbq, "SESSION_ID_MAX_CHARS", "characters", "`session_id`"),
    ("NBQ", nbq, "HISTORY_MAX_MESSAGES", "messages", "`conversation_history`"),
    ("NBQ", nbq, "HISTORY_MESSAGE_MAX_CHARS", "characters", "one history message's `content`"),
    ("NBQ", nbq, "CONTEXT_MAX_CHARS", "characters", "`context`"),
    ("NBQ", nbq, "ANSWERED_IDS_MAX", "ids", "`answered_question_ids`"),
    ("NBQ", nbq, "ANSWERED_ID_MAX_CHARS", "characters", "one answered question id"),
    ("NBQ", nbq, "CONVERSION_MAX_BODY_BYTES", "bytes", "conversion body"),
    ("NBQ", nbq, "CONVERSION_METADATA_MAX_BYTES", "bytes", "conversion `metadata`, serialised"),
    ("NBQ", nbq, "MAX_CATALOG_BYTES", "bytes", "a question catalog, compressed"),
    ("V1 sessions", sessions, "MAX_BODY_BYTES", "bytes", "any `/v1/sessions…` request body"),
    ("V1 sessions", sessions, "MAX_ID_CHARS", "characters", "an id (session, question, choice, label…)"),
    ("V1 sessions", sessions, "MAX_TEXT_CHARS", "characters", "`user_text`, `assistant_text`, a message"),
    ("V1 sessions", sessions, "MAX_SUMMARY_CHARS", "characters", "a context summary"),
    ("V1 sessions", sessions, "MAX_FREE_TEXT_CHARS", "characters", "a semi-open answer's `free_text`"),
    ("V1 sessions", sessions, "MAX_MESSAGES", "messages", "`initial_history`, a context message delta"),
    ("V1 sessions", sessions, "MAX_CHOICE_IDS", "choices", "one structured answer's `choice_ids`"),
    ("V1 sessions", sessions, "MAX_UPDATES", "updates", "`client_updates` data, dimensions; selection ids"),
    ("V1 sessions", sessions, "MAX_TURNS", "turns", "a session's `max_turns`"),
    ("V1 sessions", sessions, "MAX_CANDIDATES", "candidates", "`selection.candidate_count`"),
    ("V1 sessions", sessions, "MAX_EXCLUDED_QUESTIONS", "ids", "`selection.excluded_question_ids`"),
    ("V1 sessions", sessions, "MAX_METADATA_ENTRIES", "entries", "feedback `metadata`"),
    ("V1 sessions", sessions, "MAX_METADATA_BYTES", "bytes", "feedback `metadata`, serialised"),
    ("V1 sessions", sessions, "MAX_METADATA_STRING_CHARS", "characters", "one feedback `metadata` string"),
    ("V1 sessions", sessions, "MIN_IDEMPOTENCY_KEY_CHARS", "characters", "`Idempotency-Key` (at least)"),
    ("V1 sessions", sessions, "MAX_IDEMPOTENCY_KEY_CHARS", "characters", "`Idempotency-Key`"),
    ("V1 configuration", configuration, "MAX_CHANGES_BODY_BYTES", "bytes", "a changes body"),
    ("V1 configuration", configuration, "MAX_PUBLISH_BODY_BYTES", "bytes", "a publish body"),
    ("V1 configuration", configuration, "MAX_CHANGES", "changes", "one batch of changes"),
    ("V1 configuration", configuration, "MAX_PAGE", "items", "a page of questions or audit events (`limit`)"),
    ("V1 configuration", configuration, "DEFAULT_PAGE", "items", "a page when `limit` is not sent"),
    ("V1 configuration", configuration, "MAX_ID_CHARS", "characters", "an id (question, dimension, choice…)"),
    ("V1 configuration", configuration, "MAX_NAME_CHARS", "characters", "a name or label"),
    ("V1 configuration", configuration, "MAX_DESCRIPTION_CHARS", "characters", "the objective's description"),
    ("V1 configuration", configuration, "MAX_QUESTION_TEXT_CHARS", "characters", "a question's text"),
    ("V1 configuration", configuration, "MAX_CHOICE_LABEL_CHARS", "characters", "a choice's label"),
    ("V1 configuration", configuration, "MAX_CHOICES", "choices", "a question's choices"),
    ("Conversations", conversations, "MAX_BODY_BYTES", "bytes", "any request body"),
    ("Conversations", conversations, "MAX_RUN_BODY_BYTES", "bytes", "a runs API body (`/api/v1/runs…`)"),
    ("Conversations", conversations, "MAX_CONTENT_BYTES", "bytes", "a conversation's content"),
    ("Conversations", conversations, "MAX_MESSAGES", "messages", "a conversation"),
    ("Conversations", conversations, "MAX_MESSAGE_BYTES", "bytes", "one message's content"),
    ("Conversations", conversations, "MAX_MESSAGE_EXTRAS_BYTES", "bytes", "one message's other fields"),
    ("Conversations", conversations, "MAX_METADATA_BYTES", "bytes", "a conversation's metadata"),
    (
        "Conversations",
        conversations,
        "MAX_LABEL_CHARS",
        "characters",
        "promptId, llmModel, companyName, keys",
    ),
    ("Conversations", conversations, "MAX_PAGE_SIZE", "conversations", "one list page (`limit`)"),
    ("Conversations", conversations, "MAX_LIST_OFFSET", "conversations", "list `offset` (deeper: `cursor`)"),
    ("Turn", dialogue, "MAX_BODY_BYTES", "bytes", "a turn's body"),
    ("Turn", dialogue, "MAX_TEXT_CHARS", "characters", "an utterance"),
    ("Turn", dialogue, "MAX_CONVERSATION_ID_CHARS", "characters", "a `conversationId` the client chooses"),
    ("Turn", dialogue, "MAX_CONTEXT_CHARS", "characters", "the session's context, serialised"),
    ("Turn", dialogue, "MAX_SLOTS", "slots", "structured `slots`"),
    ("Turn", dialogue, "MAX_DEPLOYMENT_BYTES", "bytes", "a deployment document"),
    ("Turn", dialogue, "MAX_INTENTS", "intents", "a deployment"),
    ("Turn", dialogue, "MAX_EXAMPLES_PER_INTENT", "utterances", "one intent's examples and keywords"),
    ("Turn", dialogue, "MAX_EXAMPLES", "utterances", "a deployment's examples and keywords, per language"),
    ("Turn", dialogue, "MAX_EXAMPLE_CHARS", "characters", "one example utterance"),
    ("Turn", dialogue, "MAX_VOCABULARY_WORDS", "words", "a deployment's distinct words, per language"),
    ("Turn", dialogue, "MAX_SLOTS_PER_INTENT", "slots", "one intent"),
    ("Turn", dialogue, "MAX_CHOICES_PER_SLOT", "choices", "one slot"),
    ("Turn", dialogue, "MAX_SYNONYMS_PER_CHOICE", "synonyms", "one choice"),
    ("Turn", dialogue, "MAX_LANGUAGES", "languages", "a deployment"),
    ("Turn", dialogue, "MAX_PATTERN_CHARS", "characters", "a text slot's pattern (RE2)"),
    ("Turn", dialogue, "MAX_CORRECTED_WORDS_PER_TURN", "words", "typo corrections in one turn"),
)


def table() -> str:
    lines = [
        "# Limits",
        "",
        "Every limit Parley applies, generated from the code (`python -m tools.limits_table`).",
        "A request beyond a size limit is a 413 `payload_too_large` naming the limit; beyond a",
        "length or count limit, a 422 (the turn API: 400) `validation_failed` naming the field.",
        "",
        "| API | limit | value | unit | bounds |",
        "| --- | --- | --- | --- | --- |",
    ]
    for api, module, name, unit, what in ROWS:
        value = getattr(module, name)
        lines.append(f"| {api} | `{name}` | {value:,} | {unit} | {what} |")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    argparse.ArgumentParser(prog="python -m tools.limits_table", description=__doc__).parse_args(argv)
    print(table(), end="")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
