"""Sentence spans with exact offsets, shared by chunking checks and evidence selection."""

from __future__ import annotations

import functools
import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from nltk.tokenize import PunktTokenizer

# Punkt's English model splits "Lt. Com. Matthew Allen"; titles and abbreviations that
# journalists' sources use all the time are taught to it here.
_ABBREVIATIONS = {
    "lt", "com", "cmdr", "gen", "col", "maj", "capt", "sgt", "adm", "gov", "sen", "rep",
    "dr", "mr", "mrs", "ms", "prof", "st", "jr", "sr", "u.s", "u.k", "u.n", "e.u", "no",
    "vs", "etc", "inc", "ltd", "corp", "co", "jan", "feb", "mar", "apr", "jun", "jul",
    "aug", "sep", "sept", "oct", "nov", "dec", "approx", "fig", "p", "pp", "vol", "ed",
}  # fmt: skip

# A "key: value" line (title:, source:, From:, Date: ...) is a block of its own: it has no
# full stop, and punkt would glue it to the next sentence.
_HEADER_LINE = re.compile(r"[ \t]*[A-Za-z][\w -]{0,24}:[ \t]+\S[^\n]*")


def _blocks(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Paragraph-like blocks of text[start:end]: split at blank lines and around header lines."""
    blocks: list[tuple[int, int]] = []
    block_start = start
    position = start
    while position < end:
        newline = text.find("\n", position, end)
        line_end = end if newline < 0 else newline
        line = text[position:line_end]
        if not line.strip() or _HEADER_LINE.fullmatch(line):
            if block_start < position:
                blocks.append((block_start, position))
            if line.strip():
                blocks.append((position, line_end))
            block_start = line_end + 1
        position = line_end + 1
    if block_start < end:
        blocks.append((block_start, end))
    return blocks


@functools.lru_cache(maxsize=1)
def _punkt() -> PunktTokenizer:
    from index.offline import _llama_index_static, import_nltk

    nltk = import_nltk()  # without the seconds of sklearn/scipy.stats nltk would import
    from nltk.tokenize import PunktTokenizer

    static = _llama_index_static()
    if static is not None and str(static / "nltk_cache") not in nltk.data.path:
        # llama-index bundles punkt_tab; nltk would otherwise try to download it.
        nltk.data.path.append(str(static / "nltk_cache"))
    tokenizer = PunktTokenizer("english")
    tokenizer._params.abbrev_types.update(_ABBREVIATIONS)
    return tokenizer


def sentence_spans(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """(start, end) offsets of the sentences of ``text[start:end]``, in ``text`` coordinates.

    Blank lines always end a sentence (headings and list items have no full stop), and so do
    header lines such as ``title: ...``.
    """
    end = len(text) if end is None else end
    spans: list[tuple[int, int]] = []
    for block_start, block_end in _blocks(text, start, end):
        block = text[block_start:block_end]
        for a, b in _punkt().span_tokenize(block):
            spans.append((block_start + a, block_start + b))
    return spans
