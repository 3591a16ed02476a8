"""The SnapStart parameter: what it switches, and that the alias API Gateway invokes never lags.

The API functions and the authorizer always run from a version published behind the alias
`live` (SAM cannot make AutoPublishAlias conditional); the parameter only decides, through
CloudFormation intrinsics, whether those versions are SnapStart snapshots. The tests translate
the template as the AWS::Serverless transform does (tools/template_checks.translate) and
evaluate the intrinsics that depend on the parameter, once per value.
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Iterator
from typing import Any

import pytest

from tests.helpers.paths import TEMPLATE_PATH
from tests.helpers.template import (
    Template,
    events_of,
    function_properties,
    functions,
    load_template,
    resources_of,
)
from tools.template_checks import DEFAULT_REGION, translate

ALIAS = "live"
AUTHORIZER = "AuthorizerFunction"
# Properties that do not reach the function's configuration: the role (Policies), the event
# sources (Events) and SAM's own publishing settings.
NOT_CONFIGURATION = frozenset(
    {"Policies", "Events", "VersionDescription", "AutoPublishAlias", "AutoPublishAliasAllProperties"}
)
_SUB_NAME = re.compile(r"\$\{([^}!.]+)(?:\.[^}]*)?\}")


# ------------------------------------------------------------------------------------------
# Which functions, and evaluating the intrinsics the parameter drives
# ------------------------------------------------------------------------------------------
def aliased_functions(template: Template) -> set[str]:
    """The functions API Gateway invokes: one with an Api event, and the API's authorizers."""
    api_functions = {name for name, properties in functions(template).items() if events_of(properties, "Api")}
    authorizers = {
        name
        for api in resources_of(template, "AWS::Serverless::Api").values()
        for authorizer in ((api["Properties"].get("Auth") or {}).get("Authorizers") or {}).values()
        for name in referenced_names(authorizer.get("FunctionArn"), {})
    }
    return api_functions | authorizers


def evaluate(value: Any, parameters: dict[str, str], conditions: dict[str, Any]) -> Any:
    """Resolve Ref to a parameter, Fn::If, Fn::Equals, Fn::Not and the parameters of Fn::Sub."""
    if isinstance(value, list):
        return [evaluate(item, parameters, conditions) for item in value]
    if not isinstance(value, dict):
        return value
    if len(value) == 1:
        (key, arg), *_ = value.items()
        if key == "Ref" and arg in parameters:
            return parameters[arg]
        if key == "Fn::Sub" and isinstance(arg, str):
            return re.sub(r"\$\{([^}!.]+)\}", lambda m: parameters.get(m.group(1), m.group(0)), arg)
        if key in ("Fn::If", "Fn::Equals", "Fn::Not"):
            return _CONDITIONAL[key](arg, parameters, conditions)
    return {key: evaluate(item, parameters, conditions) for key, item in value.items()}


def _if(arg: list[Any], parameters: dict[str, str], conditions: dict[str, Any]) -> Any:
    name, when_true, when_false = arg
    chosen = when_true if evaluate(conditions[name], parameters, conditions) else when_false
    return evaluate(chosen, parameters, conditions)


def _equals(arg: list[Any], parameters: dict[str, str], conditions: dict[str, Any]) -> bool:
    left, right = (evaluate(item, parameters, conditions) for item in arg)
    return str(left) == str(right)


def _not(arg: list[Any], parameters: dict[str, str], conditions: dict[str, Any]) -> bool:
    return not evaluate(arg[0], parameters, conditions)


_CONDITIONAL = {"Fn::If": _if, "Fn::Equals": _equals, "Fn::Not": _not}


def defaults(template: Template) -> dict[str, str]:
    return {name: str(p.get("Default", "")) for name, p in template["Parameters"].items()}


