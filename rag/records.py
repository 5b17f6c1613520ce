"""Plain records of the read path (retrieve -> answer -> cite -> verify) and of the public API."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from index.records import ocr_confidence_at


@dataclass(frozen=True)
class Passage:
    """A retrieved chunk with its document's details and its fused score."""

    chunk_id: str
    doc_id: str
    source: str
    title: str
    date: str
    date_origin: str
    text: str
    start: int  # offsets of ``text`` in the document's extracted text
    end: int
    score: float  # reciprocal-rank-fusion score (higher is better)
    dense_rank: int | None = None
    bm25_rank: int | None = None
    page: int | None = None
    language: str = ""  # the document's dominant language (ISO 639-1, "und": unknown)
    # Pages of the document (offsets where each begins) and, per page, the OCR confidence
    # where the page was read by OCR (None: a text layer): a quote's page is its own start's.
    page_starts: tuple[int, ...] = ()
    page_ocr: tuple[float | None, ...] = ()
    content_hash: str = ""  # of the document quoted (sha256 of its source bytes)
    format: str = ""  # the document's format ("pdf", "html", "eml", "email", ...)

    def locate(self, offset: int) -> tuple[int | None, float | None]:
        """(1-based page, OCR confidence or None) of an offset in the document's text."""
        return ocr_confidence_at(self.page_starts, self.page_ocr, offset)


@dataclass(frozen=True)
class Citation:
    """An exact quote: ``document_text[start:end] == quote`` always holds."""

    n: int
    doc_id: str
    source: str
    title: str
    date: str
    date_origin: str
    quote: str
    start: int
    end: int
    score: float
    page: int | None = None
    # The quote as a reader sees it (PDF line breaks and hyphenation resolved); ``quote``
    # stays the exact span.
    display: str = ""
    # The answer value inside the quote, when the answer leads with one:
    # ``document_text[value_start:value_end] == value``.
    value: str | None = None
    value_start: int | None = None
    value_end: int | None = None
    ocr: bool = False  # the quote was read by OCR from a scanned page or an image
    ocr_confidence: float | None = None  # that page's mean OCR word confidence (0..1)
    # The quoted document's content hash when the answer was made: a citation whose
    # document changed since is shown as such, never highlighted at stale offsets.
    content_hash: str = ""

    @classmethod
    def of_span(
        cls,
        n: int,
        passage: Passage,
        start: int,
        end: int,
        quote: str,
        score: float,
        *,
        display: str = "",
        value: tuple[str, int, int] | None = None,
    ) -> Citation:
        """Citation ``n`` of ``document_text[start:end] == quote`` inside ``passage``: the
        page (and OCR confidence) is the quote's own, not the chunk's; ``value`` is (text,
        start, end) of the answer value inside the quote."""
        page, ocr_confidence = passage.locate(start)
        return cls(
            n=n,
            doc_id=passage.doc_id,
            source=passage.source,
            title=passage.title,
            date=passage.date,
            date_origin=passage.date_origin,
            quote=quote,
            start=start,
            end=end,
            score=score,
            page=page if page is not None else passage.page,
            ocr=ocr_confidence is not None,
            ocr_confidence=ocr_confidence,
            content_hash=passage.content_hash,
            display=display,
            value=value[0] if value else None,
            value_start=value[1] if value else None,
            value_end=value[2] if value else None,
        )

    @property
    def ocr_label(self) -> str:
        """ "OCR, page 3, confidence 0.81" for a quote read by OCR, else ""."""
        if not self.ocr:
            return ""
        page = f", page {self.page}" if self.page else ""
        confidence = (
            f", confidence {self.ocr_confidence:.2f}" if self.ocr_confidence is not None else ""
        )
        return f"OCR{page}{confidence}"

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class CitedText:
    """What a viewer shows for a citation now: a window of the document around the quote.

    ``status`` is "current" (the document is as it was: ``text[quote_start:quote_end]`` is
    the quote), "changed" (re-indexed with other content since; no highlight) or "removed".
    ``offset`` is where ``text`` starts in the document; ``length`` the document's length.
    """

    status: str
    text: str = ""
    offset: int = 0
    quote_start: int = 0
    quote_end: int = 0
    length: int = 0
    message: str = ""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class AnswerSentence:
    """One sentence of an answer and the citation numbers that back it."""

    text: str
    citations: tuple[int, ...]
    # True for an LLM's own sentence that passed verification; False for a quote (or a
    # sentence we composed), including a quote the verifier put in place of a model sentence.
    model_written: bool = False


@dataclass
class Answer:
    """What ``ask`` returns. ``text`` carries inline markers ``[1]``, ``[2]``."""

    question: str
    text: str
    abstained: bool
    citations: list[Citation] = field(default_factory=list)
    sentences: list[AnswerSentence] = field(default_factory=list)
    # Sentences the verifier removed or replaced, each with the reason (shown to the user).
    notes: list[str] = field(default_factory=list)
    # When abstaining: the closest passages, so the reader can look for themselves.
    closest: list[Passage] = field(default_factory=list)
    backend: str = "extractive"
    timings: dict[str, float] = field(default_factory=dict)  # seconds per stage
    error: str | None = None
    # The answer kind the question asked for (number, date, person, yesno, ...), if any.
    kind: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """The JSON object of ``rag ask --json`` and of each ``rag batch`` line."""
        return {
            "question": self.question,
            "answer": self.text,
            "abstained": self.abstained,
            "citations": [c.to_dict() for c in self.citations],
            "notes": list(self.notes),
            "closest": [
                {
                    "source": p.source,
                    "title": p.title,
                    "date": p.date,
                    "quote": p.text,
                    "start": p.start,
                    "end": p.end,
                    "score": p.score,
                }
                for p in self.closest
            ],
            "kind": self.kind,
            "backend": self.backend,
            "timings": dict(self.timings),
        }


@dataclass(frozen=True)
class StreamEvent:
    """``kind`` is "delta" (text to append while generating) or "answer" (the final,
    verified answer, which replaces whatever the deltas showed)."""

    kind: str
    text: str = ""
    answer: Answer | None = None
