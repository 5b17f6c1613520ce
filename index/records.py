"""Plain records passed between the stages of the write path (load -> chunk -> embed -> store)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

DateOrigin = Literal["document", "file"]


@dataclass(frozen=True)
class Document:
    """One document's extracted text and what we know about it.

    ``text`` is what offsets point into. For .txt and .md it is exactly the decoded file.
    """

    doc_id: str
    source: str  # file path, or "<email path>#<attachment name>" for an attachment
    file: str  # the file on disk this document came from (an attachment: its email)
    title: str
    date: str  # ISO 8601 date (YYYY-MM-DD)
    date_origin: DateOrigin  # "file" when the date is the file's modification time
    content_hash: str  # sha256 of the file's bytes (attachments: of their own bytes)
    format: str  # txt, md, html, pdf, docx, eml, png, jpg, tiff
    text: str
    metadata: dict[str, str] = field(default_factory=dict)  # from/to/subject/encoding/...
    page_starts: tuple[int, ...] = ()  # PDF, image: offset in text where each page begins
    parent_id: str | None = None  # an attachment's email document
    # Per page (aligned with page_starts): OCR confidence 0..1 where the page's text was read
    # by OCR, None where it came from a text layer. Empty: no OCR at all.
    page_ocr: tuple[float | None, ...] = ()
    language: str = ""  # ISO 639-1 code of the dominant language ("und": unknown)

    def page_at(self, offset: int) -> int | None:
        """1-based page number of a character offset (PDF only)."""
        if not self.page_starts:
            return None
        page = 0
        for number, start in enumerate(self.page_starts):
            if start <= offset:
                page = number
            else:
                break
        return page + 1


def ocr_confidence_at(
    page_starts: tuple[int, ...], page_ocr: tuple[float | None, ...], offset: int
) -> tuple[int | None, float | None]:
    """(1-based page, OCR confidence or None) of a character offset."""
    if not page_starts:
        return None, None
    page = sum(1 for start in page_starts if start <= offset) or 1
    confidence = page_ocr[page - 1] if page - 1 < len(page_ocr) else None
    return page, confidence


@dataclass(frozen=True)
class Chunk:
    """A span of a document: ``document.text[start:end] == text`` always holds."""

    chunk_id: str
    doc_id: str
    index: int
    start: int
    end: int
    text: str
    n_tokens: int  # in the embedding model's own tokens, special tokens excluded


@dataclass(frozen=True)
class StoredDocument:
    """A document as the manifest lists it (no text)."""

    doc_id: str
    source: str
    file: str
    title: str
    date: str
    date_origin: DateOrigin
    content_hash: str
    format: str
    n_chunks: int
    metadata: dict[str, str]
    parent_id: str | None = None
    language: str = ""  # ISO 639-1 code of the dominant language ("und": unknown)
    ocr_pages: int = 0  # pages whose text was read by OCR

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Failure:
    """A file that could not be indexed, with a one-line reason."""

    source: str
    error: str


@dataclass
class IngestSummary:
    """What one ``ingest`` did; ``to_dict`` is the ``--json`` object."""

    added: int = 0
    updated: int = 0
    unchanged: int = 0
    removed: int = 0
    failed: list[Failure] = field(default_factory=list)
    warnings: list[Failure] = field(default_factory=list)
    chunks_added: int = 0
    # About the store as a whole, one line each (e.g. its model does not cover the languages
    # of the documents added: index/model_languages.py).
    notes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "added": self.added,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "removed": self.removed,
            "failed": [asdict(f) for f in self.failed],
            "warnings": [asdict(w) for w in self.warnings],
            "notes": list(self.notes),
        }
