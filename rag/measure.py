"""What a number measures, read by the language profiles' ``measure_nouns``.

A figure is often a measure rather than a count: "18 месеца" is a duration, "a 9.5-kilometre
route" a length, "ships of up to 50,000 tonnes" a mass. Across languages the question's
counted noun ("cars", "судов", "спирки") cannot be compared word by word with what a
foreign sentence binds to its number, but both can be told to be a unit of measure, and of
which class (time, length, mass, area, volume), from each profile's own data. A count of
cars is never answered by a number of months; "how many months" is answered by months only.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from types import MappingProxyType

from index.languages import UnknownLanguage, get_profile
from rag.terms import lexicon

__all__ = ["bound_class", "keyed_forms", "measure_class", "measures", "word_forms"]

_EDGE = ".,;:!?()[]«»“”\"'’"


@functools.cache
def keyed_forms(language: str, field: str) -> Mapping[str, str]:
    """Every form (as listed, its stem, its lemma) of the words of a profile's keyed lists
    (``measure_nouns``, ``counted_kinds``) -> their key ("месеца" -> "time"); empty for a
    language without a profile."""
    try:
        lists: dict[str, list[str]] = getattr(get_profile(language), field)
    except UnknownLanguage:
        return MappingProxyType({})
    out: dict[str, str] = {}
    for key, words in lists.items():
        for word in words:
            for form in word_forms(word, language):
                out.setdefault(form, key)
    return MappingProxyType(out)


@functools.cache
def _year_keys(language: str) -> frozenset[str]:
    """Every form of the profile's year nouns ("году", "г.")."""
    try:
        profile = get_profile(language)
    except UnknownLanguage:
        return frozenset()
    return frozenset(k for noun in profile.year_nouns for k in word_forms(noun, language))


def word_forms(word: str, language: str) -> set[str]:
    """``word`` lower-cased, its stem and its lemma by ``language``'s profile: the forms
    a listed word of a profile is matched by ("месеца" ~ "месец"). A language without a
    profile (a German source) is lower-cased only."""
    word = word.lower()
    forms = {word}
    try:
        lex = lexicon(language)
    except UnknownLanguage:
        return forms
    forms.update(lex.stems([word]))
    if lex.profile.lemmatizer:
        import simplemma

        forms.add(simplemma.lemmatize(word, lang=lex.profile.lemmatizer).lower())
    return forms


def measure_class(word: str, language: str) -> str | None:
    """The class of unit ``word`` names in ``language`` ("месеца" -> "time",
    "kilometre" -> "length"), or None when it is no unit of measure."""
    word = word.strip(_EDGE).strip("-")
    if not word or any(c.isdigit() for c in word):
        return None
    keys = keyed_forms(language, "measure_nouns")
    for form in word_forms(word, language):
        if form in keys:
            return keys[form]
    return None


def bound_class(text: str, end: int, language: str) -> str | None:
    """The class of the unit written right after the number ending at ``end`` in ``text``
    ("18 месеца" -> "time", "9.5-kilometre route" -> "length"), or None."""
    rest = text[end:]
    if rest.startswith("-"):  # "a 9.5-kilometre route", "a 10-year term"
        rest = rest[1:]
    following = rest.split(maxsplit=1)
    if not following:
        return None
    return measure_class(following[0], language)


def measures(word: str, language: str) -> bool:
    """Is ``word``, written right after a number, a unit that makes it a measure: listed in
    the profile's unit vocabulary as written ("bits") or by another form ("месяцев"), and no
    word that makes the number a year ("2020 году")? Such a number counts no thing and is no
    year."""
    word = word.strip(_EDGE).strip("-").lower()
    if not word:
        return False
    try:
        profile = get_profile(language)
    except UnknownLanguage:
        return False
    if word in profile.year_nouns or word_forms(word, language) & _year_keys(language):
        return False
    return word in profile.measure_words or measure_class(word, language) is not None
