"""Turn-processing deployments: the YAML a tenant loads, validated into plain, immutable objects.

A deployment is one assistant: its channels, intents (example utterances, keywords, the slots
each needs and the message that fulfils it), its welcome, fallback, handoff and built-in replies,
its escalation policy, and its content per language. A slot is tied to a question of the tenant's
NBQ catalog (``question: q_budget_range``, so one catalog serves both APIs and the NBQ engine
orders the questions) or carries its own ``prompt``. Loading resolves catalog questions into the
stored document (text and choices), so a turn needs the catalog only to order questions.

    deployment_key: furniture-shop
    language: en                      # the language of the texts below (default en)
    channels: [web-en-US, web-es-MX]  # each channel's language suffix selects its content
    welcome: Hi! I can help you find an outdoor table.
    escalation: {on_request: true, after_misunderstandings: 3, after_frustration: 2}
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
              - {id: under-500, text: Under €500, max: 499.99, synonyms: [cheap], phrase: under €500}
        fulfilment:                    # the first whose slots are all filled is said
          - Here are our {material} tables for {seating} people, {budget}.
    translations:
      es:
        welcome: ¡Hola! Te ayudo a encontrar una mesa de exterior.
        intents:
          find_outdoor_table: {title: …, utterances: […], keywords: […], fulfilment: …}
        slots:
          budget: {prompt: ¿Qué presupuesto tienes?, choices: {under-500: {text: Menos de 500 €}}}

A channel whose language has neither the top-level content nor a translation is refused when the
deployment is loaded (``es-MX`` is served by ``es-MX`` or ``es``). A translation gives every
intent's utterances or keywords, title and fulfilment, every slot's prompt and every choice's
text; built-in replies have defaults in every supported language. A choice slot may give
``advice``, translated like its prompt (a translation without one has none): what the assistant says
when a visitor asks about the options instead of answering ("which one lasts longer outside?"),
before it asks the question again (``parley.dialogue.options_question``).
"""

from __future__ import annotations

import re
import string
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from parley.dialogue import limits
from parley.dialogue.limits import MAX_IDLE_TIMEOUT_SECONDS as MAX_IDLE_TIMEOUT
from parley.dialogue.limits import MIN_IDLE_TIMEOUT_SECONDS as MIN_IDLE_TIMEOUT
from parley.language import SUPPORTED_LANGUAGES, base_language
from parley.nbq.catalog import Catalog, string_list

# A channel key ends with a BCP 47-style language suffix: -en-US, -es-MX, -es-419, -fr-CA.
# Matched whole (``fullmatch``): ``$`` would accept a trailing newline.
_CHANNEL_KEY = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,62}-(?P<language>[a-z]{2,3}-(?:[A-Z]{2}|[0-9]{3}))")
_LANGUAGE_KEY = re.compile(r"[a-z]{2,3}(?:-(?:[A-Z]{2}|[0-9]{3}))?")
_KEY = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,63}")
_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")
SLOT_KINDS = frozenset({"choice", "number", "money", "date", "text"})
# ``count``: a number of people ("me, my wife and the kids"), with the slot's units as extra nouns.
VALUE_SOURCES = frozenset({"money", "number", "count"})
DEFAULT_LANGUAGE = "en"
# The intent menu is a pending "question" of its own; no slot may take its id.
INTENT_MENU = "@intent"

