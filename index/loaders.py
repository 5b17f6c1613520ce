"""Read one file into :class:`Document` records (the "load" step of the write path).

Every expected failure of a file is a :class:`LoadError` whose message is one line for the
user. Parsers (bs4, pypdf, python-docx, charset-normalizer) are imported inside the
functions that use them so that importing this module stays cheap for the CLI.

Text files (.txt, .md) are kept byte-for-byte: ``data.decode(encoding) == text`` where
``encoding`` is ``metadata["encoding"]`` when present and ``"utf-8"`` otherwise. A UTF-8
byte-order mark is the one case decoded with ``"utf-8-sig"`` (so the BOM is not part of the
text); that is recorded as ``metadata["encoding"] = "utf-8-sig"``.
"""

from __future__ import annotations

import codecs
import hashlib
import io
import logging
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any

from index.loaders_archive import is_file_archive
from index.loaders_email import ARCHIVE_SUFFIXES
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
_HEADER_LINES = 10  # title:/date:/published: lines are looked for this far into a text
_UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)

_TITLE_LINE = re.compile(r"\s*title\s*:\s*(\S.*?)\s*$", re.IGNORECASE)
_DATE_LINE = re.compile(
    r"\s*(?:date|published|pubdate|created)\s*:?\s*(\d{4}-\d{1,2}-\d{1,2})", re.IGNORECASE
)
_MD_HEADING = re.compile(r"\s*#\s+(\S.*?)[\s#]*$")
_NUMERIC_DATE = re.compile(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})")
_MONTH_DATE = re.compile(
    r"\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+(?:\d{1,2},?\s+)?\d{4}\b",
    re.IGNORECASE,
)
_DATE_KEYWORD = re.compile(r"\s*(?:date|published|updated|posted)\b", re.IGNORECASE)

# Meta names that carry a publication date, best first.
_META_DATE_KEYS = (
    "article:published_time",
    "og:published_time",
    "datepublished",
    "pubdate",
    "publishdate",
    "date",
    "dc.date",
    "dc.date.issued",
    "dcterms.date",
    "dcterms.issued",
    "dcterms.created",
)
_JSONLD_DATE = re.compile(r'"datePublished"\s*:\s*"([^"]+)"')
_HTML_DROP = ("script", "style", "noscript", "template", "head", "svg", "iframe", "object")
_HTML_PARAGRAPH = (
    "p", "div", "section", "article", "main", "header", "footer", "nav", "aside", "blockquote",
    "pre", "table", "ul", "ol", "dl", "figure", "figcaption", "form", "fieldset", "address",
    "h1", "h2", "h3", "h4", "h5", "h6", "hr",
)  # fmt: skip
_HTML_LINE = ("li", "tr", "dt", "dd", "caption", "br")

# python-docx's blank template carries this creation time; it says nothing about the document.
_DOCX_TEMPLATE_CREATED = "2013-12-23"


class LoadError(Exception):
    """Expected failure of one file; str(err) is a one-line reason for the user (no traceback)."""


@dataclass
class Loaded:
    """What one file gave: usually one document; an email gives itself + its attachments."""

    documents: list[Document]
    warnings: list[str] = field(default_factory=list)


@dataclass
class _Extracted:
    text: str
    title: str | None = None
    date: str | None = None
    metadata: dict[str, str] = field(default_factory=dict)
    page_starts: tuple[int, ...] = ()
    page_ocr: tuple[float | None, ...] = ()  # per page: OCR confidence, None: text layer
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
    ex: _Extracted,
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
) -> tuple[str, _Extracted]:
    """Text, title and date of a non-email file given as bytes (a file or an attachment)."""
    fmt = _FORMATS[suffix]
    if not data.strip():
        raise LoadError("empty file")
    if fmt in ("txt", "md", "html"):
        _refuse_binary(data, suffix)
    if fmt in ("txt", "md"):
        ex = _from_text(data)
    elif fmt == "html":
        ex = _from_html(data)
    elif fmt == "pdf":
        ex = _from_pdf(data, ocr_options)
    elif fmt in IMAGE_FORMATS:
        ex = _from_image(data, ocr_options)
    else:
        ex = _from_docx(data)
    if not ex.text.strip():
        raise LoadError(
            "empty file"
            if fmt in ("txt", "md")
            else "OCR found no text in the image"
            if fmt in IMAGE_FORMATS
            else f"no text in the {fmt} file"
        )
    ex.title = ex.title or _text_title(ex.text)
    ex.date = ex.date or _text_date(ex.text)
    return fmt, ex


