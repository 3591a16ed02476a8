"""Turn-processing deployments: the YAML a tenant loads, validated into plain, immutable objects.

A deployment is one assistant: its channels, intents (example utterances, keywords, the slots
each needs and the message that fulfils it), and its welcome, fallback, handoff and escalation
settings. A slot is tied to a question of the tenant's NBQ catalog (``question: q_budget_range``,
so one catalog serves both APIs and the NBQ engine orders the questions) or carries its own
``prompt``. Loading resolves catalog questions into the stored document (text and choices), so a
turn needs the catalog only to order questions.

    deployment_key: furniture-shop
    channels: [web-en-US]
    welcome: Hi! I can help you find an outdoor table.
    idle_timeout_seconds: 900
    escalation_channel: {type: live_chat, name: Terrace & Table support}
    intents:
      - id: find_outdoor_table
        title: Find an outdoor table
        utterances: [I am looking for a garden table]
        keywords: [outdoor table]
        slots:
          - id: budget
            question: q_budget_range
            type: choice
            value_from: money
            choices:
              - {id: under-500, text: Under €500, max: 499.99, synonyms: [cheap]}
        fulfilment: Here are our {material} tables for {seating} people, {budget}.
"""

from __future__ import annotations

import re
import string
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from parley.dialogue.limits import MAX_IDLE_TIMEOUT_SECONDS as MAX_IDLE_TIMEOUT
from parley.dialogue.limits import MIN_IDLE_TIMEOUT_SECONDS as MIN_IDLE_TIMEOUT
from parley.nbq.catalog import Catalog, string_list

# A channel key ends with a BCP 47-style language suffix: -en-US, -es-MX, -es-419, -fr-CA.
_CHANNEL_KEY = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}-(?P<language>[a-z]{2,3}-(?:[A-Z]{2}|[0-9]{3}))$")
_KEY = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$")
_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
SLOT_KINDS = frozenset({"choice", "number", "money", "date", "text"})
VALUE_SOURCES = frozenset({"money", "number"})
DEFAULT_FULFILMENT = "Thanks — I have everything I need."
DEFAULT_WELCOME = "Hi! How can I help you today?"
DEFAULT_FALLBACK = "Sorry, I did not understand that."
DEFAULT_HANDOFF = "I am passing you to a colleague, who will answer here shortly."
DEFAULT_EXPIRED = "Your previous conversation timed out, so we are starting over."
# The intent menu is a pending "question" of its own; no slot may take its id.
INTENT_MENU = "@intent"


class DeploymentError(ValueError):
    """A deployment that cannot be loaded; the message says what and where."""


def language_of(channel_key: str) -> str | None:
    """The language suffix of a channel key (``web-en-US`` → ``en-US``); None when it has none."""
    match = _CHANNEL_KEY.match(channel_key)
    return match.group("language") if match else None


@dataclass(frozen=True, slots=True)
class Choice:
    id: str
    text: str
    synonyms: tuple[str, ...] = ()
    # A number the user gives (an amount, a count) picks the choice whose range holds it.
    minimum: float | None = None
    maximum: float | None = None


@dataclass(frozen=True, slots=True)
class Slot:
    id: str
    prompt: str
    kind: str
    question_id: str | None = None
    choices: tuple[Choice, ...] = ()
    # choice slots with ranges: which number in the utterance selects a choice.
    value_from: str | None = None
    # A count is recognised outside its own question only before one of these ("6 people").
    units: tuple[str, ...] = ()
    # text slots: the value must match (searched anywhere in the utterance).
    pattern: str | None = None
    required: bool = True

    def choice(self, choice_id: str) -> Choice | None:
        return next((c for c in self.choices if c.id == choice_id), None)


@dataclass(frozen=True, slots=True)
class Intent:
    id: str
    title: str
    utterances: tuple[str, ...]
    keywords: tuple[str, ...]
    slots: tuple[Slot, ...]
    fulfilment: str
    escalate: bool = False


@dataclass(frozen=True, slots=True)
class Deployment:
    key: str
    name: str
    channels: Mapping[str, str]  # channel key → language
    welcome: str
    fallback: str
    handoff: str
    expired: str
    escalation_channel: Mapping[str, Any]
    idle_timeout_seconds: int
    intents: Mapping[str, Intent]
    multimodal_enabled: bool = False
    external_processing_enabled: bool = False
    document: Mapping[str, Any] = field(default_factory=dict)

    def slot(self, slot_id: str) -> Slot | None:
        for intent in self.intents.values():
            for slot in intent.slots:
                if slot.id == slot_id:
                    return slot
        return None


def _text(raw: Mapping[str, Any], key: str, where: str, default: str | None = None) -> str:
    value = raw.get(key, default)
    if not isinstance(value, str) or not value.strip():
        raise DeploymentError(f"{where}.{key}: required, a non-empty string")
    return value.strip()


