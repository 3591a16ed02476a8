"""NextQuestionFunction and RecordConversionFunction under moto, driven by the events in events/."""

import json
import re
from datetime import UTC, datetime

import pytest

from parley import aws
from parley.nbq.repository import DynamoNbqConfigRepository, DynamoNbqSessionRepository
from parley.nbq.service import credit_conversion
from parley.queues.messages import ConversionRecorded, decode
from tests.helpers.events import load_event
from tests.helpers.http import header

SPEC_TEXT = "What budget range did you have in mind for the table?"


@pytest.fixture
def next_question(catalog_loaded, load_function):
    return load_function("NextQuestionFunction")


@pytest.fixture
def record_conversion(load_function):
    return load_function("RecordConversionFunction")


def _body(response: dict) -> dict:
    return json.loads(response["body"])


def _with_body(event: dict, body: dict) -> dict:
    return {**event, "body": json.dumps(body)}


def _queue_messages(stream_relay) -> list:
    """What the stream relay queued for the committed changes so far."""
    stream_relay.pump()
    moto_resources = stream_relay.resources
    sqs = aws.client("sqs")
    response = sqs.receive_message(QueueUrl=moto_resources.queues["InsightsQueue"], MaxNumberOfMessages=10)
    return [decode(m["Body"]) for m in response.get("Messages", [])]


# --- next questions ---------------------------------------------------------------------------


@pytest.mark.parametrize("case", ["spec_with_history.json", "spec_with_context.json"])
def test_the_specs_examples_get_the_budget_question(case, next_question, lambda_context) -> None:
    response = next_question.lambda_handler(load_event(f"next_question/{case}"), lambda_context)

    assert response["statusCode"] == 200
    assert _body(response) == {
        "next_question": {"external_id": "q_budget_range", "text": SPEC_TEXT},
        "exhausted": False,
        "nbq_version": "0.9.0-beta.1",
        "request_id": "req_3b9f0a1c2d4e6f80",
    }


def test_neither_history_nor_context_is_the_specs_422(next_question, lambda_context) -> None:
    response = next_question.lambda_handler(
        load_event("next_question/missing_history_and_context.json"), lambda_context
    )

    assert response["statusCode"] == 422
    assert header(response, "Content-Type") == "application/problem+json"
    message = "Value error, invalid_request: provide conversation_history or context"
    assert _body(response) == {
        "type": "https://api.zelinqa.ai/errors/validation_failed",
        "title": "Request body or parameters failed validation.",
        "status": 422,
        "detail": message,
        "request_id": "req_2c4e6a8b0d1f3508",
        "errors": [{"loc": ["body"], "msg": message, "type": "value_error"}],
    }


@pytest.mark.parametrize(
    ("case", "loc"),
    [
        ("last_message_from_assistant.json", ["body", "conversation_history"]),
        ("session_id_too_long.json", ["body", "session_id"]),
        ("not_json.json", ["body"]),
    ],
)
def test_invalid_requests_are_422_problems_naming_the_field(case, loc, next_question, lambda_context) -> None:
    response = next_question.lambda_handler(load_event(f"next_question/{case}"), lambda_context)

    assert response["statusCode"] == 422
    assert _body(response)["errors"][0]["loc"] == loc


@pytest.mark.parametrize(
    "body",
    [
        {"session_id": "s", "context": "x" * 8001},
        {"session_id": "s", "conversation_history": [{"role": "user", "content": "x" * 2001}]},
        {"session_id": "s", "conversation_history": [{"role": "user", "content": ""}]},
        {"session_id": "s", "conversation_history": [{"role": "user", "content": "hi"}] * 51},
        {"session_id": "s", "conversation_history": [{"role": "system", "content": "hi"}]},
        {"session_id": "s", "context": "a table", "answered_question_ids": ["q"] * 201},
        {"session_id": "", "context": "a table"},
    ],
)
def test_every_limit_of_the_spec_is_enforced(body, next_question, lambda_context) -> None:
    event = _with_body(load_event("next_question/spec_with_context.json"), body)

    assert next_question.lambda_handler(event, lambda_context)["statusCode"] == 422


def test_the_limits_themselves_are_accepted(next_question, lambda_context) -> None:
    body = {
        "session_id": "s" * 128,
        "conversation_history": [{"role": "user", "content": "a table " + "x" * 1992}] * 50,
        "context": "c" * 8000,
        "answered_question_ids": [f"q{i}" for i in range(200)],
    }
    event = _with_body(load_event("next_question/spec_with_context.json"), body)

    assert next_question.lambda_handler(event, lambda_context)["statusCode"] == 200


