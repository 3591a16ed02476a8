"""The decorator stack of API functions: log lines carry the gateway's request id."""

from __future__ import annotations

import json
from dataclasses import dataclass

import pytest

from parley.observability import Observability
from parley.settings import Settings


@dataclass
class _Context:
    function_name: str = "fn"
    memory_limit_in_mb: int = 256
    invoked_function_arn: str = "arn:aws:lambda:us-east-1:123456789012:function:fn"
    aws_request_id: str = "lambda-request-id"


def _log_lines(text: str) -> list[dict]:
    return [json.loads(line) for line in text.splitlines() if line.startswith("{")]


def test_a_log_line_of_an_api_request_carries_the_gateway_request_id_as_correlation_id(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("POWERTOOLS_SERVICE_NAME", "parley-observability-test")
    monkeypatch.setenv("POWERTOOLS_METRICS_NAMESPACE", "Parley")
    observability = Observability(Settings.from_env({}))

    @observability.api_handler
    def handler(event: dict, context: object) -> dict:
        observability.logger.info("handled")
        observability.count("Handled")
        return {"statusCode": 200}

    handler({"requestContext": {"requestId": "c6af9ac6-7b61-11e6-9a41-93e8deadbeef"}}, _Context())
    handler({"requestContext": {}}, _Context())

    first, second = [line for line in _log_lines(capsys.readouterr().out) if line.get("message") == "handled"]
    assert first["correlation_id"] == "c6af9ac6-7b61-11e6-9a41-93e8deadbeef"
    assert first["function_request_id"] == "lambda-request-id"
    # A request without one does not inherit the previous request's id.
    assert second.get("correlation_id") is None


def test_a_business_metric_is_an_embedded_metric_with_its_dimensions(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("POWERTOOLS_METRICS_NAMESPACE", "Parley")
    observability = Observability(Settings.from_env({}))

    @observability.api_handler
    def handler(event: dict, context: object) -> dict:
        observability.count("ConversionsRecorded", outcome="purchase")
        return {"statusCode": 202}

    handler({"requestContext": {"requestId": "r"}}, _Context())

    [blob] = [line for line in _log_lines(capsys.readouterr().out) if "ConversionsRecorded" in line]
    [directive] = blob["_aws"]["CloudWatchMetrics"]
    assert directive["Namespace"] == "Parley"
    assert directive["Metrics"] == [{"Name": "ConversionsRecorded", "Unit": "Count"}]
    assert "outcome" in directive["Dimensions"][0]
    assert blob["outcome"] == "purchase"
    assert blob["ConversionsRecorded"] == [1.0]


def test_a_worker_metric_per_record_is_written_at_once_with_its_own_dimensions(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("POWERTOOLS_METRICS_NAMESPACE", "Parley")
    observability = Observability(Settings.from_env({}))

    observability.count_each("InsightsMessagesProcessed", kind="conversation.completed", result="analysed")
    observability.count_each("InsightsMessagesProcessed", kind="webhook.delivery", result="delivered")

    blobs = [line for line in _log_lines(capsys.readouterr().out) if "_aws" in line]
    assert [(b["kind"], b["result"]) for b in blobs] == [
        ("conversation.completed", "analysed"),
        ("webhook.delivery", "delivered"),
    ]


@pytest.mark.parametrize("stack", ["api_handler", "worker_handler"])
def test_the_first_invocation_of_a_container_counts_a_cold_start_by_function_name(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, stack: str
) -> None:
    # Given a fresh container (Powertools' cold-start flag is process-wide)
    from aws_lambda_powertools.metrics.provider import cold_start

    monkeypatch.setattr(cold_start, "is_cold_start", True)
    monkeypatch.setenv("POWERTOOLS_SERVICE_NAME", "parley")
    monkeypatch.setenv("POWERTOOLS_METRICS_NAMESPACE", "Parley")
    observability = Observability(Settings.from_env({}))

    @getattr(observability, stack)
    def handler(event: dict, context: object) -> dict:
        observability.count("Handled")
        return {"statusCode": 200}

    # When it is invoked twice
    handler({"requestContext": {"requestId": "r1"}}, _Context(function_name="parley-prod-Fn-1"))
    handler({"requestContext": {"requestId": "r2"}}, _Context(function_name="parley-prod-Fn-1"))

    # Then one ColdStart is counted, with the dimensions the dashboard's widgets name
    blobs = [line for line in _log_lines(capsys.readouterr().out) if "ColdStart" in line]
    assert len(blobs) == 1
    [directive] = blobs[0]["_aws"]["CloudWatchMetrics"]
    assert directive["Dimensions"] == [["function_name", "service"]]
    assert (blobs[0]["function_name"], blobs[0]["service"]) == ("parley-prod-Fn-1", "parley")
