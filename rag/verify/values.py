"""Values: every quantity, date, name and number-bearing token of a sentence must occur in
the quotes it cites, compared after normalisation (see ``rag.normalize``).

The one exception is arithmetic the sentence shows: in "136 + 80 = 216" the operands must be
quoted and the result must be right, but the result itself need not be quoted. A number
that is a result without its expression must be quoted like any other. Whether a value that
occurs is bound to the same thing is the business of ``rag.verify.binding``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, DivisionByZero, InvalidOperation

from rag.markers import strip_markers
from rag.normalize import (
    DateMention,
    Quantity,
    date_in,
    extract_dates,
    extract_literals,
    extract_quantities,
    literal_in_texts,
    quantity_in,
    resolution,
)

__all__ = [
    "Arithmetic",
    "ValueGaps",
    "check_quote",
    "quote_list",
    "shown_arithmetic",
    "strip_citation_markers",
    "value_gaps",
]


# Between two operands: an operator alone. "x" only with spaces round it, since a glued
# "3x4" is a token of its own; the en dash counts as minus only because "=" must follow.
_OPERATOR_RE = re.compile(r"\s*(?P<op>[+\-−–×*/÷])\s*|\s+(?P<x>x)\s+")
_EQUALS_RE = re.compile(r"\s*=\s*")
_MULTIPLY = frozenset("×x*")
_DIVIDE = frozenset("/÷")
_MINUS = frozenset("-−–")


@dataclass(frozen=True)
class Arithmetic:
    """One expression "A op B [op C ...] = R" shown in a text, and whether R is right."""

    # as written: "136 + 80 = 216"
    text: str
    # as extracted; a DateMention only for a standalone year ("2024 - 2011 = 13")
    operands: tuple[Quantity | DateMention, ...]
    # as written, one between each two operands: ("+",)
    operators: tuple[str, ...]
    result: Quantity | DateMention
    # the value of the left side; None when it cannot be computed (division by zero)
    computed: Decimal | None
    # the written result is the computed value rounded (half up) to the digits shown
    right: bool


def strip_citation_markers(sentence: str) -> str:
    """Drop citation markers ("[1]", "[1, 2]", "[1-3]", "[1][2]") so their numbers are not
    read as facts: the one marker grammar of ``rag.markers``."""
    return strip_markers(sentence)


def check_quote(document_text: str, quote: str, start: int, end: int) -> bool:
    """The quote is exactly ``document_text[start:end]``. An empty quote backs nothing,
    and out-of-range offsets never pass (Python slicing would quietly clamp them)."""
    return (
        bool(quote)
        and 0 <= start <= end <= len(document_text)
        and document_text[start:end] == quote
    )


def _value(figure: Quantity | DateMention) -> Decimal:
    if isinstance(figure, Quantity):
        return figure.value
    assert figure.year is not None  # only standalone years are operands (see _operands)
    return Decimal(figure.year)


def _operands(text: str) -> list[Quantity | DateMention]:
    """The quantities and standalone years of ``text``, in order."""
    dates = [
        d for d in extract_dates(text) if d.year is not None and d.month is None and d.day is None
    ]
    ops: list[Quantity | DateMention] = [*extract_quantities(text), *dates]
    return sorted(ops, key=lambda o: o.start)


def _evaluate(values: Sequence[Decimal], operators: Sequence[str]) -> Decimal | None:
    """Usual precedence: × and / before + and -. None when it cannot be computed."""
    terms = [values[0]]
    signs: list[str] = []
    try:
        for op, value in zip(operators, values[1:], strict=True):
            if op in _MULTIPLY:
                terms[-1] *= value
            elif op in _DIVIDE:
                terms[-1] /= value
            else:
                signs.append(op)
                terms.append(value)
    except (DivisionByZero, InvalidOperation):
        return None
    total = terms[0]
    for sign, term in zip(signs, terms[1:], strict=True):
        total = total - term if sign in _MINUS else total + term
    return total


def _arithmetic(
    text: str,
    operands: Sequence[Quantity | DateMention],
    operators: Sequence[str],
    result: Quantity | DateMention,
) -> Arithmetic:
    computed = _evaluate([_value(o) for o in operands], operators)
    right = False
    if computed is not None:
        # A written result is right when it is the computed value rounded (half up) to the
        # digits shown: "62 / 8 = 7.8" and "= 7.75" pass, "= 7.7" and "136 + 80 = 226" do
        # not.
        step = resolution(result) if isinstance(result, Quantity) else Decimal(1)
        rounded = (computed / step).quantize(Decimal(1), rounding=ROUND_HALF_UP) * step
        right = rounded == _value(result)
    return Arithmetic(
        text=text[operands[0].start : result.end],
        operands=tuple(operands),
        operators=tuple(operators),
        result=result,
        computed=computed,
        right=right,
    )


def shown_arithmetic(text: str) -> list[Arithmetic]:
    """Every expression "A op B [op C ...] = R" of adjacent figures in ``text``, right or
    wrong, in order. Operands and results are the quantities of ``text`` and its standalone
    years as ``extract_quantities`` / ``extract_dates`` give them for ``text``, so their
    spans index ``text``: pass text without citation markers."""
    ops = _operands(text)
    found: list[Arithmetic] = []
    i = 0
    while i < len(ops):
        j = i
        operators: list[str] = []
        while j + 1 < len(ops):
            m = _OPERATOR_RE.fullmatch(text[ops[j].end : ops[j + 1].start])
            if not m:
                break
            operators.append(m.group("op") or m.group("x"))
            j += 1
        if (
            operators
            and j + 1 < len(ops)
            and _EQUALS_RE.fullmatch(text[ops[j].end : ops[j + 1].start])
        ):
            found.append(_arithmetic(text, ops[i : j + 1], operators, ops[j + 1]))
            i = j + 2
        else:
            i += 1
    return found


def _show(value: Decimal) -> str:
    if value == value.to_integral_value():
        return str(value.quantize(Decimal(1)))
    return f"{value:.4f}".rstrip("0").rstrip(".")  # enough to see how far off it is


def quote_list(items: Sequence[str]) -> str:
    quoted = [f"'{item}'" for item in items]
    if len(quoted) == 1:
        return quoted[0]
    return ", ".join(quoted[:-1]) + " and " + quoted[-1]


@dataclass(frozen=True)
class ValueGaps:
    """What the quotes lack of a sentence's values, and its arithmetic."""

    # (position in the sentence, as written): quantities, dates and literals not quoted
    missing: tuple[tuple[int, str], ...]
    # "136 + 80 = 226 is wrong (it makes 216)"
    wrong: tuple[str, ...]
    expressions: tuple[Arithmetic, ...]


