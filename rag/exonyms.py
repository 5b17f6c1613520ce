"""Country names across languages: "Germany" is "Германию", "Saudi Arabia" is "Саудовской
Аравии", "Moldova" is "Молдавии".

Transliteration (index.translit) finds a name written in another script ("Лукашенко" /
"Lukashenko"), not one each language names its own way, as it does most countries. The ISO
3166 country names and their translations come from ``pycountry`` (a maintained package
carrying Debian's iso-codes and their gettext catalogues): every English name of a country
(short, common, official) and its translation into each profile language, and the names
a profile adds (``country_names``: "США", "Russia", which the catalogue lacks). Two names are the
same country when each word of one matches the word of the other in any of its forms (as
written, stem, lemma by the language's profile: "Германию" ~ "Германия").
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence

from index.languages import UnknownLanguage, available_languages, get_profile
from rag.measure import word_forms

__all__ = ["country_in_text", "is_country", "same_country"]

_WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")
_CATALOGUE = "iso3166-1"


def _words(text: str) -> tuple[str, ...]:
    return tuple(_WORD.findall(text))


@functools.cache
def _countries() -> tuple[tuple[tuple[str, tuple[str, ...]], ...], ...]:
    """Per country, its names as (language, words): English and each profile language."""
    import gettext

    import pycountry

    catalogues = {
        language: gettext.translation(
            _CATALOGUE, pycountry.LOCALES_DIR, languages=[language], fallback=True
        )
        for language in available_languages()
        if language != "en"
    }
    out = []
    for country in pycountry.countries:
        english = {
            getattr(country, field, None) for field in ("name", "common_name", "official_name")
        } - {None}
        names: set[tuple[str, tuple[str, ...]]] = set()
        for name in english:
            written = [("en", str(name))] + [
                (language, catalogue.gettext(str(name)))
                for language, catalogue in catalogues.items()
            ]
            for language, text in written:
                # "Moldova, Republic of": the short name before the comma is one too
                for variant in {text, text.split(",")[0]}:
                    words = _words(variant)
                    if words:
                        names.add((language, words))
        for language in available_languages():
            for extra in _profile_names(language).get(country.alpha_2, []):
                names.add((language, _words(extra)))
        out.append(tuple(sorted(n for n in names if n[1])))
    return tuple(out)


def _profile_names(language: str) -> dict[str, list[str]]:
    try:
        return get_profile(language).country_names
    except UnknownLanguage:
        return {}


@functools.lru_cache(maxsize=65536)
def _forms(word: str, language: str) -> frozenset[str]:
    return frozenset(word_forms(word, language))


def _word_match(word: str, listed: str, language: str) -> bool:
    return bool(_forms(word, language) & _forms(listed, language))


def _matches(words: Sequence[str], listed: tuple[str, ...], language: str) -> bool:
    return len(words) == len(listed) and all(
        _word_match(w, x, language) for w, x in zip(words, listed, strict=True)
    )


@functools.lru_cache(maxsize=4096)
def _named(name: str) -> tuple[int, ...]:
    """The countries ``name`` names, in any language it is written in."""
    words = _words(name)
    if not words or not words[0][:1].isupper():
        return ()
    return tuple(
        i
        for i, names in enumerate(_countries())
        if any(_matches(words, listed, language) for language, listed in names)
    )


def is_country(name: str) -> bool:
    """Does ``name`` name a country, in any profile language?"""
    return bool(_named(name))


def same_country(a: str, b: str) -> bool:
    """Do ``a`` and ``b`` name the same country, in any languages?"""
    return bool(set(_named(a)) & set(_named(b)))


def country_in_text(name: str, text: str) -> bool:
    """Does ``text`` name the country ``name`` names, in any profile language ("Germany" in
    "продала в Германию")? False when ``name`` is no country."""
    countries = _named(name)
    if not countries:
        return False
    words = _words(text)
    for i in countries:
        for language, listed in _countries()[i]:
            n = len(listed)
            for k in range(len(words) - n + 1):
                if words[k][:1].isupper() and _matches(words[k : k + n], listed, language):
                    return True
    return False