# Built-in replies, per supported language; a deployment may override any of them (``messages``).
DEFAULT_TEXTS: dict[str, dict[str, str]] = {
    "en": {
        "welcome": "Hi! How can I help you today?",
        "fallback": "Sorry, I did not understand that.",
        "handoff": "I am passing you to a colleague, who will answer here shortly.",
        "expired": "Your previous conversation timed out, so we are starting over.",
        "fulfilment": "Thanks — I have everything I need.",
    },
    "es": {
        "welcome": "¡Hola! ¿En qué te puedo ayudar?",
        "fallback": "Perdón, no te entendí.",
        "handoff": "Te paso con una persona de nuestro equipo, que te responderá aquí en breve.",
        "expired": "Tu conversación anterior expiró, así que empezamos de nuevo.",
        "fulfilment": "Gracias, ya tengo todo lo que necesito.",
    },
}
DEFAULT_MESSAGES: dict[str, dict[str, str]] = {
    "en": {
        "menu": "What can I do for you?",
        "menu_again": "Here is what I can help with:",
        "greeting": "Hi! What can I do for you?",
        "greeting_again": "Hi again!",
        "thanks": "You're welcome!",
        "goodbye": "Thanks for chatting — goodbye!",
        "help": "I can help you with these:",
        "out_of_scope": "Sorry, I can't help with that here.",
        "resume": "Now, back to where we were.",
        "corrected": "Got it, I've changed that to {value}.",
        "frustration": "I am sorry this is frustrating — let us sort it out.",
        "anything_else": "Is there anything else I can help with?",
    },
    "es": {
        "menu": "¿En qué te puedo ayudar?",
        "menu_again": "Esto es lo que puedo hacer por ti:",
        "greeting": "¡Hola! ¿En qué te puedo ayudar?",
        "greeting_again": "¡Hola de nuevo!",
        "thanks": "¡Con gusto!",
        "goodbye": "Gracias por escribirnos, ¡hasta luego!",
        "help": "Te puedo ayudar con esto:",
        "out_of_scope": "Perdón, con eso no te puedo ayudar aquí.",
        "resume": "Ahora sí, sigamos donde nos quedamos.",
        "corrected": "Entendido, lo cambié a {value}.",
        "frustration": "Perdón por la molestia, vamos a resolverlo.",
        "anything_else": "¿Te ayudo con algo más?",
    },
}
MESSAGE_KEYS = frozenset(DEFAULT_MESSAGES["en"])
DEFAULT_FULFILMENT = DEFAULT_TEXTS["en"]["fulfilment"]
DEFAULT_WELCOME = DEFAULT_TEXTS["en"]["welcome"]
DEFAULT_FALLBACK = DEFAULT_TEXTS["en"]["fallback"]
DEFAULT_HANDOFF = DEFAULT_TEXTS["en"]["handoff"]
DEFAULT_EXPIRED = DEFAULT_TEXTS["en"]["expired"]


class DeploymentError(ValueError):
    """A deployment that cannot be loaded; the message says what and where."""


def language_of(channel_key: str) -> str | None:
    """The language suffix of a channel key (``web-en-US`` → ``en-US``); None when it has none."""
    match = _CHANNEL_KEY.fullmatch(channel_key)
    return match.group("language") if match else None


@dataclass(frozen=True, slots=True)
class Choice:
    id: str
    text: str
    synonyms: tuple[str, ...] = ()
    # A number the user gives (an amount, a count) picks the choice whose range holds it.
    minimum: float | None = None
    maximum: float | None = None
    # How the value reads inside a sentence (the fulfilment message); the text when absent.
    phrase: str | None = None

    @property
    def in_sentence(self) -> str:
        return self.phrase if self.phrase is not None else self.text


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
    # text slots: the value must match (searched anywhere in the utterance, on RE2).
    pattern: str | None = None
    required: bool = True
    # What the assistant says when a visitor asks about the options instead of answering ("which
    # one lasts longer outside?"), before it asks the question again.
    advice: str | None = None

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
    # Alternatives in order: the first whose placeholders are all filled is said.
    fulfilments: tuple[str, ...] = ()

    @property
    def templates(self) -> tuple[str, ...]:
        return self.fulfilments or (self.fulfilment,)


