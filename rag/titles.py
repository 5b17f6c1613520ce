"""Titles bound to names: "Директорката Десислава Петкова" is a name under a title, not a
name of three words, and "Кметът на Видин Цветан Ценков" is the mayor of Vidin, who does not
answer "Who is the mayor of Calafat?". The titles are the profiles' ``titles`` and
``leader_titles`` in any form (rag.measure.word_forms); rag.named binds names to them.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

from index.languages import UnknownLanguage, get_profile
from rag.measure import word_forms

if TYPE_CHECKING:
    from rag.question import Question

__all__ = ["place_words", "untitled"]

_WORD = re.compile(r"[^\W\d_][\w’'-]*|\d+(?:[.,]\d+)*|[.,;:!?()–—]")


def _tokens(text: str) -> list[tuple[str, int]]:
    return [(m.group(), m.start()) for m in _WORD.finditer(text)]


@functools.cache
def _profile_forms(language: str, field: str) -> frozenset[str]:
    """Every form (as listed, stem, lemma) of the one-word entries of a profile list."""
    try:
        listed: list[str] = getattr(get_profile(language), field)
    except UnknownLanguage:
        return frozenset()
    return frozenset(f for w in listed if " " not in w for f in word_forms(w, language))


def _phrase_forms(phrases: Sequence[str], language: str) -> set[str]:
    """Every form (as written, stem, lemma) of the words of ``phrases``, lower-cased, the
    parts of a hyphenated word on their own ("заместник-кметът": "заместник", "кметът")."""
    words = {
        part.lower()
        for phrase in phrases
        for word, _ in _tokens(phrase)
        for part in word.split("-")
        if part[:1].isalpha()
    }
    return {f for w in words for f in word_forms(w, language)}


@functools.cache
def place_words(language: str) -> frozenset[str]:
    """The profile's ``place_prepositions``, lower-cased ("на", "of"); empty for a language
    without a profile."""
    try:
        return frozenset(w.lower() for w in get_profile(language).place_prepositions)
    except UnknownLanguage:
        return frozenset()


def _titles(language: str) -> frozenset[str]:
    return _profile_forms(language, "titles") | _profile_forms(language, "leader_titles")


def untitled(span: tuple[str, int, int], language: str, text: str = "") -> tuple[str, int, int]:
    """A name span without the title opening it: a sentence's first word is capitalised,
    so "Директорката Десислава Петкова каза" reads as one name; the title ("titles" or
    "leader_titles" of the profile, any form) is then the word bound to the name, not part
    of it. Nor the place a title is of ("Кметът на Видин Цветан Ценков": the mayor of
    Vidin, Tsvetan Tsenkov): a first word after a title and a place preposition, before a
    name of two words, belongs to the title."""
    name, start, end = span
    words = name.split()
    if len(words) < 2:
        return span
    first_is_title = bool(_phrase_forms(words[:1], language) & _titles(language))
    if not first_is_title and not (len(words) >= 3 and _title_of(text[:start], language)):
        return span
    cut = name.index(words[1], len(words[0]))
    return name[cut:], start + cut, end


def _title_of(before: str, language: str) -> bool:
    """Does ``before`` end with a title and a place preposition ("Кметът на")?"""
    places = place_words(language)
    words = [w for w, _ in _tokens(before) if w[:1].isalpha()]
    return (
        len(words) >= 2
        and words[-1].lower() in places
        and bool(_phrase_forms(words[-2:-1], language) & _titles(language))
    )


def _complement(q: Question, asked: Sequence[str]) -> list[str]:
    """The names right after the noun a question asks for (``asked``, rag.named.asked_noun),
    behind a place preposition: "Calafat" of "Who is the mayor of Calafat?"; [] when none
    follows it."""
    places = place_words(q.language)
    if not asked or not places:
        return []
    tokens = [w for w, _ in _tokens(q.text)]
    lowered = [w.lower() for w in tokens]
    head = asked[0].split()[-1]
    if head not in lowered:
        return []
    after = tokens[lowered.index(head) + 1 :]
    if len(after) < 2 or after[0].lower() not in places:
        return []
    run = []
    for word in after[1:]:
        if not word[:1].isupper():
            break
        run.append(word)
    return run


def _other_place(q: Question, phrases: Sequence[str], language: str, asked: Sequence[str]) -> bool:
    """Is the title bound to a name that of another place or body than the question asks
    about ("Кметът Видин" for "the mayor of Calafat")? Only where both name one."""
    from rag.crosslang_match import _name_in

    ours = _complement(q, asked)
    if not ours:
        return False
    titles = _titles(language)
    theirs = [
        w
        for p in phrases
        for w, _ in _tokens(p)
        if w[:1].isupper() and not _phrase_forms([w], language) & titles
    ]
    if not theirs:
        return False
    return not any(_name_in(w, t) or _name_in(t, w) for w in ours for t in theirs)
