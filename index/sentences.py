"""Sentence spans with exact offsets, shared by chunking checks and evidence selection.

A sentence here is a unit a citation can quote: ``text[start:end]`` exactly. What a reader sees
(and what matching compares) is its display form: PDF line breaks joined, end-of-line
hyphenation ("manip-\\nulation") resolved. The language profile says which splitter to use and
which abbreviations never end a sentence.
"""

from __future__ import annotations

import functools
import itertools
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from index.languages import LanguageProfile, get_profile

if TYPE_CHECKING:
    from nltk.tokenize import PunktTokenizer

__all__ = [
    "display_form",
    "is_boilerplate",
    "list_marker_end",
    "page_furniture",
    "sentence_spans",
]

# A "key: value" line (title:, source:, From:, Date: ...) is a block of its own: it has no
# full stop, and the splitter would glue it to the next sentence.
_HEADER_LINE = re.compile(r"[ \t]*[^\W\d_][\w -]{0,24}:[ \t]+\S[^\n]*")
# A line opening with "<key> <ISO date or URL>" and no colon ("date 2024-12-13 Since ...") is
# metadata run into the first sentence by whatever exported it: the key and value are cut off.
_KEY_VALUE = r"(?:\d{4}-\d\d-\d\d(?:T[\d:.+Z-]*)?|https?://\S+)"
# "manip-\nulation": a hyphen at a line's end between two letters joins a broken word.
_SOFT_HYPHEN = re.compile(r"(?<=[^\W\d_])[-\u00ad\u2010]\s*\n\s*(?=[^\W\d_])")
_WHITESPACE = re.compile(r"\s+")
_DIGITS = re.compile(r"\d+")
# A footnote reference ("the subject of your message [1] and ...") and a heading's permalink
# sign ("Manage release-critical bugs¶") are navigation, not words: a "[1]" is no quantity.
_NAVIGATION = re.compile(r"(?<=\S)[ \t]*\[\d{1,3}\](?=[\s.,;:)]|$)|\u00b6")
# PDF fonts set "fi", "fl", "ff" as one ligature glyph ("ﬁle"): matched as the letters.
_LIGATURES = str.maketrans(
    {"\ufb00": "ff", "\ufb01": "fi", "\ufb02": "fl", "\ufb03": "ffi", "\ufb04": "ffl"}
)
# A list item or a numbered heading opens a line: "1. First send ...", "3.1.4. If ...",
# "- item", "• item", "(a) item". Each begins a block, so items are never glued together
# and the marker never becomes part of (or a value in) the item's sentence.
_LIST_MARKER = re.compile(
    r"[ \t]*(?:\d{1,3}(?:\.\d{1,3})*[.)]|\([a-z\d]{1,3}\)|[-*\u2022\u2013])[ \t]+"
)
_MARKER_ONLY = re.compile(r"\s*(?:\d{1,3}(?:\.\d{1,3})*[.)]|\([a-z\d]{1,3}\))\s*")
# A table row ("| file | origin | licence |") is a record of its own, never a sentence run on.
_TABLE_ROW = re.compile(r"[ \t]*\|.*\|[ \t]*")


def display_form(text: str) -> str:
    """``text`` as a reader should see it: line-end hyphenation resolved, line breaks and runs
    of spaces made one space, ligatures as letters, footnote references and permalink signs
    left out. Never used for offsets: the quote stays the exact span."""
    text = _NAVIGATION.sub("", text.translate(_LIGATURES))
    return _WHITESPACE.sub(" ", _SOFT_HYPHEN.sub("", text)).strip()


def _is_heading(line: str, following: str) -> bool:
    """A heading or a defined term on a line of its own ("COPYRIGHT", "HISTSIZE", "Work
    towards the next stable release" before a paragraph): a block, never run into the text it
    heads. Upper case throughout, or a few words with no closing punctuation followed by a
    line that opens with a capital."""
    words = line.split()
    if not words or len(words) > 6 or len(line) > 60:
        return False
    letters = [c for c in line if c.isalpha()]
    if len(letters) >= 2 and all(c.isupper() for c in letters) and len(words) <= 4:
        return True
    if line.rstrip()[-1:] in ".,;:!?-\u2010\u00ad(" or len(words) > 4:
        return False
    nxt = following.lstrip()
    return nxt[:1].isupper() and len(following) > 2 * len(line)


