"""Numbers and dates written the Cyrillic-language way, for the verifier.

"37,9 млн евро" is 37,900,000 EUR (a decimal comma and a scale word), "1 200 тонн" is 1200,
"27 ноября 2024 г." and "14 септември 2024" are dates. The words come from the language
profiles of every Cyrillic language (months in their cases, scales, currencies, percent
words), so an English answer sentence citing a Russian or Bulgarian quote is checked on its
numbers and dates like any other. Used by :mod:`rag.normalize_scan` on text with Cyrillic letters.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from decimal import Decimal

from index.translit import has_cyrillic

_NA = r"(?<![^\W_])"  # not preceded by a letter or digit
_NB = r"(?![^\W_])"  # not followed by a letter or digit


@dataclass(frozen=True)
class _Vocabulary:
    months: dict[str, int]
    scales: dict[str, Decimal]
    units: dict[str, str]
    symbols: dict[str, str]
    date_re: re.Pattern[str]
    number_re: re.Pattern[str]


def _has_letter(word: str) -> bool:
    return any(c.isalpha() for c in word)


def _ours(word: str) -> bool:
    """A unit this reader takes: Cyrillic ("евро", "лв.") or a sign ("€", "%")."""
    return has_cyrillic(word) or not _has_letter(word)


def _alternatives(words: list[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True))


@functools.lru_cache(maxsize=1)
def _vocabulary() -> _Vocabulary:
    from index.languages import available_languages, get_profile

    months: dict[str, int] = {}
    scales: dict[str, Decimal] = {}
    units: dict[str, str] = {}
    symbols: dict[str, str] = {}  # "$", "€": written before the number too ("$4,3 млрд")
    for code in available_languages():
        profile = get_profile(code)
        if "Cyrillic" not in profile.scripts:
            continue
        months.update(profile.months)
        scales.update({k.rstrip("."): Decimal(str(v)) for k, v in profile.scales.items()})
        # Cyrillic words and signs ("€", "%"); Latin words ("eur") are the general reader's
        units.update({k.rstrip("."): v for k, v in profile.currencies.items() if _ours(k)})
        units.update({w: "%" for w in profile.percent_words if _ours(w)})
        symbols.update({k: v for k, v in profile.currencies.items() if not _has_letter(k)})
    date_re = re.compile(
        rf"{_NA}(?:(?P<day>3[01]|[12]\d|0?[1-9])\s+)?(?P<mon>{_alternatives(list(months))})"
        rf"\.?(?:\s+(?P<year>\d{{4}}))?{_NB}",
        re.IGNORECASE,
    )
    number_re = re.compile(
        rf"(?:(?P<pre>{_alternatives(list(symbols))})[ \u00a0]?)?"
        r"(?<![\w.,])(?P<num>\d{1,3}(?:[ \u00a0\u202f]\d{3})+(?:,\d+)?|\d+,\d+|\d+)"
        rf"(?:\s*(?P<scale>{_alternatives(list(scales))})\.?{_NB})?"
        rf"(?:\s*(?P<unit>{_alternatives(list(units))}){_NB})?",
        re.IGNORECASE,
    )
    return _Vocabulary(months, scales, units, symbols, date_re, number_re)


def cyrillic_dates(text: str) -> list[tuple[int | None, int, int | None, int, int]]:
    """(year, month, day, start, end) of the dates with a Cyrillic month name; a month alone
    counts only with a day or a year ("в ноябре" alone is too vague to check)."""
    if not has_cyrillic(text):
        return []
    vocabulary = _vocabulary()
    out = []
    for m in vocabulary.date_re.finditer(text):
        if not (m.group("day") or m.group("year")):
            continue
        month = vocabulary.months[m.group("mon").lower()]
        day = int(m.group("day")) if m.group("day") else None
        year = int(m.group("year")) if m.group("year") else None
        out.append((year, month, day, m.start(), m.end()))
    return out


_NEXT_WORD = re.compile(r"\s*([^\W\d_]+)")
_LAST_WORD = re.compile(r"([^\W\d_]+)[^\w.!?]*$")


def _cyrillic_context(text: str, start: int, end: int) -> bool:
    """The number's own words are Cyrillic: the word right after it ("1 200 тонн") or, when
    none follows, the word before it ("приняло 1 200."). "6,200 cartons" in an English
    sentence of a mixed text is read with a thousands comma."""
    after = _NEXT_WORD.match(text, end)
    if after:
        return has_cyrillic(after.group(1))
    before = _LAST_WORD.search(text[max(0, start - 60) : start])
    return before is not None and has_cyrillic(before.group(1))


def cyrillic_quantities(text: str) -> list[tuple[Decimal, str | None, int, int]]:
    """(value, unit, start, end) of the numbers only the Cyrillic conventions read right:
    a decimal comma ("37,9"), space-grouped thousands ("1 200"), a scale or currency word
    ("млн", "тыс.", "евро", "лв."), a sign before or after ("$4,3 млрд", "12,5 %").
    Plain integers are left to the general reader."""
    if not has_cyrillic(text):
        return []
    vocabulary = _vocabulary()
    out = []
    for m in vocabulary.number_re.finditer(text):
        raw, scale, unit, pre = m.group("num"), m.group("scale"), m.group("unit"), m.group("pre")
        if not (scale or unit or "," in raw or not raw.isdigit()):
            continue
        if not (scale or unit) and not _cyrillic_context(text, m.start(), m.end()):
            continue  # "6,200 cartons" in an English sentence of a mixed text: a thousands comma
        value = Decimal(re.sub(r"[ \u00a0\u202f]", "", raw).replace(",", "."))
        if scale:
            value *= vocabulary.scales[scale.lower().rstrip(".")]
        code = vocabulary.units[unit.lower().rstrip(".")] if unit else None
        if pre and code is None:
            code = vocabulary.symbols[pre]
        start = m.start() if pre and (code == vocabulary.symbols[pre]) else m.start("num")
        out.append((value, code, start, m.end()))
    return out
