"""The answer's lead value against the expected facts.

A citation-first answer begins with its value ("27." then the quote that holds it). When that
value is a number or a date, it is the answer a reader takes away: "28." above a quote that
says "Liverpool second on 27" is a wrong answer even though the quote holds the right fact.
So an answer that leads with a number or date is correct only when that value equals one of
the expected facts' numbers or dates, compared by rag's normalisation (value and unit,
date parts), never as a substring ("80" is not "1980"). A number or date question whose
answer leads with no number or date at all ("Kane." for "in which minute") leads wrong too.

The same holds for names: "Ellie Blackburn." above a quote that names Richelle Cranston as
the player asked about is a wrong answer. An entity question's lead is right only when it
is, or holds as whole words, one of the expected names, or is a short form that ends one
("Kane" of "Harry Kane", "Bankman-Fried" of "Sam Bankman-Fried"). An answer with no lead
(the quote answers alone) is judged by its text as before.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from eval.facts import _POSSESSIVE, Fact
from rag import Answer
from rag.normalize import (
    DateMention,
    Quantity,
    extract_dates,
    extract_literals,
    extract_quantities,
    fold,
)

__all__ = ["LeadCheck", "check_lead", "lead_name_matches", "lead_value", "lead_value_matches"]

# Question kinds whose answer is a figure or a date, and those whose answer is a name.
_VALUE_KINDS = ("number", "date")
_NAME_KINDS = ("entity",)


def lead_value(answer: Answer) -> str | None:
    """The value the answer leads with (recorded on its first citation), if any."""
    for citation in answer.citations:
        if citation.value:
            return citation.value
    return None


def _figures(text: str) -> tuple[list[Quantity], list[DateMention]]:
    return extract_quantities(text), extract_dates(text)


def _same_quantity(a: Quantity, b: Quantity) -> bool:
    return a.value == b.value and (a.unit is None or b.unit is None or a.unit == b.unit)


def _same_date(a: DateMention, b: DateMention) -> bool:
    """The parts both give are equal: a lead "2024" does not contradict "7 December 2024"."""
    pairs = ((a.year, b.year), (a.month, b.month), (a.day, b.day))
    return any(x is not None and y is not None for x, y in pairs) and all(
        x is None or y is None or x == y for x, y in pairs
    )


def _year_count(d: DateMention, q: Quantity) -> bool:
    """A year written alone is also a bare count ("2000" fighters)."""
    return d.month is None and d.day is None and q.unit is None and q.value == d.year


def lead_value_matches(lead: str, expect: Sequence[Fact]) -> bool | None:
    """Does the lead value state one of the expected numbers or dates?

    None when it does not apply: the lead holds no number or date (a name), or the
    expected facts hold none to compare with.
    """
    quantities, dates = _figures(lead)
    if not quantities and not dates:
        return None
    wanted_q: list[Quantity] = []
    wanted_d: list[DateMention] = []
    for fact in expect:
        for alternative in fact.alternatives:
            q, d = _figures(alternative)
            wanted_q += q
            wanted_d += d
    if not wanted_q and not wanted_d:
        return None
    return (
        any(_same_quantity(a, b) for a in quantities for b in wanted_q)
        or any(_same_date(a, b) for a in dates for b in wanted_d)
        or any(_year_count(a, b) for a in dates for b in wanted_q)
        or any(_year_count(b, a) for a in quantities for b in wanted_d)
    )


def _literals(text: str) -> set[str]:
    """Ordinals, decades, clock times ("57th", "1990s"), folded, a unit word cut off."""
    return {fold(x).split("-")[0] for x in extract_literals(text)}


def _has_figure(text: str) -> bool:
    return any(_figures(text)) or bool(extract_literals(text))


def _name_tokens(text: str) -> tuple[str, ...]:
    return tuple(fold(w) for w in re.findall(r"\w+", _POSSESSIVE.sub(r"\1", text)))


def _ends(full: tuple[str, ...], short: tuple[str, ...]) -> bool:
    """ "Kane" ends "Harry Kane": a short form keeps the head of the name it stands for."""
    return bool(short) and len(short) <= len(full) and full[len(full) - len(short) :] == short


def lead_name_matches(lead: str, expect: Sequence[Fact]) -> bool | None:
    """Is the lead one of the expected names (or does it hold one, or is it a short form of
    one)? None when there is nothing to compare (no expected facts)."""
    if not expect:
        return None
    if any(fact.found_in(lead) for fact in expect):
        return True  # "CEO Jeffrey Hirsch" holds "Jeffrey Hirsch"
    short = _name_tokens(lead)
    return any(_ends(_name_tokens(a), short) for fact in expect for a in fact.alternatives)


@dataclass(frozen=True)
class LeadCheck:
    """How an answer's lead was judged: ``kind`` "value" (a number or date question's lead)
    or "name" (an entity question's lead), and whether it is wrong."""

    kind: str
    wrong: bool


def check_lead(question_kind: str, lead: str | None, expect: Sequence[Fact]) -> LeadCheck | None:
    """Judge the lead an answer gives for a question of ``question_kind`` (None: no lead, or
    nothing to compare it with)."""
    if not lead:
        return None
    matches = lead_value_matches(lead, expect)
    if matches is not None:
        return LeadCheck("value", not matches)
    wanted = [a for fact in expect for a in fact.alternatives]
    if question_kind in _VALUE_KINDS and any(_has_figure(a) for a in wanted):
        if not _has_figure(lead):
            return LeadCheck("value", True)  # a name or a word where a figure was asked
        ours, theirs = _literals(lead), set().union(*map(_literals, wanted))
        if ours and theirs:
            return LeadCheck("value", not ours & theirs)  # "58th" for "57th"
    if question_kind in _NAME_KINDS:
        named = lead_name_matches(lead, expect)
        return None if named is None else LeadCheck("name", not named)
    return None
