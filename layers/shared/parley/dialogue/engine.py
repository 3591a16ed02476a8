# ruff: noqa: RUF002 -- the texts use en dashes and multiplication signs, as they are written
"""The dialogue state machine: state in, one turn, (messages, flags, payload, new state) out.

Pure: no clock, no storage, no network — the service passes today's date, the next-slot chooser
(the NBQ engine) and the sentiment scorer. The channel's language (its key's suffix) selects the
deployment's content and the recognition of that language. One turn:

1. In handoff, the bot does not ask anything: it repeats that a person will answer.
2. Understand the input. Structured: ``intentId`` starts an intent (``NLX.Welcome`` answers the
   welcome, ``NLX.Escalation`` asks for a person, any other ``NLX.*`` is acknowledged), ``slots[]``
   fill slots, ``choiceId`` answers the pending multichoice question (an unknown id is an
   incomprehension). Free text: a request for a person ("i need someone" only when the text
   names no task: "i need someone to fix my router" is the task); a question about the pending
   choice question's options ("which one lasts longer outside?": ``options_question``), which fills
   nothing and is answered with the slot's advice and the same question; the pending question's answer
   (a weak answer — a bare number — gives way to another intent the text names); corrections of filled
   slots ("actually make that 6", "mejor de aluminio"); the intent, where another intent in the
   middle of a task is a digression (answered, then the task resumes) unless the user corrects
   course ("actually, …"); the other open slots from the same text; small talk (greeting, thanks,
   goodbye, help) when that is all the text is; out of scope when it names nothing.
3. Flags: incomprehension (input that gave nothing), frustration (a strongly negative turn, or a
   second incomprehension in a row), escalation (the deployment's policy: a person asked for, an
   escalating intent, N consecutive misunderstandings, M consecutive strongly negative turns).
4. Answer: the next missing slot's question (a multichoice message when it has choices), or the
   intent's fulfilment (the first template whose slots are all filled), or the intent menu. The
   payload reports, on every turn, the active intent, the slots understood so far and what this
   turn understood.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from parley.dialogue.deferral import leaves_for_later
from parley.dialogue.deployment import INTENT_MENU, Deployment, Intent, Slot, language_of
from parley.dialogue.options_question import asks_about_options
from parley.dialogue.recognition import (
    CODE_WORDS,
    IntentMatcher,
    LanguageModel,
    Recognition,
    Utterance,
    coerce_slot_value,
)
from parley.language.text import CLAUSE_BREAKS, fold, questions_of, tokens

STRONGLY_NEGATIVE = -0.5
# Incomprehensions in a row that count as frustration.
REPEATED_INCOMPREHENSION = 2
# User texts kept in the state (the NBQ engine reads them for what is already covered).
KEPT_USER_TEXTS = 10
KEPT_TEXT_CHARS = 500
NLX_PREFIX = "NLX."
# Next to an answer to the pending question, another intent must be recognised at least this
# well to be a digression ("money is no object" answers the budget; it asks nothing about refunds).
DIGRESSION_SCORE = 0.8
# How well another intent must fit a text to take it from a bare answer to the question asked ("los
# domingos llega todo el clan, unos nueve" answers how many; "llega" asks about no delivery).
WEAK_ANSWER_RIVAL = DIGRESSION_SCORE
STORY_TOKENS = 25  # a text this long tells a story
STORY_QUESTION_SCORE = 0.75  # how well a story's question must name an intent to be the request
STORY_INTENT_SCORE = 0.5  # how well a story must name the task it gives values for
# Slot values name their intent with some of the intent's own words in the text too (this much
# idf weight), or when the deployment knows the rest of the text: at most this share of its
# evidence is foreign for one value, and this share for two or more ("6 people, teak").
VALUE_INTENT_EVIDENCE = 1.0
VALUE_FOREIGN_SHARE = 0.2
VALUES_FOREIGN_SHARE = 0.5
NLX_WELCOME = "NLX.Welcome"
NLX_ESCALATION = "NLX.Escalation"

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
    frustrations: int = 0  # consecutive strongly negative turns
    context: dict[str, Any] = field(default_factory=dict)
    user_texts: tuple[str, ...] = ()
    # The task a digression interrupted, resumed once the digression is answered.
    resume: str | None = None
    # The slot filled last: what "actually, make that 6" corrects.
    last_slot: str | None = None
    # The task fulfilled just before this one began ({"intentId", "slots", "lastSlot"}): a correction
    # of it ("actually, make it aluminium" after the shortlist) does it again with the new value.
    previous: dict[str, Any] | None = None

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
            "resume": self.resume,
            "lastSlot": self.last_slot,
            "previous": self.previous,
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
            resume=data.get("resume"),
            last_slot=data.get("lastSlot"),
            previous=dict(data["previous"]) if data.get("previous") else None,
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
    # The conversation ends with this turn (fulfilment, goodbye or handoff): its transcript is completed.
    completes: bool
    # What the user said, as the transcript shows it (text, utterance, or the choice's text).
    user_text: str | None

    @property
    def understanding(self) -> str:
        """How the turn went, for the metrics: escalated, not_understood or understood."""
        if self.escalation:
            return "escalated"
        return "not_understood" if self.incomprehension else "understood"


# ------------------------------------------------------------------------------------------------
# What the input says
# ------------------------------------------------------------------------------------------------
@dataclass(slots=True)
class _Reading:
    """What the input says, accumulated over the understanding steps."""

    intent_id: str | None
    slots: dict[str, Any]
    pending: str | None
    user_text: str | None
    understood: bool = False
    wants_human: bool = False
    builtin: str | None = None  # greeting, thanks, goodbye, help, acknowledgement, welcome, nlx
    recognised: str | None = None  # the intent this turn named
    digression: str | None = None  # another intent named in the middle of a task
    resume: str | None = None
    out_of_scope: bool = False
    off_topic: bool = False  # recognised as something the assistant does not do
    filled: dict[str, Any] = field(default_factory=dict)
    corrected: list[str] = field(default_factory=list)
    last_slot: str | None = None
    # The pending choice slot whose options the text asked about ("which lasts longer?"): its
    # advice is said and its question asked again.
    options_question: str | None = None
    # Whether a bare value corrects an answer though no correcting words are said (a question about
    # the task just done: "¿y si subo a 2500?"); None: as the text's own words say.
    correcting: bool | None = None

    def fill(self, slot_id: str, value: Any) -> None:
        if slot_id in self.slots and self.slots[slot_id] != value:
            self.corrected.append(slot_id)
        self.slots[slot_id] = value
        self.filled[slot_id] = value
        self.last_slot = slot_id
        self.understood = True


def _read_structured(view: Deployment, model: LanguageModel, turn: TurnInput, reading: _Reading) -> None:
    intent_id = turn.intent_id
    if intent_id and intent_id.startswith(NLX_PREFIX):
        reading.understood = True
        if intent_id == NLX_ESCALATION:
            reading.wants_human = True
        else:
            reading.builtin = "welcome" if intent_id == NLX_WELCOME else "nlx"
    elif intent_id and intent_id in view.intents:
        reading.intent_id, reading.recognised, reading.understood, reading.pending = (
            intent_id,
            intent_id,
            True,
            None,
        )
    for slot_id, value in turn.slots:
        slot = view.slot(slot_id)
        coerced = coerce_slot_value(slot, value, model) if slot is not None else None
        if coerced is not None:
            reading.fill(slot_id, coerced)
    if turn.choice_id:
        _read_choice(view, turn.choice_id, reading)


def _read_choice(view: Deployment, choice_id: str, reading: _Reading) -> None:
    if reading.pending == INTENT_MENU:
        intent = view.intents.get(choice_id)
        if intent is not None:
            reading.intent_id, reading.recognised, reading.understood, reading.pending = (
                intent.id,
                intent.id,
                True,
                None,
            )
            reading.user_text = reading.user_text or intent.title
            return
    slot = view.slot(reading.pending or "")
    choice = slot.choice(choice_id) if slot is not None else None
    if slot is None or choice is None:
        # A button of another question (an earlier message's, a client's own): the one slot whose
        # choice it is, in the task going on, or else the one task it starts.
        slot, intent_id = _slot_of_choice(view, choice_id, reading.intent_id)
        choice = slot.choice(choice_id) if slot is not None else None
        if slot is None or choice is None:
            return
        if reading.intent_id != intent_id:
            reading.intent_id, reading.recognised = intent_id, intent_id
    reading.fill(slot.id, choice.id)
    reading.pending = None
    reading.user_text = reading.user_text or choice.text


def _slot_of_choice(
    view: Deployment, choice_id: str, intent_id: str | None
) -> tuple[Slot | None, str | None]:
    """The slot a choice belongs to: in the intent going on, or in exactly one intent."""
    owners = [
        (slot, intent.id)
        for intent in view.intents.values()
        for slot in intent.slots
        if slot.kind == "choice" and slot.choice(choice_id) is not None
    ]
    own = [owner for owner in owners if owner[1] == intent_id]
    if len(own) == 1:
        return own[0]
    if len({slot.id for slot, _ in owners}) == 1 and len({i for _, i in owners}) == 1:
        return owners[0]
    return None, None


def _read_text(
    view: Deployment, model: LanguageModel, utterance: Utterance, today: date, reading: _Reading
) -> None:
    if utterance.human_request == "strong" or (
        utterance.wants_human and not _names_a_task(view, model, utterance)
    ):
        reading.wants_human = reading.understood = True
    _left_for_later(view, model, utterance, reading)  # (values said with it are still read)
    if _asks_about_options(view, model, utterance, reading):
        reading.options_question, reading.understood = reading.pending, True
        return  # it fills no slot and corrects nothing: the question is asked again
    if _code_of_another_intent(view, model, utterance, reading):
        return
    filled_pending = _answer_pending(view, model, utterance, today, reading)
    if not filled_pending and utterance.small_talk:
        # Nothing but small talk ("hey there", "thanks!", "see you later"): that is the turn.
        reading.builtin, reading.understood = utterance.small_talk, True
        return
    _corrections(view, model, utterance, today, reading, correcting=reading.correcting)
    recognition = _request(view, model, utterance, today, reading)
    if reading.digression is None:
        at_once = (  # (only a correcting text may switch the task: the question matters only then)
            utterance.correcting
            and reading.intent_id not in (None, recognition.intent_id)
            and _answered_at_once(view, model, utterance, today, recognition.intent_id)
        )
        _read_intent(view, recognition, utterance, reading, filled_pending=filled_pending, at_once=at_once)
    if reading.intent_id is None:
        # No intent named, but slot values that only one intent uses ("6 people, teak"):
        # the intent whose slots the text fills most.
        reading.intent_id = _intent_by_values(view, model, utterance, today)
    elif _unanswered_code_question(view, reading) and reading.resume is None:
        # A code asked for (a postcode) and not given, but values of another task ("unos 750",
        # "somos 4"): the visitor is on that task.
        other = _intent_by_values(view, model, utterance, today)
        if other is not None and other != reading.intent_id:
            reading.intent_id, reading.pending, reading.recognised = other, None, other
            reading.understood = True
    for intent_id in (reading.intent_id, reading.digression, reading.resume):
        if intent_id is not None and intent_id in view.intents:
            _fill_open_slots(view.intents[intent_id], model, utterance, today, reading)
    _back_to_task(view, reading)
    reading.out_of_scope = not reading.understood and recognition.out_of_scope
    reading.off_topic = reading.out_of_scope and recognition.off_topic


# Words that say an order was placed already ("compré una mesa", "I bought a table").
_BOUGHT = frozenset(
    {"compre", "pedi", "ordene", "adquiri", "bought", "ordered", "purchased", "contrate", "hired"}
)


def _asked_in_a_story(
    view: Deployment, model: LanguageModel, utterance: Utterance, whole: Recognition, today: date
) -> tuple[Recognition, str | None] | None:
    """What the questions of a longer text ask, when that is another intent than the whole text
    names ("compré una mesa … es demasiado grande. ¿Cómo hago para devolverla?"), or when the rest
    of the text tells of another one ("somos seis y queremos una mesa. ¿Hacen envíos a Monterrey?");
    with the intent the rest tells of."""
    questions, story = questions_of(utterance.text)
    if not questions or whole.off_topic:
        return None  # (what the whole text says is off topic stays so: "una mesa de noche? para la recámara")
    asked = model.recognise(model.read(questions))
    if asked.intent_id is None or asked.score < STORY_QUESTION_SCORE:
        return None
    told_of = model.read(story)
    bought = _bought(told_of.tokens)
    overrides = whole.intent_id not in (None, asked.intent_id)
    if overrides and not bought and (whole.score > asked.score or asked.score < DIGRESSION_SCORE):
        return None  # the whole says it as well ("me voy a Madrid … ¿me va a funcionar allá?" is a trip)
    told = model.recognise(told_of).intent_id
    answered = view.intents.get(asked.intent_id or "")
    if told in (None, asked.intent_id) and not bought and answered is not None and not answered.slots:
        # The story gives values for another task than the question, which is answered at once ("¿la
        # puedo devolver? Estoy buscando una de aluminio"): that task. (A question with a question
        # of its own, a postcode, is the task; the story's values wait.)
        told = _intent_by_values(view, model, told_of, today) or told
    if asked.intent_id == whole.intent_id and told in (None, asked.intent_id):
        # The same request, said more plainly by the question alone: its confidence.
        return (asked, None) if asked.score > whole.score else None
    if bought:
        told = None  # a story of something bought ("compré una mesa …") asks for no new one
    return asked, told


def _bought(words: Sequence[str]) -> bool:
    """ "compré una mesa", "mi hija me compró una mesa", "I bought a table": an order placed already."""
    return any(
        w in _BOUGHT or (w in _BOUGHT_FOR_SOMEONE and i and words[i - 1] in ("me", "nos", "le", "les"))
        for i, w in enumerate(words)
    )


_BOUGHT_FOR_SOMEONE = frozenset({"compro", "compraron"})  # "me compró" (folded), not "compro" alone


def _request(
    view: Deployment, model: LanguageModel, utterance: Utterance, today: date, reading: _Reading
) -> Recognition:
    """What the text asks for. A story with a question: the question is the request, and values the
    story gives for the task it tells of start that task, the question answered on the way. A long
    story that asks nothing: the task it gives values for."""
    recognition = model.recognise(utterance)
    story = _asked_in_a_story(view, model, utterance, recognition, today)
    if story is None:
        if reading.intent_id is None and reading.pending is None:
            return _story_told_by_values(view, model, utterance, today, recognition)
        return recognition
    asked, told = story
    if (
        reading.intent_id is None
        and told in view.intents
        and told != asked.intent_id
        and _gives_values(view.intents[told or ""], model, utterance, today)
    ):
        reading.intent_id, reading.digression = told, asked.intent_id
        reading.recognised, reading.understood = asked.intent_id, True
        return recognition
    return asked


def _unanswered_code_question(view: Deployment, reading: _Reading) -> bool:
    slot = view.slot(reading.pending or "")
    return (
        slot is not None
        and slot.kind == "text"
        and slot.id not in reading.filled
        and not reading.recognised
        and not reading.wants_human
    )


def _story_told_by_values(
    view: Deployment, model: LanguageModel, utterance: Utterance, today: date, recognition: Recognition
) -> Recognition:
    """A long story that asks nothing names the task it gives values for ("… son 6 mesas en la
    acera … de 4 personas y ligeras, había pensado en aluminio"), rather than one whose words it
    happens to use (a place it names, "recogerlas", "pido")."""
    named = view.intents.get(recognition.intent_id or "")
    story = len(utterance.tokens) >= STORY_TOKENS
    if (
        named is None
        or not (story or recognition.score < DIGRESSION_SCORE)
        or _values(named, model, utterance, today)
    ):
        return recognition
    scores = model.scores(utterance)
    for intent in view.intents.values():
        if intent.id == named.id or _values(intent, model, utterance, today) < 2:
            continue
        # (a shorter text named weakly: the task it gives two values for, in some of its own words:
        # "busco algo exclusivo para una terraza pequeña, para 2, de unos 2500")
        if scores.get(intent.id, 0.0) >= STORY_INTENT_SCORE or (
            not story and model.own_evidence(utterance, intent.id)
        ):
            return Recognition(intent.id, scores.get(intent.id, 0.0), False)
    return recognition


def _values(intent: Intent, model: LanguageModel, utterance: Utterance, today: date) -> int:
    return sum(
        1
        for slot in intent.slots
        if slot.kind != "text" and model.extract(slot, utterance, pending=False, today=today) is not None
    )


def _gives_values(intent: Intent, model: LanguageModel, utterance: Utterance, today: date) -> bool:
    return _values(intent, model, utterance, today) > 0


def _left_for_later(view: Deployment, model: LanguageModel, utterance: Utterance, reading: _Reading) -> bool:
    """A digression's code question left for later ("luego te paso el cp"): back to the task."""
    slot = view.slot(reading.pending or "")
    if slot is None or slot.kind != "text" or reading.resume is None or reading.resume not in view.intents:
        return False
    if not leaves_for_later(utterance.tokens, model.language):
        return False
    reading.intent_id, reading.resume, reading.pending = reading.resume, None, None
    reading.understood = True
    return True


def _code_of_another_intent(
    view: Deployment, model: LanguageModel, utterance: Utterance, reading: _Reading
) -> bool:
    """A text that is nothing but a code of letters and digits another intent's text slot takes
    ("M20 2RN", "it is 3011 AB" after asking about delivery), or that names a postcode ("el código
    postal es 28013, calle Arenal"): that intent's answer, not a number for the question asked (a
    budget of 20, a count of 2)."""
    words = [t for t in utterance.tokens if t not in CLAUSE_BREAKS and t not in model.lex.stop_words]
    named_a_code = bool(CODE_WORDS.intersection(utterance.tokens))  # "CP 72160", "el código es 41010"
    words = [t for t in words if t not in CODE_WORDS]
    joined = "".join(words)
    if not any(c.isdigit() for c in joined):
        return False
    if (
        not named_a_code
        and not any(c.isalpha() for c in joined)
        and _a_value(view, model, utterance, reading)
    ):
        return False  # a bare number a question takes ("1500" is a budget; "35007" is none)
    # A postcode named one, in a task going on and beside nothing else it asks ("el código postal es
    # 28013, calle Arenal" to the budget question) is the answer too.
    current = view.intents.get(reading.intent_id or "")

    def code_beside_nothing() -> bool:
        return current is not None and not _gives_values(current, model, utterance, date.min)

    for intent in view.intents.values():
        for slot in intent.slots:
            if slot.kind != "text" or not slot.pattern or slot.id == reading.pending:
                continue
            value = model.extract(slot, utterance, pending=False, today=date.min)
            if value is None:
                continue
            said = "".join(tokens(fold(str(value.value))))
            if said != joined and not (said in utterance.postcodes and code_beside_nothing()):
                continue
            reading.fill(slot.id, value.value)
            if reading.intent_id not in (None, intent.id):
                reading.digression = intent.id
            else:
                reading.intent_id = intent.id
            return True
    return False


def _a_value(view: Deployment, model: LanguageModel, utterance: Utterance, reading: _Reading) -> bool:
    """Whether the question asked (or, with none, any choice of the deployment) takes the text."""
    asked = view.slot(reading.pending or "")
    slots = (
        [asked]
        if asked is not None
        else [s for intent in view.intents.values() for s in intent.slots if s.kind != "text"]
    )
    return any(model.extract(slot, utterance, pending=True, today=date.min) is not None for slot in slots)


def _asks_about_options(
    view: Deployment, model: LanguageModel, utterance: Utterance, reading: _Reading
) -> bool:
    """The pending choice question answered with a question about its options ("cual aguanta mas
    la lluvia?"), not a request for a person nor another intent's question."""
    if reading.pending is None or reading.pending == INTENT_MENU or reading.wants_human:
        return False
    slot = view.slot(reading.pending)
    if slot is None or not asks_about_options(model, slot, utterance):
        return False
    intent = view.intents.get(reading.intent_id or "")
    others = [s for s in intent.slots if s.kind == "choice" and s.id != slot.id] if intent else []
    if any(model.named_choices(other, utterance) for other in others):
        return False  # "mejor de aluminio, que el acero se oxida no?" is about the material, not the seats
    recognition = model.recognise(utterance)
    other = recognition.intent_id
    return other is None or other == reading.intent_id or recognition.score < DIGRESSION_SCORE


def _back_to_task(view: Deployment, reading: _Reading) -> None:
    """A digression's question left unanswered for values of the task it interrupted ("how long
    does delivery take?" — the postcode question — "later, we're six"): back to that task."""
    if reading.resume is None or reading.pending is None or reading.digression is not None:
        return
    resumed, current = view.intents.get(reading.resume), view.intents.get(reading.intent_id or "")
    if resumed is None or current is None or current.id == resumed.id:
        return
    own = {s.id for s in resumed.slots} - {s.id for s in current.slots}
    if own.intersection(reading.filled):
        reading.intent_id, reading.resume, reading.pending = resumed.id, None, None


def _names_a_task(view: Deployment, model: LanguageModel, utterance: Utterance) -> bool:
    """A wanting verb and a person that go on to name a task ("i need someone to come and fix my
    router", "necesito que venga alguien a revisar el modem") ask for the task, not for a person."""
    intent = view.intents.get(model.recognise(utterance).intent_id or "")
    return intent is not None and not intent.escalate


def _answered_at_once(
    view: Deployment, model: LanguageModel, utterance: Utterance, today: date, intent_id: str | None
) -> bool:
    """Whether the text gives everything the intent asks ("espera, ¿llegáis a Canarias?"): then it
    is a question answered at once, never a change of course, whatever words come before it."""
    intent = view.intents.get(intent_id or "")
    required = [slot for slot in intent.slots if slot.required] if intent else []
    return bool(required) and all(
        model.extract(slot, utterance, pending=False, today=today) is not None for slot in required
    )


def _read_intent(
    view: Deployment,
    recognition: Recognition,
    utterance: Utterance,
    reading: _Reading,
    *,
    filled_pending: bool,
    at_once: bool = False,
) -> None:
    """The intent the text names: it starts or switches the task, or — in the middle of a task,
    unless the user corrects course ("actually, I need …") to an intent that asks questions of its
    own — it is a digression (a question answered at once never abandons the task: "wait, why is my
    bill so high?"). Next to an answer to the pending question or a request for a person, only a
    confident recognition counts."""
    recognised = recognition.intent_id
    if recognised is None or (filled_pending and recognised == reading.intent_id):
        return
    if (filled_pending or reading.filled or reading.wants_human) and recognition.score < DIGRESSION_SCORE:
        # The words gave a value, or asked for a person: a weak match of an intent on the rest is no
        # request ("me puedes pasar con una persona? el bot no me entiende" is no bill question).
        return
    reading.understood = True
    reading.recognised = recognised
    asks = not at_once and (
        any(slot.required for slot in view.intents[recognised].slots) if recognised in view.intents else True
    )
    switch = (
        reading.intent_id is None
        or (utterance.correcting and asks)
        or (not filled_pending and reading.pending is None)
    )
    if recognised == reading.intent_id:
        return
    if switch:
        reading.intent_id, reading.pending = recognised, None
    else:
        reading.digression = recognised


def _answer_pending(
    view: Deployment, model: LanguageModel, utterance: Utterance, today: date, reading: _Reading
) -> bool:
    """The pending question's answer; a weak one (a bare number, the whole text) only when the
    text names no other intent, is not small talk and corrects nothing ("actually make it 50"
    changes an earlier answer)."""
    if reading.pending is None or reading.pending == INTENT_MENU:
        return False
    slot = view.slot(reading.pending)
    found = model.extract(slot, utterance, pending=True, today=today) if slot is not None else None
    if slot is None or found is None:
        return False
    if not found.strong:
        other = model.recognise(utterance)
        if (
            (other.intent_id not in (None, reading.intent_id) and other.score >= WEAK_ANSWER_RIVAL)
            or utterance.small_talk
            or utterance.wants_human
            or (
                utterance.correcting
                and not _corrects_its_own_number(utterance)
                and _could_correct(view, model, utterance, today, reading)
            )
        ):
            return False
    reading.fill(slot.id, found.value)
    reading.pending = None
    return True


def _could_correct(
    view: Deployment, model: LanguageModel, utterance: Utterance, today: date, reading: _Reading
) -> bool:
    """Whether the text gives a new value for a slot already answered ("actually make it 6"); a
    number no answered slot takes ("ya en serio, tengo 2500" after the seats) corrects nothing."""
    for slot_id, value in reading.slots.items():
        slot = view.slot(slot_id)
        if slot is None or slot.kind == "text" or slot_id == reading.pending:
            continue
        found = model.extract(slot, utterance, pending=True, today=today)
        if found is not None and found.value != value:
            return True
    return False


def _corrects_its_own_number(utterance: Utterance) -> bool:
    """A number said, then corrected in the same text ("mmm 4... o 6? mejor 6"): the text answers
    the question asked, correcting itself, not an earlier answer."""
    end = utterance.correction_end
    return any(q.start < end for q in utterance.quantities) and any(
        q.start >= end for q in utterance.quantities
    )


def _corrections(
    view: Deployment,
    model: LanguageModel,
    utterance: Utterance,
    today: date,
    reading: _Reading,
    *,
    correcting: bool | None = None,
) -> None:
    """Filled slots the text gives a new value for ("no, aluminium instead", "mejor de aluminio");
    with correcting words (or ``correcting``) and a bare value, the filled slot that value fits best
    ("actually make that 6": the seats, not the budget)."""
    intent = view.intents.get(reading.intent_id or "")
    if intent is None:
        return
    for slot in intent.slots:
        if slot.id not in reading.slots or slot.id in reading.filled or slot.kind == "text":
            continue
        found = model.extract(slot, utterance, pending=False, today=today)
        if found is None or utterance.inside_other_value(slot.id, reading.filled):
            continue  # "a lot of data" answers the data question; it corrects no number of lines
        if found.strong and found.value != reading.slots[slot.id]:
            reading.fill(slot.id, found.value)
        elif found.strong:
            reading.understood = True  # said again as it was ("budget's about 2500" after "premium")
    if not (utterance.correcting if correcting is None else correcting) or reading.filled:
        return
    candidates = []
    for slot in intent.slots:
        if slot.id not in reading.slots or slot.kind == "text":
            continue
        found = model.extract(slot, utterance, pending=True, today=today)
        if found is not None and found.value != reading.slots[slot.id]:
            candidates.append((_fit(slot, found.value), slot.id != reading.last_slot, slot.id, found.value))
    if candidates:
        _span, _older, slot_id, value = min(candidates)
        reading.fill(slot_id, value)


def _fit(slot: Slot, value: Any) -> float:
    """How narrowly the slot's chosen value holds the number: the width of the choice's range
    (a count of 6 fits the seats' 5–6 far better than the budget's "under 500")."""
    choice = slot.choice(str(value)) if slot.kind == "choice" else None
    if choice is None or (choice.minimum is None and choice.maximum is None):
        return float("inf")
    low = choice.minimum if choice.minimum is not None else 0.0
    return (choice.maximum if choice.maximum is not None else float("inf")) - low


def _fill_open_slots(
    intent: Intent, model: LanguageModel, utterance: Utterance, today: date, reading: _Reading
) -> None:
    for slot in intent.slots:
        if slot.id not in reading.slots:
            found = model.extract(slot, utterance, pending=False, today=today)
            if found is None or utterance.inside_other_value(slot.id, reading.filled):
                continue
            if _words_of_a_filled_choice(intent, model, utterance, reading, slot):
                continue
            # A bare amount ("… of 800") is taken unless the turn corrects something said before
            # with it ("maybe 1000? no, let's say 1300" corrects itself).
            said_before = set(reading.slots) - set(reading.filled)
            if found.strong or not utterance.correcting or not said_before:
                reading.fill(slot.id, found.value)


def _words_of_a_filled_choice(
    intent: Intent, model: LanguageModel, utterance: Utterance, reading: _Reading, slot: Slot
) -> bool:
    """Whether the words that gave the slot its choice also name a choice of a slot filled this
    turn: they answered that one ("lo normal, unos 25 gigas" answers the data question; "normal"
    is no budget too)."""
    span = utterance.choice_spans.get(slot.id)
    if span is None:
        return False
    for other in intent.slots:
        if other.id == slot.id or other.id not in reading.filled or other.kind != "choice":
            continue
        if any(start < span[1] and span[0] < end for start, end, _c in model.named_choices(other, utterance)):
            return True
    return False


def _intent_by_values(
    view: Deployment, model: LanguageModel, utterance: Utterance, today: date
) -> str | None:
    """The intent whose slots the text fills most, when the text is about it: with some of the
    intent's own words, or with little the deployment does not know (nearly nothing for one value,
    at most half for two or more). "the best" alone names no table; "what's the weather like in
    London" is no trip abroad, while "London" alone may be; "mi vecino hace mucho ruido" is no plan
    for one line with lots of data."""
    best_id, best_count = None, 0
    foreign: float | None = None
    for intent in view.intents.values():
        # A text slot's pattern (a postcode) is too loose to name an intent by itself.
        found = [
            (slot, model.extract(slot, utterance, pending=False, today=today))
            for slot in intent.slots
            if slot.kind != "text"
        ]
        count = sum(1 for _slot, value in found if value is not None)
        if count <= best_count:
            continue
        # An amount said as money ("unos 3000 euros") says as much as two values.
        money = any(
            value is not None and value.strong and slot.value_from == "money" for slot, value in found
        )
        if model.own_evidence(utterance, intent.id) < VALUE_INTENT_EVIDENCE:
            if foreign is None:
                off_topic = model.recognise(utterance).off_topic
                foreign = 1.0 if off_topic else model.foreign_share(utterance)
            if foreign > (VALUE_FOREIGN_SHARE if count == 1 and not money else VALUES_FOREIGN_SHARE):
                continue
        best_id, best_count = intent.id, count
    return best_id


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
    language = language_of(state.channel_key)
    view = deployment.localized(language)
    model = matcher.for_language(language)
    messages: list[BotMessage] = []
    if notice:
        messages.append(BotMessage(notice))
    if state.turn == 0 and greet:
        messages.append(BotMessage(view.welcome))
    text = (turn.text or "").strip()
    user_text = text or (turn.utterance or "").strip() or None

    if state.status == HANDOFF:
        messages.append(BotMessage(view.handoff))
        return TurnResult(
            tuple(messages), replace(state, turn=state.turn + 1), state.intent_id, False, False, False,
            True, {"handoff": True, **_payload(view, state, None)}, False, user_text,
        )  # fmt: skip

    utterance = model.read(text) if text and not turn.structured else None
    what_if = False
    if utterance is not None and state.previous and state.intent_id is None:
        state, what_if = _reopened(view, model, state, utterance, today)
    reading = _Reading(
        state.intent_id,
        dict(state.slots),
        state.pending,
        user_text,
        resume=state.resume,
        last_slot=state.last_slot,
        correcting=what_if or None,
    )
    if turn.structured:
        _read_structured(view, model, turn, reading)
    elif utterance is not None:
        _read_text(view, model, utterance, today, reading)
    score = _sentiment(text, model.language, sentiment) if text else 0.0
    flags = _Flags.of(view, state, turn, reading, score)
    new_state = _next_state(state, reading, flags, text)
    answer = _Answer(view, new_state, flags, reading, messages, choose_slot, first_turn=state.turn == 0)
    return answer.result()


def _reopened(
    view: Deployment, model: LanguageModel, state: SessionState, utterance: Utterance, today: date
) -> tuple[SessionState, bool]:
    """The task fulfilled just before, when the text corrects it ("mejor de aluminio" after the
    shortlist: fulfilled again with the new value) or gives the code its text slot takes ("64000"
    after "¿hacen envíos a Monterrey?" was answered: the same question, for that code). Else the new
    task as it was. With whether the text is to be read as correcting (a bare value in a question:
    "¿y si subo a 2500?")."""
    previous = state.previous or {}
    intent = view.intents.get(previous.get("intentId") or "")
    if intent is None:
        return state, False
    slots = dict(previous.get("slots") or {})
    code_slot = _code_for(intent, model, utterance, today)
    if code_slot is not None:
        slots.pop(code_slot, None)
        return replace(state, intent_id=intent.id, slots=slots, pending=code_slot, previous=None), False
    if _follow_up(view, model, intent, utterance, today):
        # "y cuánto tarda?" just after the answer: the same task, with what was just said
        return replace(state, intent_id=intent.id, slots=slots, previous=None), False
    # A new value for one of its answers ("y en acero?", "al final es para el balcón, solo mi pareja y
    # yo", "oye y para dos personas solo? que la de 4 no me cabe"); a bare one ("¿y si subo a 2500?")
    # only in a question or with correcting words, and not beside another task.
    trial = _Reading(intent.id, dict(slots), None, utterance.text, last_slot=previous.get("lastSlot"))
    _corrections(view, model, utterance, today, trial, correcting=False)
    what_if = False
    if not trial.filled and model.recognise(utterance).intent_id in (None, intent.id):
        what_if = utterance.correcting or _what_if(utterance)
        _corrections(view, model, utterance, today, trial, correcting=what_if)
    if not trial.filled:
        return state, False
    reopened = replace(
        state,
        status=FULFILLED,
        intent_id=intent.id,
        slots=slots,
        last_slot=previous.get("lastSlot"),
        previous=None,
    )
    return reopened, what_if


def _follow_up(
    view: Deployment, model: LanguageModel, intent: Intent, utterance: Utterance, today: date
) -> bool:
    """A question about the task just done that names nothing new ("¿y cuánto tarda?")."""
    asked = utterance.text.rstrip().endswith("?") or utterance.tokens[:1] == ["y"]
    return (
        asked
        and model.recognise(utterance).intent_id == intent.id
        and not any(
            model.extract(slot, utterance, pending=False, today=today) is not None for slot in intent.slots
        )
    )


def _what_if(utterance: Utterance) -> bool:
    """ "¿y si fueran 8?", "y subiendo hasta 1500?", "and in steel?": a question about another answer."""
    return utterance.text.rstrip().endswith("?") or utterance.tokens[:1] in (["y"], ["and"])


_CODE_WORDS_AT_MOST = 3  # "07800, Ibiza ciudad", "sí claro, es el 35010": a code and a few words


def _code_for(intent: Intent, model: LanguageModel, utterance: Utterance, today: date) -> str | None:
    """The intent's text slot a code in a short text answers ("64000", "el cp es 76000 creo")."""
    words = [t for t in utterance.tokens if t.isalpha() and t not in model.lex.stop_words]
    if not utterance.postcodes and len(words) > _CODE_WORDS_AT_MOST:
        return None
    if model.recognise(utterance).intent_id not in (None, intent.id):
        return None  # "vale, pues busco mesa para 2, tengo unos 1200": another task, and its amount
    for slot in intent.slots:
        if slot.kind != "text" or not slot.pattern:
            continue
        found = model.extract(slot, utterance, pending=False, today=today)
        if found is not None and any(c.isdigit() for c in str(found.value)):
            return slot.id
    return None


def _next_state(state: SessionState, reading: _Reading, flags: _Flags, text: str) -> SessionState:
    user_texts = state.user_texts
    if text:
        user_texts = (*user_texts, text[:KEPT_TEXT_CHARS])[-KEPT_USER_TEXTS:]
    return replace(
        state,
        turn=state.turn + 1,
        intent_id=reading.intent_id,
        slots=reading.slots,
        pending=reading.pending,
        incomprehensions=flags.incomprehensions,
        frustrations=flags.frustrations,
        user_texts=user_texts,
        resume=reading.resume,
        last_slot=reading.last_slot,
    )


def _sentiment(text: str, language: str, english: Callable[[str], float]) -> float:
    """The turn's sentiment: the service's scorer for English, the language's lexicon otherwise
    (no English lexicon on other languages' words)."""
    if language == "en":
        return english(text)
    from parley.insights.sentiment import compound_in

    return compound_in(text, language)


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
        cls, view: Deployment, state: SessionState, turn: TurnInput, reading: _Reading, sentiment: float
    ) -> _Flags:
        had_input = not turn.empty
        incomprehension = had_input and not reading.understood
        incomprehensions = state.incomprehensions + 1 if incomprehension else 0
        negative = sentiment <= STRONGLY_NEGATIVE
        frustration = negative or incomprehensions >= REPEATED_INCOMPREHENSION
        frustrations = state.frustrations + 1 if negative else 0
        policy = view.escalation
        intent = view.intents.get(reading.digression or reading.intent_id or "")
        can_hand_off = bool(view.escalation_channel)
        escalation = (
            (reading.wants_human and policy.on_request)
            or bool(intent and intent.escalate)
            or (can_hand_off and 0 < policy.after_misunderstandings <= incomprehensions)
            or (can_hand_off and 0 < policy.after_frustration <= frustrations)
        )
        return cls(had_input, incomprehension, incomprehensions, frustration, frustrations, escalation)


