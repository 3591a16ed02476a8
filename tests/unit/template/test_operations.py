"""Operations house rules: nothing in the template can fail unseen.

Every dead-letter queue has an alarm on any message, every work queue one on its oldest message,
every function an errors and a throttles alarm (the authorizer's errors alarm is its error rate),
the API stage a 5xx-rate and a p99-latency alarm, and every alarm notifies the optional topic. The
dashboard charts every function (invocations, errors, throttles, duration p50 and p99, cold
starts), every queue, the API per stage and per route, every business metric the code emits, and
lists every alarm.

The rules read template.yaml whoever wrote it (tools/operations_template.py generates most of it;
tests/unit/tooling/test_operations_template.py checks that it is up to date). As in
test_house_rules.py, each rule is also shown to fail: removing any one alarm, or any one widget of
the dashboard, breaks at least one rule.
"""

from __future__ import annotations

import copy
import functools
import json
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from tests.helpers.template import (
    Template,
    dead_letter_queues,
    functions,
    load_template,
    referenced_id,
    references,
    resources_of,
)
from tools.operations_template import emitted_metrics

Rule = Callable[[Template], list[str]]
ALARM = "AWS::CloudWatch::Alarm"
DASHBOARD = "AWS::CloudWatch::Dashboard"
NOTIFICATION_TARGETS = frozenset({"AlarmTopic", "AlarmTopicArn"})
CLOUDFORMATION_MAX_RESOURCES = 500
# The metrics the code emits, read once (tools/operations_template.py scans the sources for them).
business_metrics = functools.cache(emitted_metrics)


# ------------------------------------------------------------------------------------------
# Reading alarms
# ------------------------------------------------------------------------------------------
def alarm_metrics(properties: Template) -> Iterator[tuple[str, str, dict[str, Any], str]]:
    """(namespace, metric, {dimension: logical id or value}, statistic) of each metric an alarm reads."""
    stats = [(properties, properties.get("Statistic") or properties.get("ExtendedStatistic", ""))]
    for query in properties.get("Metrics") or []:
        stat = query.get("MetricStat") or {}
        stats.append((stat.get("Metric") or {}, stat.get("Stat", "")))
    for metric, statistic in stats:
        if "MetricName" not in metric:
            continue
        dimensions = {
            d["Name"]: referenced_id(d["Value"]) or d["Value"] for d in metric.get("Dimensions") or []
        }
        yield metric.get("Namespace", ""), metric["MetricName"], dimensions, statistic


def alarms(template: Template) -> dict[str, Template]:
    return {name: a.get("Properties", {}) for name, a in resources_of(template, ALARM).items()}


def alarmed(template: Template, namespace: str, metric: str, dimension: str, value: Any) -> list[Template]:
    return [
        properties
        for properties in alarms(template).values()
        if any(
            (ns, name, dims.get(dimension)) == (namespace, metric, value)
            for ns, name, dims, _ in alarm_metrics(properties)
        )
    ]


def work_queues(template: Template) -> list[str]:
    dlqs = dead_letter_queues(template)
    return [q for q in resources_of(template, "AWS::SQS::Queue") if q not in dlqs]


def authorizers(template: Template) -> set[str]:
    return {
        str(referenced_id(a.get("FunctionArn"))).split(".", 1)[0]
        for api in resources_of(template, "AWS::Serverless::Api").values()
        for a in ((api.get("Properties", {}).get("Auth") or {}).get("Authorizers") or {}).values()
    }


# ------------------------------------------------------------------------------------------
# Alarm rules
# ------------------------------------------------------------------------------------------
def dead_letter_queue_alarms(template: Template) -> list[str]:
    problems = []
    for queue in sorted(dead_letter_queues(template)):
        found = [
            a
            for a in alarmed(template, "AWS/SQS", "ApproximateNumberOfMessagesVisible", "QueueName", queue)
            if a.get("Threshold") == 1 and a.get("ComparisonOperator") == "GreaterThanOrEqualToThreshold"
        ]
        if not found:
            problems.append(
                f"{queue}: needs an alarm on any message (ApproximateNumberOfMessagesVisible >= 1)"
            )
    return problems


def work_queue_age_alarms(template: Template) -> list[str]:
    return [
        f"{queue}: needs an alarm on its oldest message (ApproximateAgeOfOldestMessage)"
        for queue in work_queues(template)
        if not alarmed(template, "AWS/SQS", "ApproximateAgeOfOldestMessage", "QueueName", queue)
    ]


def function_error_alarms(template: Template) -> list[str]:
    return [
        f"{name}: needs an alarm on its Errors"
        for name in functions(template)
        if not alarmed(template, "AWS/Lambda", "Errors", "FunctionName", name)
    ]


