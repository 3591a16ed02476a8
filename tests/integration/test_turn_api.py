# ruff: noqa: RUF001 -- the demo deployment's texts use en dashes, as the shop writes them
"""ProcessTurnFunction under moto, driven by the events in events/process_turn/.

The demo tenant is loaded with the admin command (catalog + deployment), so these tests also
cover that the deployment in tenants/demo validates and is stored.
"""

from __future__ import annotations

import json
import shutil
import threading
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from parley import admin, aws
from parley.conversations.repository import DynamoConversationRepository
from parley.conversations.service import ConversationService
from parley.dialogue.repository import DynamoTurnSessionRepository
from tests.helpers.events import load_event
from tests.helpers.http import header
from tests.helpers.paths import ROOT

BUDGET_QUESTION = "What budget range did you have in mind for the table?"


@pytest.fixture
def demo_loaded(moto_resources, capsys) -> None:
    where = ["--tenants-table", moto_resources.tables["TenantsTable"]]
    assert admin.main([*where, "load-config", str(ROOT / "tenants/demo")]) == 0
    capsys.readouterr()


@pytest.fixture
def process_turn(demo_loaded, load_function):
    return load_function("ProcessTurnFunction")


class Client:
    def __init__(self, module: Any, context: Any) -> None:
        self.module, self.context = module, context

    def raw(self, body: Any, deployment: str = "furniture-shop", channel: str = "web-en-US") -> dict:
        event = load_event("process_turn/unstructured_text.json")
        path = f"/c/{deployment}/{channel}"
        event = {
            **event,
            "path": path,
            "pathParameters": {"deploymentKey": deployment, "channelKey": channel},
            "body": body if isinstance(body, str) else json.dumps(body),
        }
        return self.module.lambda_handler(event, self.context)

    def send(self, body: dict, **kwargs: str) -> dict:
        response = self.raw(body, **kwargs)
        assert response["statusCode"] == 200, response["body"]
        return json.loads(response["body"])

    def say(self, text: str, conversation_id: str | None = None) -> dict:
        body: dict[str, Any] = {"request": {"unstructured": {"text": text}}}
        if conversation_id:
            body["conversationId"] = conversation_id
        return self.send(body)

    def choose(self, choice_id: str, conversation_id: str) -> dict:
        return self.send(
            {"conversationId": conversation_id, "request": {"structured": {"choiceId": choice_id}}}
        )


@pytest.fixture
def client(process_turn, lambda_context) -> Client:
    return Client(process_turn, lambda_context)


def _texts(body: dict) -> list[str]:
    return [m["text"] for m in body["messages"]]


def _transcript(moto_resources, conversation_id: str):
    repository = DynamoConversationRepository(aws.dynamodb(), moto_resources.tables["ConversationsTable"])
    return ConversationService(repository).get("demo", conversation_id)


# --- whole dialogues ---------------------------------------------------------------------------


def test_a_dialogue_by_text_reaches_fulfilment_and_its_transcript_is_a_conversation(
    client, moto_resources
) -> None:
    # Given the spec's unstructured request shape (event), which names the intent and the seats
    first = json.loads(
        client.module.lambda_handler(load_event("process_turn/unstructured_text.json"), client.context)[
            "body"
        ]
    )

    assert first["metadata"]["intentId"] == "find_outdoor_table"
    # Nothing is left pending (NLX's SDK would poll): the question is the answer
    assert first["metadata"]["hasPendingDataRequest"] is False
    assert first["messages"][0]["text"] == "Hi! I'm the Terrace & Table assistant."
    question = first["messages"][-1]
    assert question["text"] == BUDGET_QUESTION
    assert question["type"] == "multichoice"
    assert question["choicesMetadata"] == {"source": "Local"}
    assert question["choices"][1] == {"choiceId": "500-1000", "choiceText": "€500–€1,000"}
    assert first["context"] == {"pageUrl": "https://shop.example/outdoor", "cartValue": 0}
    assert first["modalities"] == []
    assert first["request_id"] == "req_7c1e5a2b4d3f4a6b"
    conversation_id = first["conversationId"]

    # When the user answers in words
    second = client.say("around 800 euros", conversation_id)
    assert second["messages"][-1]["text"].startswith("Do you have a material in mind")
    third = client.say("teak would be lovely", conversation_id)

    # Then the intent is fulfilled with the collected slots
    assert third["payload"]["intentId"] == "find_outdoor_table"
    assert third["payload"]["slots"] == {"budget": "500-1000", "seating": "6", "material": "teak"}
    assert second["payload"]["slots"] == {"budget": "500-1000", "seating": "6"}  # on every turn
    assert third["messages"][-1]["text"] == (
        "Here is our shortlist of teak tables for 6 people, between €500 and €1,000. "
        "I've sent it to your basket page."
    )
    assert third["metadata"]["hasPendingDataRequest"] is False
    assert third["context"] == first["context"]

    # And the transcript is a completed Conversations-API conversation with the same id
    stored = _transcript(moto_resources, conversation_id)
    assert stored.conversation.prompt_id == "furniture-shop"
    assert stored.conversation.status == "completed"
    assert stored.conversation.user_id == "user-42"
    roles = [m["role"] for m in stored.messages]
    assert roles == ["user", "assistant", "assistant", "user", "assistant", "user", "assistant"]
    assert stored.messages[3]["content"] == "around 800 euros"


