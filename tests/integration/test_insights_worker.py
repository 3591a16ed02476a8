"""InsightsWorkerFunction under moto: completed conversations get insights once, conversions are
credited once, a poison record fails alone, and webhooks are delivered signed."""

import http.server
import json
import threading
import uuid
from collections.abc import Iterator
from typing import ClassVar

import pytest

from parley import aws
from parley.queues.messages import (
    ConversationCompleted,
    ConversionRecorded,
    WebhookDelivery,
    WebhookEvent,
    encode,
)
from parley.tenants.repository import DynamoTenantRepository
from parley.tenants.service import TenantService
from parley.webhooks.repository import DynamoWebhookRepository
from parley.webhooks.service import WebhookService
from parley.webhooks.signing import verify
from tests.helpers.events import FakeContext, load_event, sqs_event
from tests.helpers.streams import drain


@pytest.fixture
def completed_conversation(load_function, lambda_context, moto_resources) -> str:
    create = load_function("CreateConversationFunction")
    event = load_event("create_conversation/spec_example.json")
    event["body"] = json.dumps(
        {
            "promptId": "prompt_123",
            "content": "User: Hello, I need a dining table for six on my terrace.\n"
            "Assistant: Our teak table seats six.\nUser: Perfect, thank you so much!",
            "status": "completed",
        }
    )
    response = create.lambda_handler(event, lambda_context)
    assert response["statusCode"] == 200, response["body"]
    return json.loads(response["body"])["id"]


@pytest.fixture
def worker(load_function):
    return load_function("InsightsWorkerFunction")


def _insights(load_function, lambda_context, conversation_id: str) -> dict:
    app = load_function("GetConversationInsightsFunction")
    event = load_event("get_conversation_insights/ok.json")
    event["path"] = f"/api/v1/conversations/{conversation_id}/insights"
    event["pathParameters"] = {"id": conversation_id}
    response = app.lambda_handler(event, lambda_context)
    assert response["statusCode"] == 200, response["body"]
    return json.loads(response["body"])


def test_a_completed_conversation_gets_insights_in_the_specs_shape(
    stream_relay, completed_conversation, worker, load_function, lambda_context, moto_resources
) -> None:
    [message] = drain(stream_relay)
    assert message == ConversationCompleted("demo", completed_conversation, message.occurred_at)

    result = worker.lambda_handler(sqs_event(encode(message)), lambda_context)

    assert result == {"batchItemFailures": []}
    insights = _insights(load_function, lambda_context, completed_conversation)
    # The spec's members in the spec's order; every Parley body also carries its request_id.
    assert [key for key in insights if key != "request_id"] == [
        "conversationId",
        "sentiment",
        "sentimentScore",
        "taskCompleted",
        "topics",
        "summary",
        "issues",
        "createdAt",
    ]
    assert insights["conversationId"] == completed_conversation
    assert insights["sentiment"] == "positive"
    assert insights["taskCompleted"] is True
    assert "dining table" in " ".join(insights["topics"])
    assert insights["issues"] == []


def test_a_poison_record_fails_alone_and_the_rest_of_its_batch_is_committed(
    stream_relay, completed_conversation, worker, load_function, lambda_context, moto_resources
) -> None:
    [message] = drain(stream_relay)

    result = worker.lambda_handler(sqs_event(encode(message), "not a message", "{}"), lambda_context)

    assert result == {"batchItemFailures": [{"itemIdentifier": "msg-1"}, {"itemIdentifier": "msg-2"}]}
    assert _insights(load_function, lambda_context, completed_conversation)["sentiment"] == "positive"


class _ClockedContext(FakeContext):
    """An invocation whose remaining time drops by ``step_ms`` each time it is read."""

    def __init__(self, remaining_ms: int, step_ms: int = 0) -> None:
        self.remaining_ms, self.step_ms = remaining_ms, step_ms

    def get_remaining_time_in_millis(self) -> int:
        remaining = self.remaining_ms
        self.remaining_ms -= self.step_ms
        return remaining


def test_with_too_little_time_left_the_worker_hands_records_back_untouched(
    stream_relay, completed_conversation, worker, load_function, lambda_context, moto_resources
) -> None:
    # Given a batch of two, and an invocation that has time for the first record only
    [message] = drain(stream_relay)
    context = _ClockedContext(remaining_ms=worker.RESERVE_MS + 1_000, step_ms=2_000)

    result = worker.lambda_handler(sqs_event(encode(message), encode(message)), context)

    # Then the second comes back as a batch item failure, to be delivered again; the first is done
    assert result == {"batchItemFailures": [{"itemIdentifier": "msg-1"}]}
    assert _insights(load_function, lambda_context, completed_conversation)["sentiment"] == "positive"