def list_marker_end(text: str) -> int:
    """Length of the list marker or section number opening ``text`` (0 when none)."""
    match = _LIST_MARKER.match(text)
    return match.end() if match else 0


@functools.lru_cache(maxsize=16)
def _key_value_prefix(code: str) -> re.Pattern[str] | None:
    keys = get_profile(code).header_keys
    if not keys:
        return None
    alternatives = "|".join(re.escape(k) for k in sorted(keys, key=len, reverse=True))
    return re.compile(rf"[ \t]*(?i:{alternatives})[ \t]+{_KEY_VALUE}(?=[ \t]+\S)")


def _blocks(
    text: str, start: int, end: int, code: str, skip: frozenset[int] = frozenset()
) -> list[tuple[int, int]]:
    """Paragraph-like blocks of text[start:end]: split at blank lines and around header lines,
    table rows and page furniture (lines starting at an offset in ``skip``, left out); a list
    item starts a block."""
    prefix = _key_value_prefix(code)
    blocks: list[tuple[int, int]] = []
    block_start = start
    position = start
    while position < end:
        newline = text.find("\n", position, end)
        line_end = end if newline < 0 else newline
        line = text[position:line_end]
        if position in skip:
            if block_start < position:
                blocks.append((block_start, position))
            block_start = line_end + 1
        elif (
            not line.strip()
            or _HEADER_LINE.fullmatch(line)
            or _TABLE_ROW.fullmatch(line)
            or _is_heading(line, text[line_end + 1 : text.find("\n", line_end + 1, end)])
        ):
            if block_start < position:
                blocks.append((block_start, position))
            if line.strip():
                blocks.append((position, line_end))
            block_start = line_end + 1
        elif _LIST_MARKER.match(line) and block_start < position:
            blocks.append((block_start, position))
            block_start = position
        elif prefix is not None and (head := prefix.match(line)):
            if block_start < position:
                blocks.append((block_start, position))
            blocks.append((position, position + head.end()))
            block_start = position + head.end()
        position = line_end + 1
    if block_start < end:
        blocks.append((block_start, end))
    return blocks


@functools.lru_cache(maxsize=8)
def _punkt(language: str, abbreviations: frozenset[str]) -> PunktTokenizer:
    from index.offline import _llama_index_static, import_nltk

    nltk = import_nltk()  # without the seconds of sklearn/scipy.stats nltk would import
    from nltk.tokenize import PunktTokenizer

    static = _llama_index_static()
    if static is not None and str(static / "nltk_cache") not in nltk.data.path:
        # llama-index bundles punkt_tab; nltk would otherwise try to download it.
        nltk.data.path.append(str(static / "nltk_cache"))
    tokenizer = PunktTokenizer(language)
    tokenizer._params.abbrev_types.update(abbreviations)
    return tokenizer


def _split(block: str, profile: LanguageProfile) -> list[tuple[int, int]]:
    """Sentence spans inside one block, by the profile's splitter."""
    if profile.sentence_splitter == "punkt":
        tokenizer = _punkt(profile.punkt_language or "english", frozenset(profile.abbreviations))
        return list(tokenizer.span_tokenize(block))
    if profile.sentence_splitter == "razdel":
        spans = [(s.start, s.stop) for s in _razdel(profile.code)(block)]
        return [part for span in spans for part in _after_year(block, span, profile)]
    return _pysbd_spans(block, profile)


_CLAUSE = 2  # content words before a year that make a clause, not an opening date phrase