def _strings(value: Any, where: str) -> tuple[str, ...]:
    return string_list(value, where, DeploymentError)


def _number(value: Any, where: str) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise DeploymentError(f"{where}: a number")
    return float(value)


def slug(text: str) -> str:
    """A choice id from a catalog choice's text (``€500-€1,000`` → ``500-1000``)."""
    words = re.findall(r"[a-z0-9]+", text.lower())
    return "-".join(words)[:64] or "choice"


def _choice(raw: Any, where: str) -> Choice:
    if isinstance(raw, str | int | float) and not isinstance(raw, bool):
        return Choice(id=slug(str(raw)), text=str(raw))
    if not isinstance(raw, Mapping):
        raise DeploymentError(f"{where}: a choice is a string or a mapping with id and text")
    text = raw.get("text")
    if isinstance(text, int | float) and not isinstance(text, bool):
        text = str(text)
    if not isinstance(text, str) or not text.strip():
        raise DeploymentError(f"{where}.text: required, a non-empty string")
    choice_id = str(raw.get("id") or slug(text))
    if not _ID.match(choice_id):
        raise DeploymentError(f"{where}.id: {choice_id!r} is not a valid id (letters, digits, _ . -)")
    minimum, maximum = _number(raw.get("min"), f"{where}.min"), _number(raw.get("max"), f"{where}.max")
    if minimum is not None and maximum is not None and minimum > maximum:
        raise DeploymentError(f"{where}: min is greater than max")
    return Choice(
        choice_id, text.strip(), _strings(raw.get("synonyms"), f"{where}.synonyms"), minimum, maximum
    )


def _slot(raw: Any, where: str, catalog: Catalog | None) -> Slot:
    if not isinstance(raw, Mapping):
        raise DeploymentError(f"{where}: a slot is a mapping with id and question or prompt")
    slot_id = raw.get("id")
    if not isinstance(slot_id, str) or not _ID.match(slot_id):
        raise DeploymentError(f"{where}.id: required, letters, digits, _ . - (at most 64)")
    where = f"{where} ({slot_id})"
    question_id, prompt, catalog_choices = _slot_question(raw, where, catalog)
    choices = _slot_choices(raw, where, catalog_choices)
    kind = raw.get("type") or ("choice" if choices else "text")
    if kind not in SLOT_KINDS:
        raise DeploymentError(f"{where}.type: one of {sorted(SLOT_KINDS)}")
    if kind == "choice" and not choices:
        raise DeploymentError(f"{where}: a choice slot needs choices (its own or its catalog question's)")
    value_from = raw.get("value_from")
    if value_from is not None and value_from not in VALUE_SOURCES:
        raise DeploymentError(f"{where}.value_from: one of {sorted(VALUE_SOURCES)}")
    pattern = _slot_pattern(raw.get("pattern"), where)
    required = raw.get("required", True)
    if not isinstance(required, bool):
        raise DeploymentError(f"{where}.required: true or false")
    return Slot(
        id=slot_id,
        prompt=prompt,
        kind=kind,
        question_id=question_id,
        choices=choices,
        value_from=value_from,
        units=_strings(raw.get("units"), f"{where}.units"),
        pattern=pattern,
        required=required,
    )


def _slot_question(
    raw: Mapping[str, Any], where: str, catalog: Catalog | None
) -> tuple[str | None, str, tuple[str, ...]]:
    """The slot's catalog question (if any), its prompt, and the catalog question's choices."""
    question_id = raw.get("question")
    prompt = raw.get("prompt")
    catalog_choices: tuple[str, ...] = ()
    if question_id is not None:
        if not isinstance(question_id, str) or not question_id.strip():
            raise DeploymentError(f"{where}.question: a catalog question's external_id")
        if catalog is not None:
            question = catalog.by_id.get(question_id)
            if question is None:
                raise DeploymentError(
                    f"{where}: question {question_id!r} is not in the tenant's catalog "
                    f"(version {catalog.version})"
                )
            prompt = prompt or question.text
            catalog_choices = question.choices
        elif not prompt:
            raise DeploymentError(
                f"{where}: question {question_id!r} needs the tenant's catalog (load catalog.yaml with it)"
            )
    if not isinstance(prompt, str) or not prompt.strip():
        raise DeploymentError(f"{where}: needs a catalog `question` or its own `prompt`")
    return question_id, prompt.strip(), catalog_choices