def _refuse_binary(data: bytes, suffix: str) -> None:
    if data.startswith(_UTF16_BOMS):
        return  # UTF-16 text is full of NUL bytes
    sample = data[:8192]
    controls = sum(1 for b in sample if b < 32 and b not in (9, 10, 12, 13))
    if b"\0" in sample or controls > len(sample) // 10:
        raise LoadError(f"binary content in a {suffix} file")


def _from_text(data: bytes) -> _Extracted:
    ex = _Extracted(text="")
    if data.startswith(codecs.BOM_UTF8):
        encoding = "utf-8-sig"
    elif data.startswith(_UTF16_BOMS):
        encoding = "utf-16"
    else:
        try:
            ex.text = data.decode("utf-8")
            return ex
        except UnicodeDecodeError:
            from charset_normalizer import from_bytes

            from index.decoding import decode_legacy

            # charset-normalizer's guess competes with the legacy code pages; the decoding
            # that reads most like real words wins (see index/decoding.py).
            guess = from_bytes(data).best()
            found = decode_legacy(data, (guess.encoding,) if guess is not None else ())
            if found is None:
                raise LoadError("cannot decode the text (unknown encoding)") from None
            encoding = found[1]
    try:
        ex.text = data.decode(encoding)
    except (UnicodeDecodeError, LookupError) as err:
        raise LoadError(f"cannot decode the text as {encoding}: {_short(err)}") from None
    ex.metadata["encoding"] = encoding
    if encoding != "utf-8-sig":
        ex.warnings.append(f"not UTF-8; decoded as {encoding}")
    return ex


def _text_title(text: str) -> str | None:
    lines = text.splitlines()
    for line in lines[:_HEADER_LINES]:
        if m := _TITLE_LINE.match(line):
            return m.group(1)
    first = next((line.strip() for line in lines if line.strip()), "")
    if m := _MD_HEADING.match(first):
        return m.group(1)
    if len(first) <= 100 and first != "---" and not _looks_like_date(first):
        return " ".join(first.split()) or None
    return None


def _looks_like_date(line: str) -> bool:
    if _DATE_KEYWORD.match(line):
        return True
    return len(line) <= 40 and bool(_NUMERIC_DATE.search(line) or _MONTH_DATE.search(line))


def _text_date(text: str) -> str | None:
    for line in text.splitlines()[:_HEADER_LINES]:
        if (m := _DATE_LINE.match(line)) and (iso := _iso_date(m.group(1))):
            return iso
    return None


def _iso_date(value: str) -> str | None:
    """YYYY-MM-DD from an ISO-like or RFC 2822 date string, else None."""
    if m := _NUMERIC_DATE.search(value):
        try:
            return date(int(m[1]), int(m[2]), int(m[3])).isoformat()
        except ValueError:
            return None
    try:
        return parsedate_to_datetime(value).date().isoformat()
    except (TypeError, ValueError, IndexError):
        return None


def _short(err: BaseException) -> str:
    lines = str(err).strip().splitlines()
    text = lines[0] if lines else type(err).__name__
    return text if len(text) <= 120 else text[:117] + "..."


# --- HTML ----------------------------------------------------------------------------


