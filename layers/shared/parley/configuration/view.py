"""A configuration as Zelinqa V1 shows it: the objective, its dimensions, the success
informations (the catalog's data categories) and the questions — never detection rules,
priorities or anything of the engine's."""

from __future__ import annotations

from typing import Any

from parley.nbq.catalog import Catalog, Question


def configuration_view(catalog: Catalog, domain: str) -> dict[str, Any]:
    objective = catalog.objective
    return {
        "domain": {"name": domain},
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
                "order_position": d.order_position,
                "completion_role": d.completion_role,
            }
            for d in catalog.dimensions
        ],
        "success_informations": [
            {
                "id": name,
                "label": category.label,
                "schema": dict(category.schema),
                "primary_question_id": primary.external_id
                if (primary := catalog.primary_question(name))
                else "",
            }
            for name, category in catalog.categories.items()
            if category.kind == "data"
        ],
        "questions": [question_view(catalog, q) for q in catalog.questions],
    }


def question_view(catalog: Catalog, question: Question) -> dict[str, Any]:
    return {
        "id": question.external_id,
        "text": question.text,
        "type": question.kind,
        "selection_mode": None if question.kind == "open" else question.selection_mode,
        "source": question.source,
        "choices": [{"id": c.id, "label": c.label, "maps_to_value": c.value} for c in question.options],
        "dimension_id": catalog.question_dimension(question).id,
        "active": question.active,
    }


def question_csv_row(view: dict[str, Any]) -> list[str]:
    """``id,text,type,choices,dimension_id,active`` (choices' labels joined with ``|``)."""
    choices = "|".join(c["label"] for c in view["choices"])
    return [
        view["id"],
        view["text"],
        view["type"],
        choices,
        view["dimension_id"],
        "true" if view["active"] else "false",
    ]
