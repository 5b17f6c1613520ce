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
that cites them.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import lru_cache

from text_to_num import text2num

from rag.grammar import Grammar, grammar
from rag.normalize_cyrillic import cyrillic_dates, cyrillic_quantities

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
    "literal_in_texts",
    "name_in_texts",
    "phrase_in_texts",
    "quantity_in",
    "resolution",
]


@dataclass(frozen=True)
class Quantity:
    """A number as written, with its value scaled and its unit normalised."""

    value: Decimal  # 37.9 million -> Decimal("37900000")
    unit: str | None  # "EUR", "USD", "GBP", "%", or None for a bare count
    text: str  # the span as written
    start: int
    end: int


@dataclass(frozen=True)
class DateMention:
    """A date or part of one; the parts the text does not give are None."""

    year: int | None
    month: int | None
    day: int | None
    text: str
    start: int
    end: int


# --------------------------------------------------------------------------- patterns
# The language's words (months, scales, currencies, titles, name stop words) and the
# patterns built from them come from its profile through ``rag.grammar``; what is left here
# is script-level (digits, punctuation) and English number words, which ``text2num`` parses.

_NB = r"(?![^\W_])"  # not followed by a letter or digit
_NA = r"(?<![^\W_])"  # not preceded by a letter or digit

# A token as far as identifiers are concerned: letters/digits joined by hyphens or
# slashes, and digit groups joined by . , : ("37.9M", "9P135M", "AGS-17", "27/11/2024").
_TOKEN_RE = re.compile(r"[^\W_]+(?:(?:[-‐/]|(?<=\d)[.,:](?=\d))[^\W_]+)*")
_LETTER_THEN_DIGIT_RE = re.compile(r"[^\W\d_]\d")
_TIME_RE = re.compile(r"(?<![\d:])\d{1,2}:\d{2}(?![\d:])")
# "22.54 GMT": a clock time written with a dot, known by the time zone after it.
_DOTTED_TIME_RE = re.compile(r"(?<![\d.,])\d{1,2}\.\d{2}(?= ?(?:[A-Z]{1,4}T|UTC|MSK)\b)")

_NUMBER_WORDS = (
    "zero|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|"
    "fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|"
    "sixty|seventy|eighty|ninety|hundred|thousand|million|billion|trillion"
)
_WORD_RUN_RE = re.compile(
    rf"{_NA}(?:{_NUMBER_WORDS}|a(?=\s+(?:hundred|thousand|million|billion){_NB}))"
    rf"(?:(?:\s+and\s+|\s+|-)(?:{_NUMBER_WORDS}))*{_NB}",
    re.IGNORECASE,
)
_NUMBER_WORD_RE = re.compile(
    rf"{_NA}(?:{_NUMBER_WORDS}|a(?=\s+(?:hundred|thousand|million|billion){_NB})){_NB}",
    re.IGNORECASE,
)
_LEADING_A_RE = re.compile(r"^a\b", re.IGNORECASE)
_DIGITS_RE = re.compile(r"\d[\d, \u00a0\u202f]*(?:\.(\d+))?")

_POSSESSIVE_RE = re.compile(r"['’]s$")
_HYPHEN_RE = re.compile(r"[-‐]")
_RUN_GAP_RE = re.compile(r"[ \t\u00a0]+")

_APOSTROPHES_DOTS_RE = re.compile(r"['’‘ʼ`´.]")
_NON_WORD_RE = re.compile(r"[\W_]+")
# Endings that let a base name match its derived forms: Syria -> Syrian(s), Iraq -> Iraqi,
# Assad -> Assad's (the apostrophe is folded away, leaving "Assads").
_NAME_SUFFIX_P = r"(?:s|n|ns|an|ans|ian|ians|i|is)?"
# (ending, letters to cut): Belarusian -> Belarus, Syrian -> Syria, Korean -> Korea,
# American -> America, Iraqi -> Iraq. Narrow on purpose: "Allen" must not become "Alle".
_DEMONYM_ENDINGS = (("ian", 3), ("ian", 1), ("ean", 1), ("can", 1), ("i", 1))