def _from_html(markup: bytes | str) -> _Extracted:
    from bs4 import BeautifulSoup, NavigableString, Tag

    try:
        import lxml  # noqa: F401

        parser = "lxml"
    except ImportError:
        parser = "html.parser"
    soup = BeautifulSoup(markup, parser)

    title = None
    if isinstance(soup.title, Tag):
        title = " ".join(soup.title.get_text(" ").split()) or None
    found = _html_date(soup)

    for tag in [*soup.find_all([*_HTML_DROP]), *soup.find_all(hidden=True)]:
        if not tag.decomposed:  # already gone with a dropped ancestor
            tag.decompose()
    if title is None and isinstance(h1 := soup.find("h1"), Tag):
        title = " ".join(h1.get_text(" ").split()) or None

    # Browsers collapse whitespace inside text; line breaks come only from the block structure.
    for string in soup.find_all(string=True):
        # exact type: comments and the doctype are subclasses and must stay invisible
        if type(string) is NavigableString and not string.find_parent("pre"):
            string.replace_with(re.sub(r"\s+", " ", str(string)))
    for tag in soup.find_all([*_HTML_PARAGRAPH]):
        tag.insert_before("\n\n")
        tag.insert_after("\n\n")
    for tag in soup.find_all([*_HTML_LINE]):
        tag.insert_after("\n")
    for tag in soup.find_all(["td", "th"]):
        tag.insert_after(" ")

    text = soup.get_text()
    text = re.sub(r"[ \t\r\f\v]*\n[ \t\r\f\v]*", "\n", text)
    text = re.sub(r"\n{3,}", "\n\n", text).strip()
    return _Extracted(text=text, title=title, date=found)


def _html_date(soup: Any) -> str | None:
    from bs4 import Tag

    metas: dict[str, str] = {}
    for meta in soup.find_all("meta"):
        key = _attr(meta, "property") or _attr(meta, "name") or _attr(meta, "itemprop")
        if key and _attr(meta, "content"):
            metas.setdefault(key.lower(), _attr(meta, "content"))
    for key in _META_DATE_KEYS:
        if key in metas and (iso := _iso_date(metas[key])):
            return iso
    for script in soup.find_all("script", attrs={"type": "application/ld+json"}):
        if (m := _JSONLD_DATE.search(script.get_text())) and (iso := _iso_date(m.group(1))):
            return iso
    article = soup.find("article")
    if isinstance(article, Tag):
        time = article.find("time", attrs={"datetime": True})
        if isinstance(time, Tag):
            return _iso_date(_attr(time, "datetime"))
    return None


def _attr(tag: Any, name: str) -> str:
    value = tag.get(name)
    if isinstance(value, list):  # multi-valued attributes come back as lists
        value = " ".join(value)
    return str(value).strip() if value else ""


# --- PDF and DOCX ----------------------------------------------------------------------


def _from_pdf(data: bytes, ocr_options: OcrOptions | None = None) -> _Extracted:
    from pypdf import PdfReader

    # pypdf raises many unrelated exception types on damaged files.
    try:
        reader = PdfReader(io.BytesIO(data))
        encrypted = reader.is_encrypted
    except Exception as err:
        raise LoadError(f"corrupt or unreadable PDF: {_short(err)}") from None
    if encrypted:
        try:
            opened = reader.decrypt("")
        except Exception as err:  # e.g. AES without the 'cryptography' package
            raise LoadError(f"encrypted PDF (cannot decrypt: {_short(err)})") from None
        if not opened:
            raise LoadError("encrypted PDF (password required)")
    try:
        pages = [(page.extract_text() or "").strip() for page in reader.pages]
        info = reader.metadata
        meta = {str(k): str(v) for k, v in info.items() if v is not None} if info else {}
    except Exception as err:
        raise LoadError(f"corrupt or unreadable PDF: {_short(err)}") from None
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

    starts, offset = [], 0
    for text in pages:
        starts.append(offset)
        offset += len(text) + 2
    title = meta.get("/Title", "").strip().removeprefix("Microsoft Word - ")
    created = re.search(r"(\d{4})(\d{2})(\d{2})", meta.get("/CreationDate", ""))
    ex = _Extracted(
        text="\n\n".join(pages),
        title=None if title.lower() in ("", "untitled", "untitled document") else title,
        date=_iso_date("-".join(created.groups())) if created else None,
        page_starts=tuple(starts),
        metadata={"pages": str(len(pages))},
        page_ocr=tuple(page_ocr) if any(c is not None for c in page_ocr) else (),
        warnings=warnings,
    )
    if (author := meta.get("/Author", "").strip()) and author != "anonymous":  # reportlab default
        ex.metadata["author"] = author
    return ex


