"""Decoding text files that are not UTF-8: legacy Cyrillic and Western single-byte encodings.

charset-normalizer alone refuses real files (Debian's vimtutor ``tutor.ru.cp1251`` came back
"unknown encoding") and confuses the Cyrillic code pages, which decode every byte without error.
So every candidate decoding is judged the way a reader would: real words are written in one
script, in lower case, Title case or capitals, and mostly without diacritics; mojibake breaks
those habits (KOI8-R read as cp1251 turns lower case into capitals, cp1251 read as cp1252
gives words of accented letters, Latin text read as cp1251 puts Cyrillic letters into Latin
words).
"""

from __future__ import annotations

import re
import unicodedata

# Tried in this order; on a tie (identical text) the earlier name is reported.
CANDIDATES = ("cp1251", "koi8-r", "latin-1", "cp1252", "cp866", "iso8859-5", "mac-cyrillic")

_WORD = re.compile(r"[^\W\d_]+")
_SAMPLE = 200_000  # characters judged: enough for a verdict, cheap for a 50 MB file


def _script(ch: str) -> str:
    try:
        return unicodedata.name(ch).split(" ", 1)[0]
    except ValueError:
        return "?"


def plausibility(text: str) -> float:
    """How much a decoded text looks like writing, per letter (higher is better, max 1)."""
    sample = text[:_SAMPLE]
    score = 0.0
    letters = 0
    for word in _WORD.findall(sample):
        n = len(word)
        letters += n
        scripts = {_script(ch) for ch in word}
        if len(scripts) > 1:
            score -= n
            continue
        if not (word.islower() or word.istitle() or word.isupper()):
            score -= n
            continue
        weight = 0.5 if word.isupper() and n > 1 else 1.0
        if "LATIN" in scripts and n >= 3:
            accented = sum(1 for ch in word if ord(ch) > 127)
            if accented * 2 > n:
                weight = -1.0
        score += weight * n
    odd = sum(
        1
        for ch in sample
        if unicodedata.category(ch) in ("Cc", "Co", "Cn") and ch not in "\t\n\r\f"
    )
    return (score - 5 * odd) / max(1, letters)


def decode_legacy(data: bytes, extra: tuple[str, ...] = ()) -> tuple[str, str] | None:
    """The most plausible decoding of non-UTF-8 bytes: (text, encoding), or None."""
    best: tuple[float, str, str] | None = None
    for encoding in dict.fromkeys((*CANDIDATES, *extra)):
        try:
            text = data.decode(encoding)
        except (UnicodeDecodeError, LookupError):
            continue
        score = plausibility(text)
        if best is None or score > best[0]:
            best = (score, text, encoding)
    if best is None or best[0] < 0.5:
        return None
    return best[1], best[2]
