"""Lexical tokens for BM25: words, lower-cased, stop words dropped, stemmed per language.

``tokenize(text, language)`` is the one function the BM25 index calls, per chunk with its
document's language and per question with each language the index holds. Bump
``TOKENIZER_VERSION`` when its output changes: saved BM25 segments made with another version
are then rebuilt, never mixed in.
"""

from __future__ import annotations

import functools
import re
from typing import Any

TOKENIZER_VERSION = "en-snowball-1"

_WORD = re.compile(r"(?u)\b\w\w+\b")
# PyStemmer algorithm per language code; others are lower-cased only.
_STEMMERS = {"en": "english", "ru": "russian", "uk": "russian", "de": "german", "fr": "french"}


@functools.lru_cache(maxsize=8)
def _stemmer(language: str) -> Any:
    import Stemmer

    return Stemmer.Stemmer(_STEMMERS[language]) if language in _STEMMERS else None


@functools.lru_cache(maxsize=1)
def _english_stopwords() -> frozenset[str]:
    from bm25s.stopwords import STOPWORDS_EN

    return frozenset(STOPWORDS_EN)


def tokenize(text: str, language: str | None = None) -> list[str]:
    """BM25 tokens of a text in a language (ISO 639-1 code; None means English)."""
    code = (language or "en").lower()[:2]
    words = _WORD.findall(text.lower())
    if code == "en":
        stop = _english_stopwords()
        words = [w for w in words if w not in stop]
    stemmer = _stemmer(code)
    return list(stemmer.stemWords(words)) if stemmer is not None else words
