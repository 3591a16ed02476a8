"""Every limit of the turn API, in one place: the request models, the service, the repository, the
OpenAPI drift test and the docs read them from here."""

from __future__ import annotations

import re

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

# The size of what a deployment asks recognition to prepare and search, checked when it is loaded
# (``parley.dialogue.deployment``): per language, every intent's example utterances and keywords
# and every choice's words make the vocabulary the typo index is built from.
MAX_INTENTS = 100
MAX_EXAMPLES_PER_INTENT = 300
MAX_EXAMPLES = 3000  # per language, utterances and keywords of every intent
MAX_EXAMPLE_CHARS = 300
MAX_VOCABULARY_WORDS = 5000  # distinct words per language
MAX_SLOTS_PER_INTENT = 30
MAX_CHOICES_PER_SLOT = 100
MAX_SYNONYMS_PER_CHOICE = 50
MAX_LANGUAGES = 8
# A text slot's pattern runs on RE2 (linear time); its source is bounded too.
MAX_PATTERN_CHARS = 300

# What one turn may spend on typo correction: the first unknown words only (each costs a few dozen
# dictionary probes and RapidFuzz calls, see ``parley.language.fuzzy``).
MAX_CORRECTED_WORDS_PER_TURN = 24

# A conversation id a client chooses (NLX's SDK mints UUIDs): matched whole.
MAX_CONVERSATION_ID_CHARS = 128
CONVERSATION_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{0,127}")
