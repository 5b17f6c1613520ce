"""Names: a multi-word name must occur as that name, or as a recognised short form of it.

Short forms a writer uses for the same person or body: the surname alone ("Allen"), initials
("M. Allen"), title + surname ("Lt. Com. Allen"), the full name with its title
("Belarusian President Alexander Lukashenko" for "Alexander Lukashenko"). What is never
accepted is a name assembled from parts found in different places: "Alexander Allen" against
a passage naming "Alexander Lukashenko" and "Matthew Allen" is two people, not one.

Roles: a sentence that gives a person a role (a title before the name, "CEO Caroline
Ellison", or an apposition after it, "Caroline Ellison, the CEO of Binance,") must not give
them a role the passage gives to somebody else ("Changpeng Zhao, the CEO of Binance") and
never to them. Like the value binding, this is read in one direction only: a role the
passage gives nobody is left to the other checks.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from index.translit import has_cyrillic, name_in_text, place_in_text
from rag.normalize import extract_names, fold, iter_names_with_starts, phrase_in_texts
from rag.verify.lexicon import Lexicon, get_lexicon

__all__ = ["NameCheck", "Role", "check_name", "role_conflicts", "roles"]


@dataclass(frozen=True)
class NameCheck:
    """Whether the passages name ``name``; when not, the names it was assembled from."""

    name: str
    found: bool
    # names of the passages that each hold a part of ``name`` (two people made one)
    assembled_from: tuple[str, ...] = ()
    # the passage's name with the same surname and other given names ("Matthew Allen" for
    # "John Allen"): another person, or the same one misnamed
    instead: tuple[str, ...] = ()


def _words(name: str, lex: Lexicon) -> list[str]:
    return [w for w in fold(name, keep_case=True).split() if w.lower() not in lex.connectors]


def _split_title(words: list[str], lex: Lexicon) -> tuple[list[str], list[str]]:
    """(descriptor, core): everything up to the last title word describes the person
    ("Belarusian President" | "Alexander Lukashenko"); a name that is all title stays whole."""
    last = max((i for i, w in enumerate(words) if w.lower() in lex.titles), default=-1)
    if last < 0 or last == len(words) - 1:
        return [], words
    return words[: last + 1], words[last + 1 :]


def _compatible(a: str, b: str) -> bool:
    """Same word, or one is the initial of the other ("M" and "Matthew")."""
    a, b = a.lower(), b.lower()
    if a == b:
        return True
    return (len(a) == 1 and b.startswith(a)) or (len(b) == 1 and a.startswith(b))


@dataclass(frozen=True)
class _Run:
    text: str  # as written in the passage
    given: tuple[str, ...]  # words before the last, without titles
    last: str


def _runs(quotes: Sequence[str], lex: Lexicon) -> list[_Run]:
    out = []
    for quote in quotes:
        for name in extract_names(quote):
            words = [w for w in _words(name, lex) if w.lower() not in lex.titles]
            if words:
                out.append(_Run(name, tuple(words[:-1]), words[-1]))
    return out


def _across_scripts(name: str, quotes: Sequence[str]) -> bool:
    """An English sentence citing a Cyrillic quote (or the other way round) names a person
    through transliteration: "Matthew Allen" = "Мэтью Аллен", "Lukashenko" = "Лукашенко";
    a place also by the capitalised adjective of a region's name ("Chernivtsi" =
    "Чернівецька область"). Titles cannot be compared across languages; the name itself
    must match word for word."""
    return bool(name) and any(
        has_cyrillic(q) != has_cyrillic(name) and (name_in_text(name, q) or place_in_text(name, q))
        for q in quotes
    )


def check_name(name: str, quotes: Sequence[str], lang: str = "en") -> NameCheck:
    """Does a passage name ``name`` (as written in a sentence)?"""
    lex = get_lexicon(lang)
    if phrase_in_texts(name, quotes):
        return NameCheck(name, True)
    words = _words(name, lex)
    descriptor, core = _split_title(words, lex)
    if _across_scripts(" ".join(core), quotes):
        return NameCheck(name, True)
    if len(core) < 2:
        # one word, or title + surname: each word somewhere, as for any single word
        found = bool(words) and all(phrase_in_texts(w, quotes) for w in words)
        return NameCheck(name, found)
    if descriptor and not all(phrase_in_texts(w, quotes) for w in descriptor):
        return NameCheck(name, False)
    if phrase_in_texts(" ".join(core), quotes):
        return NameCheck(name, True)  # "Belarusian President" said elsewhere of him
    given, last = core[:-1], core[-1]
    runs = _runs(quotes, lex)
    same_last = [r for r in runs if phrase_in_texts(last, [r.last]) or _compatible(r.last, last)]
    compatible = [
        r for r in same_last if all(any(_compatible(w, g) for g in given) for w in r.given)
    ]
    # Given names of the sentence that the passages give to someone with another surname.
    elsewhere = [
        r
        for r in runs
        if r not in same_last and any(_compatible(w, g) for w in r.given for g in given)
    ]
    if compatible and not elsewhere:
        return NameCheck(name, True)  # a short form: "Allen", "M. Allen", "Lt. Com. Allen"
    if elsewhere and same_last:
        holders = [elsewhere[0].text, (compatible or same_last)[0].text]
        return NameCheck(name, False, tuple(dict.fromkeys(holders)))
    if same_last and not compatible:
        return NameCheck(name, False, instead=tuple(dict.fromkeys(r.text for r in same_last)))
    return NameCheck(name, False)


@dataclass(frozen=True)
class Role:
    """What a text calls a person: ``words`` are the stems of the role ("ceo", "binanc")."""

    name: str  # as written, without the title
    last: str  # the surname, folded
    words: frozenset[str]
    text: str  # the role as written, for messages


# ", the CEO of Binance," after a name: up to the next comma, clause end or bracket.
_APPOSITION = re.compile(r",\s+([^,;:()\[\]]{2,80}?)\s*(?=[,;:()]|[.!?](?:\s|$)|$)")
_APPOSITION_WORDS = 8


def _role_title(word: str) -> bool:
    """A title that names a role, not a courtesy ("CEO", "President", not "Mr", "Lt")."""
    return word.isupper() or len(word) >= 4


def roles(text: str, lang: str = "en") -> list[Role]:
    """The roles ``text`` gives the people it names: titles written before the name
    ("Binance CEO Changpeng Zhao") and an apposition after it that opens with a stopword
    ("Changpeng Zhao, the CEO of Binance,"; "Ellison, who ran Alameda,")."""
    lex = get_lexicon(lang)
    out: list[Role] = []
    for name, at in iter_names_with_starts(text):
        position = at + len(name)
        raw = fold(name, keep_case=True).split()
        title_at = [i for i, w in enumerate(raw[:-1]) if w.lower() in lex.titles]
        if title_at and raw[title_at[-1] + 1].lower() in lex.connectors:
            continue  # "CEO of Binance" is a role, not a person
        descriptor, core = _split_title(_words(name, lex), lex)
        core = [w for w in core if w.lower() not in lex.titles]
        if not core:
            continue
        said: list[str] = []
        if any(w.lower() in lex.titles and _role_title(w) for w in descriptor):
            said.append(" ".join(descriptor))
        apposition = _APPOSITION.match(text, position)
        if apposition:
            phrase = apposition.group(1).split()
            if phrase[0].lower() in lex.stopwords and len(phrase) <= _APPOSITION_WORDS:
                said.append(apposition.group(1))
        words = frozenset(
            lex.stem(w)
            for part in said
            for w in fold(part).split()
            if w not in lex.stopwords and w.isalpha() and len(w) > 1
        )
        if words:
            out.append(Role(" ".join(core), core[-1].lower(), words, "; ".join(said)))
    return out


def _same_person(a: Role, b: Role) -> bool:
    return _compatible(a.last, b.last)


def role_conflicts(text: str, quotes: Sequence[str], lang: str = "en") -> list[tuple[Role, Role]]:
    """(the sentence's role, the passage's) for each role the sentence gives a person that
    the passage gives to another person and never to them."""
    theirs = [r for quote in quotes for r in roles(quote, lang)]
    out = []
    for mine in roles(text, lang):
        if any(_same_person(mine, r) and mine.words & r.words for r in theirs):
            continue
        holder = next(
            (r for r in theirs if not _same_person(mine, r) and mine.words <= r.words), None
        )
        if holder is not None:
            out.append((mine, holder))
    return out