def function_throttle_alarms(template: Template) -> list[str]:
    return [
        f"{name}: needs an alarm on its Throttles"
        for name in functions(template)
        if not alarmed(template, "AWS/Lambda", "Throttles", "FunctionName", name)
    ]


def authorizer_error_rate_alarms(template: Template) -> list[str]:
    problems = []
    for name in sorted(authorizers(template)):
        errors = alarmed(template, "AWS/Lambda", "Errors", "FunctionName", name)
        if not any(a in alarmed(template, "AWS/Lambda", "Invocations", "FunctionName", name) for a in errors):
            problems.append(f"{name}: the authorizer needs an error-rate alarm (Errors over Invocations)")
    return problems


def api_alarms(template: Template) -> list[str]:
    problems = []
    for logical_id, api in resources_of(template, "AWS::Serverless::Api").items():
        name = api.get("Properties", {}).get("Name")
        if not alarmed(template, "AWS/ApiGateway", "5XXError", "ApiName", name):
            problems.append(f"{logical_id}: needs an alarm on its 5xx rate")
        latency = alarmed(template, "AWS/ApiGateway", "Latency", "ApiName", name)
        if not any(a.get("ExtendedStatistic") == "p99" for a in latency):
            problems.append(f"{logical_id}: needs an alarm on its p99 latency")
    return problems


def alarms_notify(template: Template) -> list[str]:
    return [
        f"{name}: {key} must notify the optional topics {sorted(NOTIFICATION_TARGETS)}"
        for name, properties in alarms(template).items()
        for key in ("AlarmActions", "OKActions")
        if not set(references(properties.get(key))) >= NOTIFICATION_TARGETS
    ]


# ------------------------------------------------------------------------------------------
# Reading the dashboard
# ------------------------------------------------------------------------------------------
def dashboard_widgets(template: Template) -> list[dict[str, Any]]:
    widgets = []
    for dashboard in resources_of(template, DASHBOARD).values():
        body = dashboard.get("Properties", {}).get("DashboardBody")
        text = body.get("Fn::Sub") if isinstance(body, dict) else body
        widgets += json.loads(text if isinstance(text, str) else text[0])["widgets"]
    return widgets


def charted(template: Template) -> set[tuple[str, str, tuple[tuple[str, str], ...], str]]:
    """(namespace, metric, dimensions, stat) of every metric line of every metric widget."""
    lines = set()
    for widget in dashboard_widgets(template):
        properties = widget.get("properties", {})
        for entry in properties.get("metrics", []) if widget.get("type") == "metric" else []:
            if entry and isinstance(entry[0], dict):
                continue
            options = entry[-1] if isinstance(entry[-1], dict) else {}
            parts = [p for p in entry if not isinstance(p, dict)]
            dims = tuple(zip(parts[2::2], parts[3::2], strict=True))
            lines.add((parts[0], parts[1], dims, options.get("stat", properties.get("stat", ""))))
    return lines


def expressions(template: Template) -> list[str]:
    return [
        entry[0]["expression"]
        for widget in dashboard_widgets(template)
        for entry in widget.get("properties", {}).get("metrics", [])
        if entry and isinstance(entry[0], dict) and "expression" in entry[0]
    ]


def has_line(
    lines: set[Any], namespace: str, metric: str, dimension: tuple[str, str], stat: str = ""
) -> bool:
    return any(
        (ns, name) == (namespace, metric) and dimension in dims and (not stat or s == stat)
        for ns, name, dims, s in lines
    )


# ------------------------------------------------------------------------------------------
# Dashboard rules
# ------------------------------------------------------------------------------------------
FUNCTION_LINES = (
    ("AWS/Lambda", "Invocations", "FunctionName", ""),
    ("AWS/Lambda", "Errors", "FunctionName", ""),
    ("AWS/Lambda", "Throttles", "FunctionName", ""),
    ("AWS/Lambda", "Duration", "FunctionName", "p50"),
    ("AWS/Lambda", "Duration", "FunctionName", "p99"),
    ("Parley", "ColdStart", "function_name", ""),
)


def dashboard_functions(template: Template) -> list[str]:
    lines = charted(template)
    return [
        f"{name}: the dashboard must chart its {metric}{f' {stat}' if stat else ''}"
        for name in functions(template)
        for namespace, metric, dimension, stat in FUNCTION_LINES
        if not has_line(lines, namespace, metric, (dimension, f"${{{name}}}"), stat)
    ]


