"""A published configuration as sessions use it: the catalog (objective, dimensions, targets,
questions) with its detection index, built once per configuration id and kept for the container's
life — a published configuration never changes."""

from __future__ import annotations

import threading
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from parley.nbq.catalog import Catalog, Question, parse_catalog
from parley.nbq.objective import Dimension
from parley.nbq.selection import PreparedCatalog

MAX_CACHED = 64


@dataclass(frozen=True)
class SessionConfiguration:
    id: str
    prepared: PreparedCatalog

    @property
    def catalog(self) -> Catalog:
        return self.prepared.catalog

    @property
    def dimensions(self) -> tuple[Dimension, ...]:
        return self.catalog.dimensions

    def question(self, question_id: str) -> Question | None:
        return self.catalog.by_id.get(question_id)

    def dimension_of(self, question: Question) -> Dimension:
        return self.catalog.question_dimension(question)

    def kind_of(self, target_id: str) -> str:
        category = self.catalog.categories.get(target_id)
        return category.kind if category is not None else "data"

    def deciding_targets(self, dimension: Dimension) -> tuple[str, ...]:
        """The targets that decide a dimension's completion: its data targets, or all of its
        targets when it has no data target (exploration targets never decide otherwise)."""
        return self._deciding[dimension.id]

    @cached_property
    def _deciding(self) -> dict[str, tuple[str, ...]]:
        deciding = {}
        for dimension in self.dimensions:
            data = tuple(name for name in dimension.categories if self.kind_of(name) == "data")
            deciding[dimension.id] = data or tuple(dimension.categories)
        return deciding


class ConfigurationCache:
    """Parsed configurations by (tenant, id): immutable, so cached without expiry (bounded)."""

    def __init__(self) -> None:
        self._entries: dict[tuple[str, str], SessionConfiguration] = {}
        self._lock = threading.Lock()

    def get(self, tenant_id: str, configuration_id: str) -> SessionConfiguration | None:
        with self._lock:
            return self._entries.get((tenant_id, configuration_id))

    def put(self, tenant_id: str, configuration_id: str, document: Mapping[str, Any]) -> SessionConfiguration:
        built = SessionConfiguration(configuration_id, PreparedCatalog.of(parse_catalog(document)))
        with self._lock:
            if len(self._entries) >= MAX_CACHED:
                self._entries.clear()
            self._entries[(tenant_id, configuration_id)] = built
        return built