def test_a_retry_gets_the_same_question_and_answered_questions_are_never_repeated(
    next_question, lambda_context
) -> None:
    event = load_event("next_question/spec_with_context.json")
    first = _body(next_question.lambda_handler(event, lambda_context))["next_question"]
    again = _body(next_question.lambda_handler(event, lambda_context))["next_question"]
    assert first == again

    answered = _with_body(
        event, {**json.loads(event["body"]), "answered_question_ids": [first["external_id"]]}
    )
    following = _body(next_question.lambda_handler(answered, lambda_context))["next_question"]
    assert following["external_id"] not in {first["external_id"], "q_budget_max"}


def test_a_whole_flow_ends_exhausted(next_question, lambda_context) -> None:
    event = load_event("next_question/spec_with_context.json")
    answered: list[str] = []
    while True:
        body = {**json.loads(event["body"]), "answered_question_ids": answered}
        result = _body(next_question.lambda_handler(_with_body(event, body), lambda_context))
        if result["exhausted"]:
            assert result["next_question"] is None
            break
        answered.append(result["next_question"]["external_id"])
        assert len(answered) <= 13
    assert "q_budget_range" in answered


def _usage_items(moto_resources) -> list[dict]:
    return aws.dynamodb().query(
        TableName=moto_resources.tables["TenantsTable"],
        KeyConditionExpression="pk = :pk AND begins_with(sk, :usage)",
        ExpressionAttributeValues={":pk": {"S": "TENANT#demo"}, ":usage": {"S": "USAGE#"}},
    )["Items"]


def test_sessions_are_upserted_and_counted_once_per_session_by_the_stream_relay(
    next_question, lambda_context, moto_resources, stream_relay
) -> None:
    event = load_event("next_question/spec_with_context.json")
    for session_id in ("conv-a", "conv-a", "conv-a", "conv-b"):
        body = {**json.loads(event["body"]), "session_id": session_id}
        assert next_question.lambda_handler(_with_body(event, body), lambda_context)["statusCode"] == 200

    sessions = aws.dynamodb().get_item(
        TableName=moto_resources.tables["SessionsTable"],
        Key={"pk": {"S": "TENANT#demo#NBQ#conv-a"}, "sk": {"S": "SESSION"}},
    )["Item"]
    assert sessions["calls"]["N"] == "3"
    assert sessions["served"]["SS"] == ["q_budget_range"]
    assert int(sessions["expires_at"]["N"]) > int(sessions["last_seen"]["N"])
    assert (sessions["tenant_id"]["S"], sessions["started_by"]["S"]) == ("demo", "next-questions")
    assert _usage_items(moto_resources) == []  # the requests wrote only the sessions...

    assert stream_relay.pump() == [{"batchItemFailures": []}]  # ...the relay counts their INSERTs
    [usage] = _usage_items(moto_resources)
    first_seen = datetime.fromtimestamp(int(sessions["first_seen"]["N"]), UTC)
    assert usage["sk"]["S"] == f"USAGE#{first_seen.date().isoformat()}"
    assert usage["sessions"]["N"] == "2"
    assert int(usage["expires_at"]["N"]) >= int(sessions["first_seen"]["N"]) + 399 * 24 * 3600

    next_question.lambda_handler(
        _with_body(event, {**json.loads(event["body"]), "session_id": "conv-b"}), lambda_context
    )
    stream_relay.pump()
    assert [item["sessions"]["N"] for item in _usage_items(moto_resources)] == ["2"]  # MODIFY: no count


def test_the_first_call_of_a_new_session_costs_one_write(next_question, lambda_context) -> None:
    event = load_event("next_question/spec_with_history.json")
    next_question.lambda_handler(event, lambda_context)  # loads the catalog into the container
    calls: list[str] = []
    aws.dynamodb().meta.events.register("before-call.dynamodb.*", lambda model, **_: calls.append(model.name))

    body = {**json.loads(event["body"]), "session_id": "a-new-session"}
    assert next_question.lambda_handler(_with_body(event, body), lambda_context)["statusCode"] == 200

    assert calls == ["UpdateItem"]