@dataclass(frozen=True, slots=True)
class EscalationPolicy:
    """When the conversation goes to a person: on an explicit request (words or ``NLX.Escalation``),
    after this many consecutive turns not understood, or after this many consecutive frustrated
    turns (0: never)."""

    on_request: bool = True
    after_misunderstandings: int = 3
    after_frustration: int = 2


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
    # The language of this view's texts (a key of ``localizations``: "en", "es", "es-MX" …).
    language: str = DEFAULT_LANGUAGE
    messages: Mapping[str, str] = field(default_factory=lambda: dict(DEFAULT_MESSAGES["en"]))
    out_of_scope: tuple[str, ...] = ()
    escalation: EscalationPolicy = EscalationPolicy()
    # Every language's view of this deployment, this one included (set once parsed).
    localizations: Mapping[str, Deployment] = field(default_factory=dict, compare=False, repr=False)

    def slot(self, slot_id: str) -> Slot | None:
        for intent in self.intents.values():
            for slot in intent.slots:
                if slot.id == slot_id:
                    return slot
        return None

    def localized(self, language: str | None) -> Deployment:
        """This deployment's view in a channel's language (``es-MX`` → the ``es-MX`` content, else
        the ``es`` content); itself when it has no other content for it."""
        if not language or language == self.language:
            return self
        views = self.localizations
        return views.get(language) or views.get(base_language(language)) or self._same_base(language)

    def _same_base(self, language: str) -> Deployment:
        wanted = base_language(language)
        for code, view in self.localizations.items():
            if base_language(code) == wanted:
                return view
        return self

    def message(self, name: str, **values: str) -> str:
        text = self.messages.get(name) or DEFAULT_MESSAGES["en"][name]
        return text.format(**values) if values else text


# ------------------------------------------------------------------------------------------------
# Small validators
# ------------------------------------------------------------------------------------------------
def _text(raw: Mapping[str, Any], key: str, where: str, default: str | None = None) -> str:
    value = raw.get(key, default)
    if not isinstance(value, str) or not value.strip():
        raise DeploymentError(f"{where}.{key}: required, a non-empty string")
    return value.strip()


def _strings(value: Any, where: str) -> tuple[str, ...]:
    return string_list(value, where, DeploymentError)


def _bounded(values: tuple[str, ...], most: int, where: str, chars: int | None = None) -> tuple[str, ...]:
    if len(values) > most:
        raise DeploymentError(f"{where}: at most {most} entries (found {len(values)})")
    if chars is not None:
        for value in values:
            if len(value) > chars:
                raise DeploymentError(f"{where}: {value[:40]!r}… is longer than {chars} characters")
    return values


def _number(value: Any, where: str) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise DeploymentError(f"{where}: a number")
    return float(value)


def _count(raw: Mapping[str, Any], key: str, where: str, default: int) -> int:
    value = raw.get(key, default)
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= 100:
        raise DeploymentError(f"{where}.{key}: an integer from 0 to 100 (0: never)")
    return value


def slug(text: str) -> str:
    """A choice id from a catalog choice's text (``€500-€1,000`` → ``500-1000``)."""
    words = re.findall(r"[a-z0-9]+", text.lower())
    return "-".join(words)[:64] or "choice"


def _placeholders(template: str, where: str) -> list[str]:
    try:
        return [name for _, name, _, _ in string.Formatter().parse(template) if name is not None]
    except ValueError as exc:
        raise DeploymentError(f"{where}: {exc}") from None


def _fulfilments(raw: Any, where: str, slot_ids: list[str], default: str) -> tuple[str, ...]:
    """One template or a list of alternatives, each naming only the intent's slots."""
    templates = (default,) if raw is None else _strings(raw, where)
    if not templates:
        raise DeploymentError(f"{where}: required, a message or a list of messages")
    for template in templates:
        for name in _placeholders(template, where):
            if name not in slot_ids:
                raise DeploymentError(f"{where}: {{{name}}} is not a slot of this intent")
    return templates


# ------------------------------------------------------------------------------------------------
# Choices, slots, intents
# ------------------------------------------------------------------------------------------------
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
    if not _ID.fullmatch(choice_id):
        raise DeploymentError(f"{where}.id: {choice_id!r} is not a valid id (letters, digits, _ . -)")
    minimum, maximum = _number(raw.get("min"), f"{where}.min"), _number(raw.get("max"), f"{where}.max")
    if minimum is not None and maximum is not None and minimum > maximum:
        raise DeploymentError(f"{where}: min is greater than max")
    synonyms = _bounded(
        _strings(raw.get("synonyms"), f"{where}.synonyms"),
        limits.MAX_SYNONYMS_PER_CHOICE,
        f"{where}.synonyms",
        limits.MAX_EXAMPLE_CHARS,
    )
    phrase = raw.get("phrase")
    if phrase is not None and not isinstance(phrase, str):
        raise DeploymentError(f"{where}.phrase: a string (how the value reads in a sentence)")
    return Choice(choice_id, text.strip(), synonyms, minimum, maximum, phrase.strip() if phrase else phrase)


