"""localgw.intrinsics: the template's intrinsics resolved to local values."""

from __future__ import annotations

import pytest

from localgw.intrinsics import IntrinsicError, IntrinsicResolver


@pytest.fixture
def resolver() -> IntrinsicResolver:
    return IntrinsicResolver(
        parameters={"Stage": "prod", "Tracer": "false", "AWS::Region": "us-east-1"},
        conditions={
            "TracerEnabled": {"Fn::Equals": [{"Ref": "Tracer"}, "true"]},
            "IsProd": {"Fn::Equals": ["prod", {"Ref": "Stage"}]},
            "ProdWithoutTracer": {
                "Fn::And": [{"Condition": "IsProd"}, {"Fn::Not": [{"Condition": "TracerEnabled"}]}]
            },
        },
        refs={"Table": "Table", "Queue": "http://127.0.0.1:1/123456789012/Queue"},
        attributes={"Queue": {"Arn": "arn:aws:sqs:us-east-1:123456789012:Queue"}},
    )


def test_ref_parameter_and_resource(resolver: IntrinsicResolver) -> None:
    assert resolver.resolve({"Ref": "Stage"}) == "prod"
    assert resolver.resolve({"Ref": "Queue"}) == "http://127.0.0.1:1/123456789012/Queue"


@pytest.mark.parametrize("arg", ["Queue.Arn", ["Queue", "Arn"]])
def test_get_att_both_forms(resolver: IntrinsicResolver, arg: object) -> None:
    assert resolver.resolve({"Fn::GetAtt": arg}) == "arn:aws:sqs:us-east-1:123456789012:Queue"


def test_if_on_equals_conditions(resolver: IntrinsicResolver) -> None:
    assert resolver.resolve({"Fn::If": ["TracerEnabled", "false", "true"]}) == "true"
    assert resolver.resolve({"Fn::If": ["IsProd", {"Ref": "Table"}, "other"]}) == "Table"
    assert resolver.condition("ProdWithoutTracer") is True


def test_sub_with_parameters_resources_attributes_and_escapes(resolver: IntrinsicResolver) -> None:
    value = {"Fn::Sub": "parley-${Stage}/${Table}/${Queue.Arn}/${AWS::Region}/${!Literal}"}

    assert resolver.resolve(value) == (
        "parley-prod/Table/arn:aws:sqs:us-east-1:123456789012:Queue/us-east-1/${Literal}"
    )


def test_sub_keeps_non_intrinsic_dollar_text(resolver: IntrinsicResolver) -> None:
    template = '{"type": "${Stage}x", "request_id": "$context.requestId"}'

    assert resolver.resolve({"Fn::Sub": template}) == '{"type": "prodx", "request_id": "$context.requestId"}'


def test_sub_with_variable_map(resolver: IntrinsicResolver) -> None:
    assert resolver.resolve({"Fn::Sub": ["${Name}-${Stage}", {"Name": {"Ref": "Table"}}]}) == "Table-prod"


def test_nested_structures_and_join(resolver: IntrinsicResolver) -> None:
    value = {"Variables": {"A": {"Ref": "Stage"}, "B": [{"Fn::Join": ["-", ["a", {"Ref": "Stage"}]]}]}}

    assert resolver.resolve(value) == {"Variables": {"A": "prod", "B": ["a-prod"]}}


@pytest.mark.parametrize(
    "value",
    [{"Ref": "Nope"}, {"Fn::GetAtt": "Nope.Arn"}, {"Fn::If": ["NoSuchCondition", 1, 2]}],
)
def test_unresolvable_names_fail_loudly(resolver: IntrinsicResolver, value: object) -> None:
    with pytest.raises(IntrinsicError):
        resolver.resolve(value)
