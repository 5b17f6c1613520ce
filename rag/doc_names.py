"""Is a document about the names a name question gives?

"Who is the mayor of Ruse?" is not answered by a report on Plovdiv's tram that names a deputy
mayor and never Ruse: a question asking for a name is answered only from a document that
names at least one of the question's names, in its retrieved text or in what the document
says about itself: its title, the metadata lines it opens with ("source: TechCrunch",
"author: ..."), the metadata its reader kept (a PDF's or DOCX's author). A question naming the
publication ("according to TechCrunch", "in 'The Age'") names the document by its source,
which its text does not repeat.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING

from index.sentences import header_value
from rag.candidates import names_entity
from rag.question import NAME_KINDS, Question

if TYPE_CHECKING:
    from index.records import StoredDocument
    from rag.units import Unit

__all__ = ["document_header", "unnamed_documents"]


def document_header(text: str) -> str:
    """The metadata lines a document opens with ("source: The Verge", "published: ...")."""
    lines = []
    for line in text.lstrip().splitlines():
        if header_value(line.strip()) is None:
            break
        lines.append(line)
    return "\n".join(lines)


def unnamed_documents(
    q: Question,
    candidates: Sequence[Unit],
    document_text: Callable[[str], str],
    documents: Mapping[str, StoredDocument],
) -> set[str]:
    """The ids of the candidates' documents that name none of ``q``'s names (empty when
    ``q`` asks for no name or gives none). ``documents``: the store's, for their metadata."""
    if q.kind not in NAME_KINDS or not q.entities:
        return set()
    about: dict[str, list[str]] = {}
    seen: set[str] = set()
    for unit in candidates:
        passage = unit.passage
        texts = about.setdefault(passage.doc_id, [])
        if not texts:
            texts += [passage.title, document_header(document_text(passage.doc_id))]
            stored = documents.get(passage.doc_id)
            texts += [v for v in (stored.metadata if stored else {}).values() if v]
        if passage.chunk_id not in seen:
            seen.add(passage.chunk_id)
            texts.append(passage.text)
    return {
        doc_id
        for doc_id, texts in about.items()
        if not any(names_entity(e, texts, q.language) for e in q.entities)
    }
