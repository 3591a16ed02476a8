"""Resolve the CloudFormation intrinsics a template uses to their local values.

SAM CLI's own resolver maps `!Ref Queue` to the logical id and `!GetAtt X.Arn` to a fake
Lambda ARN; locally a function needs the queue URL and the real moto ARN, so the values that
name local resources are resolved here from what `resources.create_resources` created.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

_SUB_VARIABLE = re.compile(r"\$\{([^}!][^}]*)\}")


class IntrinsicError(ValueError):
    """The template uses an intrinsic, or names something, that cannot be resolved locally."""


@dataclass
class IntrinsicResolver:
    """Parameters (with pseudo parameters), conditions and the local resources' refs and attributes."""

    parameters: Mapping[str, Any]
    conditions: Mapping[str, Any] = field(default_factory=dict)
    refs: Mapping[str, str] = field(default_factory=dict)
    attributes: Mapping[str, Mapping[str, str]] = field(default_factory=dict)

    def resolve(self, value: Any) -> Any:
        if isinstance(value, list):
            return [self.resolve(item) for item in value]
        if not isinstance(value, Mapping):
            return value
        if len(value) == 1:
            (key, arg), *_ = value.items()
            handler = _HANDLERS.get(key)
            if handler is not None:
                return handler(self, arg)
        return {key: self.resolve(item) for key, item in value.items()}

    def condition(self, name: str) -> bool:
        if name not in self.conditions:
            raise IntrinsicError(f"unknown condition {name!r}")
        return bool(self._evaluate(self.conditions[name]))

    def _evaluate(self, expression: Any) -> Any:
        if isinstance(expression, Mapping) and "Condition" in expression and len(expression) == 1:
            return self.condition(expression["Condition"])
        return self.resolve(expression)

    def _ref(self, name: str) -> Any:
        if name in self.parameters:
            return self.parameters[name]
        if name in self.refs:
            return self.refs[name]
        raise IntrinsicError(f"!Ref {name!r} names neither a parameter nor a local resource")

    def _get_att(self, arg: Any) -> str:
        logical_id, attribute = arg.split(".", 1) if isinstance(arg, str) else arg
        try:
            return self.attributes[logical_id][attribute]
        except KeyError:
            raise IntrinsicError(f"!GetAtt {logical_id}.{attribute} has no local value") from None

    def _if(self, arg: list[Any]) -> Any:
        name, when_true, when_false = arg
        return self.resolve(when_true if self.condition(name) else when_false)

    def _equals(self, arg: list[Any]) -> bool:
        left, right = (self.resolve(item) for item in arg)
        return str(left) == str(right)

    def _sub(self, arg: Any) -> str:
        template, variables = (arg, {}) if isinstance(arg, str) else (arg[0], arg[1])
        local = {key: self.resolve(item) for key, item in variables.items()}

        def replace(match: re.Match[str]) -> str:
            name = match.group(1)
            if name in local:
                return str(local[name])
            if "." in name:
                return self._get_att(name)
            return str(self._ref(name))

        return _SUB_VARIABLE.sub(replace, template).replace("${!", "${")

    def _join(self, arg: list[Any]) -> str:
        separator, items = arg
        return str(separator).join(str(item) for item in self.resolve(items))

    def _select(self, arg: list[Any]) -> Any:
        index, items = arg
        return self.resolve(items)[int(self.resolve(index))]


_HANDLERS: dict[str, Any] = {
    "Ref": lambda resolver, arg: resolver._ref(arg),
    "Fn::GetAtt": lambda resolver, arg: resolver._get_att(arg),
    "Fn::If": lambda resolver, arg: resolver._if(arg),
    "Fn::Equals": lambda resolver, arg: resolver._equals(arg),
    "Fn::Not": lambda resolver, arg: not resolver._evaluate(arg[0]),
    "Fn::And": lambda resolver, arg: all(resolver._evaluate(item) for item in arg),
    "Fn::Or": lambda resolver, arg: any(resolver._evaluate(item) for item in arg),
    "Fn::Sub": lambda resolver, arg: resolver._sub(arg),
    "Fn::Join": lambda resolver, arg: resolver._join(arg),
    "Fn::Select": lambda resolver, arg: resolver._select(arg),
}
