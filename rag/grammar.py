"""The patterns ``rag.normalize`` reads facts with, built from a language profile.

Months, weekdays, scales, currencies, percent words, measure units, title abbreviations,
name stop words, name connectors and prefixes are the profile's data
(``index/languages/<code>.yaml``); this module only turns them into sets and compiled
regular expressions, once per language.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from decimal import Decimal

__all__ = ["Grammar", "grammar"]

NB = r"(?![^\W_])"  # not followed by a letter or digit
NA = r"(?<![^\W_])"  # not preceded by a letter or digit
_UPPER = "[A-ZÀ-ÖØ-ÞА-ЯЁІЎЇЄҐ]"  # a capital letter of the Latin or Cyrillic alphabets
_DAY_P = r"(?P<day>3[01]|[12]\d|0?[1-9])(?!\d)(?:st|nd|rd|th)?"
_YEAR_P = r"(?P<year>\d{4})" + NB


@dataclass(frozen=True)
class Grammar:
    code: str
    months: dict[str, int]  # lower-case form without a dot -> 1..12
    month_words: frozenset[str]  # forms as a name run meets them ("Nov", "November")
    weekdays: frozenset[str]
    name_stopwords: frozenset[str]
    connectors: frozenset[str]
    name_prefixes: frozenset[str]
    year_prefixes: frozenset[str]
    # function words ("and", "of", "under"): a lower-case token joining one to a number
    # ("third-and-22", "best-of-7", "under-21") is a phrase written with hyphens, no name
    stopwords: frozenset[str]
    scales: dict[str, Decimal]
    units: dict[str, str]  # lower-case unit word or symbol -> "EUR", "%", ...
    date_res: tuple[re.Pattern[str], ...]
    lone_month_re: re.Pattern[str]
    bare_year_re: re.Pattern[str]
    measure_after_re: re.Pattern[str]
    date_preposition_before_re: re.Pattern[str]
    num_re: re.Pattern[str]
    word_unit_re: re.Pattern[str]
    name_token_re: re.Pattern[str]

    def month(self, written: str) -> int:
        return self.months[written.lower().rstrip(".")]

    def unit(self, raw: str | None) -> str | None:
        if not raw:
            return None
        return self.units.get(" ".join(raw.split()).lower())


def _alt(words: list[str] | set[str] | frozenset[str]) -> str:
    """An alternation, longest first, so "September" is tried before "Sep"."""
    return "|".join(re.escape(w) for w in sorted(set(words), key=lambda w: (-len(w), w)))


def _cased(words: list[str], latin: bool) -> list[str]:
    # Latin-script months and prepositions start with a capital or a small letter as
    # written ("In December", "in December"); months only with a capital ("May" the verb).
    out = set(words)
    if latin:
        out |= {w[:1].upper() + w[1:] for w in words}
    return sorted(out)


@functools.lru_cache(maxsize=16)
def _foreign_name_stopwords(code: str) -> frozenset[str]:
    """The name stop words of the languages written in another script than ``code``'s:
    names are read with one grammar whatever the text's language, and a capitalised
    function word opening a Russian question ("В каком городе ...", "У кого ...") is no
    name. A word of another script cannot be a name of this language's texts."""
    from index.languages import available_languages, get_profile

    scripts = set(get_profile(code).scripts)
    return frozenset(
        word
        for other in available_languages()
        if not scripts & set(get_profile(other).scripts)
        for word in get_profile(other).name_stopwords
    )


