"""Template house rules (STYLE.md habit 8), checked on every function, table, queue and API.

Each rule is a function from a parsed template to a list of violations that name the offending
resource. The first group of tests holds template.yaml to the rules; the second breaks a copy
of it once per rule and expects that rule to notice, so no rule can pass vacuously (e.g. the
SQS rules, before any function consumes a queue).
"""

from __future__ import annotations

import copy
from collections.abc import Callable

import pytest

from tests.helpers.template import (
    PUBLIC_PATHS,
    Template,
    as_int,
    as_list,
    dead_letter_queues,
    events_of,
    functions,
    load_template,
    policy_actions,
    referenced_id,
    references,
    resources_of,
)

Rule = Callable[[Template], list[str]]

READ_ACTIONS = frozenset({"dynamodb:GetItem", "dynamodb:Query", "dynamodb:BatchGetItem"})
FORBIDDEN_ACTIONS = frozenset({"dynamodb:Scan"})
PROBLEM_JSON = "'application/problem+json'"
REQUIRED_GATEWAY_RESPONSES = (
    "UNAUTHORIZED",
    "ACCESS_DENIED",
    "THROTTLED",
    "QUOTA_EXCEEDED",
    "DEFAULT_4XX",
    "DEFAULT_5XX",
)
# Lambda's guidance for SQS event sources: visibility timeout at least 6 x the function timeout.
VISIBILITY_TIMEOUT_FACTOR = 6
SQS_DEFAULT_VISIBILITY_TIMEOUT = 30
LAMBDA_DEFAULT_TIMEOUT = 3


# ------------------------------------------------------------------------------------------
# What the rules read (the readers themselves are tests/helpers/template.py)
# ------------------------------------------------------------------------------------------
def is_read_only(properties: Template) -> bool:
    routes = events_of(properties, "Api")
    return (
        bool(routes)
        and all(str(route.get("Method", "")).upper() == "GET" for route in routes.values())
        and not events_of(properties, "SQS")
    )


# ------------------------------------------------------------------------------------------
# Rules
# ------------------------------------------------------------------------------------------
def function_log_groups(template: Template) -> list[str]:
    log_groups = resources_of(template, "AWS::Logs::LogGroup")
    problems = []
    for logical_id, properties in functions(template).items():
        target = referenced_id((properties.get("LoggingConfig") or {}).get("LogGroup"))
        if target not in log_groups:
            problems.append(
                f"{logical_id}: LoggingConfig.LogGroup must reference a log group in the template"
            )
        elif "RetentionInDays" not in log_groups[target].get("Properties", {}):
            problems.append(f"{logical_id}: its log group {target} has no RetentionInDays")
    return problems


def function_tracing(template: Template) -> list[str]:
    problems = []
    if template.get("Globals", {}).get("Function", {}).get("Tracing") != "Active":
        problems.append("Globals.Function: Tracing must be Active")
    problems += [
        f"{logical_id}: Tracing must be Active"
        for logical_id, properties in functions(template).items()
        if properties.get("Tracing") != "Active"
    ]
    return problems


def function_policies(template: Template) -> list[str]:
    problems = []
    for logical_id, properties in functions(template).items():
        if properties.get("Policies") == []:
            continue  # said outright: it calls no AWS service
        policies = as_list(properties.get("Policies") or [])
        if not any(isinstance(policy, dict) and "Statement" in policy for policy in policies):
            problems.append(f"{logical_id}: needs an inline policy (Policies: - Statement: ...)")
        for policy in policies:
            if not (isinstance(policy, dict) and "Statement" in policy):
                problems.append(f"{logical_id}: {policy!r} is not an inline policy; write the statements")
        for statement in (
            s for p in policies if isinstance(p, dict) for s in as_list(p.get("Statement") or [])
        ):
            if "NotAction" in statement:
                problems.append(f"{logical_id}: NotAction grants everything else; list the actions")
        for action in policy_actions(properties):
            if "*" in action:
                problems.append(f"{logical_id}: wildcard action {action!r}; list the actions it needs")
            if action in FORBIDDEN_ACTIONS:
                problems.append(f"{logical_id}: {action} reads a whole table; query a key or an index")
    return problems


