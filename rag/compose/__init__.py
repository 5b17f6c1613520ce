"""Composition: evidence -> answer sentences with citations (extractive or LLM)."""

from __future__ import annotations

from collections.abc import Sequence

from rag.evidence import Evidence
from rag.markers import render_markers
from rag.records import AnswerSentence, Citation

__all__ = ["citation", "render"]


def citation(n: int, e: Evidence, value: tuple[str, int, int] | None = None) -> Citation:
    """Citation ``n`` of evidence ``e``; ``value`` is (text, start, end) in the document."""
    p = e.unit.passage
    page, ocr_confidence = p.locate(e.unit.start)
    return Citation(
        n=n,
        doc_id=p.doc_id,
        source=p.source,
        title=p.title,
        date=p.date,
        date_origin=p.date_origin,
        quote=e.unit.quote,
        start=e.unit.start,
        end=e.unit.end,
        score=round(e.score, 4),
        page=page if page is not None else p.page,
        ocr=ocr_confidence is not None,
        ocr_confidence=ocr_confidence,
        content_hash=p.content_hash,
        display=e.unit.display,
        value=value[0] if value else None,
        value_start=value[1] if value else None,
        value_end=value[2] if value else None,
    )


def render(sentences: Sequence[AnswerSentence]) -> str:
    """Answer text: each sentence followed by its markers."""
    return " ".join(f"{s.text} {render_markers(s.citations)}".strip() for s in sentences)