def test_a_dialogue_by_choices_from_an_empty_request(client) -> None:
    opening = client.send(load_event("process_turn/empty_request.json") and {"request": {}})
    menu = opening["messages"][-1]
    assert menu["type"] == "multichoice"
    assert [c["choiceId"] for c in menu["choices"]] == [
        "find_outdoor_table",
        "delivery_question",
        "returns_question",
    ]
    assert opening["metadata"]["incomprehension"] is False
    conversation_id = opening["conversationId"]

    asked = client.choose("find_outdoor_table", conversation_id)
    assert asked["messages"][-1]["text"] == BUDGET_QUESTION
    answers = {"budget": "1000-2000", "seating": "4", "material": "aluminium"}
    body = asked
    for _ in range(3):
        pending = {
            BUDGET_QUESTION: "budget",
            "How many people should the table seat?": "seating",
        }.get(body["messages"][-1]["text"], "material")
        body = client.choose(answers[pending], conversation_id)
    assert body["payload"]["slots"] == answers


def test_structured_intent_and_slots_ask_only_what_is_missing(client) -> None:
    response = client.module.lambda_handler(
        load_event("process_turn/structured_intent_slots.json"), client.context
    )
    body = json.loads(response["body"])

    assert response["statusCode"] == 200
    assert body["metadata"]["intentId"] == "find_outdoor_table"
    assert body["messages"][-1]["text"] == BUDGET_QUESTION
    done = client.send(
        {
            "conversationId": body["conversationId"],
            "request": {"structured": {"slots": [{"slotId": "budget", "value": "Over €2,000"}]}},
        }
    )
    assert done["payload"]["slots"] == {"budget": "over-2000", "seating": "4", "material": "teak"}


def test_an_unknown_choice_is_an_incomprehension_and_the_question_is_asked_again(client) -> None:
    first = client.say("I need a garden table")
    again = client.choose("no-such-choice", first["conversationId"])

    assert again["metadata"]["incomprehension"] is True
    assert again["metadata"]["frustration"] is False
    assert _texts(again) == ["Sorry, I did not quite get that.", first["messages"][-1]["text"]]


def test_repeated_incomprehension_is_frustration_then_persisting_frustration_escalates(
    client, moto_resources
) -> None:
    first = client.say("I need a garden table")
    conversation_id = first["conversationId"]

    once = client.say("purple elephants", conversation_id)
    twice = client.say("zebra crossing", conversation_id)
    thrice = client.say("moonlight sonata", conversation_id)

    assert (once["metadata"]["incomprehension"], once["metadata"]["frustration"]) == (True, False)
    assert (twice["metadata"]["frustration"], twice["metadata"]["escalation"]) == (True, False)
    assert thrice["metadata"]["escalation"] is True
    assert thrice["metadata"]["escalationChannel"]["type"] == "live_chat"
    # The handed-off task's transcript is final; a later turn is a new task under the same id
    assert _transcript(moto_resources, conversation_id).conversation.status == "completed"
    after = client.say("How long does delivery take?", conversation_id)
    assert after["conversationId"] == conversation_id
    assert after["metadata"]["escalation"] is False
    assert _texts(after) == ["What is the delivery postcode, so I can check delivery options?"]


def test_a_strongly_negative_turn_is_frustration(client) -> None:
    first = client.say("I need a garden table")
    angry = client.say("this is terrible, useless and awful", first["conversationId"])

    assert angry["metadata"]["frustration"] is True
    assert angry["metadata"]["escalation"] is False


def test_asking_for_a_human_escalates_at_once(client) -> None:
    body = client.say("Can I talk to a real person please?")

    assert body["metadata"]["escalation"] is True
    assert body["metadata"]["escalationChannel"] == {
        "type": "live_chat",
        "name": "Terrace & Table customer service",
        "queue": "furniture-sales",
        "hours": "Mon–Sat 9:00–18:00 CET",
    }
    assert body["payload"]["handoff"] is True
    assert body["payload"]["status"] == "handoff"