@functools.cache
def _year_marks(code: str) -> re.Pattern[str] | None:
    """A year and its abbreviated noun ("2025 г.", "2019-2020 гг.", "2025 р.") before a
    word, for the profile ``code``; None when it writes none abbreviated."""
    profile = get_profile(code)
    # the year nouns written abbreviated: those also among the abbreviations
    abbreviated = set(profile.abbreviations)
    marks = sorted((n for n in profile.year_nouns if n in abbreviated), key=len, reverse=True)
    if not marks:
        return None
    alternatives = "|".join(re.escape(m) + r"\." for m in marks)
    return re.compile(rf"(?<!\d)\d{{4}}\s*(?:{alternatives})(?=\s+[^\W\d_])", re.IGNORECASE)


def _after_year(
    block: str, span: tuple[int, int], profile: LanguageProfile
) -> list[tuple[int, int]]:
    """``span`` split after a year's abbreviation that ends a clause ("... посрещна 640
    ученици на 15 септември 2025 г. Сградата е построена ..."): razdel reads "г." before a
    capital as an initial ("г. Иванов") and joins. Split when the text before the year holds
    a clause, at least ``_CLAUSE`` words that are no function word, number or month; an
    opening date phrase stays ("В мае 2024 г. Лукашенко подписал указ")."""
    pattern = _year_marks(profile.code)
    if pattern is None:
        return [span]
    start, end = span
    out: list[tuple[int, int]] = []
    for m in pattern.finditer(block, start, end):
        following = block[m.end() : end].lstrip()
        if not following[:1].isupper() or len(following.split()) < 2:
            continue
        words = re.findall(r"[^\W\d_]+", block[start : m.start()].lower())
        content = [w for w in words if w not in profile.stopwords and w not in profile.months]
        if len(content) < _CLAUSE:
            continue
        out.append((start, m.end()))
        start = end - len(following)
    return [*out, (start, end)]


_SPACED_DOT = re.compile(r"\s*\.\s*")


def _compact(text: str) -> str:
    """Lower-case, "т. е" written "т.е", runs of spaces one space: how abbreviations compare."""
    return _WHITESPACE.sub(" ", _SPACED_DOT.sub(".", text.lower()))


def _ends_with(left: str, abbreviations: frozenset[str]) -> bool:
    """Does ``left`` (the text before a dot) end with one of the abbreviations as a word?"""
    compact = _compact(left).rstrip()
    return any(
        compact.endswith(abbr) and not compact[: -len(abbr)][-1:].isalnum()
        for abbr in abbreviations
    )


@functools.lru_cache(maxsize=8)
def _razdel(code: str) -> Any:
    """razdel's sentence segmenter with the profile's abbreviations as rules of its own.

    razdel knows Russian abbreviations only: Belarusian "вул. Леніна" or Ukrainian "буд. 5"
    would end sentences, "3 дек. 2024" too, and Belarusian "і г.д." ("etc.") never would.
    Our rules run after razdel's trivial ones (no space after the dot, a lower-case word
    next) and before its abbreviation rules; the first rule with an opinion decides.
    """
    try:
        from razdel.rule import JOIN, SPLIT, FunctionRule
        from razdel.segmenters.sentenize import RULES, SentSegmenter, SentSplitter, is_sokr
    except ImportError as exc:  # pragma: no cover - depends on the install
        raise RuntimeError(f"the {code!r} profile splits with razdel: pip install razdel") from exc
    profile = get_profile(code)
    plain = frozenset(_compact(a) for a in profile.abbreviations)
    heads = frozenset(_compact(a) for a in profile.head_abbreviations)
    closing = frozenset(_compact(a) for a in profile.closing_abbreviations)

    def closing_abbreviation(split: Any) -> str | None:
        right = split.right_token or ""
        if split.delimiter == "." and right[:1].isupper() and _ends_with(split.left, closing):
            return SPLIT
        return None

    def head_abbreviation(split: Any) -> str | None:
        return JOIN if split.delimiter == "." and _ends_with(split.left, heads) else None

    def profile_abbreviation(split: Any) -> str | None:
        right = split.right_token
        if split.delimiter == "." and right and is_sokr(right) and _ends_with(split.left, plain):
            return JOIN
        return None

    ours = [
        FunctionRule(f) for f in (closing_abbreviation, head_abbreviation, profile_abbreviation)
    ]
    # a window of 20 characters before the dot holds the longest abbreviation ("ген.-лейт")
    return SentSegmenter(split=SentSplitter(window=20), rules=[*RULES[:4], *ours, *RULES[4:]])