def _slot(raw: Any, where: str, catalog: Catalog | None) -> Slot:
    if not isinstance(raw, Mapping):
        raise DeploymentError(f"{where}: a slot is a mapping with id and question or prompt")
    slot_id = raw.get("id")
    if not isinstance(slot_id, str) or not _ID.fullmatch(slot_id):
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
        advice=_advice(raw, where),
    )


def _advice(raw: Mapping[str, Any], where: str) -> str | None:
    """The slot's optional advice about its options (a non-empty string when given)."""
    advice = raw.get("advice")
    if advice is None:
        return None
    if not isinstance(advice, str) or not advice.strip():
        raise DeploymentError(f"{where}.advice: a non-empty string (what to say about the options)")
    return advice.strip()


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
    if len(raw_choices) > limits.MAX_CHOICES_PER_SLOT:
        raise DeploymentError(f"{where}.choices: at most {limits.MAX_CHOICES_PER_SLOT} choices")
    choices = tuple(_choice(c, f"{where}.choices[{i}]") for i, c in enumerate(raw_choices))
    seen: set[str] = set()
    for choice in choices:
        if choice.id in seen:
            raise DeploymentError(f"{where}: duplicate choice id {choice.id!r}")
        seen.add(choice.id)
    return choices


def _slot_pattern(pattern: Any, where: str) -> str | None:
    """A pattern RE2 compiles (linear-time matching), or a refusal with RE2's reason."""
    if pattern is None:
        return None
    from parley.language.patterns import PatternError, compile_pattern

    source = str(pattern)
    if len(source) > limits.MAX_PATTERN_CHARS:
        raise DeploymentError(f"{where}.pattern: at most {limits.MAX_PATTERN_CHARS} characters")
    try:
        compile_pattern(source)
    except PatternError as exc:
        raise DeploymentError(
            f"{where}.pattern: not a valid regular expression for RE2, which runs patterns in linear "
            f"time ({exc})"
        ) from None
    return source


def _intent(raw: Any, where: str, catalog: Catalog | None, default_fulfilment: str) -> Intent:
    if not isinstance(raw, Mapping):
        raise DeploymentError(f"{where}: an intent is a mapping")
    intent_id = raw.get("id")
    if not isinstance(intent_id, str) or not _ID.fullmatch(intent_id):
        raise DeploymentError(f"{where}.id: required, letters, digits, _ . - (at most 64)")
    where = f"{where} ({intent_id})"
    utterances, keywords = _examples(raw, where)
    raw_slots = raw.get("slots") or []
    if not isinstance(raw_slots, list):
        raise DeploymentError(f"{where}.slots: a list")
    if len(raw_slots) > limits.MAX_SLOTS_PER_INTENT:
        raise DeploymentError(f"{where}.slots: at most {limits.MAX_SLOTS_PER_INTENT} slots")
    slots = tuple(_slot(s, f"{where}.slots[{i}]", catalog) for i, s in enumerate(raw_slots))
    slot_ids = [s.id for s in slots]
    duplicates = sorted({s for s in slot_ids if slot_ids.count(s) > 1})
    if duplicates:
        raise DeploymentError(f"{where}: duplicate slot id {duplicates[0]!r}")
    escalate = raw.get("escalate", False)
    if not isinstance(escalate, bool):
        raise DeploymentError(f"{where}.escalate: true or false")
    templates = _fulfilments(raw.get("fulfilment"), f"{where}.fulfilment", slot_ids, default_fulfilment)
    return Intent(
        id=intent_id,
        title=_text(raw, "title", where, intent_id.replace("_", " ").capitalize()),
        utterances=utterances,
        keywords=keywords,
        slots=slots,
        fulfilment=templates[0],
        escalate=escalate,
        fulfilments=templates if len(templates) > 1 else (),
    )


