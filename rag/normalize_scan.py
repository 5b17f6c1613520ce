"""The analysis of one text: its quantities, dates, proper names and literal number tokens.

:func:`analyse` reads them all at once (one pass decides which span is which: a date is not
also a quantity, an identifier is neither) and caches the result per text. The conventions
it follows are those of :mod:`rag.normalize`, which compares what it finds.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import lru_cache

from text_to_num import text2num

from rag.grammar import Grammar, grammar
from rag.normalize_cyrillic import cyrillic_dates, cyrillic_quantities


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

WORD_END = r"(?![^\W_])"  # not followed by a letter or digit
WORD_START = r"(?<![^\W_])"  # not preceded by a letter or digit

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
    rf"{WORD_START}(?:{_NUMBER_WORDS}|a(?=\s+(?:hundred|thousand|million|billion){WORD_END}))"
    rf"(?:(?:\s+and\s+|\s+|-)(?:{_NUMBER_WORDS}))*{WORD_END}",
    re.IGNORECASE,
)
_NUMBER_WORD_RE = re.compile(
    rf"{WORD_START}(?:{_NUMBER_WORDS}|a(?=\s+(?:hundred|thousand|million|billion){WORD_END})){WORD_END}",
    re.IGNORECASE,
)
_LEADING_A_RE = re.compile(r"^a\b", re.IGNORECASE)

_POSSESSIVE_RE = re.compile(r"['’]s$")
_HYPHEN_RE = re.compile(r"[-‐]")
_RUN_GAP_RE = re.compile(r"[ \t\u00a0]+")
# A title set in quotation marks ("the production company “Pressure is a Privilege”"): the
# quoted words are one name, not the capitalised words found in it. Typographic and straight
# double quotes and guillemets; 2-8 words, so a quoted sentence of speech is not taken.
_QUOTED_RE = re.compile(r"[“\"«„]([^“”\"«»„\n]{3,80}?)[,.]?[”\"»“]")
_TITLE_WORDS = range(2, 9)
_MINOR_WORD_LEN = 3  # title case leaves short function words ("is", "a", "of", "the") lower


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
    carrying a suffix (37.9m, 46th, 1990s, 53-year-long), a prefixed year (mid-2015) or a
    phrase of lower-case words with a function word among them ("third-and-22")."""
    if not any(c.isdigit() for c in token) or not any(c.isalpha() for c in token):
        return False
    if token[0].isdigit():
        return bool(_LETTER_THEN_DIGIT_RE.search(token))
    head, _, rest = token.partition("-")
    if head.lower() in grammar().year_prefixes and rest.isdigit():
        return False
    words = [w for w in re.split(r"[-‐/]", token) if w.isalpha()]
    return not (all(w.islower() for w in words) and any(w in grammar().stopwords for w in words))


# --------------------------------------------------------------------------- analysis


@dataclass(frozen=True)
class Analysis:
    """What one text holds, each kind in text order."""

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
def analyse(text: str) -> Analysis:
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
    return Analysis(tuple(quantities), tuple(dates), tuple(names), tuple(literals))


# --------------------------------------------------------------------------- names


@dataclass
class _Part:
    text: str
    start: int
    end: int
    connector: bool = False


def _quoted_titles(text: str) -> list[tuple[int, int]]:
    """Spans of quoted titles: 2-8 words, the first and every word longer than a function
    word capitalised (title case), no digits (a quoted figure or date is no title)."""
    spans: list[tuple[int, int]] = []
    for m in _QUOTED_RE.finditer(text):
        words = m.group(1).split()
        if len(words) not in _TITLE_WORDS or any(c.isdigit() for c in m.group(1)):
            continue
        heads = [w.lstrip("(‘'") for w in words]
        if not heads[0][:1].isupper():
            continue
        if all(h[:1].isupper() or len(h) <= _MINOR_WORD_LEN for h in heads):
            start = m.start(1)
            spans.append((start, start + len(m.group(1).rstrip(" ,.;:"))))
    return spans


def _names(text: str, skip: _Spans, ids: _Spans, g: Grammar) -> list[str]:
    names: list[str] = []
    run: list[_Part] = []
    titles = _quoted_titles(text)

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
        title = next(((a, b) for a, b in titles if a <= start < b), None)
        if title is not None:
            flush()
            if start == title[0] and text[title[0] : title[1]] not in names:
                names.append(text[title[0] : title[1]])
            prev_end = end
            continue
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
