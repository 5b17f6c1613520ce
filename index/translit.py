"""Names across scripts: "Мэтью Аллен" is "Matthew Allen", "Лукашенко" is "Lukashenko".

An English answer sentence may cite a Russian, Belarusian, Bulgarian or Ukrainian quote; its
names are then checked through transliteration. ``anyascii`` (a maintained Unicode -> ASCII
table) romanises the Cyrillic; since English spellings of Slavic names follow no single
scheme ("Matthew"/"Metyu", "Zelensky"/"Zelenskiy", "Lukashenka"/"Lukashenko"), both sides are
then reduced to a consonant skeleton: the first letter, then the consonants, digraphs folded
("kh" = "h", "sh" = "s", "ts" = "c"), doubles merged, vowels, "h", "y" and "j" dropped.
Case endings of a Cyrillic name are vowels ("Аллена", "Лукашенко") and vanish with them, or a
final "m" ("Ивановым") or "v" (Belarusian "Магілёў" -> "Магілёве"), which a match allows.
Belarusian and Ukrainian "г" is written "h" in English ("Hrodna" = "Гродна"): a match also
compares the skeletons with "g" read as "h".

A region's official name is an adjective ("Костромская область", "Чернівецька область"): a
capitalised word with a profile's place-adjective ending names the place its stem names
(``place_in_text``: "Kostroma" is in "Арбитражный суд Костромской области"). A lower-case
adjective of running text ("минской типографии") is not read so here.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence

__all__ = [
    "has_cyrillic",
    "name_in_text",
    "name_key",
    "names_match",
    "place_in_text",
    "place_named",
    "place_names",
    "romanize",
]

_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*")  # hyphens split: "Усть-Луга"
_VOWELS = frozenset("aeiouy")
# Longest first: "shch" before "sh", "sch" before "ch".
_DIGRAPHS = (
    ("shch", "s"), ("sch", "s"), ("tch", "c"), ("sh", "s"), ("ch", "c"), ("zh", "z"),
    ("kh", "h"), ("ts", "c"), ("tz", "c"), ("cz", "c"), ("th", "t"), ("ph", "f"),
    ("ck", "k"), ("gh", "g"), ("x", "ks"), ("q", "k"),
)  # fmt: skip
_MIN_KEY = 2  # shorter skeletons ("A", "Ye") say too little to match on
_SHORT_KEY = 2  # a skeleton this long ("rs") must agree on its first vowel's class too
# Spellings of one name trade most vowels: English "a" for "э" ("Matthew" / "Мэтью"),
# Belarusian "а" for an unstressed "о" ("Масква"), "y" or "e" for "и"/"і" ("Kyiv", "Kiev");
# a "u" ("Ruse" / "Русе") is the one kept apart.
_VOWEL_CLASS = {"a": "v", "o": "v", "e": "v", "i": "v", "y": "v", "u": "u"}


def _first_vowel(word: str) -> str:
    """The class of the first vowel after a word's first letter ("Ruse": "u"), "" for none."""
    letters = [c for c in romanize(word).lower() if c.isalpha()]
    return next((_VOWEL_CLASS[c] for c in letters[1:] if c in _VOWEL_CLASS), "")


def has_cyrillic(text: str) -> bool:
    return bool(_CYRILLIC.search(text))


def romanize(text: str) -> str:
    """Latin letters for any script ("Святлана Ціханоўская" -> "Svyatlana Tsikhanouskaya")."""
    from anyascii import anyascii

    return str(anyascii(text))


@functools.lru_cache(maxsize=4096)
def name_key(word: str, g_is_h: bool = False) -> str:
    """The consonant skeleton of one name word, whatever its script. ``g_is_h``: "g" read
    as "h" (after the digraphs: "gh" = "g", "kh" = "h"), so dropped after the first letter:
    Belarusian and Ukrainian "г" is an "h" ("Hrodna", "Mahilyow"), Russian and Bulgarian "г"
    a "g" ("Grodno", "Mogilev"), and English spellings follow either."""
    # Ukrainian "Є" is romanised "Ie" ("Єлгава" = "Ielhava"); it sounds and is transcribed
    # as the "Е" of the other Cyrillic languages ("Елгава" = "Jelgava", "Євген" = "Yevgen")
    letters = "".join(c for c in romanize(re.sub("^[Єє]", "Е", word)).lower() if c.isalpha())
    if len(letters) > 1 and letters[0] in "yj" and letters[1] in _VOWELS:
        letters = letters[1:]  # "Yevgeny" = "Evgeniy", "Yulia" = "Ulia"
    # A hard "c" is a "k" ("Calafat" = "Калафат", "Cluj" = "Клуж"); "ch", "cz", "ck" and a
    # soft "c" ("Celje") stay for the digraphs below.
    letters = re.sub(r"c(?=[aoulrt])", "k", letters)
    # Belarusian writes "дз" where the other languages have "d" ("Пловдзіў" = "Plovdiv",
    # "Дзмітрый" = "Dmitry"); a name written "Dz..." everywhere keeps its "d" on both sides.
    letters = letters.replace("dz", "d")
    for digraph, single in _DIGRAPHS:
        letters = letters.replace(digraph, single)
    if g_is_h:
        letters = letters.replace("g", "h")
    # "w" is a vowel at a word's end or before a consonant ("Matthew"), else "v" ("Wladimir").
    letters = re.sub(r"w(?=[aeiouy])", "v", letters).replace("w", "")
    if not letters:
        return ""
    rest = [c for c in letters[1:] if c not in _VOWELS and c not in "hj"]
    skeleton = letters[0]
    for c in rest:
        if c != skeleton[-1]:
            skeleton += c
    return skeleton