def test_a_redelivered_or_repeated_completion_yields_one_set_of_insights(
    stream_relay, completed_conversation, worker, load_function, lambda_context, moto_resources
) -> None:
    [message] = drain(stream_relay)
    worker.lambda_handler(sqs_event(encode(message)), lambda_context)
    first = _insights(load_function, lambda_context, completed_conversation)

    worker.lambda_handler(sqs_event(encode(message), encode(message)), lambda_context)

    assert _insights(load_function, lambda_context, completed_conversation) == first


def test_a_recorded_conversion_is_credited_once_even_when_redelivered(
    stream_relay, catalog_loaded, load_function, worker, lambda_context, moto_resources
) -> None:
    config = catalog_loaded
    load_function("NextQuestionFunction").lambda_handler(
        load_event("next_question/spec_with_context.json"), lambda_context
    )
    load_function("RecordConversionFunction").lambda_handler(
        load_event("record_conversion/spec_purchase.json"), lambda_context
    )
    [message] = drain(stream_relay)
    assert isinstance(message, ConversionRecorded)

    worker.lambda_handler(sqs_event(encode(message), encode(message)), lambda_context)
    worker.lambda_handler(sqs_event(encode(message)), lambda_context)

    stats = config.stats("demo")
    assert stats["q_budget_range"].served == 1
    assert stats["q_budget_range"].converted == 1


class _Receiver(http.server.BaseHTTPRequestHandler):
    received: ClassVar[list] = []
    secret = ""

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        valid = verify(self.secret, self.headers["Parley-Signature"], body)
        type(self).received.append((self.headers["Parley-Event"], json.loads(body), valid))
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def receiver() -> Iterator[tuple[str, type[_Receiver]]]:
    _Receiver.received = []
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Receiver)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/hooks", _Receiver
    server.shutdown()


def test_completion_and_insights_are_delivered_as_signed_webhooks(
    stream_relay, receiver, completed_conversation, load_function, lambda_context, moto_resources, monkeypatch
) -> None:
    # The receiver is on 127.0.0.1, which only local mode allows (as the local gateway sets it).
    monkeypatch.setenv("PARLEY_WEBHOOKS_ALLOW_PRIVATE", "true")
    worker = load_function("InsightsWorkerFunction")
    url, handler = receiver
    TenantService(
        DynamoTenantRepository(aws.dynamodb(), moto_resources.tables["TenantsTable"]), None
    ).create_tenant("demo", "Demo")
    webhooks_function = load_function("DeliverWebhooksFunction")
    service = WebhookService(
        DynamoWebhookRepository(
            aws.dynamodb(), moto_resources.tables["WebhooksTable"], moto_resources.tables["TenantsTable"]
        ),
        allow_private=True,
    )
    _, secret = service.register("demo", url, ["conversation.completed", "insights.generated"])
    handler.secret = secret
    [completed] = drain(stream_relay)

    # The worker only announces the events, on the webhooks queue ...
    worker.lambda_handler(sqs_event(encode(completed)), lambda_context)
    events = drain(stream_relay, relay=False, queue="WebhooksQueue")
    assert sorted(e.event_type for e in events) == ["conversation.completed", "insights.generated"]
    assert all(isinstance(e, WebhookEvent) for e in events)
    assert drain(stream_relay, relay=False) == []  # nothing for webhooks stays on the insights queue
    # ... the webhooks function fans them out, then delivers each.
    webhooks_function.lambda_handler(sqs_event(*(encode(e) for e in events)), lambda_context)
    deliveries = drain(stream_relay, relay=False, queue="WebhooksQueue")
    assert all(isinstance(d, WebhookDelivery) for d in deliveries)
    webhooks_function.lambda_handler(sqs_event(*(encode(d) for d in deliveries)), lambda_context)

    assert sorted(event for event, _, _ in handler.received) == [
        "conversation.completed",
        "insights.generated",
    ]
    assert all(valid for _, _, valid in handler.received)
    insights_event = next(body for event, body, _ in handler.received if event == "insights.generated")
    assert insights_event["data"]["conversation_id"] == completed_conversation
    assert insights_event["data"]["insights"]["sentiment"] == "positive"


def test_with_too_little_time_left_the_webhooks_function_starts_no_delivery(
    load_function, moto_resources, receiver
) -> None:
    # A delivery may take the whole deadline: with less than that left, nothing is started.
    webhooks_function = load_function("DeliverWebhooksFunction")
    _url, handler = receiver
    delivery = WebhookDelivery("demo", "wh_1", "evt_1", "conversation.completed", {"id": "evt_1"})

    result = webhooks_function.lambda_handler(
        sqs_event(encode(delivery)), _ClockedContext(remaining_ms=webhooks_function.RESERVE_MS - 1)
    )

    assert result == {"batchItemFailures": [{"itemIdentifier": "msg-0"}]}
    assert handler.received == []


