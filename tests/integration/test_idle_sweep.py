"""CloseIdleConversationsFunction under moto: a turn conversation the user left is closed by the
scheduled sweep once its deployment's idle timeout has passed — its transcript completed, so the
stream relay queues it for insights like any completed conversation."""

from __future__ import annotations

import json

import pytest

from parley import admin, aws
from parley.dialogue.idle import GRACE_SECONDS
from tests.helpers.events import load_event
from tests.helpers.paths import ROOT
from tests.helpers.streams import drain


@pytest.fixture
def demo_loaded(moto_resources, capsys) -> None:
    where = ["--tenants-table", moto_resources.tables["TenantsTable"]]
    assert admin.main([*where, "load-config", str(ROOT / "tenants/demo")]) == 0
    capsys.readouterr()


def _turn(load_function, lambda_context, text: str) -> dict:
    app = load_function("ProcessTurnFunction")
    event = load_event("process_turn/unstructured_text.json")
    event["body"] = json.dumps({"request": {"unstructured": {"text": text}}})
    response = app.lambda_handler(event, lambda_context)
    assert response["statusCode"] == 200, response["body"]
    return json.loads(response["body"])


def _age(moto_resources, conversation_id: str, seconds: int) -> None:
    """Pretend the last turn was ``seconds`` ago: move the session's idle expiry back."""
    aws.dynamodb().update_item(
        TableName=moto_resources.tables["SessionsTable"],
        Key={"pk": {"S": f"TENANT#demo#TURN#{conversation_id}"}, "sk": {"S": "STATE"}},
        UpdateExpression="SET idle_expires_at = idle_expires_at - :s",
        ExpressionAttributeValues={":s": {"N": str(seconds)}},
    )


def _conversation(load_function, lambda_context, conversation_id: str) -> dict:
    app = load_function("GetConversationFunction")
    event = load_event("get_conversation/ok.json")
    event["pathParameters"] = {"id": conversation_id}
    return json.loads(app.lambda_handler(event, lambda_context)["body"])


def test_a_conversation_the_user_left_is_closed_by_the_sweep_and_queued_for_insights(
    demo_loaded, stream_relay, load_function, lambda_context, moto_resources
) -> None:
    sweep = load_function("CloseIdleConversationsFunction")
    conversation_id = _turn(load_function, lambda_context, "I need a garden table")["conversationId"]
    drain(stream_relay)

    # Not yet idle: nothing to close
    assert sweep.lambda_handler(load_event("close_idle_conversations/scheduled.json"), lambda_context) == {
        "closed": 0
    }
    # The user left: the deployment's timeout (900 s) and the sweep's grace period have passed
    _age(moto_resources, conversation_id, 900 + GRACE_SECONDS + 1)
    result = sweep.lambda_handler(load_event("close_idle_conversations/scheduled.json"), lambda_context)

    assert result == {"closed": 1}
    conversation = _conversation(load_function, lambda_context, conversation_id)
    assert conversation["status"] == "completed"
    assert "timed out after 900 s" in conversation["messages"][-1]["content"]
    assert [m.kind for m in drain(stream_relay)] == ["conversation.updated", "conversation.completed"]
    # Swept once: a second run finds nothing
    assert sweep.lambda_handler(load_event("close_idle_conversations/scheduled.json"), lambda_context) == {
        "closed": 0
    }
