"""Whether a configuration document can be published: the catalog's own validation
(``parley.nbq.catalog``, the same for ``parley.admin load-config`` and the API) and the rules V1
adds about success informations. Every problem is an *issue* (code, message, entity), reported
together; ``code`` values follow Zelinqa's known catalogue where one applies."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from parley.nbq.catalog import Catalog, CatalogError, parse_catalog
from parley.nbq.objective import fits_schema


def issue(code: str, message: str, entity: str | None = None, entity_id: str | None = None,
          change_index: int | None = None) -> dict[str, Any]:  # fmt: skip
    found: dict[str, Any] = {"code": code, "message": message}
    for name, value in (("entity", entity), ("entity_id", entity_id), ("change_index", change_index)):
        if value is not None:
            found[name] = value
    return found


def issues_of(document: Mapping[str, Any]) -> tuple[Catalog | None, list[dict[str, Any]]]:
    """The parsed catalog (None when it does not parse) and every issue found."""
    try:
        catalog = parse_catalog(document)
    except CatalogError as error:
        return None, [issue("invalid_configuration", str(error))]
    return catalog, _v1_issues(catalog)


def _v1_issues(catalog: Catalog) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    roles = {d.id: d.completion_role for d in catalog.dimensions}
    for name, category in catalog.categories.items():
        if category.kind != "data":
            continue
        questions = [q for q in catalog.questions if q.category == name]
        if not any(q.active for q in questions):
            found.append(issue("success_information_without_active_question",
                               f"Success information {name!r} has no active question.",
                               "success_information", name))  # fmt: skip
        primary = catalog.primary_question(name)
        if primary is not None and not primary.active:
            found.append(issue("inactive_primary_question",
                               f"The primary question {primary.external_id!r} of {name!r} is inactive.",
                               "success_information", name))  # fmt: skip
        dimensions = {catalog.question_dimension(q).id for q in questions} or {catalog.dimension_of(name).id}
        if all(roles[d] == "optional" for d in dimensions):
            found.append(issue("success_information_only_in_optional_dimension",
                               f"Success information {name!r} is asked only in optional dimensions.",
                               "success_information", name))  # fmt: skip
    for question in catalog.questions:
        if question.kind != "open" and len(question.options) < 2:
            message = f"Question {question.external_id!r} ({question.kind}) needs two choices or more."
            found.append(issue("invalid_choice_mapping", message, "question", question.external_id))
        found.extend(_unfitting_choices(catalog, question))
    return found


def _unfitting_choices(catalog: Catalog, question: Any) -> list[dict[str, Any]]:
    """Choices whose value (``maps_to_value``) does not fit their success information's schema:
    an answer would store a value the client's own ``set`` would be refused."""
    category = catalog.categories.get(question.category)
    if category is None or category.kind != "data":
        return []
    schema = category.schema
    if question.selection_mode == "multiple":
        schema = schema.get("items", {}) if schema.get("type") == "array" else {}
    return [
        issue("invalid_choice_mapping",
              f"Choice {choice.id!r} of {question.external_id!r} maps to {choice.value!r}, which does not "
              f"fit the schema of {question.category!r} ({dict(category.schema)}).",
              "question", question.external_id)
        for choice in question.options
        if not fits_schema(choice.value, schema)
    ]  # fmt: skip