# ------------------------------------------------------------------------------------------------
# The answer
# ------------------------------------------------------------------------------------------------
def _menu(view: Deployment, text: str) -> BotMessage:
    return BotMessage(text, tuple((i.id, i.title) for i in view.intents.values() if not i.escalate))


def _question(slot: Slot) -> BotMessage:
    return BotMessage(slot.prompt, tuple((c.id, c.text) for c in slot.choices))


_DAYS = {
    "en": ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
    "es": ("lunes", "martes", "miércoles", "jueves", "viernes", "sábado", "domingo"),
}
_MONTH_NAMES = {
    "en": ("January", "February", "March", "April", "May", "June", "July", "August", "September",
           "October", "November", "December"),
    "es": ("enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre",
           "octubre", "noviembre", "diciembre"),
}  # fmt: skip


def _date_in_words(value: str, language: str) -> str:
    """2026-11-24 → "Tuesday 24 November 2026" / "martes 24 de noviembre de 2026"."""
    try:
        day = date.fromisoformat(value)
    except ValueError:
        return value
    base = language[:2] if language[:2] in _DAYS else "en"
    weekday, month = _DAYS[base][day.weekday()], _MONTH_NAMES[base][day.month - 1]
    if base == "es":
        return f"{weekday} {day.day} de {month} de {day.year}"
    return f"{weekday} {day.day} {month} {day.year}"


