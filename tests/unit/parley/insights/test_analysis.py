"""Offline insights on a small labelled set, and the Bedrock provider through botocore's Stubber."""

import json

import boto3
import pytest
from botocore.stub import Stubber

from parley.insights.offline import OfflineInsightsProvider
from parley.insights.providers import SYSTEM_PROMPT, BedrockInsightsProvider, provider_for
from parley.insights.sentiment import user_sentiment
from parley.insights.transcript import Transcript, Turn

OFFLINE = OfflineInsightsProvider()


def transcript(*turns: tuple[str, str], covered=(), outcome=None) -> Transcript:
    return Transcript(tuple(Turn(role, text) for role, text in turns), tuple(covered), outcome)


LABELLED = {
    "positive": transcript(
        ("user", "Hi, I'm looking for an outdoor dining table for my terrace."),
        ("assistant", "Great! How many people should it seat?"),
        ("user", "Six people, teak if possible."),
        ("assistant", "The Sahara teak table seats six."),
        ("user", "Perfect, that's exactly what I wanted. Thank you so much!"),
        covered=("product_type", "space", "seating_capacity", "material"),
    ),
    "negative": transcript(
        ("user", "The parasol I bought is flimsy and ugly."),
        ("assistant", "I'm sorry to hear that."),
        ("user", "Honestly the quality is bad and I regret buying it."),
    ),
    "mixed": transcript(
        ("user", "I love the chairs, they are beautiful!"),
        ("assistant", "Glad you like them."),
        ("user", "But the delivery was awful and late, very disappointing."),
        ("user", "Still, the chairs are great, I'm happy with them."),
    ),
    "complaint": transcript(
        ("user", "The table I ordered arrived yesterday."),
        ("assistant", "Wonderful! Is everything fine?"),
        ("user", "The extension mechanism still does not work."),
        ("assistant", "Could you rephrase? I'm not sure what you mean."),
        ("user", "I want to talk to a real person."),
    ),
    "purchase": transcript(
        ("user", "I'd like the aluminium table in grey."),
        ("assistant", "It's in your basket."),
        outcome="purchase",
    ),
}


@pytest.mark.parametrize(
    ("name", "sentiment"),
    [("positive", "positive"), ("negative", "negative"), ("mixed", "mixed"), ("purchase", "positive")],
)
def test_sentiment_labels_on_the_labelled_set(name: str, sentiment: str) -> None:
    assert OFFLINE.analyze(LABELLED[name]).sentiment == sentiment


def test_scores_are_in_range_and_order_as_the_labels() -> None:
    scores = {name: OFFLINE.analyze(t).sentiment_score for name, t in LABELLED.items()}
    assert all(-1.0 <= s <= 1.0 for s in scores.values())
    assert scores["positive"] > 0.05 > -0.05 > scores["negative"]


def test_recent_user_turns_weigh_more() -> None:
    improving = user_sentiment(["This is terrible.", "OK, that solved it, thank you, great!"])
    souring = user_sentiment(["OK, that solved it, thank you, great!", "This is terrible."])
    assert improving[1] > souring[1]


def test_a_complaint_that_sentiment_misses_is_an_issue_with_its_message_index() -> None:
    analysis = OFFLINE.analyze(LABELLED["complaint"])

    by_type = {issue["type"]: issue for issue in analysis.issues}
    assert by_type["complaint"]["messageIndex"] == 2
    assert "still does not work" in str(by_type["complaint"]["excerpt"])
    assert by_type["human_requested"]["messageIndex"] == 4
    assert by_type["assistant_not_understood"]["messageIndex"] == 3
    assert analysis.task_completed is False


def test_a_repeated_unanswered_question_is_an_issue() -> None:
    analysis = OFFLINE.analyze(
        transcript(
            ("user", "What are your opening hours on Sunday?"),
            ("assistant", "We sell outdoor furniture."),
            ("user", "What are your opening hours on Sunday??"),
        )
    )
    assert [(i["type"], i["messageIndex"]) for i in analysis.issues] == [("repeated_question", 2)]


def test_a_recorded_conversion_decides_task_completion_first() -> None:
    assert OFFLINE.analyze(LABELLED["purchase"]).task_completed is True
    abandoned = transcript(*((t.role, t.content) for t in LABELLED["positive"].turns), outcome="abandon")
    assert OFFLINE.analyze(abandoned).task_completed is False
    assert OFFLINE.analyze(LABELLED["positive"]).task_completed is True  # from its happy ending


