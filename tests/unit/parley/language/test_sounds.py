"""Spanish spelling by ear (``fuzzy.sound_key``) and counts said with a number phrase."""

from __future__ import annotations

import pytest

from parley.language.fuzzy import sound_key, sounds_index
from parley.language.lexicon import lexicon
from parley.language.numbers import count_of_people


@pytest.mark.parametrize(
    ("typed", "word"),
    [
        ("meza", "mesa"),
        ("terasa", "terraza"),
        ("nececito", "necesito"),
        ("varata", "barata"),
        ("kiero", "quiero"),
        ("jente", "gente"),
        ("yanta", "llanta"),
        ("ola", "hola"),
    ],
)
def test_given_spanish_spelt_by_ear_when_keyed_then_it_sounds_like_the_word(typed: str, word: str) -> None:
    assert sound_key(typed, "es") == sound_key(word, "es")


def test_given_words_of_other_sounds_when_keyed_then_they_differ() -> None:
    assert sound_key("mesa", "es") != sound_key("masa", "es")
    assert sound_key("guerra", "es") != sound_key("jerra", "es")  # "gue" is a hard g


def test_given_english_when_keyed_then_there_is_no_key() -> None:
    assert sound_key("table", "en") is None


def test_given_two_words_of_one_sound_when_indexed_then_neither_is_taken() -> None:
    index = sounds_index(["casa", "caza", "mesa", "los"], "es")

    assert index == {"mesa": "mesa"}  # "casa"/"caza" share a key; "los" is too short


@pytest.mark.parametrize(
    ("words", "language", "count"),
    [
        (["were", "a", "dozen"], "en", 12),
        (["we", "are", "a", "couple"], "en", 2),
        (["for", "about", "6"], "en", 6),
        (["somos", "un", "par"], "es", 2),
        (["somos", "una", "docena"], "es", 12),
    ],
)
def test_given_a_count_phrase_before_a_number_phrase_when_counted_then_the_number_is_the_count(
    words: list[str], language: str, count: int
) -> None:
    assert count_of_people(words, lexicon(language)) == count
