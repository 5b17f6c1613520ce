"""The text a rendered answer carries: a bounded window around each quote, never whole
documents (a 30 MB source once made a 62-million-character page), and a citation whose
document changed since is shown as changed instead of highlighting the wrong span."""

from __future__ import annotations

import logging

from rag import RAG, Answer, CitedText

log = logging.getLogger(__name__)


def citation_windows(rag: RAG, answer: Answer) -> dict[str, CitedText]:
    """Span key ("1", "2" for citations; "c1"... for the closest passages) -> its window."""
    spans: list[tuple[str, dict[str, object]]] = [(str(c.n), c.to_dict()) for c in answer.citations]
    if answer.abstained:
        spans += [
            (
                f"c{i + 1}",
                {
                    "doc_id": p.doc_id,
                    "start": p.start,
                    "end": p.end,
                    "quote": p.text,
                    "content_hash": p.content_hash,
                },
            )
            for i, p in enumerate(answer.closest)
        ]
    windows: dict[str, CitedText] = {}
    for key, citation in spans:
        try:
            windows[key] = rag.cited_text(citation)
        except Exception as exc:  # a store error must not lose the answer itself
            log.warning("no text for citation %s: %s", key, exc)
            windows[key] = CitedText("removed", message=str(exc).splitlines()[0])
    return windows