def test_topics_are_the_covered_categories_then_key_phrases_from_the_user() -> None:
    topics = OFFLINE.analyze(LABELLED["positive"]).topics

    assert topics[:4] == ["product type", "space", "seating capacity", "material"]
    assert "outdoor dining table" in topics


def test_the_summary_states_only_what_happened() -> None:
    summary = OFFLINE.analyze(LABELLED["complaint"]).summary

    assert '"The table I ordered arrived yesterday."' in summary
    assert "complaint" in summary and "human requested" in summary
    assert "purchase" not in summary
    assert "Recorded outcome: a purchase." in OFFLINE.analyze(LABELLED["purchase"]).summary


def test_the_analysis_is_deterministic() -> None:
    assert OFFLINE.analyze(LABELLED["mixed"]) == OFFLINE.analyze(LABELLED["mixed"])


# --- Bedrock ------------------------------------------------------------------------------

MODEL = "anthropic.claude-3-haiku-20240307-v1:0"


def _bedrock() -> tuple[object, Stubber]:
    client = boto3.client(
        "bedrock-runtime", region_name="us-east-1", aws_access_key_id="x", aws_secret_access_key="x"
    )
    return client, Stubber(client)


def _converse_answer(text: str) -> dict:
    return {
        "output": {"message": {"role": "assistant", "content": [{"text": text}]}},
        "stopReason": "end_turn",
        "usage": {"inputTokens": 10, "outputTokens": 10, "totalTokens": 20},
        "metrics": {"latencyMs": 5},
    }


def test_bedrock_answers_are_parsed_and_validated() -> None:
    client, stubber = _bedrock()
    answer = {
        "sentiment": "negative",
        "sentimentScore": -0.6,
        "taskCompleted": False,
        "topics": ["extension mechanism"],
        "summary": "The user reports a broken extension mechanism.",
        "issues": [{"type": "complaint", "messageIndex": 2, "excerpt": "still does not work"}],
    }
    stubber.add_response(
        "converse",
        _converse_answer("Here it is: " + json.dumps(answer)),
        {
            "modelId": MODEL,
            "system": [{"text": SYSTEM_PROMPT}],
            "messages": [
                {
                    "role": "user",
                    "content": [
                        {
                            "text": "\n".join(
                                f"[{i}] {t.role}: {t.content}"
                                for i, t in enumerate(LABELLED["complaint"].turns)
                            )
                        }
                    ],
                }
            ],
            "inferenceConfig": {"maxTokens": 800, "temperature": 0.0},
        },
    )
    with stubber:
        analysis = BedrockInsightsProvider(client, MODEL, OFFLINE).analyze(LABELLED["complaint"])

    assert analysis.sentiment == "negative"
    assert analysis.sentiment_score == -0.6
    assert analysis.issues == [{"type": "complaint", "messageIndex": 2, "excerpt": "still does not work"}]
    stubber.assert_no_pending_responses()


@pytest.mark.parametrize(
    "answer",
    [
        "I think the customer is unhappy.",
        json.dumps({"sentiment": "furious", "sentimentScore": -1, "topics": [], "summary": "", "issues": []}),
        json.dumps(
            {"sentiment": "negative", "sentimentScore": -7, "topics": [], "summary": "", "issues": []}
        ),
        json.dumps(
            {"sentiment": "negative", "sentimentScore": -0.5, "issues": [{"type": "x", "messageIndex": 99}]}
        ),
    ],
)
def test_a_malformed_bedrock_answer_falls_back_to_the_offline_analysis(answer: str) -> None:
    client, stubber = _bedrock()
    stubber.add_response("converse", _converse_answer(answer))
    with stubber:
        analysis = BedrockInsightsProvider(client, MODEL, OFFLINE).analyze(LABELLED["complaint"])

    assert analysis == OFFLINE.analyze(LABELLED["complaint"])


def test_a_bedrock_error_falls_back_to_the_offline_analysis() -> None:
    client, stubber = _bedrock()
    stubber.add_client_error("converse", service_error_code="ThrottlingException", http_status_code=429)
    with stubber:
        analysis = BedrockInsightsProvider(client, MODEL, OFFLINE).analyze(LABELLED["positive"])

    assert analysis == OFFLINE.analyze(LABELLED["positive"])


def test_the_provider_is_offline_unless_bedrock_and_a_model_are_configured() -> None:
    made: list[str] = []

    def factory(service: str) -> object:
        made.append(service)
        return object()

    assert provider_for("offline", MODEL, factory).name == "offline"
    assert provider_for("bedrock", None, factory).name == "offline"
    assert provider_for("bedrock", MODEL, factory).name == "bedrock"
    assert made == ["bedrock-runtime"]
