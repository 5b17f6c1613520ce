"""Scoring answers against a facts file: per question, then overall with pass/fail gates.

Per question:

* correct — every expected fact is in the answer text (and, for a false premise, no rejected
  claim is; for an unanswerable question: the answer abstained), and a number or date the
  answer leads with is one of the expected ones (``eval.lead``: "lead value wrong");
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
from eval.lead import lead_value, lead_value_matches
from rag import Answer, Citation
from rag.verify import check_quote, shown_arithmetic, strip_citation_markers

if TYPE_CHECKING:
    from rag.normalize import DateMention, Quantity

log = logging.getLogger(__name__)

# The answer text without citation markers (a marker's digits are not figures); the name
# eval.bench uses.


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
        # The value an answer leads with is the answer a reader takes away: the right fact
        # further down in the quote does not make a wrong lead right.
        lead = lead_value(answer) if not answer.abstained else None
        matches = lead_value_matches(lead, question.expect) if lead else None
        lead_wrong = None if matches is None else not matches
        correct = (
            not failed
            and not answer.abstained
            and not facts_missing
            and not rejected
            and not lead_wrong
        )
        # A fact counts as cited when one quote holds it whole (a list may spread over several
        # quotes, one fact may not), or when it is the checked result of arithmetic the
        # answer shows over cited operands ("136 + 80 = 216").
        backing = [*quotes, *derived]
        uncited = [f.label for f in question.expect if not any(f.found_in(q) for q in backing)]
        uncited += [_group_label(g) for g in question.together if not _held(g, quotes)]
    else:
        facts_missing, uncited = [], []
        lead, lead_wrong = None, None
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
    )


@dataclass(frozen=True)
class Thresholds:
    """The pass/fail rules of ``rag eval``.

    ``min_score`` applies to answer correctness, citation support and refusal accuracy; the
    two checks that guard against a citation saying something other than the answer are hard
    gates at 1.0: quotes at their offsets, and numbers/dates present in the cited quotes.
    """

    min_score: float = 0.9
    quotes_hold: float = 1.0
    number_fidelity: float = 1.0
    # When given, these gates replace the ones above: metric name -> least value to pass
    # (the development set's regression gate, eval/data/dev/thresholds.yaml).
    minimums: tuple[tuple[str, float], ...] = ()


@dataclass(frozen=True)
class Gate:
    name: str
    value: float
    threshold: float

    @property
    def passed(self) -> bool:
        return self.value >= self.threshold - 1e-9

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "passed": self.passed}


def _rate(values: Sequence[bool | None]) -> float | None:
    """Share of True among the values that apply (None = does not apply)."""
    applicable = [v for v in values if v is not None]
    return sum(applicable) / len(applicable) if applicable else None


@dataclass
class EvalReport:
    """Per-question results, overall figures and the gates that decide the exit status."""

    results: list[QuestionResult]
    overall: dict[str, float | None]
    counts: dict[str, int]
    gates: list[Gate]
    k: int
    meta: dict[str, Any] = field(default_factory=dict)
    by_kind: dict[str, float | None] = field(default_factory=dict)  # correctness per kind

    @property
    def passed(self) -> bool:
        return all(g.passed for g in self.gates)

    def failed_gates(self) -> list[Gate]:
        return [g for g in self.gates if not g.passed]

    def to_dict(self) -> dict[str, Any]:
        return {
            "passed": self.passed,
            "k": self.k,
            "overall": dict(self.overall),
            "counts": dict(self.counts),
            "gates": [g.to_dict() for g in self.gates],
            "correct_by_kind": dict(self.by_kind),
            "meta": dict(self.meta),
            "questions": [r.to_dict() for r in self.results],
        }


def summarize(
    results: Sequence[QuestionResult],
    k: int,
    thresholds: Thresholds | None = None,
    meta: dict[str, Any] | None = None,
) -> EvalReport:
    """Overall figures and gates. Rates are over the questions each metric applies to."""
    thresholds = thresholds or Thresholds()
    total_citations = sum(r.n_citations for r in results)
    broken = sum(len(r.broken_citations) for r in results)
    overall: dict[str, float | None] = {
        "answer_correctness": _rate([r.correct for r in results]),
        "citation_support": _rate([r.supported for r in results]),
        # Per citation, not per answer: one broken quote in a long answer must show.
        "quotes_hold": (total_citations - broken) / total_citations if total_citations else 1.0,
        "number_fidelity": _rate([r.fidelity for r in results]),
        "refusal_accuracy": _rate([r.refusal_ok for r in results]),
        # The two halves of refusal accuracy: declining what the sources do not answer, and
        # not declining what they do.
        "unanswerable_declined": _rate([r.abstained for r in results if not _answerable(r)]),
        "false_refusals": _rate(
            [r.abstained and r.error is None for r in results if _answerable(r)]
        ),
        f"recall_at_{k}": _rate([r.recall_at_k for r in results]),
        "cited_right_source": _rate([r.cited_source for r in results]),
    }
    latencies = sorted(r.latency for r in results if r.latency is not None)
    if latencies:
        overall["latency_p50"] = percentile(latencies, 50)
        overall["latency_p95"] = percentile(latencies, 95)
    counts: dict[str, int] = {"questions": len(results), "citations": total_citations}
    counts["errors"] = sum(r.error is not None for r in results)
    # answers whose lead number/date is not the expected one (counted wrong above)
    counts["leading_with_value"] = sum(r.lead_value_wrong is not None for r in results)
    counts["lead_value_wrong"] = sum(bool(r.lead_value_wrong) for r in results)
    for r in results:
        counts[r.kind] = counts.get(r.kind, 0) + 1

    def gate(name: str, threshold: float) -> Gate:
        value = overall.get(name)
        # A metric with nothing to measure (no answerable question) cannot fail.
        return Gate(name, 1.0 if value is None else value, threshold)

    gates = [gate(name, minimum) for name, minimum in thresholds.minimums] or [
        gate("answer_correctness", thresholds.min_score),
        gate("citation_support", thresholds.min_score),
        gate("refusal_accuracy", thresholds.min_score),
        gate("quotes_hold", thresholds.quotes_hold),
        gate("number_fidelity", thresholds.number_fidelity),
    ]
    kinds = dict.fromkeys(r.kind for r in results)
    by_kind = {kind: _rate([r.correct for r in results if r.kind == kind]) for kind in kinds}
    return EvalReport(list(results), overall, counts, gates, k, dict(meta or {}), by_kind)


def _answerable(result: QuestionResult) -> bool:
    return result.kind != "unanswerable"


def percentile(sorted_values: Sequence[float], pct: float) -> float:
    """Nearest-rank percentile of already sorted values (no interpolation: few samples)."""
    if not sorted_values:
        raise ValueError("no values")
    rank = max(1, -(-len(sorted_values) * pct // 100))  # ceil without floats drifting
    return sorted_values[int(rank) - 1]
