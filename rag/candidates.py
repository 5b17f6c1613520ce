"""Candidates: what in a sentence may answer a question. A value of the wanted kind the
question does not already give (a number, an amount, a date, a name, an address), the names a
sentence holds with their offsets, and whether a text names an entity of the question.
Scoring the sentences on these is rag.evidence.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from index.languages import get_profile
from rag.conditions import conditional_spans, in_condition
from rag.normalize import (
    extract_dates,
    extract_names,
    fold,
    has_joined_figure,
    joined_figures,
    name_in_texts,
    phrase_in_texts,
)
from rag.question import (
    NAME_KINDS,
    VALUE_KINDS,
    Question,
    apposed_figures,
    counts_other_thing,
    money_of_other_thing,
    new_quantities,
    ordinal_spans,
)
from rag.terms import lexicon
from rag.verify.names import check_name

if TYPE_CHECKING:
    from rag.similarity import WordSimilarity

# a number right after a name makes an identifier of it: "RFC 4880", "Standard 1003.1"
_NUMBERED = re.compile(r"[ \u00a0](\d+(?:\.\d+)*)\b(?![.,]?\d)")
_ADDRESS = re.compile(r"https?://\S+|\bwww\.\S+|[\w.+-]+@[\w-]+(?:\.[\w-]+)+")


def _counts_other(
    q: Question, text: str, end: int, words: WordSimilarity | None, least: float
) -> bool:
    """Is the bare number ending at ``end`` a count of something other than what the question
    counts? "How many people were killed" is not answered by "in 50 years": the word right
    after a number is what it counts, when it is a content word. A counted noun worded
    otherwise ("residents" for "people") is the same thing when the embedder says so."""
    if not q.target:
        return False
    lex = lexicon(q.language)
    following = text[end:].split(maxsplit=2)
    if not following:
        return False
    profile = get_profile(q.language)
    breaks = {*profile.date_prepositions, *profile.clause_breaks}

    def content(word: str) -> bool:
        return word.isalpha() and word.lower() not in lex.stopwords and word.lower() not in breaks

    word = following[0].strip(".,;:!?)»”\"'")
    if not content(word):
        return False  # "to 500 after reading ...": a preposition is nothing counted
    if word[:1].isupper() and len(following) > 1 and following[0] == word:
        # "1.1 million Gaza residents", "200 Chelsea fans": a name before the noun says
        # whose; the lower-case noun after it is what is counted
        noun = following[1].strip(".,;:!?)»”\"'")
        if content(noun) and noun.islower():
            word = noun
    counted = lex.terms(word)
    if not counted or counted & q.target:
        return False
    head = " ".join(q.target_text.split()[:2])
    return words is None or not head or words(word.lower(), head) < least


def _has_value(
    q: Question,
    text: str,
    close: bool = False,
    words: WordSimilarity | None = None,
    least: float = 1.0,
) -> bool:
    """Does the sentence hold something of the wanted kind the question does not already
    say? "How many ... in 2015?" is not answered by a sentence whose only number is 2015.
    ``close``: the sentence is as close to the question as a paraphrase, whose counted noun
    may be worded otherwise ("seven victories" for "how many games ... win")."""
    if q.ordinal:
        return bool(ordinal_spans(q, text))  # "in which minute": "a 57th-minute penalty"
    if q.kind == "number" and _asks_frequency(q):
        return _states_frequency(text, q.language)
    if q.kind in ("number", "amount"):
        # a measure question is not answered by a count of another thing ("four games" for
        # "for how long"), a percentage question only by a percentage
        # a value in a conditional clause ("If the value is 0, ...") is no statement of it
        conditions = conditional_spans(text, q.language)
        found = [
            x
            for x in new_quantities(q, text)
            if not counts_other_thing(q, text, x) and not in_condition(conditions, x.start)
        ]
        if q.wants_percent:
            return any(x.unit == "%" for x in found)
        if q.kind == "amount":
            return any(x.unit is not None for x in found)
        if words is not None:
            # a sum bound to another thing than the one counted ("$394 million in operating
            # income" for "how much revenue")
            found = [
                x for x in found if not money_of_other_thing(q, text, x, words, words.amount_least)
            ]
        return any(
            close or x.unit is not None or not _counts_other(q, text, x.end, words, least)
            for x in found
        )
    if q.kind == "date":
        return any((d.year, d.month, d.day) not in q.asked_dates for d in extract_dates(text))
    if q.kind in NAME_KINDS:
        folded = fold(q.text)
        if any(
            fold(name) not in folded and not calendar_word(name, q.language)
            for name in extract_names(text)
        ) or new_identifiers(q, text):
            return True
        if q.kind == "name" and not q.plural:
            # "which issue", "which edition": the one thing picked out may be named by its
            # date ("the November 24 issue"); the quote answers (no name leads)
            dates = extract_dates(text)
            if any((d.year, d.month, d.day) not in q.asked_dates for d in dates):
                return True
        # "where is the database", "whom to contact", "which address": a URL or an email
        # address answers as a name does
        return any(a.group().rstrip(".,;:)") not in q.text for a in _ADDRESS.finditer(text))
    return True


def _asks_frequency(q: Question) -> bool:
    """Does the question ask how often ("How often are updates processed?")?"""
    lowered = " ".join(q.text.lower().split())
    return any(
        re.search(rf"(?<!\w){re.escape(phrase)}(?!\w)", lowered)
        for phrase in get_profile(q.language).frequency_questions
    )


def _states_frequency(text: str, language: str) -> bool:
    """Does ``text`` state a frequency ("at least once a month", "updated weekly")?"""
    lowered = " ".join(text.lower().split())
    return any(
        re.search(rf"(?<!\w){re.escape(word)}(?!\w)", lowered)
        for word in get_profile(language).frequency_words
    )


def calendar_word(name: str, language: str) -> bool:
    """A weekday or month ("Sun" of "Date: Sun, 12 May 2002", "May"): capitalised, no name."""
    profile = get_profile(language)
    word = name.lower().rstrip(".")
    return word in profile.months or (
        len(word) >= 3 and any(day.startswith(word) for day in profile.weekdays)
    )


def _figure_meets_noun(q: Question, text: str) -> bool:
    """A question asking for a score ("what was the score when ...") is met by the figure
    that is one ("a 4-1 victory"), whatever word the sentence uses for it; a question
    giving a record or score ("when did the Lions last stand at 9-3") by a sentence stating
    that same figure ("Lions reach 9-3 for first time since 1962")."""
    if q.kind in VALUE_KINDS and joined_figures(q.text) & joined_figures(text):
        return True
    lex, profile = lexicon(q.language), get_profile(q.language)
    nouns = lex.terms(" ".join(profile.joined_figure_nouns))
    if q.kind == "number" and bool(q.kind_noun & nouns) and has_joined_figure(text):
        return True
    return bool(apposed_figures(q, text))


def names_entity(entity: str, texts: Sequence[str], language: str) -> bool:
    """The texts name ``entity`` whole, or by a short form a writer uses for it ("Soto" for
    "Juan Soto", "City" for "Manchester City"), never by parts of two names. A one-word name
    is also named by an address in its domain ("UCLA" by postmaster@ucla.edu: the header
    lines of a message its mail system sent)."""
    return (
        name_in_texts(entity, texts)
        or check_name(entity, texts, language).found
        or _in_domain(entity, texts)
    )


_DOMAIN = re.compile(r"(?:@|https?://|\bwww\.)([\w-]+(?:\.[\w-]+)+)")


def _in_domain(entity: str, texts: Sequence[str]) -> bool:
    """Is the one-word ``entity`` a label of an address's domain in ``texts`` ("ucla" of
    "postmaster@ucla.edu", "debian" of "https://keyring.debian.org/")?"""
    word = entity.strip().lower()
    if not word.isalnum():
        return False
    return any(
        word in re.split(r"[.-]", found.group(1).lower())
        for text in texts
        for found in _DOMAIN.finditer(text)
    )


def candidate_names(
    q: Question, text: str, asked: Callable[[str], bool] | None = None
) -> list[tuple[str, int]]:
    """Names in ``text`` the question does not already give, with their offsets. A single
    capitalised word opening the sentence ("Unfortunately") is not taken for a name.
    ``asked`` tells a name the question gives (default: the same words, same script)."""
    if asked is None:

        def asked(name: str) -> bool:
            # whole words (with derived endings: "Harbaugh's"), never a substring: the "Com."
            # of "Lt. Com. Matthew Allen" is no word of a question about a "Command"
            # A name's lower-case words ("is", "a" of the title "Pressure is a Privilege")
            # are function words the question may hold too; they do not make it given.
            return phrase_in_texts(name, [q.text]) or any(
                phrase_in_texts(p, [q.text]) or _clipped(p, q.text)
                for p in name.split()
                if not p.islower()
            )

    out = []
    position = 0
    addresses = [m.span() for m in _ADDRESS.finditer(text)]
    for found in extract_names(text):
        at = text.find(found, position)
        if at < 0:
            at = text.find(found)
        if at < 0:
            continue
        position = at + len(found)
        if any(a <= at < b for a, b in addresses) or calendar_word(found, q.language):
            continue  # "jangel1" of "jangel1@cougar.noc.ucla.edu" is no name of its own
        numbered = _NUMBERED.match(text, at + len(found))
        if numbered and any(d.start <= numbered.start(1) < d.end for d in extract_dates(text)):
            numbered = None  # "суд Твери 5 июня 2024": the number opens a date, not a name's
        if numbered and numbered.group(1) not in q.text:
            # "RFC 4880", "IEEE Standard 1003.1": a name with a number the question does not
            # give is a new identifier, even when the question gives the name ("Which RFC")
            out.append((text[at : numbered.end()], at))
            continue
        whole = [(found, at)]
        parts = (
            (_joined_parts(found, at, q.language) or _after_given(found, at, asked))
            if asked(found)
            else whole
        )
        for name, start in parts:
            if asked(name) or calendar_word(name, q.language):
                continue
            if " " not in name and not text[:start].strip():
                continue
            out.append((name, start))
    return out


def new_identifiers(q: Question, text: str) -> bool:
    """Does ``text`` hold a name with a number the question does not give ("RFC 4880")?"""
    return any(_NUMBERED.match(name, len(name.split()[0])) for name, _ in candidate_names(q, text))


def _clipped(part: str, question: str) -> bool:
    """ "[VAC]" for a question about a "vacation": a word in capitals that a question word
    begins with is that word clipped (three letters at least; "Com." is not clipped
    "Command": a clipped word is written in capitals)."""
    letters = part.strip("[]().,;:")
    if len(letters) < 3 or not letters.isalpha() or not letters.isupper():
        return False
    low = letters.lower()
    return any(w.lower().startswith(low) for w in re.findall(r"\w+", question))


def _after_given(name: str, at: int, asked: Callable[[str], bool]) -> list[tuple[str, int]]:
    """ "Jets QB Zach Wilson" for a question about the Jets: the words after the leading
    ones the question gives name someone of theirs, when they are two or more (one word
    after, "Kansas City *Chiefs*", is more often the same name's last word). Empty when
    nothing is left."""
    words = name.split(" ")
    given = 0
    while given < len(words) - 1 and asked(words[given]):
        given += 1
    rest = words[given:]
    if given == 0 or len(rest) < 2:
        return []
    return [(" ".join(rest), at + len(" ".join(words[:given])) + 1)]


def _joined_parts(name: str, at: int, language: str) -> list[tuple[str, int]]:
    """The parts of a name joined to another by connector words, each at its own offset:
    "Richelle Cranston of the Bulldogs" is a person of a team the question gives, and the
    part it does not give ("Richelle Cranston") can answer it. Empty when nothing joins."""
    connectors = set(get_profile(language).name_connectors)
    words = name.split(" ")
    if not any(w in connectors for w in words[1:-1]):
        return []
    parts: list[tuple[str, int]] = []
    offset, start = at, at
    current: list[str] = []
    for word in words:
        if word in connectors:
            if current:
                parts.append((" ".join(current), start))
            current = []
        else:
            if not current:
                start = offset
            current.append(word)
        offset += len(word) + 1
    if current:
        parts.append((" ".join(current), start))
    return parts