def test_a_delivery_question_takes_a_postcode(client) -> None:
    first = client.say("How long does delivery take?")
    assert first["messages"][-1]["text"] == "What is the delivery postcode, so I can check delivery options?"
    done = client.say("it's 75011", first["conversationId"])
    assert done["messages"][-1]["text"].startswith("We deliver to 75011")


# --- sessions -----------------------------------------------------------------------------------


def _age_session(moto_resources, conversation_id: str, seconds: int) -> None:
    table = moto_resources.tables["SessionsTable"]
    key = {"pk": {"S": f"TENANT#demo#TURN#{conversation_id}"}, "sk": {"S": "STATE"}}
    item = aws.dynamodb().get_item(TableName=table, Key=key)["Item"]
    item["idle_expires_at"] = {"N": str(int(item["idle_expires_at"]["N"]) - seconds)}
    aws.dynamodb().put_item(TableName=table, Item=item)


def test_a_turn_on_an_expired_conversation_starts_afresh_and_says_so(client, moto_resources) -> None:
    first = client.say("I need a garden table")
    old_id = first["conversationId"]
    expires = datetime.fromisoformat(first["expirationTimestamp"])
    assert timedelta(seconds=895) < expires - datetime.now(UTC) <= timedelta(seconds=900)
    _age_session(moto_resources, old_id, 901)

    body = client.say("under 500", old_id)

    assert body["conversationId"] == old_id  # the client's id stays valid for its whole chat
    assert _texts(body)[0] == "Your previous conversation timed out, so let's start over."
    old = _transcript(moto_resources, old_id)
    assert old.conversation.status == "completed"
    assert old.messages[-1]["role"] == "system"


def test_concurrent_turns_on_one_conversation_apply_once_per_version(client, moto_resources) -> None:
    first = client.say("I need a garden table")
    conversation_id = first["conversationId"]
    barrier = threading.Barrier(4)
    responses: list[dict] = []

    def send(text: str) -> None:
        barrier.wait()
        responses.append(
            client.raw({"conversationId": conversation_id, "request": {"unstructured": {"text": text}}})
        )

    threads = [
        threading.Thread(target=send, args=(t,)) for t in ("2 people", "4 people", "6 people", "cheap")
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    statuses = sorted(r["statusCode"] for r in responses)
    assert statuses.count(200) >= 1
    assert set(statuses) <= {200, 409}
    stored = DynamoTurnSessionRepository(aws.dynamodb(), moto_resources.tables["SessionsTable"]).get(
        "demo", conversation_id
    )
    assert stored.version == 1 + statuses.count(200)
    conflict = next((r for r in responses if r["statusCode"] == 409), None)
    if conflict is not None:
        assert header(conflict, "Content-Type") == "application/problem+json"
        assert header(conflict, "Retry-After") == "1"
        assert json.loads(conflict["body"])["type"].endswith("/conflict")


# --- client errors ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("case", "status", "code"),
    [
        ("channel_without_suffix", 400, "validation_failed"),
        ("context_too_large", 400, "validation_failed"),
        ("missing_request", 400, "validation_failed"),
        ("not_json", 400, "validation_failed"),
        ("unknown_deployment", 404, "not_found"),
        ("unknown_channel", 404, "not_found"),
    ],
)
def test_client_errors_are_problems(case, status, code, client) -> None:
    response = client.module.lambda_handler(load_event(f"process_turn/{case}.json"), client.context)
    body = json.loads(response["body"])

    assert response["statusCode"] == status
    assert header(response, "Content-Type") == "application/problem+json"
    assert body["type"] == f"https://api.zelinqa.ai/errors/{code}"
    assert body["status"] == status
    assert body["request_id"].startswith("req_7c1e5a2b")


def test_a_conversation_id_the_client_chose_is_kept_and_one_of_the_wrong_form_is_a_400(client) -> None:
    chosen = client.raw({"conversationId": "my-own-id", "request": {"unstructured": {"text": "hi"}}})
    assert chosen["statusCode"] == 200
    assert json.loads(chosen["body"])["conversationId"] == "my-own-id"

    wrong = client.raw({"conversationId": "my own id\n", "request": {"unstructured": {"text": "hi"}}})
    problem = json.loads(wrong["body"])
    assert wrong["statusCode"] == 400
    assert [error["loc"] for error in problem["errors"]] == [["body", "conversationId"]]