def display(slot: Slot, value: Any, *, in_sentence: bool = False, language: str = "en") -> str:
    """A slot value as a person reads it (a choice's text, or its phrase inside a sentence; a date
    in words)."""
    if slot.kind == "choice":
        choice = slot.choice(str(value))
        if choice is None:
            return str(value)
        return choice.in_sentence if in_sentence else choice.text
    if slot.kind == "date":
        return _date_in_words(str(value), language)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def fulfilment_text(intent: Intent, slots: dict[str, Any], language: str = "en") -> str:
    """The first template whose placeholders are all filled, with the values as they read in a
    sentence; the last template, unfilled placeholders empty, when none is complete."""
    shown = {
        s.id: display(s, slots[s.id], in_sentence=True, language=language)
        for s in intent.slots
        if s.id in slots
    }
    for template in intent.templates:
        if all(name in shown for name in _names(template)):
            return template.format_map(shown)
    return intent.templates[-1].format_map(_Defaulting(shown))


def _names(template: str) -> list[str]:
    import string

    return [name for _, name, _, _ in string.Formatter().parse(template) if name]


class _Defaulting(dict[str, str]):
    """Optional slots left empty read as an empty string in the fulfilment message."""

    def __missing__(self, key: str) -> str:
        return ""


def _payload(view: Deployment, state: SessionState, reading: _Reading | None) -> dict[str, Any]:
    """What the engine understood: the active intent and its slots so far, and this turn's reading."""
    intent = view.intents.get(state.intent_id or "")
    slots = {s.id: state.slots[s.id] for s in intent.slots if s.id in state.slots} if intent else {}
    payload: dict[str, Any] = {"intentId": state.intent_id, "slots": slots, "language": view.language}
    if reading is not None:
        payload["understood"] = {
            "intent": reading.digression or reading.recognised,
            "builtin": reading.builtin,
            "slots": dict(reading.filled),
            "corrected": list(reading.corrected),
            "outOfScope": reading.out_of_scope,
        }
    return payload


