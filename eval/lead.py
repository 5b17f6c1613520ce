"""The answer's lead value against the expected facts.

A citation-first answer begins with its value ("27." then the quote that holds it). When that
value is a number or a date, it is the answer a reader takes away: "28." above a quote that
says "Liverpool second on 27" is a wrong answer even though the quote holds the right fact.
So an answer that leads with a number or date is correct only when that value equals one of
the expected facts' numbers or dates, compared by rag's normalisation (value and unit,
date parts), never as a substring ("80" is not "1980").
"""

from __future__ import annotations

from collections.abc import Sequence

from eval.facts import Fact
from rag import Answer
from rag.normalize import DateMention, Quantity, extract_dates, extract_quantities

__all__ = ["lead_value", "lead_value_matches"]


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
