"""moto's Query on a table's own key at the cost of one partition, not of the whole table.

moto 5.2.5 (``Table.query`` in ``moto/dynamodb/models/table.py``) answers a Query on the table's
key by sorting every item of the table (``all_items()``) and keeping those with the hash key asked
for, so each such Query costs time in proportion to everything the table holds (an append reads
its messages back with one: on the local gateway, ~0.5 s per append at 10,000 conversations).
Here moto's own ``query`` still runs unchanged, except that while it does, ``all_items()`` of that
table returns only the partition of the hash key asked for, sorted by range key: the same items
in the same order its filter would have kept. Queries on an index (whose partitions moto does not
keep) and every other caller of ``all_items()`` (Scan, exports) are untouched.

``LOCALGW_PARTITION_QUERIES=0`` keeps moto's walk over the table (to measure the difference).
"""

from __future__ import annotations

import functools
import inspect
import os
import threading
from collections.abc import Callable
from typing import Any

PARTITION_QUERIES_ENV = "LOCALGW_PARTITION_QUERIES"

_querying = threading.local()  # partition: (table, hash key) of the Query running in this thread


def partition_queries_enabled() -> bool:
    return os.environ.get(PARTITION_QUERIES_ENV, "1").strip().lower() not in {"0", "false", "no", "off"}


def partition_items(table: Any, hash_key: Any) -> list[Any]:
    """The items with ``hash_key``, in ``all_items()``'s order (by range key)."""
    if table.range_key_attr is None:
        item = table.items.get(hash_key)
        return [] if item is None else [item]
    partition: dict[Any, Any] = table.items.get(hash_key) or {}
    return sorted(partition.values(), key=lambda item: item.range_key)


def install_partition_queries(table_class: Any) -> None:
    """Wrap ``table_class.query`` and ``all_items`` (idempotent)."""
    original_query: Callable[..., Any] = table_class.query
    original_all_items: Callable[..., Any] = table_class.all_items
    if getattr(original_query, "__partitioned__", False):
        return
    signature = inspect.signature(original_query)

    @functools.wraps(original_all_items)
    def all_items(self: Any) -> Any:
        current = getattr(_querying, "partition", None)
        if current is not None and current[0] is self:
            return partition_items(self, current[1])
        return original_all_items(self)

    @functools.wraps(original_query)
    def query(self: Any, *args: Any, **kwargs: Any) -> Any:
        try:
            arguments = signature.bind(self, *args, **kwargs).arguments
        except TypeError:
            return original_query(self, *args, **kwargs)  # moto reports the mistake itself
        hash_key = arguments.get("hash_key")
        if arguments.get("index_name") or hash_key is None:
            return original_query(self, *args, **kwargs)
        previous = getattr(_querying, "partition", None)
        _querying.partition = (self, hash_key)
        try:
            return original_query(self, *args, **kwargs)
        finally:
            _querying.partition = previous

    query.__partitioned__ = True  # type: ignore[attr-defined]
    table_class.query = query
    table_class.all_items = all_items