def _from_image(data: bytes, ocr_options: OcrOptions | None) -> _Extracted:
    """An image file (every frame of a multi-page TIFF is a page), read by OCR."""
    from index.ocr import OcrError, ocr_image_file

    try:
        read = ocr_image_file(data, ocr_options or OcrOptions())
    except OcrError as err:
        raise LoadError(str(err)) from None
    texts = [page.text.strip() for page in read]
    starts, offset = [], 0
    for text in texts:
        starts.append(offset)
        offset += len(text) + 2
    return _Extracted(
        text="\n\n".join(texts),
        page_starts=tuple(starts),
        page_ocr=tuple(page.confidence for page in read),
        metadata={"pages": str(len(read))} if len(read) > 1 else {},
        warnings=_ocr_warnings(dict(enumerate(read))) if any(texts) else [],
    )


# Emails carry logos, signature images and tracking pixels as image attachments: OCR'd, they
# would be noise documents. A page scan is larger than this even as a JPEG.
_MIN_SCAN_BYTES = 30_000
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


def _from_docx(data: bytes) -> _Extracted:
    import docx
    from docx.table import Table

    blocks: list[str] = []
    try:
        document = docx.Document(io.BytesIO(data))
        for item in document.iter_inner_content():
            if isinstance(item, Table):
                rows = []
                for row in item.rows:
                    cells = [cell.text.strip() for cell in dict.fromkeys(row.cells)]
                    if any(cells):  # dict.fromkeys: a merged cell repeats in row.cells
                        rows.append(" | ".join(cells))
                blocks.append("\n".join(rows))
            else:
                blocks.append(item.text.strip())
        props = document.core_properties
        title, author, created = props.title, props.author, props.created
    except Exception as err:  # python-docx and zipfile raise many kinds on damaged files
        raise LoadError(f"corrupt or unreadable DOCX: {_short(err)}") from None
    iso = created.date().isoformat() if created else None
    ex = _Extracted(
        text="\n\n".join(block for block in blocks if block.strip()),
        title=(title or "").strip() or None,
        date=None if iso == _DOCX_TEMPLATE_CREATED else iso,
    )
    if author and author != "python-docx":
        ex.metadata["author"] = author
    return ex


# --- email -----------------------------------------------------------------------------


def _load_email(
    data: bytes,
    source: str,
    stem: str,
    file_date: str,
    ocr_options: OcrOptions | None = None,
) -> Loaded:
    if not data.strip():
        raise LoadError("empty file")
    _refuse_binary(data, ".eml")
    try:
        msg = BytesParser(policy=policy.default).parsebytes(data)
    except Exception as err:
        raise LoadError(f"unreadable email: {_short(err)}") from None
    assert isinstance(msg, EmailMessage)  # policy.default always builds EmailMessage

    from index.loaders_email import message_text

    headers = {key: _header(msg, key) for key in ("From", "To", "Date", "Subject")}
    text, body_parts = message_text(msg, _email_body)
    found = _iso_date(headers["Date"]) if headers["Date"] else None
    ex = _Extracted(
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
        return _from_html(content).text
    return content.replace("\r\n", "\n").strip()


def _unique(name: str, used: set[str]) -> str:
    """Two attachments with one name must not share a source (and so a doc_id)."""
    candidate, n = name, 1
    while candidate in used:
        n += 1
        candidate = f"{Path(name).stem} ({n}){Path(name).suffix}"
    used.add(candidate)
    return candidate
