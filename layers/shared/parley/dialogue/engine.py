"""The dialogue state machine: state in, one turn, (messages, flags, payload, new state) out.

Pure: no clock, no storage, no network — the service passes today's date, the next-slot chooser
(the NBQ engine) and the sentiment scorer. One turn:

1. In handoff, the bot does not ask anything: it repeats that a person will answer.
2. Understand the input. Structured: ``intentId`` starts an intent, ``slots[]`` fill slots,
   ``choiceId`` answers the pending multichoice question (an unknown id is an incomprehension).
   Free text: a request for a human escalates; the pending question's answer is tried first; an
   intent is recognised (a clearly different one switches, keeping filled slots); every other open
   slot of the active intent is extracted from the same text.
3. Flags: incomprehension (input that gave nothing), frustration (VADER compound ≤ -0.5, or a
   second incomprehension in a row), escalation (a human asked for, an escalating intent, or
   frustration on two turns in a row) → handoff.
4. Answer: the next missing slot's question (a multichoice message when it has choices), or the
   intent's fulfilment with the collected slots in the payload, or the intent menu.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from parley.dialogue.deployment import INTENT_MENU, Deployment, Intent, Slot
from parley.dialogue.recognition import IntentMatcher, coerce_slot_value, extract_slot

STRONGLY_NEGATIVE = -0.5
# Frustrated turns in a row that hand the conversation to a person.
PERSISTENT_FRUSTRATION = 2
# Incomprehensions in a row that count as frustration.
REPEATED_INCOMPREHENSION = 2
# User texts kept in the state (the NBQ engine reads them for what is already covered).
KEPT_USER_TEXTS = 10
KEPT_TEXT_CHARS = 500

ACTIVE, FULFILLED, HANDOFF = "active", "fulfilled", "handoff"
SlotChooser = Callable[[Intent, Sequence[Slot], "SessionState"], Slot]


@dataclass(frozen=True, slots=True)
class SessionState:
    """Everything a conversation remembers between turns (stored as JSON)."""

    conversation_id: str
    deployment_key: str
    channel_key: str
    user_id: str
    environment: str | None = None
    status: str = ACTIVE
    turn: int = 0
    intent_id: str | None = None
    slots: dict[str, Any] = field(default_factory=dict)
    pending: str | None = None  # a slot id, INTENT_MENU, or None
    incomprehensions: int = 0
    frustrations: int = 0
    context: dict[str, Any] = field(default_factory=dict)
    user_texts: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {
            "conversationId": self.conversation_id,
            "deploymentKey": self.deployment_key,
            "channelKey": self.channel_key,
            "userId": self.user_id,
            "environment": self.environment,
            "status": self.status,
            "turn": self.turn,
            "intentId": self.intent_id,
            "slots": self.slots,
            "pending": self.pending,
            "incomprehensions": self.incomprehensions,
            "frustrations": self.frustrations,
            "context": self.context,
            "userTexts": list(self.user_texts),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> SessionState:
        return cls(
            conversation_id=data["conversationId"],
            deployment_key=data["deploymentKey"],
            channel_key=data["channelKey"],
            user_id=data["userId"],
            environment=data.get("environment"),
            status=data.get("status", ACTIVE),
            turn=int(data.get("turn", 0)),
            intent_id=data.get("intentId"),
            slots=dict(data.get("slots") or {}),
            pending=data.get("pending"),
            incomprehensions=int(data.get("incomprehensions", 0)),
            frustrations=int(data.get("frustrations", 0)),
            context=dict(data.get("context") or {}),
            user_texts=tuple(data.get("userTexts") or ()),
        )


@dataclass(frozen=True, slots=True)
class TurnInput:
    text: str | None = None
    intent_id: str | None = None
    slots: tuple[tuple[str, Any], ...] = ()
    choice_id: str | None = None
    utterance: str | None = None

    @property
    def structured(self) -> bool:
        return bool(self.intent_id or self.slots or self.choice_id)

    @property
    def empty(self) -> bool:
        return not self.structured and not (self.text and self.text.strip())


@dataclass(frozen=True, slots=True)
class BotMessage:
    text: str
    choices: tuple[tuple[str, str], ...] = ()  # (choiceId, choiceText)


@dataclass(frozen=True, slots=True)
class TurnResult:
    messages: tuple[BotMessage, ...]
    state: SessionState
    intent_id: str | None
    pending: bool
    incomprehension: bool
    frustration: bool
    escalation: bool
    payload: dict[str, Any]
    # The conversation ends with this turn (fulfilment or handoff): its transcript is completed.
    completes: bool
    # What the user said, as the transcript shows it (text, utterance, or the choice's text).
    user_text: str | None

    @property
    def understanding(self) -> str:
        """How the turn went, for the metrics: escalated, not_understood or understood."""
        if self.escalation:
            return "escalated"
        return "not_understood" if self.incomprehension else "understood"


def _menu(deployment: Deployment, text: str) -> BotMessage:
    return BotMessage(text, tuple((i.id, i.title) for i in deployment.intents.values() if not i.escalate))


def _question(slot: Slot) -> BotMessage:
    return BotMessage(slot.prompt, tuple((c.id, c.text) for c in slot.choices))


def _display(slot: Slot, value: Any) -> str:
    if slot.kind == "choice":
        choice = slot.choice(str(value))
        return choice.text if choice else str(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def run_turn(
    deployment: Deployment,
    matcher: IntentMatcher,
    state: SessionState,
    turn: TurnInput,
    *,
    today: date,
    choose_slot: SlotChooser,
    sentiment: Callable[[str], float],
    notice: str | None = None,
    greet: bool = True,
) -> TurnResult:
    """One turn. ``notice`` is said first (e.g. that an expired conversation started over); the
    first turn of a conversation opens with the welcome unless ``greet`` is False."""
    messages: list[BotMessage] = []
    if notice:
        messages.append(BotMessage(notice))
    if state.turn == 0 and greet:
        messages.append(BotMessage(deployment.welcome))
    text = (turn.text or "").strip()
    user_text = text or (turn.utterance or "").strip() or None

    if state.status == HANDOFF:
        messages.append(BotMessage(deployment.handoff))
        return TurnResult(
            tuple(messages), replace(state, turn=state.turn + 1), state.intent_id, False, False, False,
            True, {"handoff": True}, False, user_text,
        )  # fmt: skip

    reading = _Reading(state.intent_id, dict(state.slots), state.pending, user_text)
    if turn.structured:
        _read_structured(deployment, turn, reading)
    elif text:
        _read_text(deployment, matcher, text, today, reading)
    flags = _Flags.of(deployment, state, turn, reading, sentiment(text) if text else 0.0)
    user_texts = state.user_texts
    if text:
        user_texts = (*user_texts, text[:KEPT_TEXT_CHARS])[-KEPT_USER_TEXTS:]
    new_state = replace(
        state,
        turn=state.turn + 1,
        intent_id=reading.intent_id,
        slots=reading.slots,
        incomprehensions=flags.incomprehensions,
        frustrations=flags.frustrations,
        user_texts=user_texts,
    )
    return _answer(deployment, new_state, flags, reading, messages, choose_slot, first_turn=state.turn == 0)


@dataclass(frozen=True, slots=True)
class _Flags:
    """How the turn went: what the spec's metadata flags report, and the counters kept."""

    had_input: bool
    incomprehension: bool
    incomprehensions: int
    frustration: bool
    frustrations: int
    escalation: bool

    @classmethod
    def of(
        cls, deployment: Deployment, state: SessionState, turn: TurnInput, reading: _Reading, sentiment: float
    ) -> _Flags:
        had_input = not turn.empty
        incomprehension = had_input and not reading.understood
        incomprehensions = state.incomprehensions + 1 if incomprehension else 0
        frustration = sentiment <= STRONGLY_NEGATIVE or incomprehensions >= REPEATED_INCOMPREHENSION
        frustrations = state.frustrations + 1 if frustration else 0
        intent = deployment.intents.get(reading.intent_id) if reading.intent_id else None
        escalation = (
            reading.wants_human or frustrations >= PERSISTENT_FRUSTRATION or bool(intent and intent.escalate)
        )
        return cls(had_input, incomprehension, incomprehensions, frustration, frustrations, escalation)