class _Answer:
    """What the bot says after understanding the input: a hand-off, small talk, a digression's
    answer, the intent menu, the next question, or the intent's fulfilment."""

    def __init__(
        self,
        view: Deployment,
        state: SessionState,
        flags: _Flags,
        reading: _Reading,
        messages: list[BotMessage],
        choose_slot: SlotChooser,
        *,
        first_turn: bool,
    ) -> None:
        self.view, self.state, self.flags, self.reading = view, state, flags, reading
        self.messages, self.choose_slot, self.first_turn = messages, choose_slot, first_turn
        # A task fulfilled on the way this turn (a digression answered, or a task done before the
        # one it interrupted resumes): reported in the payload beside the task going on.
        self.fulfilled: dict[str, Any] | None = None

    def _done(
        self, state: SessionState, *, pending: bool, completes: bool = False, **extra: Any
    ) -> TurnResult:
        payload = {**extra, **_payload(self.view, state, self.reading), "status": state.status}
        if self.fulfilled is not None:
            payload["fulfilled"] = self.fulfilled
        return TurnResult(
            tuple(self.messages), state, state.intent_id, pending, self.flags.incomprehension,
            self.flags.frustration, self.flags.escalation, payload, completes, self.reading.user_text,
        )  # fmt: skip

    def say(self, text: str) -> None:
        self.messages.append(BotMessage(text))

    def result(self) -> TurnResult:
        view, reading, flags = self.view, self.reading, self.flags
        if flags.escalation:
            self.say(view.handoff)
            state = replace(self.state, status=HANDOFF, pending=None)
            return self._done(state, pending=False, completes=True, handoff=True)
        if flags.incomprehension:
            self.say(view.message("out_of_scope") if reading.off_topic else view.fallback)
        elif flags.frustration:
            self.say(view.message("frustration"))
        for slot_id in dict.fromkeys(reading.corrected):
            slot = view.slot(slot_id)
            if slot is not None and slot_id in self.state.slots:
                self.say(view.message("corrected", value=display(slot, self.state.slots[slot_id])))
        if reading.builtin == "goodbye":
            self.say(view.message("goodbye"))
            return self._done(
                replace(self.state, status=FULFILLED, pending=None), pending=False, completes=True
            )
        if reading.digression is not None:
            return self._digression(reading.digression)
        if reading.options_question is not None:
            return self._advise(reading.options_question)
        return self._continue(self.state)

    def _advise(self, slot_id: str) -> TurnResult:
        """A question about the pending question's options: the slot's advice, if the deployment
        gives one, then the same question again."""
        slot = self.view.slot(slot_id)
        if slot is None:
            return self._continue(self.state)
        if slot.advice:
            self.say(slot.advice)
        self.messages.append(_question(slot))
        return self._done(replace(self.state, pending=slot.id), pending=True)

    def _small_talk(self, task_active: bool) -> None:
        builtin, view = self.reading.builtin, self.view
        if builtin == "greeting" and task_active and not self.first_turn:
            self.say(view.message("greeting_again"))
        elif builtin == "thanks":
            self.say(view.message("thanks"))
        elif builtin == "help":
            self.messages.append(_menu(view, view.message("help")))
        elif builtin == "welcome" and not self.first_turn:
            self.say(view.welcome)

    def _continue(self, state: SessionState) -> TurnResult:
        """Ask what the active intent still needs, or fulfil it, or offer the menu."""
        view = self.view
        intent = view.intents.get(state.intent_id or "")
        self._small_talk(task_active=intent is not None)
        if intent is None:
            return self._offer_menu(state)
        missing = [s for s in intent.slots if s.required and s.id not in state.slots]
        if missing:
            slot = self.choose_slot(intent, missing, state)
            self.messages.append(_question(slot))
            return self._done(replace(state, pending=slot.id), pending=True)
        self.say(fulfilment_text(intent, state.slots, self.view.language))
        if state.resume and state.resume in view.intents and state.resume != intent.id:
            return self._resume(state, intent)
        return self._done(replace(state, status=FULFILLED, pending=None), pending=False, completes=True)

    def _offer_menu(self, state: SessionState) -> TurnResult:
        view, builtin = self.view, self.reading.builtin
        if builtin == "help":
            return self._done(replace(state, pending=INTENT_MENU), pending=True)
        if builtin == "thanks":
            prompt = "anything_else"
        elif builtin == "greeting":
            prompt = "menu" if self.first_turn else "greeting"
        elif builtin in ("welcome", "acknowledgement", "nlx"):
            prompt = "menu"
        else:  # something was said that named nothing, or a later turn with nothing in it
            prompt = "menu_again" if self.flags.had_input or not self.first_turn else "menu"
        self.messages.append(_menu(view, view.message(prompt)))
        return self._done(replace(state, pending=INTENT_MENU), pending=True)

    def _resume(self, state: SessionState, finished: Intent) -> TurnResult:
        """A digression's task is done: back to the task it interrupted."""
        self._report_fulfilled(finished, state.slots)
        kept = {k: v for k, v in state.slots.items() if k not in {s.id for s in finished.slots}}
        resumed = replace(state, intent_id=state.resume, resume=None, slots=kept, pending=None)
        self.say(self.view.message("resume"))
        self.reading.builtin = None
        return self._continue(resumed)

    def _report_fulfilled(self, intent: Intent, slots: dict[str, Any]) -> None:
        self.fulfilled = {
            "intentId": intent.id,
            "slots": {s.id: slots[s.id] for s in intent.slots if s.id in slots},
        }

    def _digression(self, other_id: str) -> TurnResult:
        """Another intent in the middle of a task: answer it and go back to the task (if it needs
        answers of its own, ask them first and come back afterwards)."""
        view, state = self.view, self.state
        other = view.intents[other_id]
        missing = [s for s in other.slots if s.required and s.id not in state.slots]
        if missing:
            suspended = replace(state, intent_id=other.id, resume=state.intent_id, pending=None)
            return self._continue(suspended)
        self.say(fulfilment_text(other, state.slots, self.view.language))
        self._report_fulfilled(other, state.slots)
        kept = {
            k: v
            for k, v in state.slots.items()
            if k not in {s.id for s in other.slots}
            or k in {s.id for s in view.intents[state.intent_id or other_id].slots}
        }
        self.say(view.message("resume"))
        return self._continue(replace(state, slots=kept, pending=None))