def test_another_tenants_conversation_is_not_reachable(client, moto_resources) -> None:
    first = client.say("I need a garden table")
    event = load_event("process_turn/unstructured_text.json")
    event["requestContext"]["authorizer"] = {"principalId": "acme", "tenant_id": "acme", "key_prefix": "x"}
    event["body"] = json.dumps(
        {"conversationId": first["conversationId"], "request": {"unstructured": {"text": "hi"}}}
    )

    response = client.module.lambda_handler(event, client.context)

    assert response["statusCode"] == 404  # acme has no deployment furniture-shop


def test_two_tenants_with_the_same_deployment_and_client_id_hold_two_conversations(
    client, moto_resources, capsys, tmp_path
) -> None:
    # Given a second tenant that owns a deployment of the same key as the demo's
    folder = tmp_path / "acme"
    shutil.copytree(ROOT / "tenants/demo", folder)
    tenant = (folder / "tenant.yaml").read_text().replace("tenant_id: demo", "tenant_id: acme")
    (folder / "tenant.yaml").write_text(tenant)
    where = ["--tenants-table", moto_resources.tables["TenantsTable"]]
    assert admin.main([*where, "load-config", str(folder)]) == 0
    capsys.readouterr()

    # When both tenants' clients chat under the same id they minted themselves
    shared_id = "client-minted-0001"
    demo = client.say("I need a garden table", conversation_id=shared_id)
    acme_event = load_event("process_turn/unstructured_text.json")
    acme_event["requestContext"]["authorizer"] = {
        "principalId": "acme",
        "tenant_id": "acme",
        "key_prefix": "x",
    }
    acme_event["body"] = json.dumps(
        {"conversationId": shared_id, "request": {"unstructured": {"text": "hello, just looking"}}}
    )
    acme = client.module.lambda_handler(acme_event, client.context)

    # Then each tenant has its own conversation under that id, holding only its own words
    assert acme["statusCode"] == 200, acme["body"]
    assert demo["conversationId"] == json.loads(acme["body"])["conversationId"] == shared_id
    sessions = DynamoTurnSessionRepository(aws.dynamodb(), moto_resources.tables["SessionsTable"])
    demo_session, acme_session = sessions.get("demo", shared_id), sessions.get("acme", shared_id)
    assert demo_session is not None and acme_session is not None
    assert demo_session.state != acme_session.state
    repository = DynamoConversationRepository(aws.dynamodb(), moto_resources.tables["ConversationsTable"])
    service = ConversationService(repository)
    demo_log = service.get("demo", demo_session.segment_id or shared_id)
    acme_log = service.get("acme", acme_session.segment_id or shared_id)
    demo_texts, acme_texts = (
        [m["content"] for m in demo_log.messages],
        [m["content"] for m in acme_log.messages],
    )
    assert "I need a garden table" in demo_texts and "I need a garden table" not in acme_texts
    assert "hello, just looking" in acme_texts and "hello, just looking" not in demo_texts


def test_catalog_questions_a_turn_asks_are_served_in_the_nbq_session_of_the_same_id(
    client, moto_resources
) -> None:
    from parley.nbq.repository import DynamoNbqSessionRepository

    sessions = DynamoNbqSessionRepository(
        aws.dynamodb(), moto_resources.tables["SessionsTable"], moto_resources.tables["TenantsTable"]
    )
    first = client.say("I'd like an outdoor dining table")
    conversation = first["conversationId"]
    asked_first = sessions.served_questions("demo", conversation)
    assert len(asked_first) == 1 and asked_first <= {"q_budget_range", "q_seating_capacity", "q_material"}

    client.say("about 900 euros", conversation)

    # A conversion recorded for this conversation (its id is the session id) credits what was asked.
    assert len(sessions.served_questions("demo", conversation)) == 2


def test_after_a_shortlist_a_correction_does_it_again_in_the_same_chat(client) -> None:
    first = client.say("a teak table for 6 people, around 800 euros")
    assert first["payload"]["status"] == "fulfilled"

    corrected = client.say("actually make it aluminium", first["conversationId"])

    assert corrected["conversationId"] == first["conversationId"]
    assert corrected["payload"]["status"] == "fulfilled"
    assert corrected["payload"]["slots"] == {"budget": "500-1000", "seating": "6", "material": "aluminium"}
    assert corrected["messages"][-1]["text"].startswith(
        "Here is our shortlist of aluminium tables for 6 people"
    )


def test_after_a_delivery_answer_for_a_place_its_postcode_is_answered_for(client) -> None:
    first = client.say("do you deliver to Paris?")
    assert first["messages"][-1]["text"].startswith("We deliver to Paris")

    postcode = client.say("75011", first["conversationId"])

    assert postcode["payload"]["slots"] == {"destination": "75011"}
    assert postcode["messages"][-1]["text"].startswith("We deliver to 75011")
