"""Across languages, a count or an attribute is answered only by a sentence that speaks of it,
and a decline speaks the question's language. Real models (the default: MiniLM for English
over English, multilingual-e5-small for every other pair), a real store, the bundled
dictionaries (make dictionaries)."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from conftest import SAMPLES

from index.ingest import ingest
from index.settings import get_settings
from rag import Answer, open_store
from ui.render import render_answer_html

LIDA = """Lida council report

The city council of Lida published its annual report on Monday. According to the report, the \
population of Lida reached 102,400 in 2024, up from 98,700 five years earlier. The council also \
said 37 new buses had been bought for the city's transport company.
"""


@pytest.fixture(scope="module")
def rag(tmp_path_factory: pytest.TempPathFactory) -> Any:
    docs = tmp_path_factory.mktemp("docs")
    for sample in SAMPLES.glob("*.txt"):
        shutil.copy(sample, docs / sample.name)
    (docs / "lida-council-report.txt").write_text(LIDA, encoding="utf-8")
    store = tmp_path_factory.mktemp("store")
    settings = get_settings(store=store)
    assert len(settings.embed_models) == 2  # the default serves every language pair
    assert ingest([docs], settings).added == 3
    return open_store(store, backend="extractive")


def _quotes(answer: Answer) -> list[str]:
    return [c.quote for c in answer.citations]


@pytest.mark.parametrize(
    ("question", "opening", "reason"),
    [
        # the samples hold weapons counts and sums for Belarus, never its population
        ("Какое население у Беларуси?", "В источниках нет ответа на вопрос «", "в них не сказано"),
        ("Колко е населението на Беларус?", "Източниците не отговарят на въпроса „", "не се казва"),
        # trams: the Lida report counts buses and people
        ("Сколько трамваев купил город Лида?", "В источниках нет ответа", "в них не сказано"),
        ("Колко трамваи купи град Лида?", "Източниците не отговарят", "не се казва"),
    ],
)
def test_a_figure_of_something_else_does_not_answer_and_the_decline_speaks_the_question_language(
    rag: Any, question: str, opening: str, reason: str
) -> None:
    answer = rag.ask(question)
    assert answer.abstained, answer.text
    assert answer.text.startswith(opening), answer.text
    assert reason in answer.text, answer.text
    assert "The sources do not say" not in answer.text
    assert "do not give" not in answer.text and "mention" not in answer.text
    html = render_answer_html(answer)
    assert "The sources do not say" not in html  # the UI adds no English phrase in front


def test_the_attribute_asked_is_answered_where_a_sentence_speaks_of_it(rag: Any) -> None:
    answer = rag.ask("Какое население Лиды?")
    assert not answer.abstained, answer.text
    assert any("population of Lida reached 102,400 in 2024" in q for q in _quotes(answer))
    for citation in answer.citations:
        text = Path(citation.source).read_text(encoding="utf-8")
        assert text[citation.start : citation.end] == citation.quote


def test_a_count_is_answered_by_the_figure_counting_the_noun_asked(rag: Any) -> None:
    answer = rag.ask("Сколько автобусов купил город Лида?")
    assert not answer.abstained, answer.text
    assert answer.text.split()[0] in ("37.", "37"), answer.text  # led with the count of buses
    assert any("37 new buses" in q for q in _quotes(answer))


def test_an_english_decline_keeps_its_english_wording(rag: Any) -> None:
    answer = rag.ask("How many trams did the city of Lida buy?")
    assert answer.abstained, answer.text
    assert answer.text.startswith("The sources do not say this: “How many trams"), answer.text
