"""Composition: evidence -> answer sentences with citations (extractive or LLM)."""

from __future__ import annotations

from collections.abc import Sequence

from rag.evidence import Evidence
from rag.markers import render_markers
from rag.records import AnswerSentence, Citation

__all__ = ["citation", "render"]


def citation(n: int, e: Evidence, value: tuple[str, int, int] | None = None) -> Citation:
    """Citation ``n`` of evidence ``e``; ``value`` is (text, start, end) in the document."""
    u = e.unit
    return Citation.of_span(
        n, u.passage, u.start, u.end, u.quote, round(e.score, 4), display=u.display, value=value
    )


def render(sentences: Sequence[AnswerSentence]) -> str:
    """Answer text: each sentence followed by its markers."""
    return " ".join(f"{s.text} {render_markers(s.citations)}".strip() for s in sentences)
