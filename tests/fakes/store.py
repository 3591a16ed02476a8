"""What every fake shares: stored values are copies, as a store's are; and a hook to let "another
writer" in just before the next write."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any


class StoreConflict(Exception):
    """A conditional write the DynamoDB repository does not translate (it surfaces as the SDK's
    ``TransactionCanceledException`` / ``ConditionalCheckFailedException``, a 500): e.g. storing
    a conversation whose id already exists. A service that reaches it has a bug."""


def stored(value: Any) -> Any:
    """``value`` as it would come back from the store: JSON round-tripped, never the caller's object
    (and refused, as boto3 would refuse it, when it cannot be serialised)."""
    return json.loads(json.dumps(value, ensure_ascii=False))


class Interleaving:
    """``before_next_write(callback)``: the callback runs once, just before the next write's
    condition is checked — another writer that got there first."""

    def __init__(self) -> None:
        self._pending: list[Callable[[], None]] = []

    def before_next_write(self, callback: Callable[[], None]) -> None:
        self._pending.append(callback)

    def _interleave(self) -> None:
        while self._pending:
            self._pending.pop(0)()
