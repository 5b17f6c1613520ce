"""Reaching a language no bilingual dictionary of the pair serves (rag.lexicon): through a
third language both dictionaries share (a Bulgarian question over Russian text: Bulgarian ->
English -> Russian), or into a language related to the text's, whose words the text writes
alike ("редактор" / "рэдактар": Belarusian and Ukrainian have no dictionary in Debian, Russian
has). Such a path reaches more than it should (a pivot multiplies senses; consonants meet by
chance), so what it finds only adds evidence (rag.crosslang_match.topic_counts); it never
rules a text out, as a dictionary of the pair does."""

from __future__ import annotations

import functools

from index.languages import UnknownLanguage, get_profile
from rag.lexicon import _cognate, _forms, _translation_in, lemmas, lexicon, translations_in

__all__ = ["can_reach", "topic_match"]


def _related(language: str) -> list[str]:
    try:
        return get_profile(language).related
    except UnknownLanguage:
        return []


@functools.lru_cache(maxsize=4096)
def _reach(word: str, source: str, target: str) -> tuple[frozenset[tuple[str, ...]], bool] | None:
    """Words of ``target``, or of a language related to it, that translate ``word``, and
    whether they are ``target``'s own (matched as words) or a related language's (matched
    by consonant skeleton, ``_cognate``): through the pair's dictionary, or two
    dictionaries through a third language ("полиция" -> "police" -> "полиция" for a
    Bulgarian question over Russian text), or a related language's dictionary ("editor" ->
    "редактор" for Belarusian), or the word itself in a related language. None when no
    such path exists; an empty set when the dictionaries do not know the word."""
    direct = lexicon(source, target)
    if direct is not None:
        return direct.translations(word), True
    near = _related(target)
    if source in near or target in _related(source):
        return frozenset({(lemmas(word, source),), (word,)}), False
    for other in near:
        lex = lexicon(source, other)
        if lex is not None:
            return lex.translations(word), False
    for middle in ("en", *near):  # a pivot: the language the dictionaries share
        first = lexicon(source, middle) if middle != source else None
        if first is None:
            continue
        for end, own in ((target, True), *((n, False) for n in near)):
            second = lexicon(middle, end) if middle != end else None
            if second is not None:
                found = {t for m in first.translations(word) for t in second.translations(m[0])}
                return frozenset(found), own
    return None


def topic_match(word: str, source: str, target: str, text: str) -> bool | None:
    """Does ``text`` (in ``target``) speak of ``word`` (in ``source``): ``translations_in``
    where a dictionary serves the pair, else a translation reached through another
    language (``_reach``) in it. None when nothing reaches ``target`` or the word is
    unknown. A path through a pivot or a related language reaches more than it should, so
    this only adds evidence, it never rules a text out."""
    lex = lexicon(source, target)
    if lex is not None:
        return translations_in(lex, word, text)
    reached = _reach(word, source, target)
    if not reached or not reached[0]:
        return None
    found, own = reached
    forms = _forms(text, target)
    if own:
        return any(_translation_in(t, target, forms) for t in found)
    return any(_cognate(max(t, key=len), forms) for t in found)


def can_reach(source: str, target: str) -> bool:
    """Can ``topic_match`` judge words of ``source`` in texts of ``target``?"""
    return source != target and _reach("", source, target) is not None