def _word_match(a: str, b: str) -> bool:
    # as written ("Luga" = "Луге": g l), and with "g" read as "h" ("Hrodna" = "Гродна")
    return _keys_match(name_key(a), name_key(b), a, b) or _keys_match(
        name_key(a, True), name_key(b, True), a, b
    )


def _keys_match(ka: str, kb: str, a: str, b: str) -> bool:
    if len(ka) < _MIN_KEY or len(kb) < _MIN_KEY:
        return False
    if "ў" in (a + b).lower():
        # Belarusian "ў" (romanised "u", a vowel) stands where other spellings write "v"
        # or "w": "Даўгаўпілс" = "Daugavpils" = "Даугавпилс"; "v" then counts on neither side
        ka, kb = ka[:1] + ka[1:].replace("v", ""), kb[:1] + kb[1:].replace("v", "")
    if ka == kb:
        # a skeleton of two letters says little ("Ruse" and "Расію" are both "rs"): such a
        # short name's first vowel must agree too
        return len(ka) > _SHORT_KEY or _first_vowel(a) == _first_vowel(b)
    # Instrumental and similar case endings leave a final consonant: "Ивановым" ~ "Ivanov";
    # Belarusian "ў" turns "в" before an ending: "Магілёве" ~ "Mahilyow" (the "w" a vowel).
    if has_cyrillic(a) != has_cyrillic(b):
        cyr, lat = (ka, kb) if has_cyrillic(a) else (kb, ka)
        return cyr in (lat + "m", lat + "v")
    return False


def names_match(a: str, b: str) -> bool:
    """Two names, in any scripts, name the same person or body: the same number of words,
    each matching in order ("Мэтью Аллен" = "Matthew Allen", not "Matthew Allenby")."""
    wa, wb = _WORD.findall(a), _WORD.findall(b)
    return bool(wa) and len(wa) == len(wb) and all(map(_word_match, wa, wb))


def name_in_text(name: str, text: str) -> bool:
    """``text`` holds ``name`` as a run of consecutive words, compared through transliteration
    ("Matthew Allen" in "по словам Мэтью Аллена, ..."). Every word of the name must match."""
    wanted = _WORD.findall(name)
    if not wanted:
        return False
    words = _WORD.findall(text)
    n = len(wanted)
    return any(
        all(map(_in_text_match, wanted, words[i : i + n])) for i in range(len(words) - n + 1)
    )


def _in_text_match(name_word: str, word: str) -> bool:
    """A name's word against a word of running text: across scripts it must be a capitalised
    word (a name), not any word with those consonants: "Dealul" = "для" (d-l), "Baltic" =
    "бібліятэцы" (b-l-t-c). (An adjective made from a name, "минской", is not the name.)"""
    if not _word_match(name_word, word):
        return False
    return has_cyrillic(name_word) == has_cyrillic(word) or word[:1].isupper()


# ------------------------------------------------------------ places named by adjectives


@functools.lru_cache(maxsize=1)
def _place_endings() -> tuple[str, ...]:
    """Every profile's place-adjective endings: a capitalised word with one is a place's
    adjective in whichever language it is written."""
    from index.languages import available_languages, get_profile

    endings = {
        e for code in available_languages() for e in get_profile(code).place_adjective_endings
    }
    return tuple(sorted(endings, key=len, reverse=True))


def place_names(word: str) -> list[str]:
    """The place names a capitalised word makes an adjective of, by any profile's endings
    ("Костромской" -> "Костром", "Чернівецький" -> "Чернівец"); [] for other words. A
    region's official name is such an adjective ("Костромская область", "Чернівецька
    область"), where another language writes the town ("the Kostroma region")."""
    if not word[:1].isupper():
        return []
    lowered = word.lower()
    # the longest ending only: "Волинської" is "Волин", not also "Волинс" (by "ької", the
    # ending "Чернівецької" needs), which would be "Вильнюсе" by its consonants
    ending = next((e for e in _place_endings() if lowered.endswith(e)), "")
    return [word[: -len(ending)]] if ending and len(word) - len(ending) >= 3 else []


def place_named(stems: Sequence[str], text: str) -> bool:
    """Does ``text`` name the place a question's adjective makes (its ``stems``: all its
    endings', "даугавпілськ-" and "даугавпілс-" for Daugavpils), by a capitalised name or
    adjective?"""
    capitalised = [w for w in re.findall(r"[^\W\d_]+", text) if w[:1].isupper()]
    return any(
        names_match(stem, w) or any(names_match(stem, p) for p in place_names(w))
        for stem in stems
        for w in capitalised
    )


def place_in_text(name: str, text: str) -> bool:
    """A one-word ``name`` and a place adjective of the same place, either side: the
    adjective's stem and the name match through transliteration."""
    if " " in name.strip():
        return False
    return place_named([*place_names(name), name], text)