def _answer(
    deployment: Deployment,
    state: SessionState,
    flags: _Flags,
    reading: _Reading,
    messages: list[BotMessage],
    choose_slot: SlotChooser,
    *,
    first_turn: bool,
) -> TurnResult:
    """What the bot says after understanding the input: a hand-off, the intent menu, the next
    question, or the intent's fulfilment."""
    user_text, incomprehension, frustration = reading.user_text, flags.incomprehension, flags.frustration
    if flags.escalation:
        messages.append(BotMessage(deployment.handoff))
        return TurnResult(
            tuple(messages), replace(state, status=HANDOFF, pending=None), state.intent_id, False,
            incomprehension, frustration, True, {"handoff": True}, True, user_text,
        )  # fmt: skip
    if incomprehension:
        messages.append(BotMessage(deployment.fallback))
    elif frustration:
        messages.append(BotMessage("I am sorry this is frustrating — let us sort it out."))

    intent = deployment.intents.get(state.intent_id) if state.intent_id else None
    if intent is None:
        prompt = (
            "Here is what I can help with:" if flags.had_input or not first_turn else "What can I do for you?"
        )
        messages.append(_menu(deployment, prompt))
        return TurnResult(
            tuple(messages), replace(state, pending=INTENT_MENU), None, True, incomprehension,
            frustration, False, {}, False, user_text,
        )  # fmt: skip

    missing = [s for s in intent.slots if s.required and s.id not in state.slots]
    if missing:
        slot = choose_slot(intent, missing, state)
        messages.append(_question(slot))
        return TurnResult(
            tuple(messages), replace(state, pending=slot.id), intent.id, True, incomprehension,
            frustration, False, {}, False, user_text,
        )  # fmt: skip

    slots = state.slots
    collected = {s.id: slots[s.id] for s in intent.slots if s.id in slots}
    shown = {s.id: _display(s, slots[s.id]) for s in intent.slots if s.id in slots}
    messages.append(BotMessage(intent.fulfilment.format_map(_Defaulting(shown))))
    return TurnResult(
        tuple(messages), replace(state, status=FULFILLED, pending=None), intent.id, False,
        incomprehension, frustration, False, {"intentId": intent.id, "slots": collected}, True, user_text,
    )  # fmt: skip


