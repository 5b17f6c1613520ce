"""A "which/what + noun" question asks for one thing of that noun's kind, in every language
profile: "Which architect designed ...?", "Какой архитектор ...?", "Кой архитект ...?",
"Які архітэктар ...?" ask for a name bound to that role (kind "name", the noun as its
kind noun), not for a definition; the plural ("Which architects", "какие") asks for
several, and a bare "кой" before a verb still asks "who" (rag/question.py ``_picks_one``,
the profiles' ``identify_words``)."""

from __future__ import annotations

import pytest

from rag.candidates import candidate_names
from rag.named import asked_noun
from rag.question import analyze, question_language

ONE_OF_A_KIND = [
    ("Which sculptor carved the statue that stands in the square?", "en", "sculptor"),
    ("Which engineer built the dam on the river?", "en", "engineer"),
    ("At which shipyard was the icebreaker repaired?", "en", "shipyard"),
    ("Какой инженер построил плотину на реке?", "ru", "инженер"),
    ("Какая местная фирма отремонтировала мост?", "ru", "фирма"),
    ("В какой типографии напечатали тираж?", "ru", None),  # an oblique case: no own lemma
    ("Коя корабостроителница построи ледоразбивача?", "bg", "корабостроителница"),
    ("Кой инженер построи язовира?", "bg", "инженер"),
    ("Який інженер побудував греблю на річці?", "uk", "інженер"),
    ("Які інжынер пабудаваў плаціну на рацэ?", "be", "інжынер"),
]


@pytest.mark.parametrize(("question", "language", "noun"), ONE_OF_A_KIND)
def test_which_and_a_noun_ask_for_a_thing_of_that_kind(
    question: str, language: str, noun: str | None
) -> None:
    assert question_language(question) == language
    q = analyze(question, language)
    if noun is None:
        assert q.kind != "name"  # the noun's form cannot be read: nothing is claimed
        return
    assert q.kind == "name", q.kind
    assert not q.plural
    # the role a cross-language name is bound to, its noun first (a dictionary is asked
    # about "фирма", not the adjective of "местная фирма")
    assert asked_noun(q)[0] == noun


@pytest.mark.parametrize(
    ("question", "language", "kind"),
    [
        ("Which engineers built the dam on the river?", "en", "definition"),  # several
        ("Какие компании получили штраф?", "ru", "list"),
        ("Кой подписа договора?", "bg", "person"),  # "кой" before a verb is "who"
        ("Кой е адвокатът на кмета?", "bg", "definition"),
        ("Which city did the minister visit?", "en", "place"),  # the noun says the kind
        ("Какой штраф заплатила компания?", "ru", "amount"),
    ],
)
def test_a_plural_a_verb_or_a_kind_noun_keeps_its_own_kind(
    question: str, language: str, kind: str
) -> None:
    assert analyze(question, language).kind == kind


def test_a_name_after_the_questions_own_name_is_a_candidate() -> None:
    """ "Celtics PG Jrue Holiday" for "Which Celtics guard ...": the question gives
    "Celtics"; the name after it is new and may answer (it was dropped whole)."""
    q = analyze("Which Celtics guard missed the free throws?")
    text = "In the last minute Celtics PG Jrue Holiday missed two free throws."
    names = [n for n, _ in candidate_names(q, text)]
    assert names == ["PG Jrue Holiday"]
    # one word after a given name is that name's end, not a new one
    q = analyze("How many points did Kansas City score?")
    names = [n for n, _ in candidate_names(q, "Kansas City Chiefs won 23-20.")]
    assert "Chiefs" not in names


@pytest.mark.parametrize(
    "question",
    [
        "В каком городе теперь живёт владелец типографии?",
        "У кого купили оружие?",
        "С кем встретился министр?",
        "О чём говорил министр?",
    ],
)
def test_a_capitalised_preposition_opening_a_cyrillic_question_is_no_name(question: str) -> None:
    """Names are read with one grammar whatever the language: the name stop words of the
    profiles written in another script count too ("В", "У"; rag.grammar)."""
    assert analyze(question, question_language(question)).entities == ()


@pytest.mark.parametrize(
    ("question", "amount"),
    [
        ("What did the new ferry terminal in Varna cost to build?", True),
        ("What will the renovated stadium cost the city?", True),
        ("What did the mayor say about the cost of the stadium?", False),  # "cost" a noun
        ("What does the renovated stadium hold?", False),
    ],
)
def test_what_and_a_verb_of_cost_asks_for_a_sum(question: str, amount: bool) -> None:
    # the profile's question phrases cannot hold every subject between "what did" and "cost"
    q = analyze(question, "en")
    assert (q.kind == "amount") is amount, q.kind
    assert q.wants_money is amount
