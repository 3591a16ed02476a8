"""What a catalog says about its goal, for Zelinqa V1 sessions: the objective, its ordered
dimensions, what each category collects (a *success information*: label and JSON Schema) and how
each question is answered (type, choices with ids and values, active or not).

Every part is optional in the YAML, so a beta catalog still loads: a catalog without ``objective``
gets a balanced default, without ``dimensions`` one blocking dimension holding every category, and
a question's type follows its choices (``single_choice`` with choices, else ``open``).

    objective:
      name: Find the outdoor table that fits
      qualification_level: balanced       # essential | balanced | deep
      max_turns: 12
      candidates_per_call: 3
      order_strength: 0.6                 # 0: priority alone orders; 1: dimension order first
    dimensions:                           # listed in order
      - {id: so_need, name: The need, completion_role: blocking, categories: [product_type, space]}
    categories:
      budget: {label: Budget, schema: {type: string}, detectors: [...]}
    questions:
      - external_id: q_budget_range
        type: single_choice
        choices: [{id: under-500, label: "Under €500", value: under-500}, …]   # or plain labels
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

QUESTION_TYPES = ("open", "single_choice", "multiple_choice", "semi_open")
SELECTION_MODES = ("single", "multiple")
COMPLETION_ROLES = ("blocking", "contributing", "optional")
QUALIFICATION_LEVELS = ("essential", "balanced", "deep")
DEFAULT_DIMENSION = "main"
MAX_DIMENSIONS = 100
MAX_CHOICES = 50
ID_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}")
SCHEMA_TYPES = frozenset({"string", "number", "integer", "boolean", "array"})


@dataclass(frozen=True, slots=True)
class Objective:
    name: str = "Qualify the conversation"
    description: str | None = None
    qualification_level: str = "balanced"
    max_turns: int = 10
    candidates_per_call: int = 3
    order_strength: float = 0.5


@dataclass(frozen=True, slots=True)
class Dimension:
    id: str
    name: str
    order_position: int
    completion_role: str
    categories: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Choice:
    id: str
    label: str
    value: Any  # ``maps_to_value``: what the target holds when this choice is picked


def choice_id_of(label: str) -> str:
    """A stable id for a choice given by its label alone ("Under €500" → "under-500")."""
    folded = unicodedata.normalize("NFKD", label).encode("ascii", "ignore").decode().lower()
    slug = re.sub(r"[^a-z0-9]+", "-", folded).strip("-")
    return slug[:128] or "choice"


def parse_objective(raw: Any, error: type[ValueError]) -> Objective:
    if raw is None:
        return Objective()
    if not isinstance(raw, Mapping):
        raise error("objective: a mapping (name, qualification_level, max_turns, …)")
    unknown = set(raw) - {
        "name", "description", "qualification_level", "max_turns", "candidates_per_call", "order_strength"
    }  # fmt: skip
    if unknown:
        raise error(f"objective: unknown fields {sorted(unknown)}")
    default = Objective()
    name = raw.get("name", default.name)
    if not isinstance(name, str) or not name.strip() or len(name) > 200:
        raise error("objective.name: a non-empty string of at most 200 characters")
    description = raw.get("description")
    if description is not None and (not isinstance(description, str) or len(description) > 4000):
        raise error("objective.description: a string of at most 4000 characters")
    level = raw.get("qualification_level", default.qualification_level)
    if level not in QUALIFICATION_LEVELS:
        raise error(f"objective.qualification_level: one of {list(QUALIFICATION_LEVELS)}")
    max_turns = _integer(raw.get("max_turns", default.max_turns), "objective.max_turns", 1, 100, error)
    per_call = _integer(
        raw.get("candidates_per_call", default.candidates_per_call),
        "objective.candidates_per_call",
        1,
        10,
        error,
    )
    strength = raw.get("order_strength", default.order_strength)
    if isinstance(strength, bool) or not isinstance(strength, int | float) or not 0 <= strength <= 1:
        raise error("objective.order_strength: a number from 0 to 1")
    return Objective(name.strip(), description, level, max_turns, per_call, float(strength))


def parse_dimensions(raw: Any, category_names: list[str], error: type[ValueError]) -> tuple[Dimension, ...]:
    """The ordered dimensions; every category belongs to exactly one (unlisted ones to the last)."""
    if raw is None:
        return (Dimension(DEFAULT_DIMENSION, "Main", 0, "blocking", tuple(category_names)),)
    if not isinstance(raw, list) or not raw or len(raw) > MAX_DIMENSIONS:
        raise error(f"dimensions: a list of 1 to {MAX_DIMENSIONS} dimensions")
    dimensions: list[Dimension] = []
    owner: dict[str, str] = {}
    for position, item in enumerate(raw):
        where = f"dimensions[{position}]"
        if not isinstance(item, Mapping):
            raise error(f"{where}: a mapping with id, name, completion_role and categories")
        dimension_id = _identifier(item.get("id"), f"{where}.id", error)
        if any(d.id == dimension_id for d in dimensions):
            raise error(f"{where}: duplicate dimension id {dimension_id!r}")
        name = item.get("name", dimension_id)
        if not isinstance(name, str) or not name.strip() or len(name) > 200:
            raise error(f"{where}.name: a non-empty string of at most 200 characters")
        role = item.get("completion_role", "blocking")
        if role not in COMPLETION_ROLES:
            raise error(f"{where}.completion_role: one of {list(COMPLETION_ROLES)}")
        members = item.get("categories") or []
        if not isinstance(members, list) or not all(isinstance(m, str) for m in members):
            raise error(f"{where}.categories: a list of category names")
        for member in members:
            if member not in category_names:
                raise error(f"{where}: unknown category {member!r}")
            if member in owner:
                raise error(f"{where}: category {member!r} is already in dimension {owner[member]!r}")
            owner[member] = dimension_id
        dimensions.append(Dimension(dimension_id, name.strip(), position, role, tuple(members)))
    rest = tuple(name for name in category_names if name not in owner)
    if rest:
        last = dimensions[-1]
        dimensions[-1] = Dimension(last.id, last.name, last.order_position, last.completion_role,
                                   last.categories + rest)  # fmt: skip
    return tuple(dimensions)


def parse_label_and_schema(
    body: Mapping[str, Any], name: str, error: type[ValueError]
) -> tuple[str, dict[str, Any]]:
    where = f"categories.{name}"
    label = body.get("label", name.replace("_", " ").capitalize())
    if not isinstance(label, str) or not label.strip() or len(label) > 200:
        raise error(f"{where}.label: a non-empty string of at most 200 characters")
    schema = body.get("schema", {"type": "string"})
    if not isinstance(schema, Mapping) or schema.get("type") not in SCHEMA_TYPES:
        raise error(f"{where}.schema: a JSON Schema whose type is one of {sorted(SCHEMA_TYPES)}")
    return label.strip(), dict(schema)


def parse_question_kind(
    raw: Mapping[str, Any], where: str, error: type[ValueError]
) -> tuple[str, str | None, tuple[Choice, ...], bool]:
    """A question's type, selection mode, choices and whether it is active."""
    choices = _choices(raw.get("choices"), where, error)
    kind = raw.get("type", "single_choice" if choices else "open")
    if kind not in QUESTION_TYPES:
        raise error(f"{where}.type: one of {list(QUESTION_TYPES)}")
    if kind == "open" and choices:
        raise error(f"{where}: an open question has no choices")
    if kind != "open" and not choices:
        raise error(f"{where}: a {kind} question needs choices")
    mode = raw.get("selection_mode")
    if mode is None:
        mode = {"single_choice": "single", "multiple_choice": "multiple"}.get(kind)
        if kind == "semi_open":
            mode = "single"
    if mode is not None and mode not in SELECTION_MODES:
        raise error(f"{where}.selection_mode: one of {list(SELECTION_MODES)}")
    active = raw.get("active", True)
    if not isinstance(active, bool):
        raise error(f"{where}.active: true or false")
    return kind, mode, choices, active


