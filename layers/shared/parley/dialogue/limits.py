"""Every limit of the turn API, in one place: the request models, the service, the repository, the
OpenAPI drift test and the docs read them from here."""

from __future__ import annotations

# Beyond the spec: an utterance of 4,000 characters is a long paragraph; bodies above 64 KiB are
# refused before parsing (413).
MAX_TEXT_CHARS = 4000
MAX_BODY_BYTES = 64 * 1024
# The spec: the session's context is at most 2,000 characters serialised as JSON.
MAX_CONTEXT_CHARS = 2000
MAX_SLOTS = 50
MAX_ID_CHARS = 64
MAX_USER_ID_CHARS = 256
MAX_TOP_VALUES = 20
MAX_UPLOAD_IDS = 20
# A deployment is one item in the tenants table, under DynamoDB's 400 KB item limit.
MAX_DEPLOYMENT_BYTES = 350_000
MIN_IDLE_TIMEOUT_SECONDS = 60
MAX_IDLE_TIMEOUT_SECONDS = 7 * 24 * 3600
