"""Overall figures of an evaluation and the pass/fail gates that decide ``rag eval``'s exit
status, from the per-question results of :mod:`eval.metrics`.

Rates are over the questions each metric applies to; ``quotes_hold`` is per citation.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from eval.metrics import QuestionResult


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
        # Of the answers leading with a value (number/date questions) or a name (entity
        # questions): the share whose lead is an expected one. Gated on the dev set.
        "lead_values_right": _rate(
            [None if r.lead_value_wrong is None else not r.lead_value_wrong for r in results]
        ),
        "lead_names_right": _rate(
            [None if r.lead_name_wrong is None else not r.lead_name_wrong for r in results]
        ),
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
    # entity answers whose lead name is not an expected one (counted wrong above)
    counts["leading_with_name"] = sum(r.lead_name_wrong is not None for r in results)
    counts["lead_name_wrong"] = sum(bool(r.lead_name_wrong) for r in results)
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
