"""The V1 configuration routes' limits (the docs' limits table reads them from here). A draft and
a published configuration are bounded like every catalog (``parley.nbq.limits.MAX_CATALOG_BYTES``,
compressed)."""

from __future__ import annotations

MAX_CHANGES_BODY_BYTES = 1024 * 1024
MAX_PUBLISH_BODY_BYTES = 16 * 1024
MAX_CHANGES = 500
MAX_PAGE = 200
DEFAULT_PAGE = 50
MAX_ID_CHARS = 128
MAX_NAME_CHARS = 200
MAX_QUESTION_TEXT_CHARS = 4000
MAX_CHOICE_LABEL_CHARS = 500
MAX_CHOICES = 50
MAX_DESCRIPTION_CHARS = 4000
