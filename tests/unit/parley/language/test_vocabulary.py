"""The language layer's general vocabulary, chat spellings and typo protection."""

from __future__ import annotations

import pytest

from parley.dialogue.deployment import load_deployment_yaml
from parley.dialogue.recognition import IntentMatcher
from parley.language.vocabulary import COMMON, VERY_COMMON, general_words, specificity
from tests.helpers.paths import ROOT


@pytest.mark.parametrize(
    ("language", "word", "weight"),
    [
        ("en", "work", VERY_COMMON),  # "working", "works": one stem
        ("en", "weather", COMMON),
        ("en", "roam", 1.0),  # not an everyday word
        ("es", "funcion", VERY_COMMON),  # "funciona", "funcionar"
        ("es", "factur", COMMON),
        ("es", "itiner", 1.0),
        ("es", "resistent", COMMON),  # an everyday adjective of a request ("algo resistente")
        ("es", "bonit", VERY_COMMON),
    ],
)
def test_everyday_stems_weigh_less_than_specific_ones(language: str, word: str, weight: float) -> None:
    assert specificity(language).get(word, 1.0) == weight


def test_the_bands_are_folded_words() -> None:
    for language in ("en", "es"):
        words = general_words(language)
        assert words and all(w.isascii() and w.isalpha() and w == w.lower() for w in words)


def _model(channel_language: str):
    telecom = load_deployment_yaml((ROOT / "tenants/telecom/deployment.yaml").read_text())
    return IntentMatcher(telecom).for_language(channel_language)


@pytest.mark.parametrize(
    ("language", "text", "tokens"),
    [
        ("en", "can u help me", ["can", "you", "help", "me"]),
        ("en", "txt msgs r not sending", ["text", "messages", "are", "not", "sending"]),
        ("es", "mesa pa 4 q sea d madera", ["mesa", "para", "4", "que", "sea", "de", "madera"]),
    ],
)
def test_chat_spellings_are_read_as_the_words_they_stand_for(
    language: str, text: str, tokens: list[str]
) -> None:
    assert _model(language).read(text).tokens == tokens


@pytest.mark.parametrize(
    ("language", "text", "kept"),
    [
        ("es", "donde me puedo cortar el pelo", "cortar"),  # a form of "cortan": no typo
        ("es", "cuantas onzas tiene una libra", "libra"),  # an everyday word, not "fibra"
        ("en", "my phone has no bars", "bars"),
    ],
)
def test_real_words_are_not_taken_for_typos(language: str, text: str, kept: str) -> None:
    utterance = _model(language).read(text)

    assert kept in utterance.tokens
    assert kept not in utterance.corrected


def test_typos_of_the_deployments_words_are_still_corrected() -> None:
    assert _model("en").read("my internte is down").corrected == {"internte": "internet"}


@pytest.mark.parametrize(
    ("language", "text", "correcting"),
    [
        ("en", "no, aluminium", True),
        ("en", "not teak, steel", True),
        ("en", "can i return it if it does not fit", False),
        ("es", "no, mejor de aluminio", True),
        ("es", "la puedo devolver si no cabe", False),
    ],
)
def test_a_no_corrects_only_at_the_start(language: str, text: str, correcting: bool) -> None:
    assert _model(language).read(text).correcting is correcting
