"""API key material: generation, format check, hashing and the display prefix.

A secret key is ``pk_live_`` (or ``pk_test_`` for local and test tenants), a publishable key
``pub_live_`` (``pub_test_``), followed by 43 base62 characters (256 bits from ``secrets``). Only
its SHA-256 is stored; the first characters are kept for display.
"""

from __future__ import annotations

import hashlib
import re
import secrets
import string

_ALPHABET = string.ascii_letters + string.digits
_RANDOM_LENGTH = 43
KEY_PATTERN = re.compile(r"(pk|pub)_(live|test)_[A-Za-z0-9]{24,64}")
DISPLAY_PREFIX_LENGTH = 16
SECRET, PUBLISHABLE = "secret", "publishable"
_PREFIXES = {SECRET: "pk", PUBLISHABLE: "pub"}


def generate_key(mode: str = "live", kind: str = SECRET) -> str:
    if mode not in ("live", "test"):
        raise ValueError("mode must be 'live' or 'test'")
    return f"{_PREFIXES[kind]}_{mode}_" + "".join(secrets.choice(_ALPHABET) for _ in range(_RANDOM_LENGTH))


def kind_of(key: str) -> str:
    return PUBLISHABLE if key.startswith("pub_") else SECRET


def is_well_formed(key: str) -> bool:
    return KEY_PATTERN.fullmatch(key) is not None


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def display_prefix(key: str) -> str:
    return key[:DISPLAY_PREFIX_LENGTH]