def _slot_choices(raw: Mapping[str, Any], where: str, catalog_choices: tuple[str, ...]) -> tuple[Choice, ...]:
    raw_choices = raw.get("choices")
    if raw_choices is None:
        raw_choices = list(catalog_choices)
    if not isinstance(raw_choices, list):
        raise DeploymentError(f"{where}.choices: a list")
    choices = tuple(_choice(c, f"{where}.choices[{i}]") for i, c in enumerate(raw_choices))
    seen: set[str] = set()
    for choice in choices:
        if choice.id in seen:
            raise DeploymentError(f"{where}: duplicate choice id {choice.id!r}")
        seen.add(choice.id)
    return choices


def _slot_pattern(pattern: Any, where: str) -> str | None:
    if pattern is None:
        return None
    try:
        re.compile(str(pattern))
    except re.error as exc:
        raise DeploymentError(f"{where}.pattern: not a valid regular expression ({exc})") from None
    return str(pattern)


def _intent(raw: Any, where: str, catalog: Catalog | None, default_fulfilment: str) -> Intent:
    if not isinstance(raw, Mapping):
        raise DeploymentError(f"{where}: an intent is a mapping")
    intent_id = raw.get("id")
    if not isinstance(intent_id, str) or not _ID.match(intent_id):
        raise DeploymentError(f"{where}.id: required, letters, digits, _ . - (at most 64)")
    where = f"{where} ({intent_id})"
    utterances = _strings(raw.get("utterances"), f"{where}.utterances")
    keywords = _strings(raw.get("keywords"), f"{where}.keywords")
    if not utterances and not keywords:
        raise DeploymentError(f"{where}: needs example utterances or keywords to be recognised")
    raw_slots = raw.get("slots") or []
    if not isinstance(raw_slots, list):
        raise DeploymentError(f"{where}.slots: a list")
    slots = tuple(_slot(s, f"{where}.slots[{i}]", catalog) for i, s in enumerate(raw_slots))
    slot_ids = [s.id for s in slots]
    duplicates = sorted({s for s in slot_ids if slot_ids.count(s) > 1})
    if duplicates:
        raise DeploymentError(f"{where}: duplicate slot id {duplicates[0]!r}")
    escalate = raw.get("escalate", False)
    if not isinstance(escalate, bool):
        raise DeploymentError(f"{where}.escalate: true or false")
    fulfilment = _text(raw, "fulfilment", where, default_fulfilment)
    try:
        fields = [name for _, name, _, _ in string.Formatter().parse(fulfilment) if name is not None]
    except ValueError as exc:
        raise DeploymentError(f"{where}.fulfilment: {exc}") from None
    for name in fields:
        if name not in slot_ids:
            raise DeploymentError(f"{where}.fulfilment: {{{name}}} is not a slot of this intent")
    return Intent(
        id=intent_id,
        title=_text(raw, "title", where, intent_id.replace("_", " ").capitalize()),
        utterances=utterances,
        keywords=keywords,
        slots=slots,
        fulfilment=fulfilment,
        escalate=escalate,
    )


def parse_deployment(document: Any, catalog: Catalog | None = None) -> Deployment:
    """Validate a deployment document; raise ``DeploymentError`` with a clear message.

    With ``catalog`` (at load time) slots' catalog questions are checked and resolved into the
    document; without it (at run time, from the stored document) they must be resolved already.
    """
    if not isinstance(document, Mapping):
        raise DeploymentError("a deployment is a mapping with deployment_key, channels and intents")
    key = document.get("deployment_key")
    if not isinstance(key, str) or not _KEY.match(key):
        raise DeploymentError("deployment_key: required, letters, digits, _ and - (at most 64)")
    escalation_channel = document.get("escalation_channel") or {}
    if not isinstance(escalation_channel, Mapping):
        raise DeploymentError("escalation_channel: a mapping (returned as metadata.escalationChannel)")
    intents = _intents(document.get("intents"), catalog, document.get("fulfilment", DEFAULT_FULFILMENT))
    if any(intent.escalate for intent in intents.values()) and not escalation_channel:
        raise DeploymentError("escalation_channel: required when an intent escalates")
    for flag in ("multimodal_enabled", "external_processing_enabled"):
        if not isinstance(document.get(flag, False), bool):
            raise DeploymentError(f"{flag}: true or false")
    deployment = Deployment(
        key=key,
        name=str(document.get("name") or key),
        channels=_channels(document.get("channels")),
        welcome=_text(document, "welcome", "deployment", DEFAULT_WELCOME),
        fallback=_text(document, "fallback", "deployment", DEFAULT_FALLBACK),
        handoff=_text(document, "handoff", "deployment", DEFAULT_HANDOFF),
        expired=_text(document, "expired", "deployment", DEFAULT_EXPIRED),
        escalation_channel=dict(escalation_channel),
        idle_timeout_seconds=_idle_timeout(document.get("idle_timeout_seconds", 900)),
        intents=intents,
        multimodal_enabled=document.get("multimodal_enabled", False),
        external_processing_enabled=document.get("external_processing_enabled", False),
    )
    return Deployment(**{**_fields(deployment), "document": deployment_document(deployment)})