def referenced_names(value: Any, conditions: dict[str, Any]) -> Iterator[str]:
    """Logical ids and parameters a value depends on: Ref, GetAtt, ${X} in Fn::Sub, and the
    parameters behind the condition of an Fn::If."""
    if isinstance(value, list):
        for item in value:
            yield from referenced_names(item, conditions)
        return
    if not isinstance(value, dict):
        return
    for key, arg in value.items():
        if key == "Ref" and isinstance(arg, str):
            yield arg.split(".", 1)[0]
        elif key == "Fn::GetAtt":
            yield (arg[0] if isinstance(arg, list) else str(arg)).split(".", 1)[0]
        elif key == "Fn::Sub":
            text = arg if isinstance(arg, str) else arg[0]
            yield from _SUB_NAME.findall(text)
            if isinstance(arg, list):
                yield from referenced_names(arg[1], conditions)
        elif key == "Fn::If":
            yield from referenced_names(conditions[arg[0]], conditions)
            yield from referenced_names(arg[1:], conditions)
        else:
            yield from referenced_names(arg, conditions)


def unfingerprinted(template: Template, function: str) -> set[str]:
    """Parameters and layers that reach the function's configuration but not its version's
    description (a change of one would update $LATEST and leave the alias on the old version)."""
    conditions = template.get("Conditions", {})
    properties = function_properties(template, function)
    configuration = {key: value for key, value in properties.items() if key not in NOT_CONFIGURATION}
    watched = set(template["Parameters"]) | set(resources_of(template, "AWS::Serverless::LayerVersion"))
    reaching = set(referenced_names(configuration, conditions)) & watched
    fingerprint = set(referenced_names(properties.get("VersionDescription"), conditions))
    return reaching - fingerprint


# ------------------------------------------------------------------------------------------
# Fixtures: the template, translated with the parameter's defaults and with SnapStart=true
# ------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def template() -> Template:
    return load_template()


@pytest.fixture(scope="module")
def translated() -> dict[str, Template]:
    with pytest.MonkeyPatch.context() as env:
        env.setenv("AWS_DEFAULT_REGION", DEFAULT_REGION)  # the translator reads it, offline
        return {value: translate(TEMPLATE_PATH, {"SnapStart": value}) for value in ("false", "true")}


def deployed(template: Template, translated: dict[str, Template], snapstart: str) -> Template:
    """The translated template as CloudFormation evaluates it with SnapStart=`snapstart`."""
    parameters = {**defaults(template), "SnapStart": snapstart}
    cfn = translated[snapstart]
    resources: Template = evaluate(cfn["Resources"], parameters, cfn.get("Conditions", {}))
    return resources


def of_type(resources: Template, resource_type: str) -> dict[str, Template]:
    return {name: r for name, r in resources.items() if r["Type"] == resource_type}


def alias_of(resources: Template, function: str) -> str | None:
    for name, alias in of_type(resources, "AWS::Lambda::Alias").items():
        if alias["Properties"]["FunctionName"] == {"Ref": function}:
            return name
    return None


# ------------------------------------------------------------------------------------------
# The parameter
# ------------------------------------------------------------------------------------------
def test_given_the_template_when_reading_the_parameter_then_it_is_off_by_default(template: Template) -> None:
    parameter = template["Parameters"]["SnapStart"]

    assert parameter["Default"] == "false"
    assert parameter["AllowedValues"] == ["true", "false"]


def test_given_the_aliased_functions_then_they_are_the_api_functions_and_the_authorizer(
    template: Template,
) -> None:
    aliased = aliased_functions(template)

    assert AUTHORIZER in aliased
    assert {name for name, p in functions(template).items() if p.get("AutoPublishAlias")} == aliased
    for name in set(functions(template)) - aliased:
        properties = functions(template)[name]
        assert (
            events_of(properties, "SQS")
            or events_of(properties, "DynamoDB")
            or events_of(properties, "Schedule")
        ), name
        assert "SnapStart" not in properties, f"{name}: nobody waits on a consumer's cold start"