def read_only_functions(template: Template) -> list[str]:
    return [
        f"{logical_id}: serves only GET routes but may {action}; allowed: {sorted(READ_ACTIONS)}"
        for logical_id, properties in functions(template).items()
        if is_read_only(properties)
        for action in policy_actions(properties)
        if action not in READ_ACTIONS
    ]


def queue_redrive(template: Template) -> list[str]:
    queues = resources_of(template, "AWS::SQS::Queue")
    problems = []
    for logical_id, queue in queues.items():
        if logical_id in dead_letter_queues(template):
            continue
        redrive = queue.get("Properties", {}).get("RedrivePolicy") or {}
        if referenced_id(redrive.get("deadLetterTargetArn")) not in queues:
            problems.append(
                f"{logical_id}: RedrivePolicy.deadLetterTargetArn must be a queue in the template"
            )
        if not redrive.get("maxReceiveCount"):
            problems.append(f"{logical_id}: RedrivePolicy needs a maxReceiveCount")
    return problems


def sqs_consumers(template: Template) -> list[str]:
    queues = resources_of(template, "AWS::SQS::Queue")
    problems = []
    for logical_id, properties in functions(template).items():
        timeout = as_int(template, properties.get("Timeout"), LAMBDA_DEFAULT_TIMEOUT)
        for name, event in events_of(properties, "SQS").items():
            where = f"{logical_id} event {name}"
            if "ReportBatchItemFailures" not in (event.get("FunctionResponseTypes") or []):
                problems.append(f"{where}: FunctionResponseTypes must include ReportBatchItemFailures")
            queue_id = referenced_id(event.get("Queue"))
            if queue_id not in queues:
                problems.append(f"{where}: Queue must reference a queue in the template")
                continue
            raw = queues[queue_id].get("Properties", {}).get("VisibilityTimeout")
            visibility = as_int(template, raw, SQS_DEFAULT_VISIBILITY_TIMEOUT)
            if timeout is None or visibility is None:
                problems.append(f"{where}: cannot evaluate {queue_id}'s VisibilityTimeout or the Timeout")
            elif visibility < VISIBILITY_TIMEOUT_FACTOR * timeout:
                problems.append(
                    f"{where}: {queue_id} VisibilityTimeout {visibility} s < "
                    f"{VISIBILITY_TIMEOUT_FACTOR} x the function's {timeout} s timeout"
                )
    return problems


def tables(template: Template) -> list[str]:
    problems = [
        f"{logical_id}: SimpleTable cannot have TTL or PITR; use AWS::DynamoDB::Table"
        for logical_id in resources_of(template, "AWS::Serverless::SimpleTable")
    ]
    for logical_id, table in resources_of(template, "AWS::DynamoDB::Table").items():
        properties = table.get("Properties", {})
        ttl = properties.get("TimeToLiveSpecification") or {}
        if not (ttl.get("Enabled") is True and ttl.get("AttributeName")):
            problems.append(f"{logical_id}: TimeToLiveSpecification must be enabled on an attribute")
        if (properties.get("SSESpecification") or {}).get("SSEEnabled") is not True:
            problems.append(f"{logical_id}: SSESpecification.SSEEnabled must be true")
        pitr = properties.get("PointInTimeRecoverySpecification") or {}
        if pitr.get("PointInTimeRecoveryEnabled") is not True:
            problems.append(f"{logical_id}: PointInTimeRecoveryEnabled must be true")
        if properties.get("BillingMode") != "PAY_PER_REQUEST":
            problems.append(f"{logical_id}: BillingMode must be PAY_PER_REQUEST")
    return problems