def test_the_steady_state_costs_one_write_and_no_read(next_question, lambda_context) -> None:
    event = load_event("next_question/spec_with_history.json")
    next_question.lambda_handler(event, lambda_context)  # first call: loads the catalog, creates the session
    calls: list[str] = []
    aws.dynamodb().meta.events.register("before-call.dynamodb.*", lambda model, **_: calls.append(model.name))

    for _ in range(5):
        next_question.lambda_handler(event, lambda_context)

    assert calls == ["UpdateItem"] * 5


def test_a_tenant_without_a_catalog_gets_a_404_problem(load_function, lambda_context) -> None:
    app = load_function("NextQuestionFunction")

    response = app.lambda_handler(load_event("next_question/spec_with_context.json"), lambda_context)

    assert response["statusCode"] == 404
    assert "No question catalog" in _body(response)["detail"]


# --- conversions ------------------------------------------------------------------------------


def test_the_specs_conversion_is_accepted_stored_and_queued(
    stream_relay, record_conversion, lambda_context, moto_resources
) -> None:
    response = record_conversion.lambda_handler(
        load_event("record_conversion/spec_purchase.json"), lambda_context
    )

    assert response["statusCode"] == 202
    body = _body(response)
    assert re.fullmatch(r"cv_[0-9a-f]{24}", body["conversion_id"])
    assert body["request_id"] == "req_77a8b9c0d1e2f3a4"
    stored = aws.dynamodb().get_item(
        TableName=moto_resources.tables["SessionsTable"],
        Key={"pk": {"S": "TENANT#demo#NBQ#conv-7f3a1c"}, "sk": {"S": f"CONVERSION#{body['conversion_id']}"}},
    )["Item"]
    assert stored["outcome"]["S"] == "purchase"
    assert json.loads(stored["metadata"]["S"]) == {"order_value": 1290, "currency": "EUR"}
    [message] = _queue_messages(stream_relay)
    assert message == ConversionRecorded(
        "demo", "conv-7f3a1c", body["conversion_id"], "purchase", message.occurred_at
    )


def test_replaying_a_key_returns_the_same_conversion_and_records_it_once(
    stream_relay, record_conversion, lambda_context, moto_resources
) -> None:
    event = load_event("record_conversion/spec_purchase.json")

    first = _body(record_conversion.lambda_handler(event, lambda_context))
    second = _body(record_conversion.lambda_handler(event, lambda_context))

    assert first["conversion_id"] == second["conversion_id"]
    assert len(_queue_messages(stream_relay)) == 1


def test_the_same_key_with_another_body_is_an_idempotency_conflict(record_conversion, lambda_context) -> None:
    event = load_event("record_conversion/spec_purchase.json")
    record_conversion.lambda_handler(event, lambda_context)

    response = record_conversion.lambda_handler(_with_body(event, {"outcome": "abandon"}), lambda_context)

    assert response["statusCode"] == 422
    assert _body(response)["type"].endswith("/idempotency_conflict")


def test_keys_are_scoped_to_tenant_and_session(record_conversion, lambda_context) -> None:
    event = load_event("record_conversion/spec_purchase.json")
    first = _body(record_conversion.lambda_handler(event, lambda_context))["conversion_id"]
    other_tenant = json.loads(json.dumps(event))
    other_tenant["requestContext"]["authorizer"]["tenant_id"] = "acme"
    other_session = json.loads(json.dumps(event))
    other_session["pathParameters"]["session_id"] = "conv-other"
    other_session["path"] = "/v1/sessions/conv-other/conversion"

    assert _body(record_conversion.lambda_handler(other_tenant, lambda_context))["conversion_id"] != first
    assert _body(record_conversion.lambda_handler(other_session, lambda_context))["conversion_id"] != first


@pytest.mark.parametrize(
    ("case", "loc"),
    [
        ("missing_idempotency_key.json", ["header", "Idempotency-Key"]),
        ("malformed_idempotency_key.json", ["header", "Idempotency-Key"]),
        ("unknown_outcome.json", ["body", "outcome"]),
        ("metadata_too_large.json", ["body", "metadata"]),
    ],
)
def test_conversion_errors_are_422_problems(
    stream_relay, case, loc, record_conversion, lambda_context, moto_resources
) -> None:
    response = record_conversion.lambda_handler(load_event(f"record_conversion/{case}"), lambda_context)

    assert response["statusCode"] == 422
    assert _body(response)["errors"][0]["loc"] == loc
    assert _queue_messages(stream_relay) == []