def _channels(raw_channels: Any) -> dict[str, str]:
    """Channel key → its language."""
    if not isinstance(raw_channels, list) or not raw_channels:
        raise DeploymentError("channels: required, a non-empty list of channel keys such as web-en-US")
    channels: dict[str, str] = {}
    for i, channel in enumerate(raw_channels):
        channel_key = channel.get("key") if isinstance(channel, Mapping) else channel
        language = language_of(channel_key) if isinstance(channel_key, str) else None
        if language is None or not isinstance(channel_key, str):
            raise DeploymentError(
                f"channels[{i}]: {channel_key!r} must end with a language suffix such as -en-US or -es-MX"
            )
        if channel_key in channels:
            raise DeploymentError(f"channels[{i}]: duplicate channel {channel_key!r}")
        channels[channel_key] = language
    return channels


def _idle_timeout(timeout: Any) -> int:
    if (
        not isinstance(timeout, int)
        or isinstance(timeout, bool)
        or not (MIN_IDLE_TIMEOUT <= timeout <= MAX_IDLE_TIMEOUT)
    ):
        raise DeploymentError(
            f"idle_timeout_seconds: an integer from {MIN_IDLE_TIMEOUT} to {MAX_IDLE_TIMEOUT}"
        )
    return timeout


def _intents(raw_intents: Any, catalog: Catalog | None, default_fulfilment: str) -> dict[str, Intent]:
    if not isinstance(raw_intents, list) or not raw_intents:
        raise DeploymentError("intents: required, a non-empty list")
    intents: dict[str, Intent] = {}
    slots_by_id: dict[str, Slot] = {}
    for i, raw in enumerate(raw_intents):
        intent = _intent(raw, f"intents[{i}]", catalog, default_fulfilment)
        if intent.id in intents:
            raise DeploymentError(f"intents[{i}]: duplicate intent id {intent.id!r}")
        for slot in intent.slots:
            # Slot values are kept by id across intents ("keep the rest of the session's state"),
            # so one id must mean one thing everywhere.
            other = slots_by_id.get(slot.id)
            if other is not None and other != slot:
                raise DeploymentError(
                    f"intents[{i}] ({intent.id}): slot {slot.id!r} is defined differently in another intent"
                )
            slots_by_id[slot.id] = slot
        intents[intent.id] = intent
    return intents


def _fields(deployment: Deployment) -> dict[str, Any]:
    return {name: getattr(deployment, name) for name in Deployment.__slots__}


def deployment_document(deployment: Deployment) -> dict[str, Any]:
    """The validated deployment as a plain document, catalog questions resolved (what is stored)."""

    def choice(c: Choice) -> dict[str, Any]:
        body: dict[str, Any] = {"id": c.id, "text": c.text}
        if c.synonyms:
            body["synonyms"] = list(c.synonyms)
        if c.minimum is not None:
            body["min"] = c.minimum
        if c.maximum is not None:
            body["max"] = c.maximum
        return body

    def slot(s: Slot) -> dict[str, Any]:
        body: dict[str, Any] = {"id": s.id, "prompt": s.prompt, "type": s.kind, "required": s.required}
        if s.question_id:
            body["question"] = s.question_id
        if s.choices:
            body["choices"] = [choice(c) for c in s.choices]
        if s.value_from:
            body["value_from"] = s.value_from
        if s.units:
            body["units"] = list(s.units)
        if s.pattern:
            body["pattern"] = s.pattern
        return body

    return {
        "deployment_key": deployment.key,
        "name": deployment.name,
        "channels": list(deployment.channels),
        "welcome": deployment.welcome,
        "fallback": deployment.fallback,
        "handoff": deployment.handoff,
        "expired": deployment.expired,
        "escalation_channel": dict(deployment.escalation_channel),
        "idle_timeout_seconds": deployment.idle_timeout_seconds,
        "multimodal_enabled": deployment.multimodal_enabled,
        "external_processing_enabled": deployment.external_processing_enabled,
        "intents": [
            {
                "id": i.id,
                "title": i.title,
                "utterances": list(i.utterances),
                "keywords": list(i.keywords),
                "slots": [slot(s) for s in i.slots],
                "fulfilment": i.fulfilment,
                "escalate": i.escalate,
            }
            for i in deployment.intents.values()
        ],
    }


def load_deployment_yaml(text: str, catalog: Catalog | None = None) -> Deployment:
    import yaml

    try:
        document = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise DeploymentError(f"not valid YAML: {exc}") from exc
    return parse_deployment(document, catalog)
