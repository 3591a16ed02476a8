"""Requests that meet on one conversation (a click while NLX's SDK sends another request, two tabs):
the later one reads the new state and runs again after a short jittered pause, a bounded number of
times, rather than failing at a client's ordinary pace. Only a conversation that stays that busy
gets a ``Conflict`` to send again."""

from __future__ import annotations

import random

# Twelve attempts with pauses of at most 200 ms: about 1.5 s in all before the Conflict.
ATTEMPTS = 12
MAX_PAUSE_SECONDS = 0.2
_jitter = random.SystemRandom()


def pause_after(attempt: int) -> float:
    """Seconds to wait before attempt ``attempt + 1`` (full jitter, exponential up to the cap)."""
    return _jitter.uniform(0, min(MAX_PAUSE_SECONDS, 0.01 * 2**attempt))
