"""Which value of a sentence answers the question: the one bound to what it asks.

A sentence often holds several numbers or dates ("City lead the table on 28 points with
Liverpool second on 27"; "$394 million in operating income and $219 million worth of net
income"). The answer is the value whose binding (``rag.verify.binding``: the thing it counts,
whose it is, who got or gave it, the event a date governs) meets what the question asks:
the counted noun or asked attribute first, then the question's other words (its names and
qualifiers). A value bound to something the question does not ask about ("in 50 years" for
"how many people") is no answer. When nothing tells the candidates apart, or none is bound
to what is asked, there is no lead value: the quote alone answers, and the reader picks.
"""

from __future__ import annotations

from collections.abc import Sequence

from rag.normalize import DateMention, extract_dates
from rag.question import Question
from rag.terms import lexicon
from rag.verify.binding import Frame, dates_agree, frames

__all__ = ["bound_value", "bound_with_signal"]

Span = tuple[str, int, int]


def _frame_words(frame: Frame) -> frozenset[str]:
    """Everything the value is bound to besides its thing: owner, roles, a date's event."""
    out: set[str] = set(frame.owner) | set(frame.event)
    for phrase in (*frame.recipients, *frame.sources):
        out |= phrase
    return frozenset(out)


def _owned(text: str, ordered: Sequence[Span], i: int, q: Question) -> frozenset[str]:
    """The words a value governs by position: from it to the next value (a phrase after a
    value says what it is: "163 yards ... against Carolina"), and for the first value the
    words before it too, which every value shares."""
    lex = lexicon(q.language)
    after = ordered[i + 1][1] if i + 1 < len(ordered) else len(text)
    _, start, end = ordered[i]
    return lex.terms((text[:start] if i == 0 else "") + " " + text[end:after])


def _dates_bound(text: str, ordered: Sequence[Span], language: str) -> dict[int, list[DateMention]]:
    """The dates each value is said at: a date goes to the value right before it ("$76
    million ... in 2021, compared to $7 million in 2019"), or after it when none is."""
    out: dict[int, list[DateMention]] = {}
    for d in extract_dates(text):
        before = [i for i, s in enumerate(ordered) if s[2] <= d.start]
        after = [i for i, s in enumerate(ordered) if s[1] >= d.end]
        owner = before[-1] if before else (after[0] if after else None)
        if owner is not None:
            out.setdefault(owner, []).append(d)
    return out


def _time(q: Question, dates: list[DateMention]) -> int:
    """1: the value is said at a date the question asks about; -1: at another; 0: no date."""
    if not q.asked_dates or not dates:
        return 0
    asked = [DateMention(y, m, d, "", 0, 0) for y, m, d in q.asked_dates]
    return 1 if any(dates_agree(a, d) for a in asked for d in dates) else -1


Signal = tuple[int, int, int]


def bound_value(q: Question, text: str, spans: Sequence[Span]) -> Span | None:
    """The span of ``spans`` (values in ``text``) bound to what ``q`` asks, or None when
    no value is, or several are equally (a guess is worse than the quote alone)."""
    found = bound_with_signal(q, text, spans)
    return found[0] if found is not None else None


def bound_with_signal(q: Question, text: str, spans: Sequence[Span]) -> tuple[Span, Signal] | None:
    """:func:`bound_value` with how strongly the value is bound: (words of the asked thing
    it counts, 1/0/-1 said at the asked date or not, question words it governs)."""
    asked = q.target | q.attribute  # what the value measures
    by_start = {f.value.start: f for f in frames(text, q.language)}
    ordered = sorted(spans, key=lambda s: s[1])
    when = _dates_bound(text, ordered, q.language) if q.kind != "date" else {}
    roles = [_frame_words(by_start[s[1]]) if s[1] in by_start else frozenset() for s in ordered]
    ranked = []
    other = False  # a value was found counting something else
    for i, span in enumerate(ordered):
        frame = by_start.get(span[1])
        thing = frame.thing if frame is not None else frozenset()
        if asked and thing and not thing & q.terms:
            other = True  # it counts something the question does not ask about
            continue
        # bound by syntax (its roles, its owner's name) and by position (the words it
        # governs, less those the next value's syntax claims: "with Liverpool second on 27")
        claimed = roles[i + 1] if i + 1 < len(ordered) else frozenset()
        near = len(roles[i] & q.qualifiers) + len(
            (_owned(text, ordered, i, q) - claimed) & q.qualifiers
        )
        signal = (len(thing & (asked or q.terms)), _time(q, when.get(i, [])), near)
        ranked.append((signal, -span[1], span))
    if not ranked:
        return None
    ranked.sort(reverse=True)
    if other and not ranked[0][0][0]:
        # the sentence counts other things, and what is left is not bound to the asked one
        # either ("seven victories ... went 9-22"): the counted noun is worded otherwise
        return None
    if len(ranked) > 1 and ranked[0][0] == ranked[1][0]:
        return None  # nothing tells the two apart: no lead to guess
    return ranked[0][2], ranked[0][0]
