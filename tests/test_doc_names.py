"""A question asking for a name is answered only from a document that names one of the
question's names, in its retrieved text or in what it says about itself (title, the
metadata lines it opens with, its reader's metadata): "Who is the mayor of Vratsa?" is not
answered by the deputy mayor of a report on Gabrovo, while "According to Harbour Weekly,
who ...?" is answered from the report whose header says "source: Harbour Weekly"
(rag/doc_names.py). Real MiniLM model and Chroma store: which sentence ranks first matters."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from storekit import extractive_rag_over

DOCS = {
    "gabrovo-bus-depot.txt": (
        "Gabrovo opens a new bus depot\n\n"
        "The municipality of Gabrovo opened a bus depot for 40 electric buses on 3 March 2024.\n\n"
        "Deputy mayor Nikolay Dimov said the depot cost 12 million leva and would employ "
        "85 drivers.\n"
    ),
    "ferry-terminal.txt": (
        "title: Ferry terminal opens on the east quay\n"
        "source: Harbour Weekly\n"
        "author: Lena Holm\n"
        "published: 2024-05-06\n\n"
        "The new ferry terminal on the east quay was opened by port director Anna Berg on "
        "Monday.\n"
        "It can handle 600 passengers an hour, Berg said.\n"
    ),
}


@pytest.fixture(scope="module")
def rag(tmp_path_factory: pytest.TempPathFactory) -> Iterator[object]:
    yield extractive_rag_over(
        DOCS, tmp_path_factory.mktemp("docs"), tmp_path_factory.mktemp("store")
    )


@pytest.mark.parametrize(
    "question",
    ["Who is the deputy mayor of Vratsa?", "Which deputy mayor of Pleven spoke about the depot?"],
)
def test_a_name_from_a_document_that_never_names_the_place_asked_is_no_answer(
    rag: object, question: str
) -> None:
    answer = rag.ask(question)  # type: ignore[attr-defined]
    assert answer.abstained, answer.text


def test_the_place_named_answers(rag: object) -> None:
    answer = rag.ask("Who is the deputy mayor of Gabrovo?")  # type: ignore[attr-defined]
    assert not answer.abstained, answer.text
    assert answer.citations[0].value == "Nikolay Dimov"


def test_a_publication_named_by_the_documents_header_names_the_document(rag: object) -> None:
    answer = rag.ask(  # type: ignore[attr-defined]
        "According to Harbour Weekly, who opened the new ferry terminal?"
    )
    assert not answer.abstained, answer.text
    assert answer.citations[0].value == "Anna Berg"
    assert "ferry-terminal" in answer.citations[0].source
