"""Read template.yaml through SAM CLI's own parsing: no second, hand-written list of routes."""

from __future__ import annotations

import copy
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

# SAM CLI reads this when its modules are imported; local runs never report telemetry.
os.environ.setdefault("SAM_CLI_TELEMETRY", "0")

from samcli.lib.providers.api_provider import ApiProvider
from samcli.lib.providers.provider import Api, Function, Stack
from samcli.lib.providers.sam_base_provider import SamBaseProvider
from samcli.lib.providers.sam_function_provider import SamFunctionProvider
from samcli.lib.providers.sam_stack_provider import SamLocalStackProvider
from samcli.lib.samlib.wrapper import SamTranslatorWrapper

SERVERLESS_API = "AWS::Serverless::Api"
SERVERLESS_FUNCTION = "AWS::Serverless::Function"


@dataclass
class SamTemplate:
    """One root stack as SAM CLI sees it, plus the Globals-merged template with raw intrinsics."""

    path: Path
    stack: Stack
    functions: dict[str, Function]
    api: Api
    parameters: dict[str, Any]
    resources: dict[str, Any]
    conditions: dict[str, Any] = field(default_factory=dict)

    @property
    def root(self) -> Path:
        return self.path.parent

    def resources_of_type(self, resource_type: str) -> dict[str, dict[str, Any]]:
        return {
            logical_id: resource
            for logical_id, resource in self.resources.items()
            if resource.get("Type") == resource_type
        }

    def serverless_api(self) -> tuple[str, dict[str, Any]] | None:
        """The first AWS::Serverless::Api and its properties (Parley has one)."""
        for logical_id, resource in self.resources_of_type(SERVERLESS_API).items():
            return logical_id, resource.get("Properties", {})
        return None


def unqualify_function_refs(template: dict[str, Any]) -> None:
    """Make ``!Ref Fn.Alias`` and ``!Ref Fn.Version`` name the function itself, in place.

    SAM resolves them, at transform time, to what AutoPublishAlias generates (the API's
    authorizer names the alias the API functions run behind). Locally there are no versions:
    the function answers for its alias. SAM CLI's API provider cannot parse an authorizer whose
    FunctionArn is such a reference and would skip it, leaving every route unauthenticated.
    """
    functions = {
        logical_id
        for logical_id, resource in (template.get("Resources") or {}).items()
        if isinstance(resource, dict) and resource.get("Type") == SERVERLESS_FUNCTION
    }

    def rewrite(value: Any) -> Any:
        if isinstance(value, dict):
            target = value.get("Ref") if len(value) == 1 else None
            if isinstance(target, str):
                logical_id, _, attribute = target.partition(".")
                if logical_id in functions and attribute in ("Alias", "Version"):
                    return {"Fn::GetAtt": [logical_id, "Arn"]}
            for key, item in value.items():
                value[key] = rewrite(item)
        elif isinstance(value, list):
            value[:] = [rewrite(item) for item in value]
        return value

    rewrite(template.get("Resources") or {})
    rewrite(template.get("Outputs") or {})


def load_template(
    template_path: str | os.PathLike[str], parameter_overrides: dict[str, str] | None = None
) -> SamTemplate:
    path = Path(template_path).resolve()
    stacks, _ = SamLocalStackProvider.get_stacks(str(path), parameter_overrides=parameter_overrides or {})
    stack = stacks[0]
    unqualify_function_refs(stack.template_dict)
    functions = {f.name: f for f in SamFunctionProvider(stacks, use_raw_codeuri=True).get_all()}
    api = ApiProvider(stacks).api
    parameters = SamBaseProvider._get_parameter_values(stack.template_dict, parameter_overrides or {})
    # The function provider resolves `!Ref Queue` to a logical id; running SAM's plugins alone
    # merges Globals but keeps the intrinsics, which intrinsics.py resolves to local values.
    merged = SamTranslatorWrapper(
        copy.deepcopy(stack.template_dict), parameter_values=parameters
    ).run_plugins()
    return SamTemplate(
        path=path,
        stack=stack,
        functions=functions,
        api=api,
        parameters=dict(parameters),
        resources=dict(merged.get("Resources", {})),
        conditions=dict(merged.get("Conditions", {})),
    )
