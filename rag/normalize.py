"""Normalisation of the facts a sentence asserts: amounts, dates, proper names.

The verifier compares an answer sentence with the quotes it cites. Writers spell the
same fact many ways ("€37.9M", "37.9 million euros", "EUR 37,900,000"; "Nov. 27, 2024",
"27 November 2024"), so facts are compared by meaning, not by characters:

* amounts by (value, unit), units being "EUR", "USD", "GBP", "%" or None;
* dates by their (year, month, day) parts;
* names and other words by a folded form (case, accents, apostrophes, dots and other
  punctuation folded away), so "U.S." == "US" and "Hay’at" == "Hay'at".

Conventions (verification relies on them being the same for sentence and quote):

* A year standing alone (1900-2100, no currency, scale or percent attached, no unit word
  such as "bits" or "miles" after it unless a date preposition comes before) is a date,
  never a quantity. Where a year-like count must meet a year ("2,000 fighters" against
  "2000 fighters") the matchers accept an unscaled, unitless quantity and a year-only date
  of the same value as equal.
* A number glued to letters is not a quantity: identifiers (AGS-17, 9P135M, AT-5, F-16,
  COVID-19) are names; ordinals, decades and the like ("46th", "1990s", "5G") and clock
  times ("3:00") are kept as literal tokens, compared by folded text.
* The lone word "one" (and "a") is not a quantity: it is far more often a pronoun or an
  article ("one of the instructors") than a count. "one hundred", "one million" are.

Pure functions over the language profile's words (``rag.grammar``) and ``text_to_num``;
results are cached per text because the same quotes are analysed once for every sentence
that cites them. Reading a text is :mod:`rag.normalize_scan`; this module compares.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator, Sequence
from decimal import Decimal, InvalidOperation
from functools import lru_cache

from rag.grammar import grammar
from rag.normalize_scan import WORD_END, WORD_START, DateMention, Quantity, analyse

__all__ = [
    "DateMention",
    "Quantity",
    "date_in",
    "extract_dates",
    "extract_literals",
    "extract_names",
    "extract_quantities",
    "fact_in_text",
    "fold",
    "iter_names_with_starts",
    "literal_in_texts",
    "name_in_texts",
    "phrase_in_texts",
    "quantity_in",
    "resolution",
]


# The shape of a written number: digit groups, then decimals (for the value of its last digit).
_DIGITS_RE = re.compile(r"\d[\d, \u00a0\u202f]*(?:\.(\d+))?")

_APOSTROPHES_DOTS_RE = re.compile(r"['’‘ʼ`´.]")
_NON_WORD_RE = re.compile(r"[\W_]+")
# Endings that let a base name match its derived forms: Syria -> Syrian(s), Iraq -> Iraqi,
# Assad -> Assad's (the apostrophe is folded away, leaving "Assads").
_NAME_SUFFIX_P = r"(?:s|n|ns|an|ans|ian|ians|i|is)?"
# (ending, letters to cut): Belarusian -> Belarus, Syrian -> Syria, Korean -> Korea,
# American -> America, Iraqi -> Iraq. Narrow on purpose: "Allen" must not become "Alle".
_DEMONYM_ENDINGS = (("ian", 3), ("ian", 1), ("ean", 1), ("can", 1), ("i", 1))


def fold(text: str, *, keep_case: bool = False) -> str:
    """Fold text for word comparison: accents, apostrophes and dots dropped ("U.S." ->
    "US", "Hay’at" -> "Hayat"), any other punctuation run -> one space, lower-cased."""
    return _fold(text, keep_case)


@lru_cache(maxsize=4096)
def _fold(text: str, keep_case: bool) -> str:
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = _APOSTROPHES_DOTS_RE.sub("", text)
    text = _NON_WORD_RE.sub(" ", text).strip()
    return text if keep_case else text.lower()


# --------------------------------------------------------------------------- public API


def extract_quantities(text: str) -> list[Quantity]:
    """Amounts and counts in ``text``, in order; years, dates and identifiers excluded."""
    return list(analyse(text).quantities)


# Two whole numbers joined by a dash: a score, a record, a range ("23-20", "4–1", "102-4").
_JOINED_RE = re.compile(r"(?<![\w.,/-])\d+[-–]\d+(?![\w/]|[.,-]\d)")


def has_joined_figure(text: str) -> bool:
    """``text`` holds two whole numbers joined by a dash ("23-20", "4–1")."""
    return _JOINED_RE.search(text) is not None


def joined_figures(text: str) -> frozenset[str]:
    """The dash-joined figures of ``text``, dashes folded ("4–1" -> "4-1")."""
    return frozenset(m.group().replace("–", "-") for m in _JOINED_RE.finditer(text))


def joined_figure(text: str, start: int, end: int) -> tuple[int, int]:
    """The span of the figure at ``text[start:end]`` widened to the whole dash-joined figure
    it is part of ("23" in "won 23-20" -> "23-20"), as the source writes it; else unchanged."""
    for match in _JOINED_RE.finditer(text, max(0, start - 12), min(len(text), end + 12)):
        if match.start() <= start and end <= match.end():
            return match.span()
    return start, end


def extract_dates(text: str) -> list[DateMention]:
    """Full dates, month-year, day-month, "in December" and standalone years, in order."""
    return list(analyse(text).dates)


def extract_names(text: str) -> list[str]:
    """Proper names, acronyms and identifiers as written, first occurrence order."""
    return list(analyse(text).names)


def iter_names_with_starts(text: str) -> Iterator[tuple[str, int]]:
    """Each of ``extract_names(text)`` with its offset in ``text``, in order.

    The names come in first occurrence order, so each one is searched from the end of the
    previous one found; a name that cannot be found there (it only occurs earlier, inside a
    longer name) is left out."""
    position = 0
    for name in extract_names(text):
        at = text.find(name, position)
        if at < 0:
            continue
        position = at + len(name)
        yield name, at


def extract_literals(text: str) -> list[str]:
    """Number-bearing tokens that are neither quantities, dates nor identifiers:
    ordinals, decades, clock times ("46th", "1990s", "3:00")."""
    return list(analyse(text).literals)


def resolution(q: Quantity) -> Decimal:
    """The value of one unit in the last written digit: "12.6M" -> 100000, "216" -> 1.
    Used to accept a rounded arithmetic result."""
    m = _DIGITS_RE.search(q.text)
    if not m:
        return Decimal(1)  # spelled-out numbers are whole
    decimals = len(m.group(1) or "")
    try:
        literal = Decimal(re.sub(r"[, \u00a0\u202f]", "", m.group()))
    except InvalidOperation:  # pragma: no cover - the pattern only admits digits
        return Decimal(1)
    scale = q.value / literal if literal else Decimal(1)
    return scale * Decimal(10) ** -decimals


def _year_only(d: DateMention) -> bool:
    return d.year is not None and d.month is None and d.day is None


def _parts_match(fact: DateMention, cand: DateMention) -> bool:
    return all(
        f is None or f == c
        for f, c in ((fact.year, cand.year), (fact.month, cand.month), (fact.day, cand.day))
    )


def quantity_in(
    q: Quantity, quantities: Sequence[Quantity], dates: Sequence[DateMention] = ()
) -> bool:
    """Equal value, and equal unit when ``q`` has one (a bare "136" matches "€136")."""
    if any(c.value == q.value and (q.unit is None or c.unit == q.unit) for c in quantities):
        return True
    # a count that reads like a year meets a standalone year ("2000 fighters" / "2,000")
    return q.unit is None and any(_year_only(d) and Decimal(d.year or 0) == q.value for d in dates)


def date_in(
    d: DateMention, dates: Sequence[DateMention], quantities: Sequence[Quantity] = ()
) -> bool:
    """Every part ``d`` gives equals the candidate's ("Dec. 7" is in "7 December 2024").

    A full date is also accepted when the passages give its day and month without a year
    ("By 8 December, ...") and name the same year elsewhere: quotes often drop a year
    the surrounding text states once.
    """
    if any(_parts_match(d, c) for c in dates):
        return True
    if _year_only(d) and any(q.unit is None and q.value == d.year for q in quantities):
        return True
    if d.year is not None and (d.month is not None or d.day is not None):
        yearless = DateMention(None, d.month, d.day, d.text, d.start, d.end)
        return any(c.year is None and _parts_match(yearless, c) for c in dates) and any(
            c.year == d.year for c in dates
        )
    return False


def _word_pattern(word: str, *, case_sensitive: bool, suffix: str) -> re.Pattern[str]:
    flags = 0 if case_sensitive else re.IGNORECASE
    return re.compile(rf"{WORD_START}{re.escape(word)}{suffix}{WORD_END}", flags)


def _is_acronym(folded: str) -> bool:
    return len(folded) >= 2 and " " not in folded and folded.isupper() and folded.isalpha()


def _phrase_in(phrase: str, folded_texts: Sequence[str]) -> bool:
    """``phrase`` (folded, case kept) in any text. A lone acronym matches case-sensitively,
    so "US" is not found in "against us"; a name may carry a derived ending in the text
    ("Syria" in "Syrian"), and a demonym in the sentence meets its country in the text
    ("Belarusian" in "Belarus", "Iraqi" in "Iraq")."""
    if not phrase:
        return True
    if _is_acronym(phrase):
        pattern = _word_pattern(phrase, case_sensitive=True, suffix="s?")
        return any(pattern.search(t) for t in folded_texts)
    bases = [phrase]
    if " " not in phrase:
        bases += [
            phrase[:-cut]
            for end, cut in _DEMONYM_ENDINGS
            if phrase.endswith(end) and len(phrase) - cut >= 4
        ]
    patterns = [_word_pattern(b, case_sensitive=False, suffix=_NAME_SUFFIX_P) for b in bases]
    return any(p.search(t) for p in patterns for t in folded_texts)


def phrase_in_texts(phrase: str, texts: Sequence[str]) -> bool:
    """``phrase`` (a name or a word of one) occurs whole in a text, folded, with the
    derived endings and demonyms of :func:`name_in_texts` but never word by word."""
    return _phrase_in(fold(phrase, keep_case=True), [fold(t, keep_case=True) for t in texts])


def name_in_texts(name: str, texts: Sequence[str]) -> bool:
    """A name is backed when a text contains it, or contains every word of it
    ("Belarusian President Alexander Lukashenko" against "Alexander Lukashenko ...
    Belarusian President")."""
    folded_texts = [fold(t, keep_case=True) for t in texts]
    phrase = fold(name, keep_case=True)
    if _phrase_in(phrase, folded_texts):
        return True
    words = [w for w in phrase.split() if w.lower() not in grammar().connectors]
    if len(words) > 1 and all(_phrase_in(w, folded_texts) for w in words):
        return True
    return _ACRONYM_RE.fullmatch(phrase) is not None and any(
        _spells(phrase, t) for t in folded_texts
    )


_ACRONYM_RE = re.compile(r"[A-Z]{2,6}")
_CAPITALISED_RE = re.compile(r"[^\W\d_][\w'’-]*")


def _spells(acronym: str, text: str) -> bool:
    """Does a run of capitalised words in ``text`` spell ``acronym`` by its initials
    ("FTC": "Federal Trade Commission"), skipping connectors ("Bank of England")?"""
    connectors = grammar().connectors
    words = _CAPITALISED_RE.findall(text)
    for i in range(len(words)):
        initials = ""
        for word in words[i:]:
            if word.lower() in connectors and initials:
                continue
            if not word[0].isupper() or len(initials) == len(acronym):
                break
            initials += word[0]
        if initials == acronym:
            return True
    return False


def literal_in_texts(literal: str, texts: Sequence[str]) -> bool:
    """Folded, case-insensitive whole-word match ("46th", "1990s", "3:00")."""
    phrase = fold(literal)
    pattern = _word_pattern(phrase, case_sensitive=False, suffix="")
    return any(pattern.search(fold(t)) for t in texts)


_Token = str | Quantity | DateMention


@lru_cache(maxsize=1024)
def _tokens(text: str) -> tuple[_Token, ...]:
    """``text`` as folded words with its quantities and dates as single tokens, so a
    phrase like "136 Konkurs" can be looked for with its number compared by value."""
    found = analyse(text)
    numeric: list[Quantity | DateMention] = [*found.quantities, *found.dates]
    out: list[_Token] = []
    pos = 0
    for item in sorted(numeric, key=lambda n: n.start):
        out.extend(fold(text[pos : item.start]).split())
        out.append(item)
        pos = item.end
    out.extend(fold(text[pos:]).split())
    return tuple(out)


def _token_matches(fact: _Token, cand: _Token) -> bool:
    if isinstance(fact, str):
        return fact == cand
    if isinstance(fact, Quantity):
        if isinstance(cand, DateMention):
            return quantity_in(fact, (), (cand,))
        return isinstance(cand, Quantity) and quantity_in(fact, (cand,))
    if isinstance(cand, Quantity):
        return date_in(fact, (), (cand,))
    return isinstance(cand, DateMention) and _parts_match(fact, cand)


def _fact_alternative_in_text(fact: str, text: str) -> bool:
    facts = analyse(fact)
    wanted = _tokens(fact)
    if not wanted:
        return False
    if len(wanted) == 1 and not isinstance(wanted[0], str):
        # one amount or date alone: anywhere in the text, with the date rules of date_in
        found = analyse(text)
        if facts.quantities:
            return quantity_in(facts.quantities[0], found.quantities, found.dates)
        return date_in(facts.dates[0], found.dates, found.quantities)
    if all(isinstance(w, str) for w in wanted):
        return literal_in_texts(fact, [text])  # words only: one regex on the folded text
    # a phrase: the same tokens, adjacent and in order ("136 Konkurs", not "80 ... Konkurs")
    have = _tokens(text)
    n = len(wanted)
    return any(
        all(_token_matches(w, h) for w, h in zip(wanted, have[i : i + n], strict=True))
        for i in range(len(have) - n + 1)
    )


def fact_in_text(fact: str, text: str) -> bool:
    """True when ``fact`` occurs in ``text`` after normalisation; "a|b" means either.

    Amounts compare by value and unit, dates by the parts the fact gives, everything
    else as folded whole words ("U.S." == "US", curly == straight apostrophes).
    """
    return any(
        _fact_alternative_in_text(alt.strip(), text) for alt in fact.split("|") if alt.strip()
    )
