"""Lexical tokens for BM25: words, lower-cased, stop words dropped, stemmed or lemmatised by
the text's language.

``tokenize(text, language)`` is the one function the BM25 index calls, per chunk with its
document's language and per question in the question's language (a Russian question over
Russian chunks meets the same stems; over English chunks it contributes little, and dense
retrieval carries it). What a language needs is data in its profile
(``index/languages/<code>.yaml``): stop words, a Snowball stemmer (PyStemmer: English,
Russian, ...), else a simplemma lemmatiser (Bulgarian, Ukrainian), else the profile's
inflection endings stripped (Belarusian, which neither library has). A language without a
profile is lower-cased only. Bump ``TOKENIZER_VERSION`` when the output changes:
saved BM25 indexes made with another version are rebuilt, never mixed in.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from dataclasses import dataclass

TOKENIZER_VERSION = "profile-2"

# Words of two or more letters or digits (bm25s's default pattern, Unicode-aware).
_WORD = re.compile(r"(?u)\b\w\w+\b")
# Russian and Belarusian texts write "ё" or "е" for the same letter: one form for matching.
_FOLD = str.maketrans({"ё": "е"})


@dataclass(frozen=True)
class _Analyzer:
    stopwords: frozenset[str]
    normalise: Callable[[list[str]], list[str]]


def _identity(words: list[str]) -> list[str]:
    return words


def _stemming(algorithm: str) -> Callable[[list[str]], list[str]]:
    import Stemmer

    stemmer = Stemmer.Stemmer(algorithm)
    return lambda words: list(stemmer.stemWords(words))


def _lemmatising(code: str) -> Callable[[list[str]], list[str]]:
    try:
        import simplemma
    except ImportError as exc:
        raise RuntimeError(
            f"lemmatising {code!r} text needs simplemma: pip install simplemma"
        ) from exc

    @functools.lru_cache(maxsize=200_000)
    def lemma(word: str) -> str:
        # greedy=True also strips endings of words its dictionary lacks (names, new words).
        return str(simplemma.lemmatize(word, lang=code, greedy=True)).lower().translate(_FOLD)

    return lambda words: [lemma(w) for w in words]


_MIN_STEM = 3  # letters an ending-stripped word keeps: "год" stays, "сістэмаў" -> "сістэм"


def _stripping(endings: list[str]) -> Callable[[list[str]], list[str]]:
    ordered = sorted(set(endings), key=len, reverse=True)

    @functools.lru_cache(maxsize=200_000)
    def stem(word: str) -> str:
        for ending in ordered:
            if word.endswith(ending) and len(word) - len(ending) >= _MIN_STEM:
                return word[: -len(ending)]
        return word

    return lambda words: [stem(w) for w in words]


@functools.lru_cache(maxsize=32)
def _analyzer(code: str) -> _Analyzer:
    from index.languages import UnknownLanguage, get_profile

    try:
        profile = get_profile(code)
    except UnknownLanguage:
        return _Analyzer(frozenset(), _identity)
    stopwords = frozenset(w.translate(_FOLD) for w in profile.stopwords)
    if profile.stemmer:
        return _Analyzer(stopwords, _stemming(profile.stemmer))
    if profile.lemmatizer:
        return _Analyzer(stopwords, _lemmatising(profile.lemmatizer))
    if profile.endings:
        return _Analyzer(stopwords, _stripping([e.translate(_FOLD) for e in profile.endings]))
    return _Analyzer(stopwords, _identity)


def tokenize(text: str, language: str | None = None) -> list[str]:
    """BM25 tokens of ``text`` in ``language`` (ISO 639-1 code; None means English).

    >>> tokenize("Сколько систем передала София?", "ru")
    ['сколько', 'систем', 'передала', 'соф']
    """
    code = (language or "en").strip().lower()[:2]
    analyzer = _analyzer(code)
    lowered = text.lower()
    if "ё" in lowered:  # translate() walks every character: only when there is one to fold
        lowered = lowered.translate(_FOLD)
    words = [w for w in _WORD.findall(lowered) if w not in analyzer.stopwords]
    return analyzer.normalise(words)
