"""Reading template.yaml as SAM writes it: resources by type, functions with Globals merged under
them, the logical ids a value references, events and policies of a function.

Shared by the template house rules, the IAM and SnapStart tests and localgw's template tests.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from samcli.yamlhelper import yaml_parse

from tests.helpers.paths import TEMPLATE_PATH

Template = dict[str, Any]

# Routes anyone may call: the health probe, and the API description once it is served.
PUBLIC_PATHS = frozenset({"/v1/health", "/openapi.json", "/docs"})


def load_template() -> Template:
    parsed: Template = yaml_parse(TEMPLATE_PATH.read_text(encoding="utf-8"))
    return parsed


def resources_of(template: Template, *types: str) -> dict[str, Template]:
    return {
        logical_id: resource
        for logical_id, resource in template.get("Resources", {}).items()
        if resource.get("Type") in types
    }


def function_properties(template: Template, logical_id: str) -> Template:
    """A function's properties with Globals.Function under them, as SAM merges them."""
    merged = dict(template.get("Globals", {}).get("Function", {}))
    merged.update(template["Resources"][logical_id].get("Properties", {}))
    return merged


def functions(template: Template) -> dict[str, Template]:
    return {
        logical_id: function_properties(template, logical_id)
        for logical_id in resources_of(template, "AWS::Serverless::Function")
    }


def referenced_id(value: Any) -> str | None:
    """The logical id behind `!Ref X` or `!GetAtt X.Attr`, else None."""
    if not isinstance(value, dict) or len(value) != 1:
        return None
    if "Ref" in value:
        return str(value["Ref"])
    attribute = value.get("Fn::GetAtt")
    if isinstance(attribute, list) and attribute:
        return str(attribute[0])
    if isinstance(attribute, str):
        return attribute.split(".", 1)[0]
    return None


def references(value: Any) -> Iterator[str]:
    """Every logical id a value mentions through Ref, GetAtt or ${X} in Fn::Sub."""
    if isinstance(value, dict):
        direct = referenced_id(value)
        if direct is not None:
            yield direct
        sub = value.get("Fn::Sub")
        text = sub[0] if isinstance(sub, list) and sub else sub
        if isinstance(text, str):
            for part in text.split("${")[1:]:
                yield part.split("}", 1)[0].split(".", 1)[0]
        for inner in value.values():
            yield from references(inner)
    elif isinstance(value, list):
        for inner in value:
            yield from references(inner)


def as_int(template: Template, value: Any, default: int) -> int | None:
    """A literal number, or the default of the parameter it references; None if unknowable."""
    if value is None:
        return default
    parameter = value.get("Ref") if isinstance(value, dict) else None
    if parameter is not None:
        value = template.get("Parameters", {}).get(parameter, {}).get("Default")
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def events_of(properties: Template, event_type: str) -> dict[str, Template]:
    return {
        name: event.get("Properties", {})
        for name, event in (properties.get("Events") or {}).items()
        if event.get("Type") == event_type
    }


def policy_actions(properties: Template) -> list[str]:
    return [
        str(action)
        for policy in as_list(properties.get("Policies") or [])
        if isinstance(policy, dict)
        for statement in as_list(policy.get("Statement") or [])
        for action in as_list(statement.get("Action") or [])
    ]


def dead_letter_queues(template: Template) -> set[str]:
    return {
        target
        for queue in resources_of(template, "AWS::SQS::Queue").values()
        if (
            target := referenced_id(
                (queue["Properties"].get("RedrivePolicy") or {}).get("deadLetterTargetArn")
            )
        )
    }
