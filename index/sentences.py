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

_BLANK_LINE = re.compile(r"\n\s*\n")


@functools.lru_cache(maxsize=1)
def _punkt() -> PunktTokenizer:
    import nltk
    from nltk.tokenize import PunktTokenizer

    from index.offline import _llama_index_static

    static = _llama_index_static()
    if static is not None and str(static / "nltk_cache") not in nltk.data.path:
        # llama-index bundles punkt_tab; nltk would otherwise try to download it.
        nltk.data.path.append(str(static / "nltk_cache"))
    tokenizer = PunktTokenizer("english")
    tokenizer._params.abbrev_types.update(_ABBREVIATIONS)
    return tokenizer


def sentence_spans(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """(start, end) offsets of the sentences of ``text[start:end]``, in ``text`` coordinates.

    Blank lines always end a sentence (headings and list items have no full stop).
    """
    end = len(text) if end is None else end
    spans: list[tuple[int, int]] = []
    block_start = start
    for match in [*_BLANK_LINE.finditer(text, start, end), None]:
        block_end = match.start() if match else end
        block = text[block_start:block_end]
        for a, b in _punkt().span_tokenize(block):
            spans.append((block_start + a, block_start + b))
        if match:
            block_start = match.end()
    return spans
