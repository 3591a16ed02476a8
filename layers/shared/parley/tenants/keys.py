"""API key material: generation, format check, hashing and the display prefix.

A key is ``pk_live_`` (or ``pk_test_`` for local and test tenants) followed by 43 base62 characters
(256 bits from ``secrets``). Only its SHA-256 is stored; the first characters are kept for display.
"""

from __future__ import annotations

import hashlib
import re
import secrets
import string

_ALPHABET = string.ascii_letters + string.digits
_RANDOM_LENGTH = 43
KEY_PATTERN = re.compile(r"pk_(live|test)_[A-Za-z0-9]{24,64}")
DISPLAY_PREFIX_LENGTH = 16


def generate_key(mode: str = "live") -> str:
    if mode not in ("live", "test"):
        raise ValueError("mode must be 'live' or 'test'")
    return f"pk_{mode}_" + "".join(secrets.choice(_ALPHABET) for _ in range(_RANDOM_LENGTH))


def is_well_formed(key: str) -> bool:
    return KEY_PATTERN.fullmatch(key) is not None


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def display_prefix(key: str) -> str:
    return key[:DISPLAY_PREFIX_LENGTH]
