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
from rag.lexicon import Lexicon, _cognate, _forms, _translation_in, lemmas, lexicon, translations_in

__all__ = ["can_reach", "topic_match"]


def _lexicon(source: str, target: str) -> Lexicon | None:
    """The dictionary of the pair, not one composed through Apertium (rag.lexicon_apertium):
    a composed map's gaps and extra senses made topic counts noisier, not better (measured
    on the dev set: a Ukrainian question's words met Bulgarian text through it)."""
    found = lexicon(source, target)
    return None if found is None or found.composed else found


def _related(language: str) -> list[str]:
    try:
        return get_profile(language).related
    except UnknownLanguage:
        return []


@functools.lru_cache(maxsize=8)
def _skeletons(language: str) -> dict[str, list[str]]:
    """The nouns some dictionary holds for ``language`` (its map into English, where one
    exists), by consonant skeleton."""
    from index.translit import name_key

    lex = _lexicon(language, "en")
    out: dict[str, list[str]] = {}
    for key in lex.nouns if lex is not None else ():
        if key[:1].isalpha():  # not a compound's or a modifier's mark
            out.setdefault(name_key(key), []).append(key)
    return out


def _written_alike(word: str, source: str, other: str) -> list[str]:
    """Nouns of ``other`` (a related language) written as ``word`` is: the same consonant
    skeleton, three consonants at least, and about as long ("лікар" -> "лекарь")."""
    from index.translit import name_key

    out: list[str] = []
    for form in dict.fromkeys((lemmas(word, source), word.lower())):
        key = name_key(form)
        if len(key) >= 3:
            out += [k for k in _skeletons(other).get(key, []) if abs(len(k) - len(form)) <= 2]
    return list(dict.fromkeys(out))


@functools.lru_cache(maxsize=4096)
def _reach(word: str, source: str, target: str) -> tuple[frozenset[tuple[str, ...]], bool] | None:
    """Words of ``target``, or of a language related to it, that translate ``word``, and
    whether they are ``target``'s own (matched as words) or a related language's (matched
    by consonant skeleton, ``_cognate``): through two dictionaries through a third language
    ("полиция" -> "police" -> "полиция" for a Bulgarian question over Russian text), or a
    related language's dictionary ("editor" -> "редактор" for Belarusian), or the word
    itself in a related language. None when no such path exists; an empty set when the
    dictionaries do not know the word. (A dictionary of the pair itself: ``topic_match``.)"""
    near = _related(target)
    if source in near or target in _related(source):
        return frozenset({(lemmas(word, source),), (word,)}), False
    for other in near:
        lex = _lexicon(source, other)
        if lex is not None:
            return lex.translations(word), False
    for middle in ("en", *near):  # a pivot: the language the dictionaries share
        first = _lexicon(source, middle) if middle != source else None
        if first is None:
            continue
        for end, own in ((target, True), *((n, False) for n in near)):
            second = _lexicon(middle, end) if middle != end else None
            if second is not None:
                found = {t for m in first.translations(word) for t in second.translations(m[0])}
                return frozenset(found), own
    return None


def _direct(word: str, source: str, target: str, text: str) -> bool | None:
    """``translations_in`` by the pair's dictionary, else by a path ``_reach`` finds; None
    when there is none or the word is unknown on it."""
    lex = _lexicon(source, target)
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


def _served(source: str, target: str) -> bool:
    return _lexicon(source, target) is not None or _reach("", source, target) is not None


def topic_match(word: str, source: str, target: str, text: str) -> bool | None:
    """Does ``text`` (in ``target``) speak of ``word`` (in ``source``)? By the pair's
    dictionary or a path through another language (``_reach``); for a question's language
    no dictionary serves, by the words a related language writes alike ("лікарів" ->
    "лекарь", "праверкі" -> "проверка") on their own paths. None when nothing reaches
    ``target`` or the word is unknown. A path through a pivot or a related language reaches
    more than it should, so this only adds evidence, it never rules a text out."""
    if _served(source, target):
        return _direct(word, source, target, text)
    verdicts = [
        _direct(alike, other, target, text)
        for other in _related(source)
        if _served(other, target)
        for alike in _written_alike(word, source, other)
    ]
    known = [v for v in verdicts if v is not None]
    return any(known) if known else None


def can_reach(source: str, target: str) -> bool:
    """Can ``topic_match`` judge words of ``source`` in texts of ``target``?"""
    if source == target:
        return False
    return _served(source, target) or any(_served(o, target) for o in _related(source))
