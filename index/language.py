"""Language of a text: one ISO 639-1 code ("ru", "be", "bg", "uk", "en", ...) or "und".

Detected with lingua (lingua-language-detector, models inside the wheel, nothing fetched),
in its high-accuracy mode, choosing among the languages of the ``languages`` setting
(``RAG_LANGUAGES``, default the five the tool has profiles for: en, ru, be, bg, uk).
``bench/lang_bench.py`` chose it: on 80 short ru/be/bg/uk/en texts (questions, headlines)
it is right 99% of the time where py3langid and lingua's low-accuracy mode are right 92%,
and restricting it to five languages makes its cold start ~4 s instead of ~37 s for all 75.

The detector is built once per process per language set, with lazily loaded models (a
Cyrillic text loads only the Cyrillic languages' models). Question analysis calls
:func:`detect_language` on questions.
"""

from __future__ import annotations

import dataclasses
import functools
import logging
import re
from collections import Counter
from dataclasses import dataclass
from typing import Any

from index.records import Document

log = logging.getLogger(__name__)

UNDETERMINED = "und"

# A long text is judged paragraph by paragraph (the dominant language by letters): short
# paragraphs are joined up to _MIN_BLOCK characters (too little text misleads the detector),
# long ones cut at _BLOCK_CHARS, and at most _MAX_BLOCKS blocks spread over the text are
# judged, so a book costs no more than an article.
_MIN_BLOCK = 200
_BLOCK_CHARS = 1500
_MAX_BLOCKS = 40
_MIN_SHARE = 0.15  # a language counts as "also present" from this share of the text on
_LETTERS = re.compile(r"[^\W\d_]", re.UNICODE)


@dataclass(frozen=True)
class Languages:
    """The dominant language of a text and, most present first, every other one found."""

    dominant: str
    others: tuple[str, ...] = ()


class LanguageSettingError(ValueError):
    """The ``languages`` setting names a code lingua does not know."""


@functools.cache
def _detector(languages: str) -> Any:
    from lingua import IsoCode639_1, LanguageDetectorBuilder

    # Lazy models (no with_preloaded_language_models): only the scripts met get loaded.
    if languages.strip().lower() == "all":
        return LanguageDetectorBuilder.from_all_languages().build()
    codes = []
    for code in dict.fromkeys(c.strip().lower() for c in languages.split(",") if c.strip()):
        try:
            codes.append(IsoCode639_1.from_str(code))
        except ValueError:
            raise LanguageSettingError(
                f"unknown language code {code!r} in RAG_LANGUAGES={languages!r} "
                "(ISO 639-1 codes such as en, ru, be, bg, uk; or 'all')"
            ) from None
    if len(codes) == 1:  # lingua needs two candidates; one language is simply that one
        return _Single(codes[0])
    if not codes:
        raise LanguageSettingError("RAG_LANGUAGES is empty: name at least one language")
    return LanguageDetectorBuilder.from_iso_codes_639_1(*codes).build()


class _Single:
    """A "detector" for a one-language setting."""

    def __init__(self, code: Any) -> None:
        from lingua import Language

        self._language = Language.from_iso_code_639_1(code)

    def detect_language_of(self, text: str) -> Any:
        return self._language


def _configured() -> str:
    from index.settings import get_settings

    return get_settings().languages


def _code(language: Any) -> str:
    return str(language.iso_code_639_1.name).lower() if language is not None else UNDETERMINED


def detect_language(text: str, languages: str | None = None) -> str:
    """ISO 639-1 code of the language a short or long text is mostly written in.

    "und" when the text has no letters or no language can be told. ``languages``: the
    candidates ("en,ru,be"), by default the ``languages`` setting (``RAG_LANGUAGES``).
    """
    return detect_languages(text, languages).dominant


def detect_languages(text: str, languages: str | None = None) -> Languages:
    """Dominant language and the others present (each at least 15% of the letters)."""
    blocks = _blocks(text)
    if not blocks:
        return Languages(UNDETERMINED)
    weights: Counter[str] = Counter()
    detector = _detector(languages or _configured())
    for block in blocks:
        code = _code(detector.detect_language_of(block))
        if code != UNDETERMINED:
            weights[code] += len(_LETTERS.findall(block))
    if not weights:
        return Languages(UNDETERMINED)
    total = sum(weights.values())
    ranked = [code for code, _ in weights.most_common()]
    others = tuple(c for c in ranked[1:] if weights[c] / total >= _MIN_SHARE)
    return Languages(ranked[0], others)


def _blocks(text: str) -> list[str]:
    """Paragraph-aligned blocks of about ``_BLOCK_CHARS``, evenly sampled when many."""
    if not _LETTERS.search(text):
        return []
    blocks: list[str] = []
    current = ""
    for paragraph in re.split(r"\n\s*\n", text):
        if len(current) >= _MIN_BLOCK:
            blocks.append(current)
            current = ""
        current = f"{current}\n\n{paragraph}" if current else paragraph
        while len(current) > 2 * _BLOCK_CHARS:  # one huge paragraph: cut it at a space
            cut = current.rfind(" ", 0, _BLOCK_CHARS)
            cut = cut if cut > 0 else _BLOCK_CHARS
            blocks.append(current[:cut])
            current = current[cut:].lstrip()
    if current.strip():
        blocks.append(current)
    blocks = [b for b in blocks if _LETTERS.search(b)]
    if len(blocks) > _MAX_BLOCKS:
        step = len(blocks) / _MAX_BLOCKS
        blocks = [blocks[int(i * step)] for i in range(_MAX_BLOCKS)]
    return blocks


def tag_document(document: Document, languages: str | None = None) -> Document:
    """The document with its dominant language set, and the other languages present listed
    in ``metadata["languages"]`` (dominant first) when there are any."""
    found = detect_languages(document.text, languages)
    metadata = document.metadata
    if found.others:
        metadata = {**metadata, "languages": ",".join((found.dominant, *found.others))}
    return dataclasses.replace(document, language=found.dominant, metadata=metadata)


def language_name(code: str) -> str:
    """English name of an ISO 639-1 code ("ru" -> "Russian"); the code itself if unknown."""
    from lingua import IsoCode639_1, Language

    try:
        return str(Language.from_iso_code_639_1(IsoCode639_1.from_str(code)).name).title()
    except (ValueError, KeyError, AttributeError):
        return code


def tesseract_code(code: str) -> str | None:
    """Tesseract's language pack name for an ISO 639-1 code: its ISO 639-3 code ("uk" ->
    "ukr"), which is how Tesseract names the packs of these languages; None if unknown."""
    from lingua import IsoCode639_1, Language

    try:
        language = Language.from_iso_code_639_1(IsoCode639_1.from_str(code))
        return str(language.iso_code_639_3.name).lower()
    except (ValueError, KeyError, AttributeError):
        return None
