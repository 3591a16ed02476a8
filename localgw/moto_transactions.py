"""moto's TransactWriteItems at the cost of what it touches: an undo log instead of table copies.

moto 5.2.5 (``DynamoDBBackend.transact_write_items`` in ``moto/dynamodb/models/__init__.py``)
backs every transaction up with ``copy.deepcopy`` of each table it names, so that a cancelled one
can put the copies back. Each local transaction then costs time in proportion to everything the
tables hold: on the local gateway an append took 32 ms on an empty store and 172 ms after 600 more
conversations. Here moto's own implementation still runs unchanged (its checks, its order, its
cancellation reasons), with two differences:

- Before it starts, the prior state of each item the transaction names is recorded: the Item
  object itself (a Put replaces it, a Delete removes it; neither mutates it), a copy of it when an
  Update will change it in place, or "absent"; and for an item a Delete may remove, the order of
  its partition's keys, so that it goes back where it was.
- While it runs, its ``copy.deepcopy(table)`` hands the table itself back (the "backup" moto puts
  back on failure is then the live table, a no-op), and when it raises — cancellation with
  reasons, a validation error, an item too large, anything — the recorded items are put back.

Secondary indexes need nothing of their own: moto keeps items only in ``Table.items`` (``{hash:
Item}``, or ``{hash: {range: Item}}`` with a range key) and derives every index from them on each
Query or Scan. Items are restored by direct dictionary writes, so a rollback adds no stream record;
the records the cancelled writes added are cut off by ``moto_backend._share_streams_in_transactions``.

Recording up front is the same as recording before each write because transactions are serialized
with every other DynamoDB operation (``moto_backend._dynamodb_lock``): nothing else writes between
the record and the restore. ``LOCALGW_TRANSACTION_UNDO_LOG=0`` keeps moto's table copies (to
measure the difference).
"""

from __future__ import annotations

import copy
import functools
import os
import threading
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from types import ModuleType
from typing import Any

UNDO_LOG_ENV = "LOCALGW_TRANSACTION_UNDO_LOG"
_OPERATIONS = frozenset({"ConditionCheck", "Put", "Delete", "Update"})

_running = threading.local()  # depth: undo-logged transactions under way in this thread


def undo_log_enabled() -> bool:
    return os.environ.get(UNDO_LOG_ENV, "1").strip().lower() not in {"0", "false", "no", "off"}


@dataclass
class _Prior:
    """One item's state before the transaction."""

    table: Any  # moto.dynamodb.models.table.Table
    hash_key: Any  # DynamoType
    range_key: Any  # DynamoType, or None without a range key
    item: Any  # the Item as it was (or its copy, when an Update changes it in place), None: absent
    had_partition: bool  # with a range key: whether Table.items had this hash key
    copied: bool = False
    order: list[Any] | None = None  # the partition's keys in order, when a Delete may remove the item


class UndoLog:
    """The prior state of every item one TransactWriteItems names, and how to put it back."""

    def __init__(self) -> None:
        self._priors: dict[tuple[int, Any, Any], _Prior] = {}

    def __len__(self) -> int:
        return len(self._priors)

    @classmethod
    def before(cls, backend: Any, transact_items: Any) -> UndoLog:
        log = cls()
        for entry in transact_items if isinstance(transact_items, list) else ():
            located = _locate(backend, entry)
            if located is not None:
                log._record(*located)
        return log

    def _record(self, operation: str, table: Any, hash_key: Any, range_key: Any) -> None:
        ident = (id(table), hash_key, range_key)
        prior = self._priors.get(ident)
        partition = _partition(table, hash_key)
        if prior is None:
            item = partition.get(range_key if _ranged(table) else hash_key) if partition is not None else None
            prior = _Prior(table, hash_key, range_key, item, had_partition=partition is not None)
            self._priors[ident] = prior
        if prior.item is None:
            return
        if operation == "Update" and not prior.copied:
            prior.item = copy.deepcopy(prior.item)
            prior.copied = True
        if operation == "Delete" and prior.order is None and partition is not None:
            prior.order = list(partition)

    def restore(self) -> None:
        """Put every recorded item back as it was (latest first), then each partition's order."""
        for prior in reversed(self._priors.values()):
            items = prior.table.items
            ranged = _ranged(prior.table)
            key = prior.range_key if ranged else prior.hash_key
            partition = _partition(prior.table, prior.hash_key)
            if prior.item is None:
                if partition is not None:
                    partition.pop(key, None)
                    if ranged and not prior.had_partition and not partition:
                        del items[prior.hash_key]  # Table.get_item's defaultdict lookup made it
                continue
            if partition is None:
                partition = items[prior.hash_key] = {}
            partition[key] = prior.item
        for prior in self._priors.values():
            partition = _partition(prior.table, prior.hash_key)
            if prior.order is None or partition is None or list(partition) == prior.order:
                continue
            if set(partition) == set(prior.order):
                ordered = {key: partition[key] for key in prior.order}
                partition.clear()
                partition.update(ordered)


