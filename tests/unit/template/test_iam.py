"""Each function's IAM grants are exactly what its code uses (issue 7: least privilege).

The table below is the reviewed list, per function, of (resource, action) pairs with the code path
that needs each. The template must grant exactly these: a new grant without a line here fails,
and so does a line here that the template no longer grants (the table would have gone stale).
TransactWriteItems is authorised per item as PutItem/UpdateItem (ConditionCheckItem for a
ConditionCheck, which no function sends), so it never appears as an action of its own.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.helpers.template import Template, as_list, functions, load_template

Grant = tuple[str, str]

ALLOWED: dict[str, set[Grant]] = {
    # The health probe: one GetItem per table.
    "HealthFunction": {
        ("TenantsTable", "dynamodb:GetItem"),
        ("SessionsTable", "dynamodb:GetItem"),
        ("ConversationsTable", "dynamodb:GetItem"),
        ("IdempotencyTable", "dynamodb:GetItem"),
    },
    # Key hash → key record.
    "AuthorizerFunction": {("TenantsTable", "dynamodb:GetItem")},
    # 30 days of usage counters: one Query.
    "UsageFunction": {("TenantsTable", "dynamodb:Query")},
    # Catalog + statistics (BatchGetItem), statistics refresh (GetItem); the session upsert
    # (UpdateItem). The daily usage counter is StreamRelayFunction's write, not this function's.
    "NextQuestionFunction": {
        ("TenantsTable", "dynamodb:BatchGetItem"),
        ("TenantsTable", "dynamodb:GetItem"),
        ("SessionsTable", "dynamodb:UpdateItem"),
    },
    # Powertools Idempotency's record (get, put, update, delete on failure) and the conversion
    # item (the stream relay queues its crediting).
    "RecordConversionFunction": {
        ("IdempotencyTable", "dynamodb:GetItem"),
        ("IdempotencyTable", "dynamodb:PutItem"),
        ("IdempotencyTable", "dynamodb:UpdateItem"),
        ("IdempotencyTable", "dynamodb:DeleteItem"),
        ("SessionsTable", "dynamodb:PutItem"),
    },
    # Reads the transcript, writes insights (transaction), credits conversions (transaction over
    # the session's conversion and the tenant's statistics), announces webhook events on the
    # webhooks queue (never reads an endpoint or its secret); Bedrock only when configured.
    "InsightsWorkerFunction": {
        ("ConversationsTable", "dynamodb:GetItem"),
        ("ConversationsTable", "dynamodb:Query"),
        ("ConversationsTable", "dynamodb:PutItem"),
        ("ConversationsTable", "dynamodb:UpdateItem"),
        ("TenantsTable", "dynamodb:GetItem"),
        ("TenantsTable", "dynamodb:BatchGetItem"),
        ("TenantsTable", "dynamodb:UpdateItem"),
        ("SessionsTable", "dynamodb:GetItem"),
        ("SessionsTable", "dynamodb:Query"),
        ("SessionsTable", "dynamodb:UpdateItem"),
        ("WebhooksQueue", "sqs:SendMessage"),
        ("bedrock:foundation-model", "bedrock:InvokeModel"),
    },
    # The only reader of the webhooks table (endpoints and their signing secrets): fan-out (Query)
    # and each delivery's endpoint (GetItem); deliveries and retries re-queued, the last failure
    # dead-lettered.
    "DeliverWebhooksFunction": {
        ("WebhooksTable", "dynamodb:GetItem"),
        ("WebhooksTable", "dynamodb:Query"),
        ("WebhooksQueue", "sqs:SendMessage"),
        ("WebhooksDeadLetterQueue", "sqs:SendMessage"),
    },
    # The idle sweep: the idle index (Query), unlisting a session (UpdateItem); the closing append
    # through the conversations service without read-back (header GetItem, transaction Put/Update).
    "CloseIdleConversationsFunction": {
        ("SessionsTable/index/idle", "dynamodb:Query"),
        ("SessionsTable", "dynamodb:UpdateItem"),
        ("ConversationsTable", "dynamodb:GetItem"),
        ("ConversationsTable", "dynamodb:PutItem"),
        ("ConversationsTable", "dynamodb:UpdateItem"),
    },
    # Relays stream records to the insights queue; the dead-letter queue is its event sources'
    # OnFailure destination (the stream read grants are SAM's, per event source). New
    # next-questions sessions: one usage-counter ADD per tenant and day (UpdateItem).
    "StreamRelayFunction": {
        ("InsightsQueue", "sqs:SendMessage"),
        ("InsightsDeadLetterQueue", "sqs:SendMessage"),
        ("TenantsTable", "dynamodb:UpdateItem"),
    },
    # Idempotency-key lookup (GetItem), the create transaction (Put/Update), insights message.
    "CreateConversationFunction": {
        ("ConversationsTable", "dynamodb:GetItem"),
        ("ConversationsTable", "dynamodb:PutItem"),
        ("ConversationsTable", "dynamodb:UpdateItem"),
    },
    # Header (GetItem), the append transaction (Put/Update), messages read back (Query).
    "AppendMessagesFunction": {
        ("ConversationsTable", "dynamodb:GetItem"),
        ("ConversationsTable", "dynamodb:Query"),
        ("ConversationsTable", "dynamodb:PutItem"),
        ("ConversationsTable", "dynamodb:UpdateItem"),
    },
    # The exact total (counter item, GetItem) and a page from one of the list GSIs (Query).
    "ListConversationsFunction": {
        ("ConversationsTable", "dynamodb:GetItem"),
        ("ConversationsTable/index/*", "dynamodb:Query"),
    },
    # Header, chunks and insights under one partition key: one Query.
    "GetConversationFunction": {("ConversationsTable", "dynamodb:Query")},
    "GetConversationInsightsFunction": {("ConversationsTable", "dynamodb:Query")},
    # Converra's runs API: the conversations functions' grants, route for route; the SDK's config,
    # agent match and active variant are computed from the request alone.
    "CreateRunFunction": {
        ("ConversationsTable", "dynamodb:GetItem"),
        ("ConversationsTable", "dynamodb:PutItem"),
        ("ConversationsTable", "dynamodb:UpdateItem"),
    },
    "AppendRunMessagesFunction": {
        ("ConversationsTable", "dynamodb:GetItem"),
        ("ConversationsTable", "dynamodb:Query"),
        ("ConversationsTable", "dynamodb:PutItem"),
        ("ConversationsTable", "dynamodb:UpdateItem"),
    },
    "ListRunsFunction": {
        ("ConversationsTable", "dynamodb:GetItem"),
        ("ConversationsTable/index/*", "dynamodb:Query"),
    },
    "GetRunFunction": {("ConversationsTable", "dynamodb:Query")},
    "GetRunInsightsFunction": {("ConversationsTable", "dynamodb:Query")},
    "GetSdkConfigFunction": set(),
    "MatchAgentFunction": set(),
    "GetActiveVariantFunction": set(),
    # Deployment + catalog (Batch/GetItem), versioned session state (Get/Put), the transcript
    # through the conversations service without read-back (Get, transaction Put/Update), queue.
    "ProcessTurnFunction": {
        ("TenantsTable", "dynamodb:BatchGetItem"),
        ("TenantsTable", "dynamodb:GetItem"),
        ("SessionsTable", "dynamodb:GetItem"),
        ("SessionsTable", "dynamodb:PutItem"),
        ("SessionsTable", "dynamodb:UpdateItem"),
        ("ConversationsTable", "dynamodb:GetItem"),
        ("ConversationsTable", "dynamodb:PutItem"),
        ("ConversationsTable", "dynamodb:UpdateItem"),
    },
    # The deployment (GetItem), the session's state (Get, conditional Put); no transcript.
    "UpdateContextFunction": {
        ("TenantsTable", "dynamodb:GetItem"),
        ("SessionsTable", "dynamodb:GetItem"),
        ("SessionsTable", "dynamodb:PutItem"),
    },
    # Answers 501 from the request alone.
    "RequestVoiceTokenFunction": set(),
    # Zelinqa V1 sessions: idempotency records; the published catalog and statistics (BatchGet) and
    # the pinned configuration (Get); the session's state (conditional Put) and the NBQ session item
    # that learning credits (Update).
    "CreateSessionFunction": {
        ("IdempotencyTable", "dynamodb:GetItem"),
        ("IdempotencyTable", "dynamodb:PutItem"),
        ("IdempotencyTable", "dynamodb:UpdateItem"),
        ("IdempotencyTable", "dynamodb:DeleteItem"),
        ("TenantsTable", "dynamodb:BatchGetItem"),
        ("TenantsTable", "dynamodb:GetItem"),
        ("SessionsTable", "dynamodb:PutItem"),
        ("SessionsTable", "dynamodb:UpdateItem"),
    },
    "NextSessionQuestionsFunction": {
        ("IdempotencyTable", "dynamodb:GetItem"),
        ("IdempotencyTable", "dynamodb:PutItem"),
        ("IdempotencyTable", "dynamodb:UpdateItem"),
        ("IdempotencyTable", "dynamodb:DeleteItem"),
        ("TenantsTable", "dynamodb:BatchGetItem"),
        ("TenantsTable", "dynamodb:GetItem"),
        ("SessionsTable", "dynamodb:GetItem"),
        ("SessionsTable", "dynamodb:PutItem"),
        ("SessionsTable", "dynamodb:UpdateItem"),
    },
    "ApplySessionEventsFunction": {
        ("IdempotencyTable", "dynamodb:GetItem"),
        ("IdempotencyTable", "dynamodb:PutItem"),
        ("IdempotencyTable", "dynamodb:UpdateItem"),
        ("IdempotencyTable", "dynamodb:DeleteItem"),
        ("TenantsTable", "dynamodb:GetItem"),
        ("SessionsTable", "dynamodb:GetItem"),
        ("SessionsTable", "dynamodb:PutItem"),
    },
    "GetSessionFunction": {("TenantsTable", "dynamodb:GetItem"), ("SessionsTable", "dynamodb:GetItem")},
    # Zelinqa V1 configuration: the published catalog and statistics (BatchGet), the draft, the
    # tenant's name (Get); changes write the draft and the audit log; publishing starts a
    # compilation with its lock (a transaction of Puts) and queues it; the compiler publishes.
    "GetConfigurationFunction": {
        ("TenantsTable", "dynamodb:BatchGetItem"),
        ("TenantsTable", "dynamodb:GetItem"),
    },
    "ListConfigurationQuestionsFunction": {
        ("TenantsTable", "dynamodb:BatchGetItem"),
        ("TenantsTable", "dynamodb:GetItem"),
    },
    "ApplyConfigurationChangesFunction": {
        ("IdempotencyTable", "dynamodb:GetItem"),
        ("IdempotencyTable", "dynamodb:PutItem"),
        ("IdempotencyTable", "dynamodb:UpdateItem"),
        ("IdempotencyTable", "dynamodb:DeleteItem"),
        ("TenantsTable", "dynamodb:BatchGetItem"),
        ("TenantsTable", "dynamodb:GetItem"),
        ("TenantsTable", "dynamodb:PutItem"),
        ("TenantsTable", "dynamodb:BatchWriteItem"),
    },
    "PublishConfigurationFunction": {
        ("IdempotencyTable", "dynamodb:GetItem"),
        ("IdempotencyTable", "dynamodb:PutItem"),
        ("IdempotencyTable", "dynamodb:UpdateItem"),
        ("IdempotencyTable", "dynamodb:DeleteItem"),
        ("TenantsTable", "dynamodb:GetItem"),
        ("TenantsTable", "dynamodb:PutItem"),
        ("TenantsTable", "dynamodb:UpdateItem"),
        ("TenantsTable", "dynamodb:DeleteItem"),
        ("TenantsTable", "dynamodb:BatchWriteItem"),
        ("CompilationsQueue", "sqs:SendMessage"),
    },
    "GetCompilationFunction": {("TenantsTable", "dynamodb:GetItem")},
    "ListConfigurationAuditFunction": {("TenantsTable", "dynamodb:Query")},
    "CompileConfigurationFunction": {
        ("TenantsTable", "dynamodb:GetItem"),
        ("TenantsTable", "dynamodb:PutItem"),
        ("TenantsTable", "dynamodb:UpdateItem"),
        ("TenantsTable", "dynamodb:DeleteItem"),
        ("TenantsTable", "dynamodb:BatchWriteItem"),
    },
    # The feedback is stored as a conversion item of the session (the stream relay credits it).
    "SubmitSessionFeedbackFunction": {
        ("IdempotencyTable", "dynamodb:GetItem"),
        ("IdempotencyTable", "dynamodb:PutItem"),
        ("IdempotencyTable", "dynamodb:UpdateItem"),
        ("IdempotencyTable", "dynamodb:DeleteItem"),
        ("SessionsTable", "dynamodb:GetItem"),
        ("SessionsTable", "dynamodb:PutItem"),
    },
}


def resource_names(value: Any) -> list[str]:
    """`!GetAtt X.Arn` → X; `!Sub ${X.Arn}/index/*` → X/index/*; a Bedrock model ARN → its kind."""
    if isinstance(value, list):
        return [name for item in value for name in resource_names(item)]
    if isinstance(value, dict) and "Fn::GetAtt" in value:
        target = value["Fn::GetAtt"]
        return [target[0] if isinstance(target, list) else str(target).split(".", 1)[0]]
    if isinstance(value, dict) and "Fn::Sub" in value:
        text = value["Fn::Sub"] if isinstance(value["Fn::Sub"], str) else value["Fn::Sub"][0]
        if ":foundation-model/" in text:
            return ["bedrock:foundation-model"]
        if text.startswith("${") and text.split("}", 1)[0].endswith(".Arn"):
            return [text[2:].split(".", 1)[0] + text.split("}", 1)[1]]
    return [f"<unrecognised resource {value!r}>"]


def statements(policy_statements: Any) -> list[dict[str, Any]]:
    """Statements, with both branches of a conditional (`!If [cond, stmt, AWS::NoValue]`)."""
    found: list[dict[str, Any]] = []
    for statement in as_list(policy_statements or []):
        if isinstance(statement, dict) and "Fn::If" in statement:
            found += [
                branch
                for branch in statement["Fn::If"][1:]
                if isinstance(branch, dict) and branch != {"Ref": "AWS::NoValue"}
            ]
        else:
            found.append(statement)
    return found


def grants(properties: Template) -> set[Grant]:
    granted: set[Grant] = set()
    for policy in as_list(properties.get("Policies") or []):
        for statement in statements(policy.get("Statement") if isinstance(policy, dict) else None):
            assert statement.get("Effect") == "Allow", statement
            for action in as_list(statement.get("Action")):
                for resource in resource_names(statement.get("Resource")):
                    granted.add((resource, str(action)))
    return granted


@pytest.fixture(scope="module")
def template() -> Template:
    return load_template()


def test_given_the_template_when_listing_functions_then_each_has_a_reviewed_grant_table(
    template: Template,
) -> None:
    assert set(functions(template)) == set(ALLOWED)


@pytest.mark.parametrize("function", sorted(ALLOWED))
def test_given_a_function_when_reading_its_policy_then_it_grants_exactly_the_reviewed_pairs(
    template: Template, function: str
) -> None:
    granted = grants(functions(template)[function])

    assert granted - ALLOWED[function] == set(), "granted but not in the reviewed table"
    assert ALLOWED[function] - granted == set(), "in the reviewed table but no longer granted"


def test_given_every_grant_when_looking_for_scan_or_wildcards_then_there_are_none(template: Template) -> None:
    for function, properties in functions(template).items():
        for resource, action in grants(properties):
            assert action != "dynamodb:Scan", function
            assert "*" not in action, (function, action)
            assert resource in {
                "TenantsTable",
                "SessionsTable",
                "ConversationsTable",
                "IdempotencyTable",
                "InsightsQueue",
                "InsightsDeadLetterQueue",
                "WebhooksTable",
                "WebhooksQueue",
                "WebhooksDeadLetterQueue",
                "CompilationsQueue",
                "ConversationsTable/index/*",
                "SessionsTable/index/idle",
                "bedrock:foundation-model",
            }, (function, resource)


def test_given_an_extra_grant_when_checked_then_the_table_catches_it(template: Template) -> None:
    properties = functions(template)["GetConversationFunction"]
    broken = {
        **properties,
        "Policies": [
            *properties["Policies"],
            {
                "Statement": [
                    {
                        "Effect": "Allow",
                        "Action": "dynamodb:PutItem",
                        "Resource": {"Fn::GetAtt": ["X", "Arn"]},
                    }
                ]
            },
        ],
    }

    assert grants(broken) - ALLOWED["GetConversationFunction"] == {("X", "dynamodb:PutItem")}


def test_only_the_webhooks_function_can_read_webhook_signing_secrets(template: Template) -> None:
    """Secrets sign every delivery, so they are kept in clear: no other function may read them."""
    readers = {
        name
        for name, properties in functions(template).items()
        if any(resource.startswith("WebhooksTable") for resource, _ in grants(properties))
    }

    assert readers == {"DeliverWebhooksFunction"}
