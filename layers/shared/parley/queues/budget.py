"""A queue consumer's time budget: records are taken only while enough of the invocation is left.

Lambda stops a function at its timeout; a record begun too late would be cut off mid-way and its
whole batch retried. Checked before each record, ``TimeBudget`` hands the rest of the batch back
(``OutOfTime`` → a batch item failure, redelivered after the visibility timeout) while there is
still time to answer.
"""

from __future__ import annotations

from collections.abc import Callable


class OutOfTime(Exception):
    """Not started: too little of the invocation's time is left; the queue delivers it again."""


class TimeBudget:
    def __init__(self, remaining_ms: Callable[[], int], reserve_ms: int) -> None:
        self._remaining_ms = remaining_ms
        self._reserve_ms = reserve_ms

    def check(self) -> None:
        remaining = self._remaining_ms()
        if remaining < self._reserve_ms:
            raise OutOfTime(f"{remaining} ms left; a record needs up to {self._reserve_ms} ms")
