"""One sentence as a piece of evidence, and an answer leading with a value, for tests of how
answers lead (names, values) and how the eval judges the lead."""

from __future__ import annotations

from rag import Answer, Citation
from rag.compose.extractive import answer_value
from rag.evidence import Evidence, Unit
from rag.question import analyze
from rag.records import Passage


def sentence_evidence(
    text: str, doc_id: str = "a", score: float = 0.6, coverage: float = 0.5
) -> Evidence:
    """``text`` as the second line of a document, meeting every constraint."""
    lead = "Header line.\n"  # the sentence does not start the document: offsets must add up
    document = lead + text
    passage = Passage(
        "c", doc_id, f"{doc_id}.txt", "T", "2024-01-01", "document", document, 0, len(document), 0.1
    )
    unit = Unit(passage, len(lead), len(document), text, text)
    return Evidence(unit, score, score, coverage, True, True, True)


def lead_of(question: str, text: str) -> str | None:
    """The value an answer to ``question`` from ``text`` leads with, checked at its offsets."""
    e = sentence_evidence(text)
    found = answer_value(analyze(question), e)
    if found is None:
        return None
    value, start, end = found
    assert e.unit.passage.text[start:end] == value  # at its offsets in the document
    return value


def answer_led_by(value: str, quote: str) -> Answer:
    """An extractive answer leading with ``value``, found inside its one quote ``quote``."""
    at = quote.index(value)
    cite = Citation(
        1, "d", "s", "t", "", "file", quote, 0, len(quote), 0.9,
        value=value, value_start=at, value_end=at + len(value),
    )  # fmt: skip
    return Answer("q", f"{value}. [1] {quote} [1]", False, citations=[cite])