@pytest.mark.parametrize("snapstart", ["true", "false"])
def test_given_the_parameter_when_deployed_then_snapstart_follows_it_on_every_aliased_function(
    template: Template, translated: dict[str, Template], snapstart: str
) -> None:
    resources = deployed(template, translated, snapstart)
    expected = "PublishedVersions" if snapstart == "true" else "None"

    for name in aliased_functions(template):
        assert resources[name]["Properties"]["SnapStart"] == {"ApplyOn": expected}, name
    for name in set(functions(template)) - aliased_functions(template):
        assert "SnapStart" not in resources[name]["Properties"], name


@pytest.mark.parametrize("snapstart", ["true", "false"])
def test_given_the_parameter_when_deployed_then_api_gateway_invokes_the_alias(
    template: Template, translated: dict[str, Template], snapstart: str
) -> None:
    resources = deployed(template, translated, snapstart)
    aliases = {name: alias_of(resources, name) for name in aliased_functions(template)}
    body = json.dumps(
        next(iter(of_type(resources, "AWS::ApiGateway::RestApi").values()))["Properties"]["Body"]
    )
    permissions = of_type(resources, "AWS::Lambda::Permission").values()

    for function, alias in aliases.items():
        assert alias == f"{function}Alias{ALIAS}", function
        version = resources[alias]["Properties"]["FunctionVersion"]["Fn::GetAtt"][0]
        assert resources[version]["Type"] == "AWS::Lambda::Version"
        assert resources[version]["Properties"]["FunctionName"] == {"Ref": function}
        # Integrations name the alias (`${FnAliaslive}`), the authorizer its Ref; never the function.
        assert f"${{{alias}}}" in body or json.dumps({"Ref": alias}) in body, function
        assert f"${{{function}.Arn}}" not in body and f'"{function}", "Arn"' not in body, function
        targets = [p["Properties"]["FunctionName"] for p in permissions]
        assert {"Ref": alias} in targets, f"{function}: API Gateway may not invoke its alias"
        assert {"Ref": function} not in targets and {"Fn::GetAtt": [function, "Arn"]} not in targets
    authorizer = json.loads(body)["securityDefinitions"]["ParleyAuthorizer"]["x-amazon-apigateway-authorizer"]
    assert {"Ref": aliases[AUTHORIZER]} in authorizer["authorizerUri"]["Fn::Sub"][1].values()


def test_given_both_values_when_translated_then_only_cloudformation_tells_them_apart(
    translated: dict[str, Template],
) -> None:
    # The transform resolves nothing that depends on the parameter: switching it changes the
    # SnapStart setting and the versions' descriptions, through intrinsics, and nothing else.
    assert translated["true"] == translated["false"]


def test_given_a_switch_of_the_parameter_when_deployed_then_every_aliased_version_is_republished(
    template: Template, translated: dict[str, Template]
) -> None:
    off, on = (deployed(template, translated, value) for value in ("false", "true"))

    for function in aliased_functions(template):
        version = off[alias_of(off, function) or ""]["Properties"]["FunctionVersion"]["Fn::GetAtt"][0]
        # Description is create-only on AWS::Lambda::Version: a new one replaces (republishes) it.
        assert off[version]["Properties"]["Description"] != on[version]["Properties"]["Description"], function
        assert off[version]["DeletionPolicy"] == "Delete", function


@pytest.mark.parametrize("function", sorted(aliased_functions(load_template())))
def test_given_an_aliased_function_then_its_version_description_names_what_reaches_its_configuration(
    template: Template, function: str
) -> None:
    properties = function_properties(template, function)

    assert properties.get("AutoPublishAlias") == ALIAS
    assert properties.get("AutoPublishAliasAllProperties") is True
    assert properties.get("VersionDeletionPolicy") == "Delete"
    assert not unfingerprinted(template, function), "add these to VersionDescription"


def test_given_a_new_parameter_in_the_environment_when_checked_then_the_fingerprint_check_notices(
    template: Template,
) -> None:
    broken = copy.deepcopy(template)
    broken["Globals"]["Function"]["Environment"]["Variables"]["PARLEY_NEW"] = {"Ref": "LogRetentionDays"}
    function = sorted(aliased_functions(broken))[0]

    assert unfingerprinted(broken, function) == {"LogRetentionDays"}