# --- an outcome that arrives after the conversation completed -------------------------------------


def _create(load_function, lambda_context, body: dict) -> str:
    create = load_function("CreateConversationFunction")
    event = load_event("create_conversation/spec_example.json")
    event["body"] = json.dumps(body)
    response = create.lambda_handler(event, lambda_context)
    assert response["statusCode"] == 200, response["body"]
    return json.loads(response["body"])["id"]


def _record_conversion(load_function, lambda_context, session_id: str, outcome: str) -> None:
    record = load_function("RecordConversionFunction")
    event = load_event("record_conversion/spec_purchase.json")
    event["pathParameters"] = {"session_id": session_id}
    event["path"] = f"/v1/sessions/{session_id}/conversion"
    event["headers"]["Idempotency-Key"] = str(uuid.uuid4())
    event["body"] = json.dumps({"outcome": outcome})
    assert record.lambda_handler(event, lambda_context)["statusCode"] == 202


def test_an_outcome_recorded_after_completion_reaches_the_conversation_its_insights_and_webhooks(
    stream_relay, worker, load_function, lambda_context, moto_resources
) -> None:
    # Given a completed conversation of session "checkout-42", analysed before any outcome existed
    conversation_id = _create(
        load_function,
        lambda_context,
        {
            "promptId": "prompt_123",
            "content": json.dumps(
                {
                    "messages": [
                        {"role": "user", "content": "I need a garden table for six"},
                        {"role": "assistant", "content": "The Sahara teak table seats six."},
                        {"role": "user", "content": "Teak then"},
                    ],
                    "metadata": {"sessionId": "checkout-42"},
                }
            ),
            "status": "completed",
        },
    )
    [completed] = drain(stream_relay)
    worker.lambda_handler(sqs_event(encode(completed)), lambda_context)
    assert _insights(load_function, lambda_context, conversation_id)["taskCompleted"] is None
    drain(stream_relay, relay=False, queue="WebhooksQueue")

    # When a purchase is recorded for the session afterwards
    _record_conversion(load_function, lambda_context, "checkout-42", "purchase")
    [conversion] = drain(stream_relay)
    assert worker.lambda_handler(sqs_event(encode(conversion)), lambda_context) == {"batchItemFailures": []}

    # Then the conversation carries the outcome, its insights say the task was completed, and the
    # webhooks announce both changes
    get = load_function("GetConversationFunction")
    event = load_event("get_conversation/ok.json")
    event["pathParameters"] = {"id": conversation_id}
    conversation = json.loads(get.lambda_handler(event, lambda_context)["body"])
    assert conversation["outcome"] == "purchase"
    assert conversation["insights"]["taskCompleted"] is True
    assert _insights(load_function, lambda_context, conversation_id)["taskCompleted"] is True
    events = drain(stream_relay, relay=False, queue="WebhooksQueue")
    assert sorted(e.event_type for e in events) == [
        "conversation.updated",
        "conversion.recorded",
        "insights.updated",
    ]
    updated = next(e for e in events if e.event_type == "conversation.updated")
    assert updated.data == {
        "conversation_id": conversation_id,
        "changed_fields": ["outcome"],
        "outcome": "purchase",
    }

    # And a redelivery of the same conversion changes nothing more
    worker.lambda_handler(sqs_event(encode(conversion)), lambda_context)
    assert [e.event_type for e in drain(stream_relay, relay=False, queue="WebhooksQueue")] == [
        "conversion.recorded"
    ]


def test_an_outcome_recorded_before_completion_decides_task_completed(
    stream_relay, worker, load_function, lambda_context
) -> None:
    _record_conversion(load_function, lambda_context, "session-7", "abandon")
    [conversion] = drain(stream_relay)
    worker.lambda_handler(sqs_event(encode(conversion)), lambda_context)
    conversation_id = _create(
        load_function,
        lambda_context,
        {
            "promptId": "p",
            "content": json.dumps(
                {
                    "messages": [{"role": "user", "content": "Thanks, perfect!"}],
                    "metadata": {"sessionId": "session-7"},
                }
            ),
        },
    )
    [completed] = drain(stream_relay)
    worker.lambda_handler(sqs_event(encode(completed)), lambda_context)

    assert _insights(load_function, lambda_context, conversation_id)["taskCompleted"] is False
