"""Concurrency limits: the functions a burst or a slow receiver could run away with are capped, so
the request path keeps its share of the account's concurrency.

The insights worker and the webhooks function are capped by their SQS event source mapping's
MaximumConcurrency (a parameter, default 10, at least SQS's minimum of 2); each of them and the
stream relay can also reserve concurrency through a parameter whose default, 0, reserves none
(reserving fails `sam deploy` on an account with the default quota of 10).
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.helpers.template import Template, functions, load_template

QUEUE_CAPPED = {
    "InsightsWorkerFunction": "InsightsWorkerMaxConcurrency",
    "DeliverWebhooksFunction": "WebhooksMaxConcurrency",
}
RESERVABLE = {
    "InsightsWorkerFunction": ("InsightsWorkerReservedConcurrency", "InsightsWorkerConcurrencyReserved"),
    "DeliverWebhooksFunction": ("WebhooksReservedConcurrency", "WebhooksConcurrencyReserved"),
    "StreamRelayFunction": ("StreamRelayReservedConcurrency", "StreamRelayConcurrencyReserved"),
}


@pytest.fixture(scope="module")
def template() -> Template:
    return load_template()


def _sqs_events(properties: dict[str, Any]) -> list[dict[str, Any]]:
    events = properties.get("Events", {}).values()
    return [event["Properties"] for event in events if event.get("Type") == "SQS"]


@pytest.mark.parametrize(("function", "parameter"), sorted(QUEUE_CAPPED.items()))
def test_queue_workers_are_capped_by_their_mappings_maximum_concurrency(
    template: Template, function: str, parameter: str
) -> None:
    # Given a queue-triggered worker a burst could scale out
    mappings = _sqs_events(functions(template)[function])

    # Then every one of its SQS mappings caps its concurrency with the parameter
    assert mappings, f"{function} has no SQS event source"
    for mapping in mappings:
        assert mapping.get("ScalingConfig", {}).get("MaximumConcurrency") == {"Ref": parameter}
    # And the parameter's default caps it, within what SQS mappings accept (2 to 1000)
    declared = template["Parameters"][parameter]
    assert 2 <= int(declared["Default"]) <= 1000
    assert int(declared["MinValue"]) >= 2 and int(declared["MaxValue"]) <= 1000


@pytest.mark.parametrize(("function", "names"), sorted(RESERVABLE.items()))
def test_runaway_functions_can_reserve_concurrency_and_reserve_none_by_default(
    template: Template, function: str, names: tuple[str, str]
) -> None:
    parameter, condition = names
    properties = functions(template)[function]

    # Then the function's reserved concurrency is the parameter when set, and absent otherwise
    assert properties.get("ReservedConcurrentExecutions") == {
        "Fn::If": [condition, {"Ref": parameter}, {"Ref": "AWS::NoValue"}]
    }
    assert template["Conditions"][condition] == {"Fn::Not": [{"Fn::Equals": [{"Ref": parameter}, "0"]}]}
    # And by default nothing is reserved, so `sam deploy` works on an account with the default quota
    assert int(template["Parameters"][parameter]["Default"]) == 0


def test_request_path_functions_are_never_capped_by_reservation(template: Template) -> None:
    # The API's functions share the unreserved pool: reserving for them would cap the API itself.
    capped = {
        name
        for name, properties in functions(template).items()
        if "ReservedConcurrentExecutions" in properties
    }
    assert capped == set(RESERVABLE)