def _ranged(table: Any) -> bool:
    return table.range_key_attr is not None


def _partition(table: Any, hash_key: Any) -> dict[Any, Any] | None:
    """The dictionary that holds the item: the table's own without a range key, else the hash
    key's (None when there is none yet; never created here: ``Table.items`` is a defaultdict)."""
    items: dict[Any, Any] = table.items
    if not _ranged(table):
        return items
    partition: dict[Any, Any] | None = items.get(hash_key)
    return partition


def _locate(backend: Any, entry: Any) -> tuple[str, Any, Any, Any] | None:
    """(operation, table, hash key, range key) of one TransactItems entry, read as moto reads it;
    None when moto refuses the entry before it writes anything (unknown table, malformed key)."""
    try:
        operation, request = next(iter(entry.items()))
        if operation not in _OPERATIONS:
            return None
        table = backend.get_table(request["TableName"])
        if operation == "Put":
            attributes = request["Item"]
            key = {table.hash_key_attr: attributes[table.hash_key_attr]}
            if _ranged(table):
                key[table.range_key_attr] = attributes[table.range_key_attr]
        else:
            key = request["Key"]
        hash_key, range_key = backend.get_keys_value(table, key)
    except Exception:  # moto fails this entry (or the whole call) before its write
        return None
    return operation, table, hash_key, range_key


def _deepcopy(value: Any, memo: dict[int, Any] | None = None) -> Any:
    """``copy.deepcopy`` as moto's DynamoDB models module sees it: a table is handed back as it is
    while an undo-logged transaction runs in this thread (that is the transaction's backup)."""
    from moto.dynamodb.models.table import Table

    if getattr(_running, "depth", 0) and isinstance(value, Table):
        return value
    return copy.deepcopy(value, memo)


def _copy_module() -> ModuleType:
    module = ModuleType("copy", "The copy module, but a table is not copied during a transaction.")
    module.__dict__.update({name: value for name, value in vars(copy).items() if not name.startswith("__")})
    module.__dict__["deepcopy"] = _deepcopy
    return module


def install_undo_log(backend_class: Any, lock: AbstractContextManager[Any]) -> None:
    """Wrap ``backend_class.transact_write_items`` with an undo log (idempotent)."""
    from moto.dynamodb import models

    original: Callable[..., Any] = backend_class.transact_write_items
    if getattr(original, "__undo_logged__", False):
        return

    @functools.wraps(original)
    def transact_write_items(self: Any, transact_items: Any, *args: Any, **kwargs: Any) -> Any:
        with lock:
            undo = UndoLog.before(self, transact_items)
            _running.depth = getattr(_running, "depth", 0) + 1
            try:
                return original(self, transact_items, *args, **kwargs)
            except BaseException:
                undo.restore()
                raise
            finally:
                _running.depth -= 1

    transact_write_items.__undo_logged__ = True  # type: ignore[attr-defined]
    backend_class.transact_write_items = transact_write_items
    models.__dict__["copy"] = _copy_module()
