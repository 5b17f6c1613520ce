"""Scoring answers against a facts file, one question at a time (overall figures and the
pass/fail gates: :mod:`eval.summary`).

Per question:

* correct — every expected fact is in the answer text (and, for a false premise, no rejected
  claim is; for an unanswerable question: the answer abstained), and a number or date the
  answer leads with is one of the expected ones, and so is the name an entity answer leads
  with (``eval.lead``: "lead value wrong", "lead name wrong");
* supported — every expected fact is in some cited quote, and every citation's quote holds at
  its offsets (``document_text(doc_id)[start:end] == quote``);
* fidelity — every number and date in the answer text (citation markers removed) is in the
  quotes the answer cites; the result of an arithmetic expression shown in the answer
  (``136 + 80 = 216``) is allowed when its operands are cited and the result is right, as
  the verifier finds and checks it (``rag.verify.shown_arithmetic``);
* refusal ok — unanswerable questions abstained, all others did not;
* recall@k and cited source — when the question names its ``source``.

An answer that failed with an error counts as wrong everywhere it could: an error is not an
abstention.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

from eval.facts import Fact, FactQuestion
from eval.lead import check_lead, lead_value
from rag import Answer, Citation
from rag.verify import check_quote, shown_arithmetic, strip_citation_markers

if TYPE_CHECKING:
    from rag.normalize import DateMention, Quantity

log = logging.getLogger(__name__)


def quote_holds(citation: Citation, document_text: Callable[[str], str]) -> bool:
    """The citation invariant: the document's text at the cited offsets is the quote."""
    try:
        text = document_text(citation.doc_id)
    except Exception as exc:  # an unknown document is a broken citation, not a crash
        log.warning("citation [%d]: cannot read document %s: %s", citation.n, citation.doc_id, exc)
        return False
    return check_quote(text, citation.quote, citation.start, citation.end)


def _figures(text: str, quotes: Sequence[str]) -> tuple[list[str], list[str]]:
    """(numbers and dates of ``text`` that no quote holds, results of correct arithmetic
    over held operands). ``text`` has no citation markers."""
    from rag.normalize import date_in, extract_dates, extract_quantities, quantity_in

    joined = "\n".join(quotes)
    quote_quantities = extract_quantities(joined)
    quote_dates = extract_dates(joined)
    quantities = extract_quantities(text)
    dates = extract_dates(text)
    held: dict[Quantity | DateMention, bool] = {
        q: quantity_in(q, quote_quantities, quote_dates) for q in quantities
    }
    held.update((d, date_in(d, quote_dates, quote_quantities)) for d in dates)
    derived: list[str] = []
    for expr in shown_arithmetic(text):
        if expr.right and all(held[o] for o in expr.operands):
            held[expr.result] = True
            derived.append(expr.result.text)
    missing = [q.text for q in quantities if not held[q]]
    missing += [d.text for d in dates if not held[d]]
    return missing, derived


def unsupported_figures(text: str, quotes: Sequence[str], question: str = "") -> list[str]:
    """Numbers and dates in ``text`` that none of ``quotes`` contains, as written.

    Numbers compare by value (and unit, when the answer gives one), dates by the parts the
    answer gives; the result of correct arithmetic over cited operands is allowed, and so is
    the question quoted back in quotation marks (see :func:`without_echoes`).
    """
    return _figures(without_echoes(strip_citation_markers(text), question), quotes)[0]


# Quoted spans: “…”, "…", «…».
_QUOTED = re.compile(r"“([^”]*)”|\"([^\"]*)\"|«([^»]*)»")


def without_echoes(text: str, question: str) -> str:
    """``text`` without the spans that quote the question back in quotation marks.

    "The sources do not say what the question assumes (“300”)" names the false figure in
    order to reject it: quoting the question is not asserting it, so such spans are not held
    against number fidelity or a false premise. Only a span that is a run of whole words of
    the question counts: a quote from a source stays. (An answer could abuse this by putting
    the false figure in quotation marks while asserting it; catching that is the verifier's
    job, and a reader sees the quotation marks.)
    """
    if not question:
        return text
    from rag.normalize import fold

    asked = " ".join(fold(question).split())

    def blank(match: re.Match[str]) -> str:
        inner = next(g for g in match.groups() if g is not None)
        words = " ".join(fold(inner).split())
        echoed = bool(words) and f" {words} " in f" {asked} "  # whole words: "30" != "300"
        return " " * len(match.group()) if echoed else match.group()

    return _QUOTED.sub(blank, text)


