"""Answer values: the values of a text that could answer a number, amount or date question
(rag.question.Question), without the ones the question gives, bare years, counts of
another thing or sums of another figure; the ordinals of a position question and the figure
set off after a name. Reading the question itself is rag.question.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Decimal
from typing import TYPE_CHECKING

from index.languages import get_profile
from rag.measure import measures
from rag.normalize import Quantity, extract_dates, extract_quantities
from rag.terms import lexicon

if TYPE_CHECKING:
    from rag.question import Question


def is_year(value: Decimal) -> bool:
    """A bare whole number that reads as a year: a date, not a count."""
    return value == value.to_integral_value() and 1800 <= value <= 2100


def _followed_by_measure(text: str, end: int, language: str) -> bool:
    """The word after ``text[:end]`` is a unit word ("2048 bits", "35 minutes", "52-yard")."""
    rest = text[end:]
    if rest[:1] in ("-", "‐"):
        rest = rest[1:]
    elif not rest[:1].isspace():
        return False
    following = rest.split(maxsplit=1)
    if not following:
        return False
    return measures(re.split(r"[^\w]", following[0].lower(), maxsplit=1)[0], language)


def reads_as_year(x: Quantity, text: str, language: str = "en") -> bool:
    """A bare whole number 1800-2100 read as a count is still a year ("in 1862"), unless a
    unit word follows it ("2048 bits" is a size)."""
    return x.unit is None and is_year(x.value) and not _followed_by_measure(text, x.end, language)


def signed(x: Quantity, text: str) -> Decimal:
    """The value of ``x`` with the sign written before it ("-135 odds" is -135), a dash
    joining two figures ("9-3") being no sign."""
    before = text[: x.start]
    if before[-1:] in ("-", "−", "+") and not before[-2:-1].isalnum():
        return -x.value if before[-1] != "+" else x.value
    return x.value


def _asked(q: Question, x: Quantity, text: str) -> bool:
    """A value the question gives, sign included: "-135 odds" does not give "$135"."""
    return signed(x, text) in q.asked_values


# Figures that are parts of a code, not amounts: a clock time with its zone offset
# ("09:23:03 -0800", a message header's; a race time "2:03:45" stays a figure) and a dotted
# sequence of three numbers or more (an IP address "199.164.235.226", a version "2.4.1"),
# which extract_quantities reads as numbers ("199.164", "09", "23").
_CODES = re.compile(
    r"(?<![\w.])\d{1,2}:\d{2}(?::\d{2})?\s?[+-]\d{4}(?!\w)|(?<![\w.])\d+(?:\.\d+){2,}(?![\w.]?\d)"
)


def new_quantities(q: Question, text: str, language: str = "") -> list[Quantity]:
    """The quantities in ``text`` that could answer ``q``: neither a bare year nor a number the
    question already gives ("How many ... in 2015?" is not answered by 2015), nor part of a
    time of day or an address ("Arrival-Date: ... 09:23:03", "[199.164.235.226]").
    ``language``: the text's, when not the question's ("1 850 м" is no year in Bulgarian)."""
    codes = [m.span() for m in _CODES.finditer(text)]
    return [
        x
        for x in extract_quantities(text)
        if not reads_as_year(x, text, language or q.language)
        and not _asked(q, x, text)
        and not any(a <= x.start < b for a, b in codes)
    ]


def counts_other_thing(q: Question, text: str, x: Quantity, language: str = "") -> bool:
    """For a measure question ("how far", "how long"), a bare number that counts a thing
    ("17 state attorneys", "four games") rather than a unit ("35 minutes") is no answer.
    ``language``: the text's (default the question's): "6 минути" is read by Bulgarian's
    units, the thing a number counts by its grammar."""
    language = language or q.language
    if not q.measure or x.unit is not None or _followed_by_measure(text, x.end, language):
        return False
    from rag.verify.binding import frames

    if language != q.language:
        # no word of the question can be matched in another language: a number bound to a
        # noun that is no unit counts a thing, and a thing is no measure ("2 400 души")
        return any(f.value.start == x.start and f.thing for f in frames(text, language))

    lex = lexicon(q.language)
    for frame in frames(text, q.language):
        if frame.value.start == x.start and frame.thing:
            # the thing's common nouns ("Gaza *residents*"): what is asked about when the
            # question names them ("How big was the seed extension": "2.7M seed extension")
            common = " ".join(w for w in frame.thing_text.split() if not w[:1].isupper())
            return not lex.terms(common) & q.terms
    return False


# a figure glued to letters ("57th", "3rd", "57-й") and the word after it
_ORDINAL = re.compile(r"(?<![\w.,])(?P<ord>\d+-?[^\W\d_]{1,3})(?![\w])[\s‐-]+(?P<noun>[^\W\d_]+)")


def ordinal_spans(q: Question, text: str) -> list[tuple[str, int, int]]:
    """The ordinals of ``text`` standing before the unit a position question asks about
    ("a 57th-minute penalty", "in the 3rd round"), as (text, start, end)."""
    if not q.ordinal:
        return []
    lex = lexicon(q.language)
    return [
        (m.group("ord"), m.start("ord"), m.end("ord"))
        for m in _ORDINAL.finditer(text)
        if lex.terms(m.group("noun")) & q.kind_noun
    ]


def money_of_other_thing(
    q: Question, text: str, x: Quantity, similar: Callable[[str, str], float], least: float
) -> bool:
    """Is the sum ``x`` an amount of something other than what the question counts? "How much
    revenue did Uber bring in" is not answered by "$394 million in operating income": the
    noun a sum is bound to ("in operating income", "worth of net income") is its thing, and
    one sharing no word with the question's and not close to it by ``similar`` (the
    embedder: "sales" for "revenue") names another figure."""
    if not q.target or x.unit in (None, "%"):
        return False
    from rag.verify.binding import frames

    lex = lexicon(q.language)
    for frame in frames(text, q.language):
        if frame.value.start == x.start and frame.thing_text:
            thing = frame.thing_text.lower()
            if lex.terms(thing) & q.target:
                return False
            return similar(thing, q.target_text) < least
    return False


# a word, then a bare figure set off by punctuation ("Jaden, 25, and Willow, 22 - ...")
_APPOSED = re.compile(r"(?P<name>[^\W\d_][\w'’-]*),\s(?P<figure>\d{1,3})(?=\s?[,;:)–—-])")


def apposed_figures(q: Question, text: str) -> list[tuple[str, int, int]]:
    """ "What is Jaden Smith's age?": "Jaden, 25," gives it, a figure set off by commas right
    after a word of a name the question gives, when the question's head noun is one news
    write so (profile ``apposed_figure_nouns``). As (text, start, end)."""
    lex = lexicon(q.language)
    nouns = lex.terms(" ".join(get_profile(q.language).apposed_figure_nouns))
    if q.kind != "number" or not q.kind_noun & nouns:
        return []
    words = {w for entity in q.entities for w in entity.split()}
    return [
        (m.group("figure"), m.start("figure"), m.end("figure"))
        for m in _APPOSED.finditer(text)
        if m.group("name") in words
    ]


def value_candidates(q: Question, text: str, language: str = "") -> list[tuple[str, int, int]]:
    """The spans of ``text`` (as written, with offsets in it) that could answer a number,
    amount or date question; empty for other kinds. An amount question prefers money, then
    any value with a unit; a percentage question a "%"; a count question values without a
    currency; a measure question no count of another thing. ``language``: the text's, when
    not the question's."""
    if q.ordinal:
        return ordinal_spans(q, text)
    apposed = apposed_figures(q, text)
    if apposed:
        return apposed  # "Jaden, 25, and Willow, 22": the figure after the name asked about
    if q.kind in ("number", "amount"):
        found = [
            x
            for x in new_quantities(q, text, language)
            if not counts_other_thing(q, text, x, language)
        ]
        money = [x for x in found if x.unit not in (None, "%")]
        percent = [x for x in found if x.unit == "%"]
        if q.wants_percent and percent:
            found = percent
        elif q.kind == "amount" and money:
            found = money  # "closing down 2.2% to C$53.07": a price is money, not "%"
        elif q.kind == "amount" and any(x.unit for x in found):
            # what a thing cost is money: "12%" beside it is how much something else grew
            found = [x for x in found if x.unit and not (q.wants_money and x.unit == "%")]
        elif q.kind == "number" and any(x.unit is None for x in found):
            # a unit is a currency or "%" (rag.normalize.Quantity): a count is no money
            found = [x for x in found if x.unit is None or x.unit == "%"]
        return [(x.text, x.start, x.end) for x in found]
    if q.kind == "date":
        return [
            (d.text, d.start, d.end)
            for d in extract_dates(text)
            if (d.year, d.month, d.day) not in q.asked_dates
        ]
    return []