def dashboard_queues(template: Template) -> list[str]:
    lines = charted(template)
    wanted = [(q, "ApproximateNumberOfMessagesVisible") for q in sorted(dead_letter_queues(template))]
    for queue in work_queues(template):
        wanted += [
            (queue, "ApproximateNumberOfMessagesVisible"),
            (queue, "ApproximateNumberOfMessagesNotVisible"),
            (queue, "ApproximateAgeOfOldestMessage"),
        ]
    return [
        f"{queue}: the dashboard must chart its {metric}"
        for queue, metric in wanted
        if not has_line(lines, "AWS/SQS", metric, ("QueueName", f"${{{queue}.QueueName}}"))
    ]


def dashboard_api(template: Template) -> list[str]:
    lines, problems = charted(template), []
    logs = [w["properties"]["query"] for w in dashboard_widgets(template) if w.get("type") == "log"]
    for logical_id, api in resources_of(template, "AWS::Serverless::Api").items():
        properties = api.get("Properties", {})
        name = properties.get("Name")
        name = name.get("Fn::Sub") if isinstance(name, dict) else name
        for metric, stat in (
            ("Count", ""),
            ("4XXError", ""),
            ("5XXError", ""),
            ("Latency", "p50"),
            ("Latency", "p99"),
        ):
            if not has_line(lines, "AWS/ApiGateway", metric, ("ApiName", name), stat):
                problems.append(
                    f"{logical_id}: the dashboard must chart its {metric}{f' {stat}' if stat else ''}"
                )
        if not any("errors / requests" in e for e in expressions(template)):
            problems.append(f"{logical_id}: the dashboard must chart its 5xx rate")
        log_groups = resources_of(template, "AWS::Logs::LogGroup")
        destination = properties.get("AccessLogSetting", {}).get("DestinationArn")
        log_group = next((r for r in references(destination) if r in log_groups), None)
        source = f"SOURCE '${{{log_group}}}'"
        for needle, what in (("pct(responseLatency, 99)", "latency"), ("status >= 400", "errors")):
            if not any(source in query and needle in query and "resourcePath" in query for query in logs):
                problems.append(f"{logical_id}: the dashboard must show {what} per route from its access log")
    return problems


def dashboard_business_metrics(template: Template) -> list[str]:
    lines = charted(template)
    searched = " ".join(expressions(template))
    return [
        f"dashboard: business metric {name} (emitted by the code) is charted nowhere"
        for name in business_metrics()
        if not any(metric == name for _, metric, _, _ in lines) and f'MetricName="{name}"' not in searched
    ]


def dashboard_alarms(template: Template) -> list[str]:
    listed = {
        arn
        for widget in dashboard_widgets(template)
        if widget.get("type") == "alarm"
        for arn in widget.get("properties", {}).get("alarms", [])
    }
    problems = [
        f"{name}: the dashboard's alarm widgets must list it"
        for name in alarms(template)
        if f"${{{name}.Arn}}" not in listed
    ]
    problems += [
        f"dashboard: an alarm widget lists {arn}, no alarm of the template"
        for arn in sorted(listed)
        if arn.removeprefix("${").removesuffix(".Arn}") not in alarms(template)
    ]
    return problems


def dashboard_context(template: Template) -> list[str]:
    widgets, lines = dashboard_widgets(template), charted(template)
    problems = [] if widgets else ["template: no AWS::CloudWatch::Dashboard"]
    if not any(w.get("type") == "text" and "runbook" in w["properties"].get("markdown", "") for w in widgets):
        problems.append("dashboard: a text widget must point at the runbook")
    if not any(
        (ns, metric, dims) == ("AWS/Lambda", "ConcurrentExecutions", ()) for ns, metric, dims, _ in lines
    ):
        problems.append("dashboard: must chart the account's concurrency (ConcurrentExecutions)")
    return problems


RULES: dict[str, Rule] = {
    "every dead-letter queue alarms on any message": dead_letter_queue_alarms,
    "every work queue alarms on its oldest message": work_queue_age_alarms,
    "every function alarms on its errors": function_error_alarms,
    "every function alarms on its throttles": function_throttle_alarms,
    "the authorizer alarms on its error rate": authorizer_error_rate_alarms,
    "the API stage alarms on its 5xx rate and p99 latency": api_alarms,
    "every alarm notifies the optional topics": alarms_notify,
    "the dashboard charts every function": dashboard_functions,
    "the dashboard charts every queue": dashboard_queues,
    "the dashboard charts the API per stage and per route": dashboard_api,
    "the dashboard charts every business metric": dashboard_business_metrics,
    "the dashboard lists every alarm": dashboard_alarms,
    "the dashboard points at the runbook and charts concurrency": dashboard_context,
}


@pytest.fixture(scope="module")
def template() -> Template:
    return load_template()


