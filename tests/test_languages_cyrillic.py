"""Russian, Belarusian, Bulgarian and Ukrainian: their profiles and BM25 tokens."""

from __future__ import annotations

import pytest

from index.languages import get_profile
from index.tokenize import tokenize

CYRILLIC = ("ru", "be", "bg", "uk")


@pytest.mark.parametrize("code", CYRILLIC)
def test_profile_loads_with_what_answering_needs(code: str) -> None:
    profile = get_profile(code)
    assert profile.code == code and profile.scripts == ["Cyrillic"]
    assert {"number", "date", "person", "place"} <= set(profile.question_words)
    assert sorted(set(profile.months.values())) == list(range(1, 13))
    assert profile.scales["млн"] == 1_000_000 and profile.scales["млрд"] == 1_000_000_000
    assert "," in profile.decimal_separators and " " in profile.group_separators
    assert profile.negations and profile.hedges and profile.stopwords
    # one way to normalise words for BM25: a stemmer, a lemmatiser, or endings to strip
    assert profile.stemmer or profile.lemmatizer or profile.endings


@pytest.mark.parametrize(
    ("code", "word", "month"),
    [
        ("ru", "ноября", 11),  # "27 ноября 2024": genitive
        ("ru", "ноябре", 11),  # "в ноябре": prepositional
        ("be", "снежня", 12),
        ("be", "жніўні", 8),
        ("bg", "септември", 9),
        ("uk", "березня", 3),
    ],
)
def test_month_names_in_their_cases(code: str, word: str, month: int) -> None:
    assert get_profile(code).months[word] == month


@pytest.mark.parametrize(
    ("code", "word", "kind"),
    [
        ("ru", "сколько", "number"),
        ("ru", "когда", "date"),
        ("ru", "кто", "person"),
        ("ru", "где", "place"),
        ("bg", "колко", "number"),
        ("bg", "кога", "date"),
        ("be", "колькі", "number"),
        ("uk", "скільки", "number"),
    ],
)
def test_question_words(code: str, word: str, kind: str) -> None:
    assert word in get_profile(code).question_words[kind]


@pytest.mark.parametrize(
    ("code", "question", "passage"),
    [
        ("ru", "Сколько комплексов передала София?", "София передала 136 комплексов «Конкурс»."),
        ("bg", "Колко системи е предала София?", "София е предала 136 системи на САЩ."),
        ("be", "Колькі сістэм перадала Сафія?", "Сафія перадала ЗША 136 сістэмаў."),
        ("uk", "Скільки систем передала Софія?", "Софія передала США 136 систем."),
        ("en", "How many systems did Sofia transfer?", "Sofia transferred 136 systems."),
    ],
)
def test_question_and_passage_meet_on_the_same_terms(
    code: str, question: str, passage: str
) -> None:
    q, p = tokenize(question, code), tokenize(passage, code)
    # inflected forms of the topic words meet; the question word itself is a stop word
    assert len(set(q) & set(p)) >= 2, (q, p)
    assert not set(q) & {"сколько", "колко", "колькі", "скільки", "how", "many"}


def test_tokens_follow_the_language() -> None:
    assert tokenize("Журналистов задержали в Гродно", "ru") == ["журналист", "задержа", "гродн"]
    # Belarusian has neither Snowball nor simplemma: the profile's endings are stripped.
    assert tokenize("журналістаў журналісты журналістамі", "be") == ["журналіст"] * 3
    # "ё" and "е" are one letter for matching.
    assert tokenize("её ещё", "ru") == tokenize("ее еще", "ru")


def test_a_language_without_profile_is_lowercased_only() -> None:
    assert tokenize("Wie viele Systeme?", "xx") == ["wie", "viele", "systeme"]
