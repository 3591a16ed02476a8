"""Every limit of the Conversations API, in one place: the request models, the service, the
repository's chunking, the OpenAPI drift test and the docs read them from here.

"KB" in the spec is 1,024 bytes, counted in UTF-8.
"""

from __future__ import annotations

# The spec's limits.
MAX_CONTENT_BYTES = 512 * 1024
MAX_MESSAGES = 500
MAX_MESSAGE_BYTES = 100 * 1024
# What one message may carry besides its content (toolCalls, usage, metadata…), serialised; and
# the conversation's merged metadata. Both bound a DynamoDB item (400 KB) with room to spare.
MAX_MESSAGE_EXTRAS_BYTES = 100 * 1024
MAX_METADATA_BYTES = 100 * 1024
# Raw request bodies above this are refused before any parsing. It leaves headroom over the
# 512 KB content limit for JSON escaping (a structured transcript inside a JSON string escapes
# every quote, and newlines double), so every body whose fields are within limits fits.
MAX_BODY_BYTES = 1024 * 1024
# A run's body (POST /api/v1/runs) carries its transcript twice — Converra's SDK sends `messages`
# and `content`, its rendering of them — so it may be twice as large.
MAX_RUN_BODY_BYTES = 2 * MAX_BODY_BYTES
DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100
# A list reads at most this far by offset (at most ~offset items per request); deeper pages follow
# `pagination.nextCursor`, whose cost is one page whatever the depth.
MAX_LIST_OFFSET = 1000
MAX_CURSOR_CHARS = 128
# Identifiers and labels a client sends (promptId, llmModel, companyName, model, idempotencyKey).
MAX_LABEL_CHARS = 256
# The title is the first user turn's first line, shortened to this many characters.
TITLE_CHARS = 80
# A stored chunk holds messages up to this many bytes of JSON: under DynamoDB's 400 KB item limit
# with room for one message that alone reaches the per-message limits (100 KB content + 100 KB extras).
CHUNK_TARGET_BYTES = 300_000