def apis(template: Template) -> list[str]:
    rest_apis = resources_of(template, "AWS::Serverless::Api")
    problems = [] if rest_apis else ["template: no AWS::Serverless::Api"]
    for logical_id, api in rest_apis.items():
        properties = api.get("Properties", {})
        if properties.get("ApiKeySourceType") != "AUTHORIZER":
            problems.append(
                f"{logical_id}: ApiKeySourceType must be AUTHORIZER (the authorizer picks the key)"
            )
        plan = (properties.get("Auth") or {}).get("UsagePlan") or {}
        throttle, quota = plan.get("Throttle") or {}, plan.get("Quota") or {}
        if not (throttle.get("RateLimit") and throttle.get("BurstLimit")):
            problems.append(f"{logical_id}: Auth.UsagePlan needs Throttle RateLimit and BurstLimit")
        if not (quota.get("Limit") and quota.get("Period")):
            problems.append(f"{logical_id}: Auth.UsagePlan needs Quota Limit and Period")
        responses = properties.get("GatewayResponses") or {}
        for response_type in REQUIRED_GATEWAY_RESPONSES:
            headers = ((responses.get(response_type) or {}).get("ResponseParameters") or {}).get(
                "Headers"
            ) or {}
            if headers.get("Content-Type") != PROBLEM_JSON:
                problems.append(f"{logical_id}: GatewayResponses.{response_type} must send {PROBLEM_JSON}")
    return problems


def api_routes(template: Template) -> list[str]:
    rest_apis = resources_of(template, "AWS::Serverless::Api")
    problems = []
    for logical_id, properties in functions(template).items():
        for name, route in events_of(properties, "Api").items():
            where = f"{logical_id} event {name} ({route.get('Method')} {route.get('Path')})"
            api_id = referenced_id(route.get("RestApiId"))
            if api_id not in rest_apis:
                # Without it SAM creates an implicit API with no authorizer and no usage plan.
                problems.append(f"{where}: RestApiId must reference an AWS::Serverless::Api in the template")
                continue
            api_auth = rest_apis[api_id].get("Properties", {}).get("Auth") or {}
            default = api_auth.get("DefaultAuthorizer")
            auth = route.get("Auth") or {}
            authorizer = auth.get("Authorizer", default)
            if authorizer == "NONE":
                if route.get("Path") not in PUBLIC_PATHS:
                    problems.append(f"{where}: Authorizer NONE is only for {sorted(PUBLIC_PATHS)}")
            elif not default or default not in (api_auth.get("Authorizers") or {}):
                problems.append(f"{where}: {api_id} has no DefaultAuthorizer among its Authorizers")
            elif authorizer != default:
                problems.append(f"{where}: must use the default authorizer {default}, not {authorizer}")
            elif auth.get("ApiKeyRequired") is False:
                problems.append(f"{where}: ApiKeyRequired false would bypass the usage plan")
    return problems


def outputs(template: Template) -> list[str]:
    declared = template.get("Outputs") or {}
    mentioned = {ref for output in declared.values() for ref in references(output.get("Value"))}
    problems = []
    for logical_id in resources_of(template, "AWS::Serverless::Api"):
        has_url = any(
            logical_id in set(references(output.get("Value"))) and "execute-api" in str(output.get("Value"))
            for output in declared.values()
        )
        if not has_url:
            problems.append(f"{logical_id}: Outputs need the API's execute-api URL")
    for logical_id in resources_of(template, "AWS::DynamoDB::Table", "AWS::SQS::Queue"):
        if logical_id not in mentioned:
            problems.append(f"{logical_id}: Outputs must include it (name or URL)")
    return problems


RULES: dict[str, Rule] = {
    "every function logs to a log group with retention": function_log_groups,
    "every function traces actively": function_tracing,
    "every function has an inline policy without wildcards or Scan": function_policies,
    "functions serving only GET routes only read": read_only_functions,
    "every queue that is not a DLQ redrives to one": queue_redrive,
    "SQS consumers report batch failures and outlast their queue's visibility": sqs_consumers,
    "every table has TTL, SSE, PITR and on-demand billing": tables,
    "the API meters keys by authorizer, throttles, and answers problem+json": apis,
    "every route is authorized unless it is public by design": api_routes,
    "outputs give the API URL and every table and queue": outputs,
}