# --------------------------------------------------------------------------- helpers


class _Spans:
    """Character spans (possibly overlapping) with a fast overlap test."""

    def __init__(self, spans: Iterable[tuple[int, int]] = ()) -> None:
        self._spans = sorted(spans)
        self._starts = [s for s, _ in self._spans]
        # _max_end[k] = the furthest end among spans 0..k, so one look answers "does any
        # span starting before `end` reach past `start`?"
        self._max_end: list[int] = []
        self._reindex(0)

    def _reindex(self, i: int) -> None:
        del self._max_end[i:]
        best = self._max_end[-1] if self._max_end else -1
        for _, e in self._spans[len(self._max_end) :]:
            best = max(best, e)
            self._max_end.append(best)

    def overlaps(self, start: int, end: int) -> bool:
        i = bisect_left(self._starts, end)  # spans starting before `end`
        return i > 0 and self._max_end[i - 1] > start

    def add(self, start: int, end: int) -> None:
        i = bisect_right(self._starts, start)
        self._spans.insert(i, (start, end))
        self._starts.insert(i, start)
        self._reindex(i)


def _clean(value: Decimal) -> Decimal:
    """37900000.0 -> 37900000; 2.50 -> 2.5 (equal either way; tidier to show)."""
    if value == value.to_integral_value():
        return value.quantize(Decimal(1))
    return value.normalize()


def _is_identifier(token: str) -> bool:
    """Letters and digits in one token name a thing (AGS-17, 9P135M), except a number
    carrying a suffix (37.9m, 46th, 1990s, 53-year-long) or a prefixed year (mid-2015)."""
    if not any(c.isdigit() for c in token) or not any(c.isalpha() for c in token):
        return False
    if token[0].isdigit():
        return bool(_LETTER_THEN_DIGIT_RE.search(token))
    head, _, rest = token.partition("-")
    return not (head.lower() in grammar().year_prefixes and rest.isdigit())


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


# --------------------------------------------------------------------------- analysis


@dataclass(frozen=True)
class _Analysis:
    quantities: tuple[Quantity, ...]
    dates: tuple[DateMention, ...]
    names: tuple[str, ...]
    literals: tuple[str, ...]  # "46th", "1990s", "3:00": compared as folded text


def _identifier_spans(text: str) -> list[tuple[int, int]]:
    return [m.span() for m in _TOKEN_RE.finditer(text) if _is_identifier(m.group())]


def _dates(text: str, blocked: _Spans, g: Grammar) -> list[DateMention]:
    taken = _Spans()
    found: list[DateMention] = []

    def take(m: re.Match[str], start: int, end: int) -> None:
        if blocked.overlaps(start, end) or taken.overlaps(start, end):
            return
        groups = m.groupdict()
        month: int | None = None
        if groups.get("mon"):
            month = g.month(groups["mon"])
        elif groups.get("mnum"):
            month = int(groups["mnum"])
        day = int(groups["day"]) if groups.get("day") else None
        year = int(groups["year"]) if groups.get("year") else None
        taken.add(start, end)
        found.append(DateMention(year, month, day, text[start:end], start, end))

    for pattern in g.date_res:
        for m in pattern.finditer(text):
            take(m, *m.span())
    # "27 ноября 2024 г.", "14 септември 2024": month names of the Cyrillic profiles.
    for year, month, day, start, end in cyrillic_dates(text):
        if not (blocked.overlaps(start, end) or taken.overlaps(start, end)):
            taken.add(start, end)
            found.append(DateMention(year, month, day, text[start:end], start, end))
    for m in g.lone_month_re.finditer(text):
        take(m, *m.span("mon"))
    for m in g.bare_year_re.finditer(text):
        if g.measure_after_re.match(text, m.end()) and not g.date_preposition_before_re.search(
            text, max(0, m.start() - 12), m.start()
        ):
            continue  # "2048 bits" is a size, "35 minutes" a time, not a year
        take(m, *m.span())
    found.sort(key=lambda d: d.start)
    return found