def grammar(code: str = "en") -> Grammar:
    """The compiled reading patterns of language ``code``."""
    from index.languages import get_profile

    p = get_profile(code)
    latin = "Latin" in p.scripts
    months = {k.rstrip("."): v for k, v in p.months.items()}
    month_forms = sorted({k[:1].upper() + k[1:] for k in months} if latin else set(months))
    month_p = rf"(?P<mon>{_alt(month_forms)})(?![^\W\d_])\.?"
    # the longest form of each month is its full name ("December"), the one a lone month
    # must be written as to count
    full = {v: max((k for k, n in months.items() if n == v), key=len) for v in months.values()}
    full_forms = sorted({w[:1].upper() + w[1:] for w in full.values()} if latin else full.values())
    date_res = tuple(
        re.compile(pattern)
        for pattern in (
            # 2024-11-27, and the date of an ISO timestamp 2024-11-27T15:20:36
            r"(?<![\w/.-])(?P<year>\d{4})-(?P<mnum>1[0-2]|0?[1-9])-(?P<day>3[01]|[12]\d|0?[1-9])"
            r"(?=T\d|(?![\w-]))",
            # 27/11/2024, 27.11.2024: day first, the European and ISO-neighbour habit
            r"(?<![\w/.-])(?P<day>3[01]|[12]\d|0?[1-9])(?P<sep>[/.])(?P<mnum>1[0-2]|0?[1-9])"
            r"(?P=sep)(?P<year>\d{4})(?![\w/])",
            # November 27, 2024 / Nov. 27, 2024
            rf"{NA}{month_p}\s+{_DAY_P},?\s+{_YEAR_P}",
            # 27 November 2024 / 27th of November, 2024
            rf"{NA}{_DAY_P}\s+(?:of\s+)?{month_p},?\s+{_YEAR_P}",
            # December 2024
            rf"{NA}{month_p},?\s+{_YEAR_P}",
            # 7 December
            rf"{NA}{_DAY_P}\s+(?:of\s+)?{month_p}",
            # Dec. 7
            rf"{NA}{month_p}\s+{_DAY_P}(?![^\W_]|[.,:]\d)",
        )
    )
    # A month alone is a date only after a word that makes it one ("in December"); on its
    # own "May" and "March" are too often something else.
    lone_month_re = re.compile(
        rf"{NA}(?:{_alt(_cased(p.date_prepositions, latin))})(?:\s+|-)"
        rf"(?P<mon>{_alt(full_forms)}){NB}"
    )

    scales = {
        k: Decimal(str(int(v)) if float(v).is_integer() else str(v)) for k, v in p.scales.items()
    }
    units = dict(p.currencies)
    units.update(dict.fromkeys(p.percent_words, "%"))
    codes = sorted(set(units.values()) - {"%"})
    symbols = [k for k in p.currencies if not any(c.isalnum() for c in k)]
    prefixed = [k for k in p.currencies if k.endswith("$") and len(k) > 1]
    words = [k for k in units if any(c.isalpha() for c in k)]
    unit_words = [w for w in words if w not in (c.lower() for c in codes)]
    spaced_scales = [k for k in scales if len(k) > 1]
    glued_scales = [k for k in scales if len(k) <= 3]
    unit_words_p = rf"(?:{_alt(unit_words + codes + spaced_scales)})"
    # units after a number: words (any case: "euros", "EUR", "U.S. dollars"), "%" and the
    # currency signs that are written after a number ("37 €")
    suffix_signs = [s for s in symbols if s != "$"] + ["%"]
    unit_p = rf"\s?(?:(?i:{_alt(unit_words + codes)}){NB}|{_alt(suffix_signs)})"
    num_re = re.compile(
        rf"(?:{NA}(?P<pre>{_alt([s.upper() for s in prefixed] + symbols)}"
        rf"|(?:{_alt(codes)})(?=\s?\d))\s?|(?<![\w.]))"
        r"(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?"
        r"|\d{1,3}(?:[ \u00a0\u202f]\d{3})+(?!\d)(?:\.\d+)?"
        r"|\d+(?:\.\d+)?)"
        rf"(?:(?P<sca>(?i:{_alt(glued_scales)})){NB}"
        # a headline in Title Case writes the scale capitalised ("$7.7 Billion Deal")
        rf"|\s*(?P<scw>(?i:{_alt(spaced_scales)})){NB}"
        # measures glued to a number ("10km") leave the number a plain count
        rf"|(?:{_alt(p.measure_units)}){NB})?"
        rf"(?P<unit>{unit_p})?"
    )
    bare_year_re = re.compile(
        rf"(?<![\w$€£.,/:])(?<!EUR )(?<!USD )(?<!GBP )(?<![$€£] )(?P<year>19\d\d|20\d\d|2100)"
        rf"(?![^\W_]|[.,:/]\d|\s?%|\s*{unit_words_p}{NB})"
    )
    # a number before a unit word measures ("2048 bits", "2000 miles"), unless a date
    # preposition makes it a year ("in 2020 points were ...")
    measure_after_re = re.compile(
        rf"(?:\s+|[-‐])(?i:{_alt(p.measure_words)}){NB}" if p.measure_words else r"(?!)"
    )
    date_preposition_before_re = re.compile(
        rf"{NA}(?i:{_alt(p.date_prepositions)})\s+$" if p.date_prepositions else r"(?!)"
    )
    abbreviations = set(p.abbreviations)
    title_abbrs = [t for t in p.titles if t.lower() in abbreviations]
    name_token_re = re.compile(
        # an initial before a name: "M. Allen"
        rf"(?P<init>(?<![^\W_]){_UPPER}\.(?=[ \t\u00a0]+{_UPPER}))"
        rf"|(?P<acr>(?<![^\W_])(?:{_UPPER}\.){{2,}}(?:[-‐][^\W_]+)*)"
        rf"|(?P<abbr>(?<![^\W_])(?:{_alt(title_abbrs)})\.)"
        r"|(?P<word>[^\W_](?:[^\W_]|['’](?=[^\W_])|[-‐](?=[^\W_])|(?<=\d)[.,:/](?=\d))*)"
    )
    month_words = frozenset(month_forms) | frozenset(full_forms)
    return Grammar(
        code=p.code,
        months=months,
        month_words=month_words,
        weekdays=frozenset(_cased(p.weekdays, latin)),
        name_stopwords=frozenset(p.name_stopwords) | _foreign_name_stopwords(p.code),
        connectors=frozenset(p.name_connectors),
        name_prefixes=frozenset(p.name_prefixes),
        year_prefixes=frozenset(p.year_prefixes) | frozenset(months),
        stopwords=frozenset(p.stopwords),
        scales=scales,
        units=units,
        date_res=date_res,
        lone_month_re=lone_month_re,
        bare_year_re=bare_year_re,
        measure_after_re=measure_after_re,
        date_preposition_before_re=date_preposition_before_re,
        num_re=num_re,
        word_unit_re=re.compile(unit_p),
        name_token_re=name_token_re,
    )