@pytest.fixture(scope="module")
def template() -> Template:
    return load_template()


# ------------------------------------------------------------------------------------------
# template.yaml follows every rule
# ------------------------------------------------------------------------------------------
@pytest.mark.parametrize("rule", RULES.values(), ids=RULES.keys())
def test_given_template_yaml_when_a_house_rule_is_applied_then_nothing_violates_it(
    template: Template, rule: Rule
) -> None:
    violations = rule(template)

    assert not violations, "\n".join(violations)


def test_given_template_yaml_when_listing_functions_then_there_are_some_to_check(template: Template) -> None:
    found = functions(template)

    assert found, "no AWS::Serverless::Function: the function rules would pass vacuously"


# ------------------------------------------------------------------------------------------
# Each rule notices a broken template
# ------------------------------------------------------------------------------------------
def first_function(template: Template, wanted: Callable[[Template], bool] = lambda _: True) -> str:
    return next(logical_id for logical_id, properties in functions(template).items() if wanted(properties))


def first_of(template: Template, resource_type: str) -> str:
    return next(iter(resources_of(template, resource_type)))


def props(template: Template, logical_id: str) -> Template:
    properties: Template = template["Resources"][logical_id].setdefault("Properties", {})
    return properties


def add_statement(template: Template, logical_id: str, action: str) -> None:
    statement = {"Effect": "Allow", "Action": action, "Resource": "arn:aws:dynamodb:*:*:table/x"}
    props(template, logical_id).setdefault("Policies", []).append({"Statement": [statement]})


def drop_log_group(t: Template) -> None:
    props(t, first_function(t)).pop("LoggingConfig", None)


def drop_retention(t: Template) -> None:
    log_group = referenced_id(props(t, first_function(t))["LoggingConfig"]["LogGroup"])
    assert log_group is not None
    props(t, log_group).pop("RetentionInDays")


def pass_through_tracing(t: Template) -> None:
    props(t, first_function(t))["Tracing"] = "PassThrough"


def wildcard_action(t: Template) -> None:
    add_statement(t, first_function(t), "dynamodb:*")


def scan_action(t: Template) -> None:
    add_statement(t, first_function(t), "dynamodb:Scan")


def managed_policy(t: Template) -> None:
    props(t, first_function(t))["Policies"] = ["AmazonDynamoDBFullAccess"]


def write_from_get_route(t: Template) -> None:
    add_statement(t, first_function(t, is_read_only), "dynamodb:PutItem")


def drop_redrive(t: Template) -> None:
    queue = next(q for q in resources_of(t, "AWS::SQS::Queue") if q not in dead_letter_queues(t))
    props(t, queue).pop("RedrivePolicy")


def sqs_consumer_without_batch_failures(t: Template) -> None:
    queue = next(q for q in resources_of(t, "AWS::SQS::Queue") if q not in dead_letter_queues(t))
    props(t, queue)["VisibilityTimeout"] = 5
    event = {"Type": "SQS", "Properties": {"Queue": {"Fn::GetAtt": [queue, "Arn"]}, "BatchSize": 10}}
    props(t, first_function(t))["Events"] = {"Work": event}


def sqs_consumer_timeout_too_long(t: Template) -> None:
    queue = next(q for q in resources_of(t, "AWS::SQS::Queue") if q not in dead_letter_queues(t))
    event = {
        "Type": "SQS",
        "Properties": {
            "Queue": {"Fn::GetAtt": [queue, "Arn"]},
            "FunctionResponseTypes": ["ReportBatchItemFailures"],
        },
    }
    function = first_function(t)
    props(t, function)["Events"] = {"Work": event}
    props(t, function)["Timeout"] = 900


