"""PDF (its text layer; scanned pages by OCR) and image files (OCR, every TIFF frame a page)."""

from __future__ import annotations

import io
import re
from typing import Any

from index.loaders_base import Extracted, LoadError, short_error
from index.loaders_text import iso_date
from index.ocr import OcrOptions


def from_pdf(data: bytes, ocr_options: OcrOptions | None = None) -> Extracted:
    from pypdf import PdfReader

    # pypdf raises many unrelated exception types on damaged files.
    try:
        reader = PdfReader(io.BytesIO(data))
        encrypted = reader.is_encrypted
    except Exception as err:
        raise LoadError(f"corrupt or unreadable PDF: {short_error(err)}") from None
    if encrypted:
        try:
            opened = reader.decrypt("")
        except Exception as err:  # e.g. AES without the 'cryptography' package
            raise LoadError(f"encrypted PDF (cannot decrypt: {short_error(err)})") from None
        if not opened:
            raise LoadError("encrypted PDF (password required)")
    try:
        pages = _page_texts(data, reader)
        info = reader.metadata
        meta = {str(k): str(v) for k, v in info.items() if v is not None} if info else {}
    except Exception as err:
        raise LoadError(f"corrupt or unreadable PDF: {short_error(err)}") from None
    # Pages without a text layer (scans) are read by OCR; the others keep their text layer.
    page_ocr: list[float | None] = [None] * len(pages)
    warnings: list[str] = []
    scanned = [number for number, text in enumerate(pages) if not text]
    if scanned:
        from index.ocr import OcrError, ocr_pdf_pages

        try:
            read = ocr_pdf_pages(data, scanned, ocr_options or OcrOptions())
        except OcrError as err:
            if len(scanned) == len(pages):
                raise LoadError(f"no text layer (scanned PDF) and {err}") from None
            read = {}
            warnings.append(f"{len(scanned)} scanned page(s) left out: {err}")
        for number, page in read.items():
            pages[number] = page.text.strip()
            page_ocr[number] = page.confidence
        if read:
            warnings.extend(_ocr_warnings(read))

    text, starts = _join_pages(pages)
    title = meta.get("/Title", "").strip().removeprefix("Microsoft Word - ")
    created = re.search(r"(\d{4})(\d{2})(\d{2})", meta.get("/CreationDate", ""))
    ex = Extracted(
        text=text,
        title=None if title.lower() in ("", "untitled", "untitled document") else title,
        date=iso_date("-".join(created.groups())) if created else None,
        page_starts=starts,
        metadata={"pages": str(len(pages))},
        page_ocr=tuple(page_ocr) if any(c is not None for c in page_ocr) else (),
        warnings=warnings,
    )
    if (author := meta.get("/Author", "").strip()) and author != "anonymous":  # reportlab default
        ex.metadata["author"] = author
    return ex


# PDFium marks a word hyphenated across a line break with U+FFFE (hyphen and break removed);
# the line break and the hyphen are put back, so the text keeps the page's layout and
# index/sentences.py resolves the hyphenation for matching as for any other source.
_PDFIUM_HYPHEN = "\ufffe"


def _page_texts(data: bytes, reader: Any) -> list[str]:
    """Each page's text layer, read by PDFium (pypdfium2), which places spaces from the glyphs'
    positions: pypdf's own extraction splits and glues words of tightly set PDFs ("sa vedinthe"
    for "saved in the", groff's output). A page PDFium cannot read falls back to pypdf."""
    try:
        import pypdfium2 as pdfium

        document = pdfium.PdfDocument(data, password="")
    except Exception:  # not installed, or a file PDFium refuses that pypdf opened
        return [(page.extract_text() or "").strip() for page in reader.pages]
    texts = []
    try:
        for number, page in enumerate(reader.pages):
            try:
                text = document[number].get_textpage().get_text_range()
            except Exception:  # one damaged page: pypdf's reading of it
                text = page.extract_text() or ""
            text = text.replace("\r\n", "\n").replace("\r", "\n")
            texts.append(text.replace(_PDFIUM_HYPHEN, "-\n").strip())
    finally:
        document.close()
    return texts


def from_image(data: bytes, ocr_options: OcrOptions | None) -> Extracted:
    """An image file (every frame of a multi-page TIFF is a page), read by OCR."""
    from index.ocr import OcrError, ocr_image_file

    try:
        read = ocr_image_file(data, ocr_options or OcrOptions())
    except OcrError as err:
        raise LoadError(str(err)) from None
    texts = [page.text.strip() for page in read]
    text, starts = _join_pages(texts)
    return Extracted(
        text=text,
        page_starts=starts,
        page_ocr=tuple(page.confidence for page in read),
        metadata={"pages": str(len(read))} if len(read) > 1 else {},
        warnings=_ocr_warnings(dict(enumerate(read))) if any(texts) else [],
    )


_LOW_OCR_CONFIDENCE = 0.6  # below this a page's OCR text deserves a second look


def _ocr_warnings(read: dict[int, Any]) -> list[str]:
    """One warning for pages OCR could not read and one for pages it read poorly."""
    empty = [str(n + 1) for n, page in sorted(read.items()) if not page.text.strip()]
    low = [
        f"{n + 1} ({page.confidence:.2f})"
        for n, page in sorted(read.items())
        if page.text.strip() and page.confidence < _LOW_OCR_CONFIDENCE
    ]
    warnings = []
    if empty:
        warnings.append(f"OCR found no text on page(s) {', '.join(empty)}")
    if low:
        warnings.append(f"low OCR confidence on page(s) {', '.join(low)}")
    return warnings


def _join_pages(pages: list[str]) -> tuple[str, tuple[int, ...]]:
    """The pages' text joined by blank lines, and where each page starts in it."""
    starts, offset = [], 0
    for page in pages:
        starts.append(offset)
        offset += len(page) + 2  # the "\n\n" after it
    return "\n\n".join(pages), tuple(starts)
