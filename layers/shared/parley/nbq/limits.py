"""Every limit of the NBQ API, in one place: the request models, the handlers' body checks, the
repository, the OpenAPI drift test and the docs read them from here."""

from __future__ import annotations

SESSION_ID_MAX_CHARS = 128
HISTORY_MAX_MESSAGES = 50
HISTORY_MESSAGE_MAX_CHARS = 2000
CONTEXT_MAX_CHARS = 8000
ANSWERED_IDS_MAX = 200
ANSWERED_ID_MAX_CHARS = 256
CONVERSION_METADATA_MAX_BYTES = 4096
# 50 messages x 2,000 characters, 8,000 of context and 200 ids fit well below this, even with
# every character JSON-escaped; anything larger is refused before it is parsed.
NEXT_QUESTION_MAX_BODY_BYTES = 1_048_576
CONVERSION_MAX_BODY_BYTES = 16_384
# A catalog is stored compressed in one item, under DynamoDB's 400 KB item limit.
MAX_CATALOG_BYTES = 350_000
