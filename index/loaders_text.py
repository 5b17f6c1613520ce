"""Plain text (.txt, .md): decoding kept byte-for-byte, and the title and date a text gives in
its first lines; the date parsing the other readers share.
"""

from __future__ import annotations

import codecs
import re
from datetime import date
from email.utils import parsedate_to_datetime

from index.loaders_base import Extracted, LoadError, short_error

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


def refuse_binary(data: bytes, suffix: str) -> None:
    if data.startswith(_UTF16_BOMS):
        return  # UTF-16 text is full of NUL bytes
    sample = data[:8192]
    controls = sum(1 for b in sample if b < 32 and b not in (9, 10, 12, 13))
    if b"\0" in sample or controls > len(sample) // 10:
        raise LoadError(f"binary content in a {suffix} file")


def from_text(data: bytes) -> Extracted:
    ex = Extracted(text="")
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
        raise LoadError(f"cannot decode the text as {encoding}: {short_error(err)}") from None
    ex.metadata["encoding"] = encoding
    if encoding != "utf-8-sig":
        ex.warnings.append(f"not UTF-8; decoded as {encoding}")
    return ex


def text_title(text: str) -> str | None:
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


def text_date(text: str) -> str | None:
    for line in text.splitlines()[:_HEADER_LINES]:
        if (m := _DATE_LINE.match(line)) and (iso := iso_date(m.group(1))):
            return iso
    return None


def iso_date(value: str) -> str | None:
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
