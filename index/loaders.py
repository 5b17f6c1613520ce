"""Read one file into :class:`Document` records (the "load" step of the write path).

Every expected failure of a file is a :class:`LoadError` whose message is one line for the
user. Parsers (bs4, pypdf, python-docx, charset-normalizer) are imported inside the
functions that use them so that importing this module stays cheap for the CLI.

This module picks the reader by file type and builds the documents; the readers are
``loaders_text`` (.txt, .md), ``loaders_html``, ``loaders_pdf`` (PDF and images, OCR),
``loaders_docx``, ``loaders_email`` (mailboxes) and ``loaders_archive`` (zip, tar).

Text files (.txt, .md) are kept byte-for-byte: ``data.decode(encoding) == text`` where
``encoding`` is ``metadata["encoding"]`` when present and ``"utf-8"`` otherwise. A UTF-8
byte-order mark is the one case decoded with ``"utf-8-sig"`` (so the BOM is not part of the
text); that is recorded as ``metadata["encoding"] = "utf-8-sig"``.
"""

from __future__ import annotations

import hashlib
import logging
import re
from dataclasses import dataclass, field
from datetime import datetime
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from pathlib import Path

from index.loaders_archive import is_file_archive
from index.loaders_base import Extracted, LoadError, short_error
from index.loaders_docx import from_docx
from index.loaders_email import ARCHIVE_SUFFIXES
from index.loaders_html import from_html
from index.loaders_pdf import from_image, from_pdf
from index.loaders_text import from_text, iso_date, refuse_binary, text_date, text_title
from index.ocr import OcrOptions
from index.records import DateOrigin, Document

log = logging.getLogger(__name__)

_FORMATS = {
    ".txt": "txt",
    ".md": "md",
    ".markdown": "md",
    ".html": "html",
    ".htm": "html",
    ".pdf": "pdf",
    ".docx": "docx",
    ".eml": "eml",
    # Images are read by OCR (index/ocr.py).
    ".png": "png",
    ".jpg": "jpg",
    ".jpeg": "jpg",
    ".tif": "tiff",
    ".tiff": "tiff",
}
IMAGE_FORMATS = frozenset({"png", "jpg", "tiff"})
SUPPORTED_SUFFIXES: frozenset[str] = frozenset(_FORMATS) | ARCHIVE_SUFFIXES


def is_supported(path: Path | str) -> bool:
    """Whether a file name is one we read (".tar.gz" is, a lone ".gz" is not)."""
    return Path(path).suffix.lower() in SUPPORTED_SUFFIXES or is_file_archive(path)


def is_archive(path: Path | str) -> bool:
    """A zip/tar or mailbox archive: its members are limited one by one (max_file_mb), the
    archive as a whole by max_archive_mb."""
    return is_file_archive(path) or Path(path).suffix.lower() in (".mbox", ".pst")


_MB = 1024 * 1024


@dataclass
class Loaded:
    """What one file gave: usually one document; an email gives itself + its attachments."""

    documents: list[Document]
    warnings: list[str] = field(default_factory=list)


_STEM_DATE = re.compile(r"[-_ ]*\d{4}[-_]\d{2}[-_]\d{2}$|^\d{4}[-_]\d{2}[-_]\d{2}[-_ ]*")


def title_from_stem(stem: str) -> str:
    """A readable title from a file name: "belarus-weapons-syria-2024-12-13" -> "Belarus
    weapons syria" (the date is shown beside the title anyway)."""
    words = re.sub(r"[-_\s]+", " ", _STEM_DATE.sub("", stem)).strip()
    return (words[:1].upper() + words[1:]) if words else stem


def doc_id_for(source: str) -> str:
    """Stable id of a document: the first 16 hex digits of the sha1 of its source."""
    # surrogateescape: paths that are not valid UTF-8 still get their own, stable id
    return hashlib.sha1(source.encode("utf-8", "surrogateescape")).hexdigest()[:16]


