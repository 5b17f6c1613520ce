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

from rag.question import Question
from rag.terms import lexicon
from rag.verify.binding import Frame, frames

__all__ = ["bound_value"]

Span = tuple[str, int, int]


def _frame_words(frame: Frame) -> frozenset[str]:
    """Everything the value is bound to besides its thing: owner, roles, a date's event."""
    out: set[str] = set(frame.owner) | set(frame.event)
    for phrase in (*frame.recipients, *frame.sources):
        out |= phrase
    return frozenset(out)


def _owned(q: Question, text: str, ordered: Sequence[Span], i: int) -> frozenset[str]:
    """The words between the values before and after this one (the older, looser reading;
    still the tie-breaker when the binding reads no role)."""
    lex = lexicon(q.language)
    before = ordered[i - 1][2] if i > 0 else 0
    after = ordered[i + 1][1] if i + 1 < len(ordered) else len(text)
    _, start, end = ordered[i]
    return lex.terms(text[before:start] + " " + text[end:after])


def bound_value(q: Question, text: str, spans: Sequence[Span]) -> Span | None:
    """The span of ``spans`` (values in ``text``) bound to what ``q`` asks, or None when
    no value is, or several are equally (a guess is worse than the quote alone)."""
    asked = q.target | q.attribute  # what the value measures
    by_start = {f.value.start: f for f in frames(text, q.language)}
    ordered = sorted(spans, key=lambda s: s[1])
    ranked = []
    other = False  # a value was found counting something else
    for i, span in enumerate(ordered):
        frame = by_start.get(span[1])
        thing = frame.thing if frame is not None else frozenset()
        if asked and thing and not thing & q.terms:
            other = True  # it counts something the question does not ask about
            continue
        roles = _frame_words(frame) if frame is not None else frozenset()
        # bound by syntax (a role) and by position (the words it owns): a word met both
        # ways weighs twice ("with Liverpool second on 27": 27 is Liverpool's)
        near = len(roles & q.qualifiers) + len(_owned(q, text, ordered, i) & q.qualifiers)
        signal = (len(thing & (asked or q.terms)), near)
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
    return ranked[0][2]