def _choices(raw: Any, where: str, error: type[ValueError]) -> tuple[Choice, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, list) or len(raw) > MAX_CHOICES:
        raise error(f"{where}.choices: a list of at most {MAX_CHOICES} choices")
    choices: list[Choice] = []
    for index, item in enumerate(raw):
        if isinstance(item, str) and item.strip():
            label = item.strip()
            choice = Choice(choice_id_of(label), label, label)
        elif isinstance(item, Mapping) and isinstance(item.get("label"), str) and item["label"].strip():
            label = item["label"].strip()
            choice_id = item.get("id", choice_id_of(label))
            choice = Choice(_identifier(choice_id, f"{where}.choices[{index}].id", error), label,
                            item.get("value", label))  # fmt: skip
        else:
            raise error(f"{where}.choices[{index}]: a label, or a mapping with id, label and value")
        if any(c.id == choice.id for c in choices):
            raise error(f"{where}.choices[{index}]: duplicate choice id {choice.id!r}")
        if any(c.label == choice.label for c in choices):
            raise error(f"{where}.choices[{index}]: duplicate choice label {choice.label!r}")
        choices.append(choice)
    return tuple(choices)


def _identifier(value: Any, where: str, error: type[ValueError]) -> str:
    if not isinstance(value, str) or not ID_PATTERN.fullmatch(value):
        raise error(
            f"{where}: 1 to 128 of letters, digits, '_', '.', ':', '-', starting with a letter or digit"
        )
    return value


def _integer(value: Any, where: str, low: int, high: int, error: type[ValueError]) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise error(f"{where}: an integer from {low} to {high}")
    return value


_JSON_TYPES: dict[str, tuple[type, ...]] = {
    "string": (str,),
    "number": (int, float),
    "integer": (int,),
    "boolean": (bool,),
    "array": (list,),
}


def fits_schema(value: Any, schema: Any) -> bool:
    """The subset of JSON Schema a success information uses: type, enum, minimum, maximum, items."""
    if not isinstance(schema, dict):
        return True
    kind = schema.get("type")
    expected = _JSON_TYPES.get(kind) if isinstance(kind, str) else None
    wrong_type = expected is not None and (
        not isinstance(value, expected) or (isinstance(value, bool) and kind != "boolean")
    )
    outside_enum = "enum" in schema and value not in schema["enum"]
    number = isinstance(value, int | float) and not isinstance(value, bool)
    below = number and "minimum" in schema and value < schema["minimum"]
    above = number and "maximum" in schema and value > schema["maximum"]
    if wrong_type or outside_enum or below or above:
        return False
    if isinstance(value, list) and isinstance(schema.get("items"), dict):
        return all(fits_schema(item, schema["items"]) for item in value)
    return True