def load_file(
    path: Path,
    *,
    max_bytes: int,
    ocr: OcrOptions | None = None,
    max_archive_bytes: int | None = None,
) -> Loaded:
    """Load one file; raises :class:`LoadError` with a one-line reason when it cannot.

    ``ocr``: how images and scanned PDF pages are read (Tesseract packs, language detection).
    ``max_bytes`` limits a file, or each member of an archive (zip, tar, mbox, pst);
    ``max_archive_bytes`` (default ``max_bytes``) limits an archive as a whole.
    """
    ocr_options = ocr or OcrOptions()
    archive_bytes = max_bytes if max_archive_bytes is None else max_archive_bytes
    archive = is_archive(path)
    data, mtime = _read(path, archive_bytes if archive else max_bytes, read=not archive)
    source = str(path.resolve())
    file_date = datetime.fromtimestamp(mtime).date().isoformat()
    suffix = path.suffix.lower()
    if is_file_archive(path):  # one document per member (index/loaders_archive.py)
        from index.loaders_archive import load_file_archive

        loaded = Loaded(
            *load_file_archive(
                path,
                file_date,
                max_member_bytes=max_bytes,
                max_total_bytes=archive_bytes,
                ocr=ocr_options,
            )
        )
    elif suffix in (".mbox", ".pst"):
        from index.loaders_email import load_archive

        loaded = Loaded(
            *load_archive(
                path, data, file_date, max_message_bytes=max_bytes, max_total_bytes=archive_bytes
            )
        )
    elif suffix == ".eml":
        loaded = _load_email(data, source, path.stem, file_date, ocr_options)
    elif suffix in ARCHIVE_SUFFIXES:  # one document per message (index/loaders_email.py)
        from index.loaders_email import load_archive

        loaded = Loaded(*load_archive(path, data, file_date))
    else:
        fmt, ex = _extract(data, suffix, ocr_options)
        doc = _document(source, source, fmt, data, ex, path.stem, file_date, "file")
        loaded = Loaded([doc], ex.warnings)
    log.debug("loaded %s: %d document(s)", source, len(loaded.documents))
    return loaded


def _read(path: Path, max_bytes: int, read: bool = True) -> tuple[bytes, float]:
    """The file's bytes (b"" when not ``read``: archives are read member by member) and
    modification time, after the checks every file gets."""
    try:
        st = path.stat()
    except OSError as err:
        if path.is_symlink():
            raise LoadError("cannot read: dangling symlink (its target is missing)") from None
        raise LoadError(f"cannot read: {err.strerror or err}") from None
    if path.is_dir():
        raise LoadError("cannot read: is a directory")
    if not path.is_file():  # a FIFO or device would block or never end
        raise LoadError("cannot read: not a regular file")
    suffix = path.suffix.lower()
    if not is_supported(path):
        raise LoadError(f"unsupported file type {suffix or '(no extension)'}")
    if st.st_size > max_bytes:
        raise LoadError(f"file too large: {_size(st.st_size)} > limit {_size(max_bytes)}")
    if not read:
        return b"", st.st_mtime
    try:
        data = path.read_bytes()
    except OSError as err:
        raise LoadError(f"cannot read: {err.strerror or err}") from None
    return data, st.st_mtime


def _size(n: int) -> str:
    if n >= _MB:
        return f"{n / _MB:.1f}".removesuffix(".0") + " MB"
    if n >= 1024:
        return f"{n / 1024:.1f}".removesuffix(".0") + " KB"
    return f"{n} bytes"


def _document(
    source: str,
    file: str,
    fmt: str,
    data: bytes,
    ex: Extracted,
    stem: str,
    fallback_date: str,
    fallback_origin: DateOrigin,
    parent_id: str | None = None,
) -> Document:
    return Document(
        doc_id=doc_id_for(source),
        source=source,
        file=file,
        title=ex.title or title_from_stem(stem),
        date=ex.date or fallback_date,
        date_origin="document" if ex.date else fallback_origin,
        content_hash=hashlib.sha256(data).hexdigest(),
        format=fmt,
        text=ex.text,
        metadata=ex.metadata,
        page_starts=ex.page_starts,
        parent_id=parent_id,
        page_ocr=ex.page_ocr,
    )