@dataclass(slots=True)
class _Reading:
    """What the input says, accumulated over the understanding steps."""

    intent_id: str | None
    slots: dict[str, Any]
    pending: str | None
    user_text: str | None
    understood: bool = False
    wants_human: bool = False


def _read_structured(deployment: Deployment, turn: TurnInput, reading: _Reading) -> None:
    if turn.intent_id and turn.intent_id in deployment.intents:
        reading.intent_id, reading.understood, reading.pending = turn.intent_id, True, None
    for slot_id, value in turn.slots:
        slot = deployment.slot(slot_id)
        coerced = coerce_slot_value(slot, value) if slot is not None else None
        if coerced is not None:
            reading.slots[slot_id], reading.understood = coerced, True
    if not turn.choice_id or reading.pending is None:
        return
    if reading.pending == INTENT_MENU:
        intent = deployment.intents.get(turn.choice_id)
        if intent is not None:
            reading.intent_id, reading.understood, reading.pending = intent.id, True, None
            reading.user_text = reading.user_text or intent.title
        return
    slot = deployment.slot(reading.pending)
    choice = slot.choice(turn.choice_id) if slot is not None else None
    if choice is not None:
        reading.slots[reading.pending], reading.understood, reading.pending = choice.id, True, None
        reading.user_text = reading.user_text or choice.text


def _read_text(
    deployment: Deployment, matcher: IntentMatcher, text: str, today: date, reading: _Reading
) -> None:
    from parley.insights.issues import HUMAN_REQUEST

    reading.wants_human = reading.understood = HUMAN_REQUEST.search(text) is not None
    filled_pending = False
    if reading.pending is not None and reading.pending != INTENT_MENU:
        slot = deployment.slot(reading.pending)
        value = extract_slot(slot, text, pending=True, today=today) if slot is not None else None
        if value is not None:
            reading.slots[reading.pending], reading.pending = value, None
            filled_pending = reading.understood = True
    recognised, _score = matcher.recognise(text)
    if recognised is not None:
        reading.understood = True
        # An answer to the pending question keeps the intent; otherwise a new intent switches.
        if not filled_pending and recognised != reading.intent_id:
            reading.intent_id, reading.pending = recognised, None
    if reading.intent_id is None:
        # No intent named, but slot values that only one intent uses ("6 people, teak"):
        # the intent whose slots the text fills most.
        reading.intent_id = _intent_by_values(deployment, text, today)
    if reading.intent_id is not None:
        for slot in deployment.intents[reading.intent_id].slots:
            if slot.id not in reading.slots:
                value = extract_slot(slot, text, pending=False, today=today)
                if value is not None:
                    reading.slots[slot.id], reading.understood = value, True


def _intent_by_values(deployment: Deployment, text: str, today: date) -> str | None:
    best_id, best_count = None, 0
    for intent in deployment.intents.values():
        count = sum(
            1
            for slot in intent.slots
            # A text slot's pattern (a postcode) is too loose to name an intent by itself.
            if slot.kind != "text" and extract_slot(slot, text, pending=False, today=today) is not None
        )
        if count > best_count:
            best_id, best_count = intent.id, count
    return best_id


class _Defaulting(dict[str, str]):
    """Optional slots left empty read as an empty string in the fulfilment message."""

    def __missing__(self, key: str) -> str:
        return ""