def _word_quantities(text: str, blocked: _Spans, g: Grammar) -> list[Quantity]:
    out: list[Quantity] = []
    for run in _WORD_RUN_RE.finditer(text):
        words = [m.span() for m in _NUMBER_WORD_RE.finditer(text, run.start(), run.end())]
        i = 0
        # Longest parseable stretch first, so "one hundred and thirty-six" is one number
        # but "two and three" or "five six" fall apart into their numbers.
        while i < len(words):
            for j in range(len(words) - 1, i - 1, -1):
                start, end = words[i][0], words[j][1]
                span = text[start:end]
                try:
                    value = int(text2num(_LEADING_A_RE.sub("one", span), "en"))
                except ValueError:
                    continue
                unit_m = g.word_unit_re.match(text, end)
                unit_raw = unit_m.group().strip() if unit_m else None
                if unit_m:
                    end = unit_m.end()
                lone = j == i and span.lower() in {"one", "a"}
                if not (lone and not unit_raw) and not blocked.overlaps(start, end):
                    out.append(
                        Quantity(Decimal(value), g.unit(unit_raw), text[start:end], start, end)
                    )
                i = j + 1
                break
            else:
                i += 1
    return out


def _digit_quantities(text: str, blocked: _Spans, g: Grammar) -> tuple[list[Quantity], list[str]]:
    out: list[Quantity] = []
    literals: list[str] = []
    for m in g.num_re.finditer(text):
        start, end = m.span()
        if blocked.overlaps(start, end):
            continue
        if end < len(text) and (text[end].isalnum() or text[end] == "_"):
            # glued to letters: an ordinal, decade or model ("46th", "1990s", "5G")
            tok = _TOKEN_RE.match(text, m.start("num"))
            literals.append(tok.group() if tok else m.group())
            continue
        try:
            number = Decimal(re.sub(r"[, \u00a0\u202f]", "", m.group("num")))
        except InvalidOperation:  # pragma: no cover - the pattern only admits digits
            continue
        scale = (m.group("sca") or m.group("scw") or "").lower()
        if scale:
            number *= g.scales[scale]
        unit = g.unit(m.group("pre")) or g.unit((m.group("unit") or "").strip())
        end_text = text[start:end].rstrip()
        out.append(Quantity(_clean(number), unit, end_text, start, start + len(end_text)))
    return out, literals


_ISO_TIMESTAMP_RE = re.compile(
    r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?"
)


# "&#039;" is an apostrophe some exporter left escaped, not the number 39.
_CHAR_REF_RE = re.compile(r"&#(?:\d+|[xX][0-9a-fA-F]+);")


@lru_cache(maxsize=2048)
def _analyse(text: str) -> _Analysis:
    # "2023-10-01T21:04:20+00:00" looks like an identifier (a letter next to digits) but holds
    # a date: metadata lines ("published: ...") are often the only place a date is written.
    stamps = _Spans([m.span() for m in _ISO_TIMESTAMP_RE.finditer(text)])
    ids = [(a, b) for a, b in _identifier_spans(text) if not stamps.overlaps(a, b)]
    times = [m.span() for m in _TIME_RE.finditer(text)]
    times += [m.span() for m in _DOTTED_TIME_RE.finditer(text)]
    escapes = [m.span() for m in _CHAR_REF_RE.finditer(text)]
    blocked = _Spans(ids + times + escapes)
    g = grammar()
    dates = _dates(text, blocked, g)
    for d in dates:
        blocked.add(d.start, d.end)
    # "37,9 млн евро", "1 200 тонн": decimal comma, space groups, Cyrillic scales and units.
    cyrillic_qs = []
    for value, unit, start, end in cyrillic_quantities(text):
        if not blocked.overlaps(start, end):
            blocked.add(start, end)
            cyrillic_qs.append(Quantity(_clean(value), unit, text[start:end], start, end))
    digit_qs, literals = _digit_quantities(text, blocked, g)
    digit_qs += cyrillic_qs
    for q in digit_qs:  # "million" in "37.9 million" is taken already
        blocked.add(q.start, q.end)
    quantities = sorted(digit_qs + _word_quantities(text, blocked, g), key=lambda q: q.start)
    literals += [text[s:e] for s, e in times]
    skip = _Spans([(d.start, d.end) for d in dates] + [(q.start, q.end) for q in quantities])
    names = _names(text, skip, _Spans(ids), g)
    return _Analysis(tuple(quantities), tuple(dates), tuple(names), tuple(literals))