@dataclass
class QuestionResult:
    """How one answer scored. ``None`` means "does not apply to this question"."""

    id: str
    kind: str
    question: str
    answer: str
    abstained: bool
    error: str | None
    correct: bool
    facts_missing: list[str]
    rejected_present: list[str]
    supported: bool | None
    facts_uncited: list[str]
    quotes_hold: bool
    n_citations: int
    broken_citations: list[int]
    fidelity: bool
    unsupported_figures: list[str]
    refusal_ok: bool
    source: str | None = None
    recall_at_k: bool | None = None
    cited_source: bool | None = None
    retrieved_sources: list[str] = field(default_factory=list)
    cited_sources: list[str] = field(default_factory=list)
    latency: float | None = None
    # the number or date the answer leads with is not an expected one (None: no such lead)
    lead_value_wrong: bool | None = None
    lead_value: str | None = None
    # the name an entity answer leads with is not an expected one (None: no name lead)
    lead_name_wrong: bool | None = None

    def problems(self) -> list[str]:
        """Why this question did not fully pass, one short phrase each."""
        out: list[str] = []
        if self.error:
            out.append(f"error: {self.error}")
        elif not self.refusal_ok:
            out.append("abstained" if self.abstained else "answered, should abstain")
        if self.facts_missing:
            out.append("missing " + ", ".join(self.facts_missing))
        if self.lead_value_wrong:
            out.append(f"leads with a wrong value: {self.lead_value}")
        if self.lead_name_wrong:
            out.append(f"leads with a wrong name: {self.lead_value}")
        if self.rejected_present:
            out.append("repeats false " + ", ".join(self.rejected_present))
        if self.facts_uncited:
            out.append("not in cited quotes: " + ", ".join(self.facts_uncited))
        if self.broken_citations:
            out.append(
                "quote not at offsets: " + ", ".join(f"[{n}]" for n in self.broken_citations)
            )
        if self.unsupported_figures:
            out.append("figures not in quotes: " + ", ".join(self.unsupported_figures))
        if self.recall_at_k is False:
            out.append(f"source {self.source} not retrieved")
        if self.cited_source is False:
            out.append(f"source {self.source} not cited")
        return out

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["problems"] = self.problems()
        return data


# Citation markers ("[1]", "[1, 2]", "[1-3]") and line breaks end an answer's units.
_UNIT_END = re.compile(r"\[\d+(?:\s*[,;–-]\s*\d+)*\]|\n")


def answer_units(text: str) -> list[str]:
    """The answer cut into the stretches each citation marker closes (and at line breaks):
    the unit within which values bound together must stand."""
    return [unit for unit in _UNIT_END.split(text) if unit.strip()]


def _held(group: Sequence[Fact], texts: Sequence[str]) -> bool:
    """One of ``texts`` holds every fact of the group."""
    return any(all(f.found_in(t) for f in group) for t in texts)


def _group_label(group: Sequence[Fact]) -> str:
    return "(" + " + ".join(f.label for f in group) + " together)"


def evaluate_answer(
    question: FactQuestion,
    answer: Answer,
    document_text: Callable[[str], str],
    retrieved_sources: Sequence[str] | None = None,
) -> QuestionResult:
    """Score one answer. ``retrieved_sources``: sources of the top-k retrieved passages."""
    failed = answer.error is not None
    text = without_echoes(strip_citation_markers(answer.text), question.question)
    quotes = [c.quote for c in answer.citations]
    figures, derived = _figures(text, quotes)

    def missing(facts: Sequence[Fact], where: str) -> list[str]:
        return [f.label for f in facts if not f.found_in(where)]

    rejected = [f.label for f in question.rejected() if f.found_in(text)]
    if question.answerable:
        # A group bound together (a figure and what it counts) must share one answer sentence.
        units = answer_units(answer.text)
        facts_missing = missing(question.expect, text) + [
            _group_label(group) for group in question.together if not _held(group, units)
        ]
        # The value or name an answer leads with is the answer a reader takes away: the
        # right fact further down in the quote does not make a wrong lead right.
        lead = lead_value(answer) if not answer.abstained else None
        judged = check_lead(question.kind, lead, question.expect)
        lead_wrong = judged.wrong if judged is not None and judged.kind == "value" else None
        name_wrong = judged.wrong if judged is not None and judged.kind == "name" else None
        correct = (
            not failed
            and not answer.abstained
            and not facts_missing
            and not rejected
            and not lead_wrong
            and not name_wrong
        )
        # A fact counts as cited when one quote holds it whole (a list may spread over several
        # quotes, one fact may not), or when it is the checked result of arithmetic the
        # answer shows over cited operands ("136 + 80 = 216").
        backing = [*quotes, *derived]
        uncited = [f.label for f in question.expect if not any(f.found_in(q) for q in backing)]
        uncited += [_group_label(g) for g in question.together if not _held(g, quotes)]
    else:
        facts_missing, uncited = [], []
        lead, lead_wrong, name_wrong = None, None, None
        correct = not failed and answer.abstained
    broken = [c.n for c in answer.citations if not quote_holds(c, document_text)]
    supported = (not uncited and not broken and not failed) if question.answerable else None
    refusal_ok = not failed and answer.abstained == (not question.answerable)

    recall = cited_source = None
    cited_sources = list(dict.fromkeys(c.source for c in answer.citations))
    if question.source:
        if retrieved_sources is not None:
            recall = any(question.source in s for s in retrieved_sources)
        if question.answerable:
            cited_source = any(question.source in s for s in cited_sources)

    return QuestionResult(
        id=question.id,
        kind=question.kind,
        question=question.question,
        answer=answer.text,
        abstained=answer.abstained,
        error=answer.error,
        correct=correct,
        facts_missing=facts_missing,
        rejected_present=rejected,
        supported=supported,
        facts_uncited=uncited,
        quotes_hold=not broken,
        n_citations=len(answer.citations),
        broken_citations=broken,
        fidelity=not figures,
        unsupported_figures=figures,
        refusal_ok=refusal_ok,
        source=question.source,
        recall_at_k=recall,
        cited_source=cited_source,
        retrieved_sources=list(dict.fromkeys(retrieved_sources or ())),
        cited_sources=cited_sources,
        latency=answer.timings.get("total"),
        lead_value_wrong=lead_wrong,
        lead_value=lead,
        lead_name_wrong=name_wrong,
    )