def _extract(
    data: bytes, suffix: str, ocr_options: OcrOptions | None = None
) -> tuple[str, Extracted]:
    """Text, title and date of a non-email file given as bytes (a file or an attachment)."""
    fmt = _FORMATS[suffix]
    if not data.strip():
        raise LoadError("empty file")
    if fmt in ("txt", "md", "html"):
        refuse_binary(data, suffix)
    if fmt in ("txt", "md"):
        ex = from_text(data)
    elif fmt == "html":
        ex = from_html(data)
    elif fmt == "pdf":
        ex = from_pdf(data, ocr_options)
    elif fmt in IMAGE_FORMATS:
        ex = from_image(data, ocr_options)
    else:
        ex = from_docx(data)
    if not ex.text.strip():
        raise LoadError(
            "empty file"
            if fmt in ("txt", "md")
            else "OCR found no text in the image"
            if fmt in IMAGE_FORMATS
            else f"no text in the {fmt} file"
        )
    ex.title = ex.title or text_title(ex.text)
    ex.date = ex.date or text_date(ex.text)
    return fmt, ex


# --- email -----------------------------------------------------------------------------


# Emails carry logos, signature images and tracking pixels as image attachments: OCR'd, they
# would be noise documents. A page scan is larger than this even as a JPEG.
_MIN_SCAN_BYTES = 30_000


def _load_email(
    data: bytes,
    source: str,
    stem: str,
    file_date: str,
    ocr_options: OcrOptions | None = None,
) -> Loaded:
    if not data.strip():
        raise LoadError("empty file")
    refuse_binary(data, ".eml")
    try:
        msg = BytesParser(policy=policy.default).parsebytes(data)
    except Exception as err:
        raise LoadError(f"unreadable email: {short_error(err)}") from None
    assert isinstance(msg, EmailMessage)  # policy.default always builds EmailMessage

    from index.loaders_email import message_text

    headers = {key: _header(msg, key) for key in ("From", "To", "Date", "Subject")}
    text, body_parts = message_text(msg, _email_body)
    found = iso_date(headers["Date"]) if headers["Date"] else None
    ex = Extracted(
        text=text,
        title=headers["Subject"] or None,
        date=found,
        metadata={key.lower(): value for key, value in headers.items()},
    )
    if not ex.text.strip():
        raise LoadError("empty email (no headers and no body)")
    email_doc = _document(source, source, "eml", data, ex, stem, file_date, "file")
    loaded = Loaded([email_doc])

    used: set[str] = set()
    for part in msg.walk():
        if any(part is b for b in body_parts) or part.is_multipart() or not part.get_filename():
            continue
        name = re.split(r"[\\/]", part.get_filename() or "")[-1].strip() or "attachment"
        suffix = Path(name).suffix.lower()
        payload = part.get_payload(decode=True)
        if suffix not in _FORMATS or suffix == ".eml" or not isinstance(payload, bytes):
            log.debug("%s: attachment %s not indexed", source, name)
            continue
        if _FORMATS[suffix] in IMAGE_FORMATS and len(payload) < _MIN_SCAN_BYTES:
            log.debug("%s: image attachment %s too small to be a scan", source, name)
            continue
        name = _unique(name, used)
        try:  # no size check: an attachment is always smaller than its encoded email
            fmt, att = _extract(payload, suffix, ocr_options)
        except LoadError as err:
            loaded.warnings.append(f"attachment {name} skipped: {err}")
            continue
        loaded.warnings.extend(f"attachment {name}: {warning}" for warning in att.warnings)
        att.metadata["email_subject"] = headers["Subject"]
        loaded.documents.append(
            _document(
                f"{source}#{name}",
                source,
                fmt,
                payload,
                att,
                Path(name).stem,
                email_doc.date,
                email_doc.date_origin,
                parent_id=email_doc.doc_id,
            )
        )
    return loaded


def _header(msg: EmailMessage, key: str) -> str:
    try:
        return " ".join(str(msg.get(key, "")).split())
    except Exception:  # a malformed header must not sink the whole email
        return ""


def _email_body(part: EmailMessage) -> str:
    try:
        content = part.get_content()
    except (LookupError, UnicodeError):  # unknown or wrong charset
        raw = part.get_payload(decode=True)
        content = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else ""
    if not isinstance(content, str):
        return ""
    if part.get_content_subtype() == "html":
        return from_html(content).text
    return content.replace("\r\n", "\n").strip()


def _unique(name: str, used: set[str]) -> str:
    """Two attachments with one name must not share a source (and so a doc_id)."""
    candidate, n = name, 1
    while candidate in used:
        n += 1
        candidate = f"{Path(name).stem} ({n}){Path(name).suffix}"
    used.add(candidate)
    return candidate