# --------------------------------------------------------------------------- names


@dataclass
class _Part:
    text: str
    start: int
    end: int
    connector: bool = False


def _names(text: str, skip: _Spans, ids: _Spans, g: Grammar) -> list[str]:
    names: list[str] = []
    run: list[_Part] = []

    def flush() -> None:
        while run and run[-1].connector:
            run.pop()
        while run and (run[0].connector or run[0].text in g.name_stopwords):
            run.pop(0)
        if run:
            name = text[run[0].start : run[-1].end]
            if name not in names:
                names.append(name)
        run.clear()

    prev_end = 0
    for m in g.name_token_re.finditer(text):
        start, end = m.span()
        if run and not _RUN_GAP_RE.fullmatch(text[prev_end:start]):
            flush()
        prev_end = end
        if skip.overlaps(start, end):
            flush()
            continue
        token = m.group()
        if any(c.isdigit() for c in token):
            if not ids.overlaps(start, end):
                flush()  # a number, date or literal token ends any name
                continue
            possessive = bool(_POSSESSIVE_RE.search(token))
            end -= 2 if possessive else 0
            run.append(_Part(text[start:end], start, end))
            if possessive:
                flush()
            continue
        ends_run = False
        if _POSSESSIVE_RE.search(token):
            token, ends_run = token[:-2], True
        parts = _HYPHEN_RE.split(token)
        # "Turkish-backed", "HTS-led", "U.S.-backed": the name is the capitalised head.
        while len(parts) > 1 and parts[-1][:1].islower():
            parts.pop()
            ends_run = True
        token = text[start : start + len("-".join(parts))]
        part = _Part(token, start, start + len(token))
        head = parts[0]
        if token.rstrip(".") in g.month_words or token in g.weekdays:
            flush()
        elif head[:1].isupper():
            run.append(part)
        elif len(parts) > 1 and head in g.name_prefixes and parts[1][:1].isupper():
            run.append(part)  # al-Assad, ez-Zor
        elif len(parts) > 1 and any(p[:1].isupper() for p in parts[1:]):
            # pro-Assad, anti-NATO: the name is the capitalised remainder, on its own
            flush()
            offset = next(i for i, p in enumerate(parts) if p[:1].isupper())
            lead = len("-".join(parts[:offset])) + 1
            run.append(_Part(token[lead:], start + lead, part.end))
            ends_run = True
        elif token in g.connectors and run:
            part.connector = True
            run.append(part)
        else:
            flush()
        if ends_run:
            flush()
    flush()
    return names


# --------------------------------------------------------------------------- public API


def extract_quantities(text: str) -> list[Quantity]:
    """Amounts and counts in ``text``, in order; years, dates and identifiers excluded."""
    return list(_analyse(text).quantities)


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
    return list(_analyse(text).dates)


def extract_names(text: str) -> list[str]:
    """Proper names, acronyms and identifiers as written, first occurrence order."""
    return list(_analyse(text).names)


def extract_literals(text: str) -> list[str]:
    """Number-bearing tokens that are neither quantities, dates nor identifiers:
    ordinals, decades, clock times ("46th", "1990s", "3:00")."""
    return list(_analyse(text).literals)


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
    return re.compile(rf"{_NA}{re.escape(word)}{suffix}{_NB}", flags)


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
    found = _analyse(text)
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
    facts = _analyse(fact)
    wanted = _tokens(fact)
    if not wanted:
        return False
    if len(wanted) == 1 and not isinstance(wanted[0], str):
        # one amount or date alone: anywhere in the text, with the date rules of date_in
        found = _analyse(text)
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
