"""Tenants' regular expressions (a text slot's ``pattern``) on RE2: matching is linear in the text
whatever the pattern, so no pattern can make a turn slow (Python's backtracking ``re`` can take
exponential time on "(a+)+b"). RE2 refuses what it cannot run in linear time (look-around,
back-references): such a pattern is refused when the deployment is loaded, with RE2's reason.

Matching is case-insensitive. A pattern with groups answers with its first group that matched
(so "deliver to (\\w+)" can take the place a customer named); otherwise with the whole match.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from typing import Any

# RE2's memory budget for one compiled pattern (its DFA cache); beyond it RE2 falls back to a
# slower but still linear engine.
MAX_PATTERN_MEMORY = 1 << 20


class PatternError(ValueError):
    """A pattern RE2 cannot compile (or that is too large)."""


@lru_cache(maxsize=256)
def compile_pattern(pattern: str) -> Any:
    """The compiled pattern; ``PatternError`` with RE2's reason when it cannot be."""
    import re2  # type: ignore[import-untyped]  # google-re2 ships no type information

    options = re2.Options()
    options.case_sensitive = False
    options.log_errors = False
    options.max_mem = MAX_PATTERN_MEMORY
    try:
        return re2.compile(pattern, options=options)
    except re2.error as exc:
        reason = exc.args[0].decode() if exc.args and isinstance(exc.args[0], bytes) else str(exc)
        raise PatternError(reason) from None


MAX_MATCHES = 16  # matches looked at per text (each is one linear scan onward)


def search(
    pattern: str, text: str, accept: Callable[[str], bool] | None = None, *, last: bool = False
) -> str | None:
    """The value the pattern finds in the text: of the first match ``accept`` takes (the last one
    with ``last``: "03010, no perdón, 03100"), its first matched group, else the whole match. After
    a match ``accept`` refuses, the search goes on from just after where that match began, so the
    words it took may start the next one ("entregas a domicilio en Monterrey": "domicilio en" is
    refused, "en Monterrey" is found)."""
    compiled = compile_pattern(pattern)
    position = 0
    found: str | None = None
    for _ in range(MAX_MATCHES):
        match = compiled.search(text, position)
        if match is None:
            break
        groups = [str(group).strip() for group in match.groups() if group]
        value = groups[0] if groups else str(match.group(0)).strip()
        if value and (accept is None or accept(value)):
            if not last:
                return value
            found = value
        position = match.start() + 1
        if position > len(text):
            break
    return found