def value_gaps(text: str, quotes: Sequence[str]) -> ValueGaps:
    """Quantities, dates and number-bearing literals of ``text`` (without markers) that no
    quote contains, and the arithmetic ``text`` shows, checked."""
    quote_quantities = [q for quote in quotes for q in extract_quantities(quote)]
    quote_dates = [d for quote in quotes for d in extract_dates(quote)]
    expressions = shown_arithmetic(text)
    results = {(e.result.start, e.result.end) for e in expressions}
    wrong: list[str] = []
    for expr in expressions:
        if not expr.right:
            computed = expr.computed
            shown = "cannot be computed" if computed is None else f"it makes {_show(computed)}"
            wrong.append(f"{expr.text} is wrong ({shown})")
    missing: list[tuple[int, str]] = []
    for q in extract_quantities(text):
        if (q.start, q.end) not in results and not quantity_in(q, quote_quantities, quote_dates):
            missing.append((q.start, q.text))
    for d in extract_dates(text):
        if (d.start, d.end) not in results and not date_in(d, quote_dates, quote_quantities):
            missing.append((d.start, d.text))
    for literal in extract_literals(text):
        if not literal_in_texts(literal, quotes):
            missing.append((text.find(literal), literal))
    return ValueGaps(tuple(missing), tuple(wrong), tuple(expressions))
