"""A conversation with a tenant deployment's turn engine, in process: each visitor text in turn,
the state carried from one turn to the next, the slot questions asked in the deployment's order.
``demo`` is the furniture shop (tenants/demo), ``telecom`` the mobile operator (tenants/telecom)."""

from __future__ import annotations

from datetime import date
from functools import cache
from typing import TYPE_CHECKING, Any

from tests.helpers.demo import demo_deployment
from tests.helpers.paths import ROOT

if TYPE_CHECKING:
    from parley.dialogue.deployment import Deployment
    from parley.dialogue.engine import SessionState, TurnResult
    from parley.dialogue.recognition import IntentMatcher

TODAY = date(2026, 11, 23)  # a Monday


@cache
def deployment(name: str) -> Deployment:
    if name == "demo":
        return demo_deployment()
    from parley.dialogue.deployment import load_deployment_yaml

    return load_deployment_yaml(
        (ROOT / "tenants" / name / "deployment.yaml").read_text(encoding="utf-8"), None
    )


@cache
def matcher(name: str) -> IntentMatcher:
    from parley.dialogue.recognition import IntentMatcher

    return IntentMatcher(deployment(name))


def new_state(name: str, channel: str) -> SessionState:
    from parley.dialogue.engine import SessionState

    return SessionState("conv_" + "0" * 24, deployment(name).key, channel, "visitor")


def say(
    loaded: Deployment, recognition: IntentMatcher, state: SessionState, text: str, *, greet: bool = True
) -> TurnResult:
    """One visitor text in a conversation at ``state``: the slots asked in the deployment's order,
    a neutral sentiment, today the evaluation's Monday."""
    from parley.dialogue.engine import TurnInput, run_turn

    return run_turn(
        loaded,
        recognition,
        state,
        TurnInput(text=text),
        today=TODAY,
        choose_slot=lambda intent, missing, state: missing[0],
        sentiment=lambda text: 0.0,
        greet=greet,
    )


def talk(*texts: str, channel: str = "web-es-MX", tenant: str = "demo") -> list[TurnResult]:
    """Each turn's result, in order."""
    state, results = new_state(tenant, channel), []
    for text in texts:
        result = say(deployment(tenant), matcher(tenant), state, text)
        results.append(result)
        state = result.state
    return results


def chat(*texts: str, channel: str = "web-es-MX", tenant: str = "demo") -> list[TurnResult]:
    """Each turn's result, played as the service plays them: after a task is done (or handed off)
    the chat goes on with a new task, unwelcomed, that remembers the one just done."""
    from parley.dialogue.engine import ACTIVE
    from parley.dialogue.opening import next_task

    state, results = new_state(tenant, channel), []
    for text in texts:
        greet = True
        if state.status != ACTIVE and state.turn:
            state, greet = next_task(state, keep_last=True), False
        result = say(deployment(tenant), matcher(tenant), state, text, greet=greet)
        results.append(result)
        state = result.state
    return results


def texts_of(result: TurnResult) -> list[str]:
    """The texts of the turn's messages, in order."""
    return [message.text for message in result.messages]


def slots_of(result: TurnResult) -> dict[str, Any]:
    """The slots the turn's payload reports."""
    return dict(result.payload["slots"])