def table_without_pitr(t: Template) -> None:
    props(t, first_of(t, "AWS::DynamoDB::Table")).pop("PointInTimeRecoverySpecification")


def table_without_ttl(t: Template) -> None:
    props(t, first_of(t, "AWS::DynamoDB::Table"))["TimeToLiveSpecification"]["Enabled"] = False


def table_provisioned(t: Template) -> None:
    props(t, first_of(t, "AWS::DynamoDB::Table"))["BillingMode"] = "PROVISIONED"


def api_key_from_header(t: Template) -> None:
    props(t, first_of(t, "AWS::Serverless::Api"))["ApiKeySourceType"] = "HEADER"


def api_without_quota(t: Template) -> None:
    props(t, first_of(t, "AWS::Serverless::Api"))["Auth"]["UsagePlan"].pop("Quota")


def api_plain_json_throttle(t: Template) -> None:
    responses = props(t, first_of(t, "AWS::Serverless::Api"))["GatewayResponses"]
    responses["THROTTLED"]["ResponseParameters"]["Headers"]["Content-Type"] = "'application/json'"


def public_usage_route(t: Template) -> None:
    function = first_function(
        t, lambda p: any(r.get("Path") not in PUBLIC_PATHS for r in events_of(p, "Api").values())
    )
    for event in props(t, function)["Events"].values():
        event["Properties"]["Auth"] = {"Authorizer": "NONE"}


def implicit_api_route(t: Template) -> None:
    function = first_function(t, lambda p: bool(events_of(p, "Api")))
    for event in props(t, function)["Events"].values():
        event["Properties"].pop("RestApiId", None)


def unmetered_route(t: Template) -> None:
    function = first_function(
        t, lambda p: any(r.get("Path") not in PUBLIC_PATHS for r in events_of(p, "Api").values())
    )
    for event in props(t, function)["Events"].values():
        event["Properties"]["Auth"] = {"ApiKeyRequired": False}


def table_without_output(t: Template) -> None:
    table = first_of(t, "AWS::DynamoDB::Table")
    t["Outputs"] = {
        name: o for name, o in t["Outputs"].items() if table not in set(references(o.get("Value")))
    }


BREAKAGES: list[tuple[Rule, Callable[[Template], None]]] = [
    (function_log_groups, drop_log_group),
    (function_log_groups, drop_retention),
    (function_tracing, pass_through_tracing),
    (function_policies, wildcard_action),
    (function_policies, scan_action),
    (function_policies, managed_policy),
    (read_only_functions, write_from_get_route),
    (queue_redrive, drop_redrive),
    (sqs_consumers, sqs_consumer_without_batch_failures),
    (sqs_consumers, sqs_consumer_timeout_too_long),
    (tables, table_without_pitr),
    (tables, table_without_ttl),
    (tables, table_provisioned),
    (apis, api_key_from_header),
    (apis, api_without_quota),
    (apis, api_plain_json_throttle),
    (api_routes, public_usage_route),
    (api_routes, implicit_api_route),
    (api_routes, unmetered_route),
    (outputs, table_without_output),
]


@pytest.mark.parametrize(("rule", "breakage"), BREAKAGES, ids=[b.__name__ for _, b in BREAKAGES])
def test_given_a_broken_copy_of_the_template_when_the_rule_is_applied_then_it_names_the_resource(
    template: Template, rule: Rule, breakage: Callable[[Template], None]
) -> None:
    broken = copy.deepcopy(template)
    breakage(broken)
    resource_ids = set(broken.get("Resources", {})) | {"Globals.Function", "template"}

    violations = rule(broken)

    assert violations, f"{rule.__name__} did not notice {breakage.__name__}"
    assert all(v.split(":", 1)[0].split(" ", 1)[0] in resource_ids for v in violations), violations


def test_given_the_rules_when_pairing_them_with_breakages_then_every_rule_is_shown_to_fail() -> None:
    broken_rules = {rule for rule, _ in BREAKAGES}

    assert set(RULES.values()) <= broken_rules