def _examples(raw: Mapping[str, Any], where: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    utterances = _bounded(
        _strings(raw.get("utterances"), f"{where}.utterances"),
        limits.MAX_EXAMPLES_PER_INTENT,
        f"{where}.utterances",
        limits.MAX_EXAMPLE_CHARS,
    )
    keywords = _bounded(
        _strings(raw.get("keywords"), f"{where}.keywords"),
        limits.MAX_EXAMPLES_PER_INTENT,
        f"{where}.keywords",
        limits.MAX_EXAMPLE_CHARS,
    )
    if not utterances and not keywords:
        raise DeploymentError(f"{where}: needs example utterances or keywords to be recognised")
    return utterances, keywords


# ------------------------------------------------------------------------------------------------
# The deployment
# ------------------------------------------------------------------------------------------------
def parse_deployment(
    document: Any, catalog: Catalog | None = None, *, strict_languages: bool = True
) -> Deployment:
    """Validate a deployment document; raise ``DeploymentError`` with a clear message.

    With ``catalog`` (at load time) slots' catalog questions are checked and resolved into the
    document; without it (at run time, from the stored document) they must be resolved already.
    ``strict_languages=False`` (a document stored before deployments had languages) serves a
    channel whose language has no content in the top-level language instead of refusing it.
    """
    if not isinstance(document, Mapping):
        raise DeploymentError("a deployment is a mapping with deployment_key, channels and intents")
    key = document.get("deployment_key")
    if not isinstance(key, str) or not _KEY.fullmatch(key):
        raise DeploymentError("deployment_key: required, letters, digits, _ and - (at most 64)")
    language = _language_key(document.get("language", DEFAULT_LANGUAGE), "language")
    texts = DEFAULT_TEXTS[base_language(language)]
    escalation_channel = document.get("escalation_channel") or {}
    if not isinstance(escalation_channel, Mapping):
        raise DeploymentError("escalation_channel: a mapping (returned as metadata.escalationChannel)")
    intents = _intents(document.get("intents"), catalog, document.get("fulfilment", texts["fulfilment"]))
    if any(intent.escalate for intent in intents.values()) and not escalation_channel:
        raise DeploymentError("escalation_channel: required when an intent escalates")
    for flag in ("multimodal_enabled", "external_processing_enabled"):
        if not isinstance(document.get(flag, False), bool):
            raise DeploymentError(f"{flag}: true or false")
    base = Deployment(
        key=key,
        name=str(document.get("name") or key),
        channels=_channels(document.get("channels")),
        escalation_channel=dict(escalation_channel),
        idle_timeout_seconds=_idle_timeout(document.get("idle_timeout_seconds", 900)),
        intents=intents,
        multimodal_enabled=document.get("multimodal_enabled", False),
        external_processing_enabled=document.get("external_processing_enabled", False),
        language=language,
        escalation=_escalation(document.get("escalation")),
        **_language_texts(document, "deployment", language),
    )
    views = {language: base}
    views.update(_translations(document.get("translations"), base))
    _check_languages(base, views, strict_languages)
    _check_size(views)
    stored = deployment_document(base, document, views)
    views = {code: replace(view, document=stored) for code, view in views.items()}
    for view in views.values():
        object.__setattr__(view, "localizations", views)
    return views[language]


def _language_key(value: Any, where: str) -> str:
    if not isinstance(value, str) or not _LANGUAGE_KEY.fullmatch(value):
        raise DeploymentError(f"{where}: a language code such as en, es or es-MX")
    if base_language(value) not in SUPPORTED_LANGUAGES:
        raise DeploymentError(
            f"{where}: {value!r} is not a language Parley understands (supported: "
            f"{', '.join(SUPPORTED_LANGUAGES)})"
        )
    return value


def _language_texts(raw: Mapping[str, Any], where: str, language: str) -> dict[str, Any]:
    """The texts of one language: welcome, fallback, handoff, expired, built-in replies and
    out-of-scope examples, defaults filled in."""
    texts = DEFAULT_TEXTS[base_language(language)]
    messages = raw.get("messages") or {}
    if not isinstance(messages, Mapping) or set(messages) - MESSAGE_KEYS:
        unknown = sorted(set(messages) - MESSAGE_KEYS) if isinstance(messages, Mapping) else []
        raise DeploymentError(f"{where}.messages: a mapping of {sorted(MESSAGE_KEYS)} (unknown: {unknown})")
    merged = dict(DEFAULT_MESSAGES[base_language(language)])
    for name in messages:
        merged[name] = _text(messages, name, f"{where}.messages")
    if "{value}" not in merged["corrected"]:
        raise DeploymentError(f"{where}.messages.corrected: must contain {{value}}")
    out_of_scope = _bounded(
        _strings(raw.get("out_of_scope"), f"{where}.out_of_scope"),
        limits.MAX_EXAMPLES_PER_INTENT,
        f"{where}.out_of_scope",
        limits.MAX_EXAMPLE_CHARS,
    )
    return {
        "welcome": _text(raw, "welcome", where, texts["welcome"]),
        "fallback": _text(raw, "fallback", where, texts["fallback"]),
        "handoff": _text(raw, "handoff", where, texts["handoff"]),
        "expired": _text(raw, "expired", where, texts["expired"]),
        "messages": merged,
        "out_of_scope": out_of_scope,
    }


def _escalation(raw: Any) -> EscalationPolicy:
    if raw is None:
        return EscalationPolicy()
    if not isinstance(raw, Mapping) or set(raw) - {
        "on_request",
        "after_misunderstandings",
        "after_frustration",
    }:
        raise DeploymentError(
            "escalation: a mapping of on_request, after_misunderstandings, after_frustration"
        )
    on_request = raw.get("on_request", True)
    if not isinstance(on_request, bool):
        raise DeploymentError("escalation.on_request: true or false")
    return EscalationPolicy(
        on_request=on_request,
        after_misunderstandings=_count(raw, "after_misunderstandings", "escalation", 3),
        after_frustration=_count(raw, "after_frustration", "escalation", 2),
    )


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


def _check_languages(base: Deployment, views: Mapping[str, Deployment], strict: bool) -> None:
    """Every channel's language has content (its own or its base language's), when loading."""
    for channel, language in base.channels.items():
        view = views.get(language) or views.get(base_language(language))
        if view is None:
            view = next((v for k, v in views.items() if base_language(k) == base_language(language)), None)
        if view is None and strict:
            raise DeploymentError(
                f"channels: {channel!r} is in {language}, but the deployment has no content in that "
                f"language (its texts are in {base.language}; add translations.{base_language(language)})"
            )


def _check_size(views: Mapping[str, Deployment]) -> None:
    from parley.language.text import tokenize

    for code, view in views.items():
        examples = [u for i in view.intents.values() for u in (*i.utterances, *i.keywords)]
        if len(examples) > limits.MAX_EXAMPLES:
            raise DeploymentError(f"{code}: at most {limits.MAX_EXAMPLES} utterances and keywords in all")
        words: set[str] = set()
        for text in (
            *examples,
            *(
                t
                for i in view.intents.values()
                for s in i.slots
                for c in s.choices
                for t in (c.text, *c.synonyms)
            ),
        ):
            words.update(token for token in tokenize(text) if token.isalpha())
        if len(words) > limits.MAX_VOCABULARY_WORDS:
            raise DeploymentError(
                f"{code}: {len(words)} distinct words; at most {limits.MAX_VOCABULARY_WORDS} per language"
            )


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
    if len(raw_intents) > limits.MAX_INTENTS:
        raise DeploymentError(f"intents: at most {limits.MAX_INTENTS}")
    intents: dict[str, Intent] = {}
    slots_by_id: dict[str, Slot] = {}
    for i, raw in enumerate(raw_intents):
        intent = _intent(raw, f"intents[{i}]", catalog, default_fulfilment)
        if intent.id in intents:
            raise DeploymentError(f"intents[{i}]: duplicate intent id {intent.id!r}")
        for slot in intent.slots:
            if slot.id == INTENT_MENU:
                raise DeploymentError(f"intents[{i}]: {INTENT_MENU!r} is reserved")
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


# ------------------------------------------------------------------------------------------------
# Translations
# ------------------------------------------------------------------------------------------------
def _translations(raw: Any, base: Deployment) -> dict[str, Deployment]:
    if raw is None:
        return {}
    if not isinstance(raw, Mapping):
        raise DeploymentError("translations: a mapping of language code to that language's content")
    if len(raw) + 1 > limits.MAX_LANGUAGES:
        raise DeploymentError(f"translations: at most {limits.MAX_LANGUAGES} languages in all")
    views: dict[str, Deployment] = {}
    for given, content in raw.items():
        where = f"translations.{given}"
        code = _language_key(given, where)
        if code == base.language:
            raise DeploymentError(f"{where}: the top-level texts are already in {code}")
        if not isinstance(content, Mapping):
            raise DeploymentError(f"{where}: a mapping with intents, slots and texts")
        slots = _translated_slots(content.get("slots") or {}, base, where)
        unknown = sorted(set(content.get("intents") or {}) - set(base.intents))
        if unknown:
            raise DeploymentError(f"{where}.intents: no intent {unknown[0]!r} in this deployment")
        intents = {
            intent.id: _translated_intent(content.get("intents") or {}, intent, slots, where)
            for intent in base.intents.values()
        }
        views[code] = replace(base, language=code, intents=intents, **_language_texts(content, where, code))
    return views


def _translated_intent(raw: Any, intent: Intent, slots: Mapping[str, Slot], where: str) -> Intent:
    if not isinstance(raw, Mapping):
        raise DeploymentError(f"{where}.intents: a mapping of intent id to its content")
    body = raw.get(intent.id)
    where = f"{where}.intents.{intent.id}"
    if not isinstance(body, Mapping):
        raise DeploymentError(f"{where}: required (utterances or keywords, title, fulfilment)")
    utterances, keywords = _examples(body, where)
    slot_ids = [s.id for s in intent.slots]
    templates = _fulfilments(body.get("fulfilment"), f"{where}.fulfilment", slot_ids, "")
    if templates == ("",):
        raise DeploymentError(f"{where}.fulfilment: required, a message or a list of messages")
    return replace(
        intent,
        title=_text(body, "title", where),
        utterances=utterances,
        keywords=keywords,
        slots=tuple(slots[s.id] for s in intent.slots),
        fulfilment=templates[0],
        fulfilments=templates if len(templates) > 1 else (),
    )


def _translated_slots(raw: Any, base: Deployment, where: str) -> dict[str, Slot]:
    if not isinstance(raw, Mapping):
        raise DeploymentError(f"{where}.slots: a mapping of slot id to its prompt and choices")
    slots: dict[str, Slot] = {}
    for intent in base.intents.values():
        for slot in intent.slots:
            if slot.id in slots:
                continue
            body = raw.get(slot.id)
            at = f"{where}.slots.{slot.id}"
            if not isinstance(body, Mapping):
                raise DeploymentError(f"{at}: required (its prompt, and its choices' texts)")
            slots[slot.id] = replace(
                slot,
                prompt=_text(body, "prompt", at),
                units=_strings(body.get("units"), f"{at}.units") or slot.units,
                pattern=_slot_pattern(body["pattern"], at) if "pattern" in body else slot.pattern,
                choices=_translated_choices(body.get("choices") or {}, slot, at),
                # Never another language's advice: without its own, the question is just asked again.
                advice=_advice(body, at),
            )
    unknown = sorted(set(raw) - set(slots))
    if unknown:
        raise DeploymentError(f"{where}.slots: no slot {unknown[0]!r} in this deployment")
    return slots


def _translated_choices(raw: Any, slot: Slot, where: str) -> tuple[Choice, ...]:
    if not isinstance(raw, Mapping):
        raise DeploymentError(f"{where}.choices: a mapping of choice id to its text and synonyms")
    choices = []
    for choice in slot.choices:
        body = raw.get(choice.id)
        at = f"{where}.choices.{choice.id}"
        if isinstance(body, str):
            body = {"text": body}
        if not isinstance(body, Mapping):
            raise DeploymentError(f"{at}: required (its text)")
        translated = _choice({**body, "id": choice.id}, at)
        choices.append(replace(translated, minimum=choice.minimum, maximum=choice.maximum))
    unknown = sorted(set(raw) - {c.id for c in slot.choices})
    if unknown:
        raise DeploymentError(f"{where}.choices: no choice {unknown[0]!r} in this slot")
    return tuple(choices)


# ------------------------------------------------------------------------------------------------
# The stored document
# ------------------------------------------------------------------------------------------------
def _choice_document(c: Choice) -> dict[str, Any]:
    body: dict[str, Any] = {"id": c.id, "text": c.text}
    if c.synonyms:
        body["synonyms"] = list(c.synonyms)
    if c.minimum is not None:
        body["min"] = c.minimum
    if c.maximum is not None:
        body["max"] = c.maximum
    if c.phrase is not None:
        body["phrase"] = c.phrase
    return body


def _slot_document(s: Slot) -> dict[str, Any]:
    body: dict[str, Any] = {"id": s.id, "prompt": s.prompt, "type": s.kind, "required": s.required}
    if s.question_id:
        body["question"] = s.question_id
    if s.choices:
        body["choices"] = [_choice_document(c) for c in s.choices]
    if s.value_from:
        body["value_from"] = s.value_from
    if s.units:
        body["units"] = list(s.units)
    if s.pattern:
        body["pattern"] = s.pattern
    if s.advice:
        body["advice"] = s.advice
    return body


def _fulfilment_document(intent: Intent) -> str | list[str]:
    return list(intent.fulfilments) if intent.fulfilments else intent.fulfilment


def _texts_document(view: Deployment, raw: Mapping[str, Any]) -> dict[str, Any]:
    body: dict[str, Any] = {
        "welcome": view.welcome,
        "fallback": view.fallback,
        "handoff": view.handoff,
        "expired": view.expired,
    }
    if raw.get("messages"):
        body["messages"] = {name: view.messages[name] for name in raw["messages"]}
    if view.out_of_scope:
        body["out_of_scope"] = list(view.out_of_scope)
    return body


def _translation_document(view: Deployment, raw: Mapping[str, Any]) -> dict[str, Any]:
    slots: dict[str, Any] = {}
    for intent in view.intents.values():
        for s in intent.slots:
            body: dict[str, Any] = {"prompt": s.prompt}
            if s.units:
                body["units"] = list(s.units)
            if s.pattern:
                body["pattern"] = s.pattern
            if s.advice:
                body["advice"] = s.advice
            if s.choices:
                body["choices"] = {
                    c.id: {k: v for k, v in _choice_document(c).items() if k not in ("id", "min", "max")}
                    for c in s.choices
                }
            slots[s.id] = body
    return {
        **_texts_document(view, raw),
        "intents": {
            i.id: {
                "title": i.title,
                "utterances": list(i.utterances),
                "keywords": list(i.keywords),
                "fulfilment": _fulfilment_document(i),
            }
            for i in view.intents.values()
        },
        "slots": slots,
    }


def deployment_document(
    deployment: Deployment,
    raw: Mapping[str, Any] | None = None,
    views: Mapping[str, Deployment] | None = None,
) -> dict[str, Any]:
    """The validated deployment as a plain document, catalog questions resolved (what is stored,
    and what parses back into the same deployment)."""
    raw = raw or {}
    views = views if views is not None else deployment.localizations
    translations = {
        code: _translation_document(view, (raw.get("translations") or {}).get(code) or {})
        for code, view in views.items()
        if code != deployment.language
    }
    policy = deployment.escalation
    document: dict[str, Any] = {
        "deployment_key": deployment.key,
        "name": deployment.name,
        "language": deployment.language,
        "channels": list(deployment.channels),
        **_texts_document(deployment, raw),
        "escalation": {
            "on_request": policy.on_request,
            "after_misunderstandings": policy.after_misunderstandings,
            "after_frustration": policy.after_frustration,
        },
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
                "slots": [_slot_document(s) for s in i.slots],
                "fulfilment": _fulfilment_document(i),
                "escalate": i.escalate,
            }
            for i in deployment.intents.values()
        ],
    }
    if translations:
        document["translations"] = translations
    return document


def load_deployment_yaml(text: str, catalog: Catalog | None = None) -> Deployment:
    import yaml

    try:
        document = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise DeploymentError(f"not valid YAML: {exc}") from exc
    return parse_deployment(document, catalog)
