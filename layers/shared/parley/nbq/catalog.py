"""Question catalogs: the versioned YAML a tenant loads, validated into plain, immutable objects.

A catalog names *categories* (the pieces of information questions collect, each with detectors
that tell when the conversation already gives it) and *questions* (an ``external_id``, the text,
its category, a priority — higher is asked first — optional dependencies and answer choices).
Questions of one category are alternatives: once the category is known, none of them is asked.

    version: 0.9.0-beta.1
    categories:
      budget:
        detectors:
          - money: {}
          - keywords: [budget, price range]
    questions:
      - external_id: q_budget_range
        text: What budget range did you have in mind for the table?
        category: budget
        priority: 100
        requires: {categories: [product_type], mentions: [table]}
        choices: [Under 500, 500 to 1000]
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from parley.nbq.objective import (
    Choice,
    Dimension,
    Objective,
    parse_dimensions,
    parse_label_and_schema,
    parse_objective,
    parse_question_kind,
)

DETECTOR_KINDS = frozenset({"keywords", "money", "size", "count", "date"})
MAX_QUESTIONS = 10_000


class CatalogError(ValueError):
    """A catalog that cannot be loaded; the message says what and where."""


@dataclass(frozen=True, slots=True)
class Detector:
    kind: str
    # keywords: phrases; count: the nouns a number must come before ("6 people").
    terms: tuple[str, ...] = ()
    # A polar category (yes/no) is known even when the user's mention is negated ("no delivery").
    polar: bool = False


@dataclass(frozen=True, slots=True)
class Category:
    name: str
    detectors: tuple[Detector, ...]
    # What it collects, as a V1 success information (``parley.nbq.objective``): a ``data`` target,
    # or an ``exploration`` one (a question's own, collecting no datum; it never blocks success).
    label: str = ""
    schema: Mapping[str, Any] = field(default_factory=dict)
    kind: str = "data"
    primary_question: str | None = None  # the question that asks for it (default: by priority)


@dataclass(frozen=True, slots=True)
class Question:
    external_id: str
    text: str
    category: str
    priority: int
    position: int
    requires_categories: tuple[str, ...] = ()
    requires_mentions: tuple[str, ...] = ()
    choices: tuple[str, ...] = ()  # the labels of ``options``
    # How it is answered (V1): open | single_choice | multiple_choice | semi_open.
    kind: str = "open"
    selection_mode: str | None = None
    options: tuple[Choice, ...] = ()
    active: bool = True
    dimension: str | None = None  # its own dimension (default: its category's)
    source: str = "user"  # user | llm_generated: who wrote it (V1 configuration)


@dataclass(frozen=True, slots=True)
class Catalog:
    version: str
    categories: Mapping[str, Category]
    questions: tuple[Question, ...]
    by_id: Mapping[str, Question] = field(default_factory=dict)
    objective: Objective = field(default_factory=Objective)
    dimensions: tuple[Dimension, ...] = ()

    def dimension_of(self, category: str) -> Dimension:
        return next(d for d in self.dimensions if category in d.categories)

    def question_dimension(self, question: Question) -> Dimension:
        if question.dimension is not None:
            return next(d for d in self.dimensions if d.id == question.dimension)
        return self.dimension_of(question.category)

    def primary_question(self, category: str) -> Question | None:
        """The question that asks for the category: its declared one, else its first by priority."""
        declared = self.categories[category].primary_question
        if declared is not None:
            return self.by_id.get(declared)
        of_category = [q for q in self.questions if q.category == category]
        return min(of_category, key=lambda q: (-q.priority, q.position), default=None)


def string_list(value: Any, where: str, error: type[ValueError] = CatalogError) -> tuple[str, ...]:
    """A configuration list of non-empty strings (a lone string counts as a list of one); the
    ``error`` raised names ``where`` (catalogs and deployments validate alike)."""
    if value is None:
        return ()
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise error(f"{where}: expected a list of non-empty strings")
    return tuple(v.strip() for v in value)


def _check_matchable(terms: tuple[str, ...], where: str) -> tuple[str, ...]:
    """Refuse a term the detection cannot match: one with no token at all (no ASCII letter or
    digit, none of € $ £ / . ; : ! ? ,), such as "—" or "日本", would never be found, and used to
    break the detection index — every next-questions call of the tenant failed."""
    from parley.nbq.detection import tokens_of  # detection imports this module

    for term in terms:
        if not tokens_of(term):
            raise CatalogError(
                f"{where}: {term!r} has nothing to match (terms are matched on ASCII letters, digits "
                "and the symbols € $ £ / . ; : ! ? ,)"
            )
    return terms


def _detector(raw: Any, where: str) -> Detector:
    if isinstance(raw, str):
        raw = {raw: {}}
    if not isinstance(raw, Mapping):
        raise CatalogError(f"{where}: a detector is one of {sorted(DETECTOR_KINDS)} with its options")
    raw = dict(raw)
    polar = raw.pop("polar", False)
    if len(raw) != 1 or not isinstance(polar, bool):
        raise CatalogError(
            f"{where}: a detector is one of {sorted(DETECTOR_KINDS)} with its options"
            " (and optionally polar: true)"
        )
    kind, options = next(iter(raw.items()))
    if kind not in DETECTOR_KINDS:
        raise CatalogError(f"{where}: unknown detector {kind!r} (expected one of {sorted(DETECTOR_KINDS)})")
    if isinstance(options, Mapping):
        polar = polar or bool(options.get("polar", False))
        terms = string_list(options.get("terms"), f"{where}.{kind}.terms")
    else:
        terms = string_list(options, f"{where}.{kind}")
    if kind in ("keywords", "count") and not terms:
        raise CatalogError(f"{where}: a {kind} detector needs at least one term")
    _check_matchable(terms, f"{where}.{kind}")
    if kind in ("money", "size", "date") and terms:
        raise CatalogError(f"{where}: a {kind} detector takes no terms")
    return Detector(kind=kind, terms=terms, polar=polar)


def parse_catalog(document: Mapping[str, Any]) -> Catalog:
    """Validate a parsed catalog document; raise ``CatalogError`` with a clear message."""
    if not isinstance(document, Mapping):
        raise CatalogError("a catalog is a mapping with version, categories and questions")
    version = document.get("version")
    if not isinstance(version, str | int | float) or not str(version).strip():
        raise CatalogError("version: required (the value nbq_version reports)")
    categories = _categories(document.get("categories"))
    raw_questions = document.get("questions")
    if not isinstance(raw_questions, list) or not raw_questions:
        raise CatalogError("questions: required, a non-empty list")
    if len(raw_questions) > MAX_QUESTIONS:
        raise CatalogError(f"questions: at most {MAX_QUESTIONS} questions")
    questions: list[Question] = []
    by_id: dict[str, Question] = {}
    for position, raw in enumerate(raw_questions):
        question = _question(raw, position, categories)
        qid = question.external_id
        if qid in by_id:
            raise CatalogError(f"questions[{position}] ({qid}): duplicate external_id {qid!r}")
        questions.append(question)
        by_id[question.external_id] = question
    _reject_cycles(questions, categories)
    catalog = Catalog(
        version=str(version),
        categories=categories,
        questions=tuple(questions),
        by_id=by_id,
        objective=parse_objective(document.get("objective"), CatalogError),
        dimensions=parse_dimensions(document.get("dimensions"), list(categories), CatalogError),
    )
    _check_references(catalog)
    return catalog


def _check_references(catalog: Catalog) -> None:
    dimension_ids = {d.id for d in catalog.dimensions}
    for question in catalog.questions:
        if question.dimension is not None and question.dimension not in dimension_ids:
            raise CatalogError(f"question {question.external_id}: unknown dimension {question.dimension!r}")
    for name, category in catalog.categories.items():
        primary = category.primary_question
        if primary is not None and (primary not in catalog.by_id or catalog.by_id[primary].category != name):
            raise CatalogError(
                f"categories.{name}.primary_question: {primary!r} is not a question of {name!r}"
            )


def _categories(raw_categories: Any) -> dict[str, Category]:
    if not isinstance(raw_categories, Mapping) or not raw_categories:
        raise CatalogError("categories: required, a mapping of category name to its detectors")
    categories: dict[str, Category] = {}
    for name, body in raw_categories.items():
        where = f"categories.{name}"
        if not isinstance(body, Mapping):
            raise CatalogError(f"{where}: a mapping with its detectors (and label, schema)")
        # A category without detectors is known only from answers to its questions (or the client).
        detectors_raw = body.get("detectors") or []
        if not isinstance(detectors_raw, list):
            raise CatalogError(f"{where}.detectors: a list of detectors")
        detectors = tuple(_detector(d, f"{where}.detectors[{i}]") for i, d in enumerate(detectors_raw))
        label, schema = parse_label_and_schema(body, str(name), CatalogError)
        kind = body.get("kind", "data")
        if kind not in ("data", "exploration"):
            raise CatalogError(f"{where}.kind: data or exploration")
        primary = body.get("primary_question")
        if primary is not None and not isinstance(primary, str):
            raise CatalogError(f"{where}.primary_question: a question's external_id")
        categories[str(name)] = Category(str(name), detectors, label, schema, kind, primary)
    return categories


def _question(raw: Any, position: int, categories: Mapping[str, Category]) -> Question:
    where = f"questions[{position}]"
    if not isinstance(raw, Mapping):
        raise CatalogError(f"{where}: a question is a mapping")
    external_id, text, category = raw.get("external_id"), raw.get("text"), raw.get("category")
    for key, value in (("external_id", external_id), ("text", text), ("category", category)):
        if not isinstance(value, str) or not value.strip():
            raise CatalogError(f"{where}.{key}: required, a non-empty string")
    assert isinstance(external_id, str) and isinstance(text, str) and isinstance(category, str)
    where = f"questions[{position}] ({external_id})"
    if category not in categories:
        raise CatalogError(f"{where}: unknown category {category!r}")
    priority = raw.get("priority", 0)
    if not isinstance(priority, int) or isinstance(priority, bool):
        raise CatalogError(f"{where}.priority: an integer (higher is asked first)")
    requires = raw.get("requires") or {}
    if not isinstance(requires, Mapping) or set(requires) - {"categories", "mentions"}:
        raise CatalogError(f"{where}.requires: only 'categories' and 'mentions' are allowed")
    requires_categories = string_list(requires.get("categories"), f"{where}.requires.categories")
    for required in requires_categories:
        if required not in categories:
            raise CatalogError(f"{where}: requires unknown category {required!r}")
        if required == category:
            raise CatalogError(f"{where}: requires its own category {category!r}")
    kind, selection_mode, options, active = parse_question_kind(raw, where, CatalogError)
    dimension = raw.get("dimension")
    if dimension is not None and not isinstance(dimension, str):
        raise CatalogError(f"{where}.dimension: a dimension id")
    source = raw.get("source", "user")
    if source not in ("user", "llm_generated"):
        raise CatalogError(f"{where}.source: user or llm_generated")
    return Question(
        external_id=external_id,
        text=text.strip(),
        category=category,
        priority=priority,
        position=position,
        requires_categories=requires_categories,
        requires_mentions=_check_matchable(
            string_list(requires.get("mentions"), f"{where}.requires.mentions"), f"{where}.requires.mentions"
        ),
        choices=tuple(option.label for option in options),
        kind=kind,
        selection_mode=selection_mode,
        options=options,
        active=active,
        dimension=dimension,
        source=source,
    )


def _reject_cycles(questions: list[Question], categories: Mapping[str, Category]) -> None:
    """A category can only become known through its questions (or the conversation); a question
    requiring a category whose every question requires, in turn, the first one can never be asked
    from an empty conversation. Reject dependency cycles between categories outright."""
    edges: dict[str, set[str]] = {name: set() for name in categories}
    for question in questions:
        edges[question.category].update(question.requires_categories)
    state: dict[str, int] = {}  # 1 = on the current path, 2 = done

    def visit(node: str, path: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(edges[node]):
            if state.get(nxt) == 1:
                cycle = [*path[path.index(nxt) :], nxt] if nxt in path else [node, nxt]
                raise CatalogError("circular dependency between categories: " + " -> ".join(cycle))
            if nxt not in state:
                visit(nxt, [*path, nxt])
        state[node] = 2

    for name in sorted(edges):
        if name not in state:
            visit(name, [name])


def load_catalog_yaml(text: str) -> Catalog:
    import yaml

    try:
        document = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise CatalogError(f"not valid YAML: {exc}") from exc
    return parse_catalog(document)


def catalog_document(catalog: Catalog) -> dict[str, Any]:
    """The validated catalog as a plain document (what is stored, and parses back identically)."""
    objective = catalog.objective
    return {
        "version": catalog.version,
        "objective": {
            "name": objective.name,
            **({"description": objective.description} if objective.description is not None else {}),
            "qualification_level": objective.qualification_level,
            "max_turns": objective.max_turns,
            "candidates_per_call": objective.candidates_per_call,
            "order_strength": objective.order_strength,
        },
        "dimensions": [
            {
                "id": d.id,
                "name": d.name,
                "completion_role": d.completion_role,
                "categories": list(d.categories),
            }
            for d in catalog.dimensions
        ],
        "categories": {
            name: {
                "label": category.label,
                "schema": dict(category.schema),
                **({"kind": category.kind} if category.kind != "data" else {}),
                **({"primary_question": category.primary_question} if category.primary_question else {}),
                "detectors": [_detector_document(d) for d in category.detectors],
            }
            for name, category in catalog.categories.items()
        },
        "questions": [_question_document(q) for q in catalog.questions],
    }


def _detector_document(d: Detector) -> dict[str, Any]:
    options: dict[str, Any] = {"terms": list(d.terms)} if d.terms else {}
    if d.polar:
        options["polar"] = True
    return {d.kind: options}


def _question_document(q: Question) -> dict[str, Any]:
    question: dict[str, Any] = {
        "external_id": q.external_id,
        "text": q.text,
        "category": q.category,
        "priority": q.priority,
    }
    requires = {
        key: list(value)
        for key, value in (("categories", q.requires_categories), ("mentions", q.requires_mentions))
        if value
    }
    if requires:
        question["requires"] = requires
    question["type"] = q.kind
    optional = (
        ("dimension", q.dimension, q.dimension is not None),
        ("source", q.source, q.source != "user"),
        ("selection_mode", q.selection_mode, q.selection_mode is not None),
        ("choices", [{"id": c.id, "label": c.label, "value": c.value} for c in q.options], bool(q.options)),
        ("active", False, not q.active),
    )
    question.update({name: value for name, value, present in optional if present})
    return question