def _pysbd_spans(block: str, profile: LanguageProfile) -> list[tuple[int, int]]:
    try:
        import pysbd
    except ImportError as exc:  # pragma: no cover - depends on the install
        raise RuntimeError(
            f"the {profile.name} profile splits with pysbd: pip install pysbd"
        ) from exc
    segmenter: Any = pysbd.Segmenter(language=profile.code, clean=False, char_span=True)
    return [(s.start, s.end) for s in segmenter.segment(block)]


def page_furniture(text: str, page_starts: Sequence[int]) -> frozenset[int]:
    """Offsets of the lines a paged document repeats at the top or bottom of its pages (a
    running head "BASH(1) General Commands Manual BASH(1)", a footer "GNU Bash 5.2 2022
    September 19 38"): page furniture, not text. A line counts when the same line, its
    figures aside, opens (or closes) at least two pages."""
    if len(page_starts) < 2:
        return frozenset()
    bounds = [*page_starts, len(text)]
    seen: dict[tuple[str, str], list[int]] = {}
    for page_start, page_end in itertools.pairwise(bounds):
        lines = [
            (page_start + m.start(), m.group())
            for m in re.finditer(r"[^\n]+", text[page_start:page_end])
            if m.group().strip()
        ]
        for where, picked in (("head", lines[:1]), ("foot", lines[-1:])):
            for at, line in picked:
                key = (where, _DIGITS.sub("0", " ".join(line.split())))
                seen.setdefault(key, []).append(at)
    return frozenset(at for ats in seen.values() if len(ats) >= 2 for at in ats)


def sentence_spans(
    text: str,
    start: int = 0,
    end: int | None = None,
    language: str = "en",
    skip: frozenset[int] = frozenset(),
) -> list[tuple[int, int]]:
    """(start, end) offsets of the sentences of ``text[start:end]``, in ``text`` coordinates.

    Blank lines always end a sentence (headings and list items have no full stop), and so do
    header lines such as ``title: ...`` and a leading ``date 2024-12-13``, table rows and list
    items. Lines starting at an offset in ``skip`` (page furniture) are left out.
    """
    end = len(text) if end is None else end
    profile = get_profile(language)
    spans: list[tuple[int, int]] = []
    for block_start, block_end in _blocks(text, start, end, profile.code, skip):
        block = text[block_start:block_end]
        if not block.strip():
            continue
        pieces = _split(block, profile)
        for i, (a, b) in enumerate(pieces):
            if i > 0 and _MARKER_ONLY.fullmatch(block[pieces[i - 1][0] : pieces[i - 1][1]]):
                # "1." cut off its item by the splitter: the marker opens the item's sentence
                a = spans.pop()[0] - block_start
            spans.append((block_start + a, block_start + b))
    return spans


def header_value(text: str) -> tuple[int, int] | None:
    """The span of the value in a ``key: value`` line ("title: Binance to pay $4.3B ..."),
    or None when ``text`` is not such a line."""
    match = _HEADER_LINE.fullmatch(text)
    if match is None:
        return None
    colon = text.index(":")
    start = colon + 1 + (len(text[colon + 1 :]) - len(text[colon + 1 :].lstrip()))
    end = len(text.rstrip())
    return (start, end) if start < end else None


def is_boilerplate(text: str, language: str = "en", header_is_metadata: bool = True) -> bool:
    """A licence line, copyright notice, navigation or (``header_is_metadata``: not in an
    email, where header lines are the message's facts) a metadata header: not a fact."""
    lowered = display_form(text).lower()
    if header_is_metadata and _HEADER_LINE.fullmatch(text.strip()):
        return True
    return any(phrase in lowered for phrase in get_profile(language).boilerplate)