@pytest.mark.parametrize("rule", RULES.values(), ids=RULES.keys())
def test_given_template_yaml_when_an_operations_rule_is_applied_then_nothing_violates_it(
    template: Template, rule: Rule
) -> None:
    violations = rule(template)

    assert not violations, "\n".join(violations) + "\n(python -m tools.operations_template --write)"


def test_given_template_yaml_when_counting_then_there_are_alarms_widgets_and_queues_to_check(
    template: Template,
) -> None:
    assert dead_letter_queues(template) and work_queues(template) and authorizers(template)
    assert len(alarms(template)) >= 2 * len(functions(template))
    assert len(dashboard_widgets(template)) > 10


# ------------------------------------------------------------------------------------------
# Each rule notices a missing alarm or widget
# ------------------------------------------------------------------------------------------
def _broken(template: Template) -> list[str]:
    return [v for rule in RULES.values() for v in rule(template)]


def _alarm_ids() -> list[str]:
    return sorted(alarms(load_template()))


def _widget_titles() -> list[str]:
    return [w.get("properties", {}).get("title", w["type"]) for w in dashboard_widgets(load_template())]


@pytest.mark.parametrize("alarm", _alarm_ids())
def test_given_a_copy_without_one_alarm_when_the_rules_are_applied_then_one_names_what_it_watched(
    template: Template, alarm: str
) -> None:
    broken = copy.deepcopy(template)
    del broken["Resources"][alarm]

    violations = _broken(broken)

    assert violations, f"removing {alarm} broke no rule"


def _without_widget(template: Template, index: int) -> Template:
    broken = copy.deepcopy(template)
    [dashboard] = resources_of(broken, DASHBOARD).values()
    body = json.loads(dashboard["Properties"]["DashboardBody"]["Fn::Sub"])
    del body["widgets"][index]
    dashboard["Properties"]["DashboardBody"]["Fn::Sub"] = json.dumps(body)
    return broken


@pytest.mark.parametrize("index", range(len(_widget_titles())), ids=_widget_titles())
def test_given_a_copy_without_one_widget_when_the_rules_are_applied_then_one_notices(
    template: Template, index: int
) -> None:
    violations = _broken(_without_widget(template, index))

    assert violations, f"removing widget {index} broke no rule"


def test_given_a_new_function_without_alarms_or_widgets_when_the_rules_are_applied_then_it_is_named(
    template: Template,
) -> None:
    broken = copy.deepcopy(template)
    broken["Resources"]["ForgottenFunction"] = {"Type": "AWS::Serverless::Function", "Properties": {}}

    violations = _broken(broken)

    assert {v.split(":", 1)[0] for v in violations} == {"ForgottenFunction"}
    assert len([v for v in violations if "alarm" in v]) == 2


def test_given_a_new_queue_with_a_dead_letter_queue_when_the_rules_are_applied_then_both_are_named(
    template: Template,
) -> None:
    broken = copy.deepcopy(template)
    broken["Resources"]["NewDeadLetterQueue"] = {"Type": "AWS::SQS::Queue", "Properties": {}}
    broken["Resources"]["NewQueue"] = {
        "Type": "AWS::SQS::Queue",
        "Properties": {
            "RedrivePolicy": {"deadLetterTargetArn": {"Fn::GetAtt": ["NewDeadLetterQueue", "Arn"]}}
        },
    }

    named = {v.split(":", 1)[0] for v in _broken(broken)}

    assert named == {"NewQueue", "NewDeadLetterQueue"}


def test_given_an_alarm_without_actions_when_the_rules_are_applied_then_it_is_named(
    template: Template,
) -> None:
    broken = copy.deepcopy(template)
    name = next(iter(alarms(broken)))
    broken["Resources"][name]["Properties"].pop("AlarmActions")

    assert alarms_notify(broken) == [
        f"{name}: AlarmActions must notify the optional topics {sorted(NOTIFICATION_TARGETS)}"
    ]


def test_the_translated_template_stays_under_cloudformations_resource_limit(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Every function brings about eight resources (role, version, alias, permission, log group and
    # two alarms): a stack that outgrows CloudFormation's limit fails at deploy time, not here.
    from tests.helpers.paths import TEMPLATE_PATH
    from tools.template_checks import DEFAULT_REGION, translate

    monkeypatch.setenv("AWS_DEFAULT_REGION", DEFAULT_REGION)
    count = len(translate(TEMPLATE_PATH)["Resources"])

    assert count < CLOUDFORMATION_MAX_RESOURCES, (
        f"{count} resources: move the operations section into a nested stack (docs/decisions.md#operations)"
    )