def test_a_lowercase_header_name_works_too(record_conversion, lambda_context) -> None:
    event = load_event("record_conversion/spec_purchase.json")
    event["headers"] = {k.lower(): v for k, v in event["headers"].items()}

    assert record_conversion.lambda_handler(event, lambda_context)["statusCode"] == 202


# --- learning from conversions ------------------------------------------------------------------


def test_a_credited_outcome_is_counted_once_and_evidence_reorders_the_tier(
    stream_relay, next_question, record_conversion, lambda_context, moto_resources, load_function
) -> None:
    sessions = DynamoNbqSessionRepository(
        aws.dynamodb(), moto_resources.tables["SessionsTable"], moto_resources.tables["TenantsTable"]
    )
    config = DynamoNbqConfigRepository(aws.dynamodb(), moto_resources.tables["TenantsTable"])
    ask = load_event("next_question/spec_with_context.json")
    # q_budget_range is served (and abandoned) in one session...
    assert (
        _body(next_question.lambda_handler(ask, lambda_context))["next_question"]["external_id"]
        == "q_budget_range"
    )
    abandon = _with_body(load_event("record_conversion/spec_purchase.json"), {"outcome": "abandon"})
    record_conversion.lambda_handler(abandon, lambda_context)
    [message] = _queue_messages(stream_relay)

    assert credit_conversion(sessions, message) is True
    assert credit_conversion(sessions, message) is False  # redelivered: no second update
    assert config.stats("demo")["q_budget_range"].served == 1
    assert config.stats("demo")["q_budget_range"].converted == 0

    # With enough such evidence (30 credited abandons, added as crediting adds them), a fresh
    # container serves the untried alternative of the same tier instead.
    aws.dynamodb().update_item(
        TableName=moto_resources.tables["TenantsTable"],
        Key={"pk": {"S": "TENANT#demo"}, "sk": {"S": "NBQ#STATS"}},
        UpdateExpression="ADD #s :n",
        ExpressionAttributeNames={"#s": "s#q_budget_range"},
        ExpressionAttributeValues={":n": {"N": "30"}},
    )
    fresh = load_function("NextQuestionFunction")
    assert _body(fresh.lambda_handler(ask, lambda_context))["next_question"]["external_id"] == "q_budget_max"


def test_a_throttled_idempotency_table_is_a_503_to_retry_and_records_nothing(
    stream_relay, record_conversion, lambda_context, moto_resources
) -> None:
    from botocore.exceptions import ClientError

    def throttled(**_: object) -> None:
        raise ClientError(
            {"Error": {"Code": "ProvisionedThroughputExceededException", "Message": "slow down"}}, "PutItem"
        )

    aws.dynamodb().meta.events.register("before-call.dynamodb.PutItem", throttled)
    response = record_conversion.lambda_handler(
        load_event("record_conversion/spec_purchase.json"), lambda_context
    )
    aws.dynamodb().meta.events.unregister("before-call.dynamodb.PutItem", throttled)

    assert response["statusCode"] == 503
    assert header(response, "Retry-After") == "1"
    assert _body(response)["type"].endswith("/service_unavailable")
    assert _queue_messages(stream_relay) == []
    assert (
        record_conversion.lambda_handler(load_event("record_conversion/spec_purchase.json"), lambda_context)[
            "statusCode"
        ]
        == 202
    )


def test_the_session_id_is_api_gateways_decoded_path_parameter_whatever_its_characters(
    record_conversion, lambda_context, moto_resources
) -> None:
    # next-questions accepts any 1-128 characters in its body's session_id; the conversion of that
    # session must be recordable too (API Gateway decodes %2F, %01… into the path parameter).
    session_id = "ses/\U000ab976\x01 é"
    event = load_event("record_conversion/spec_purchase.json")
    event["path"] = "/v1/sessions/ses%2F%F2%AB%A5%B6%01%20%C3%A9/conversion"
    event["pathParameters"] = {"session_id": session_id}

    response = record_conversion.lambda_handler(event, lambda_context)

    assert response["statusCode"] == 202
    sessions = DynamoNbqSessionRepository(
        aws.dynamodb(), moto_resources.tables["SessionsTable"], moto_resources.tables["TenantsTable"]
    )
    assert sessions.latest_outcome("demo", session_id) == "purchase"
