"""localgw reads template.yaml through SAM CLI: every protected route keeps its authorizer.

The API's authorizer names the alias the functions run behind (`!Ref AuthorizerFunction.Alias`,
see the SnapStart parameter). SAM CLI cannot parse that reference and would skip the authorizer;
localgw makes it name the function, which is what answers locally.
"""

from __future__ import annotations

from typing import Any

from localgw.template import load_template, unqualify_function_refs
from tests.helpers.paths import ROOT
from tests.helpers.template import PUBLIC_PATHS


def test_given_alias_and_version_refs_when_unqualified_then_functions_are_named_and_the_rest_kept() -> None:
    template: dict[str, Any] = {
        "Resources": {
            "Fn": {"Type": "AWS::Serverless::Function", "Properties": {}},
            "Table": {"Type": "AWS::DynamoDB::Table", "Properties": {}},
            "Api": {
                "Type": "AWS::Serverless::Api",
                "Properties": {
                    "Alias": {"Ref": "Fn.Alias"},
                    "Version": [{"Ref": "Fn.Version"}],
                    "Table": {"Ref": "Table"},
                    "NotAFunction": {"Ref": "Table.Alias"},
                    "Arn": {"Fn::GetAtt": ["Fn", "Arn"]},
                },
            },
        },
        "Outputs": {"Alias": {"Value": {"Ref": "Fn.Alias"}}},
    }

    unqualify_function_refs(template)

    assert template["Resources"]["Api"]["Properties"] == {
        "Alias": {"Fn::GetAtt": ["Fn", "Arn"]},
        "Version": [{"Fn::GetAtt": ["Fn", "Arn"]}],
        "Table": {"Ref": "Table"},
        "NotAFunction": {"Ref": "Table.Alias"},
        "Arn": {"Fn::GetAtt": ["Fn", "Arn"]},
    }
    assert template["Outputs"]["Alias"]["Value"] == {"Fn::GetAtt": ["Fn", "Arn"]}


def test_given_template_yaml_when_loaded_then_every_protected_route_runs_the_authorizer_function() -> None:
    routes = load_template(ROOT / "template.yaml").api.routes

    protected = [route for route in routes if route.path not in PUBLIC_PATHS]
    assert protected
    for route in protected:
        assert route.authorizer_object is not None, f"{route.methods} {route.path} has no authorizer"
        assert route.authorizer_object.lambda_name == "AuthorizerFunction"
