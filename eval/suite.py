"""``rag eval`` with no facts file: the sample gate and the development set, each over its own
index, and the development claims through ``RAG.check``.

- **sample**: ``eval/data/sample_facts.yaml`` over ``samples/``; the gate nobody tunes on
  (``--min-score``, 0.9, and 1.0 for quotes and figures).
- **dev**: ``eval/data/dev/*_facts.yaml`` over one index of ``bench/multihop/docs`` and
  ``eval/data/dev/docs``; the set the pipeline is tuned on. Its gate is a regression gate:
  the figures it met when last raised (``eval/data/dev/thresholds.yaml``), not the targets.
- **claims**: ``eval/data/dev/multihop_claims.yaml`` through ``RAG.check``, over the dev
  index: accuracy, a confusion table and the false claims judged supported.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from eval.claims import ClaimReport, load_claims, run_claims
from eval.devset import DEV_CLAIMS, DEV_DOCS_FACTS, DEV_FACTS, DEV_THRESHOLDS, dev_documents
from eval.facts import FactsError, load_facts
from eval.run import DEFAULT_FACTS, InputError, eval_store, run_eval, samples_folder
from eval.summary import EvalReport, Gate, Thresholds

log = logging.getLogger(__name__)

SETS = ("sample", "dev")


@dataclass
class DevGate:
    """The development set's regression gate, read from thresholds.yaml."""

    facts: dict[str, Thresholds]  # per facts file stem ("multihop_facts", "docs_facts")
    false_claims_supported_max: int | None = None
    claims_accuracy_min: float | None = None


def load_dev_gate(path: Path = DEV_THRESHOLDS) -> DevGate:
    """Read the dev regression gate: ``{stem: {metric: minimum}}`` and ``claims``."""
    import yaml

    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise FactsError(f"{path}: cannot read the thresholds: {exc}") from exc
    if not isinstance(data, dict):
        raise FactsError(f"{path}: expected a mapping of facts file -> metric -> minimum")
    claims = data.pop("claims", None) or {}
    facts: dict[str, Thresholds] = {}
    for stem, minimums in data.items():
        if not isinstance(minimums, dict) or not all(
            isinstance(v, int | float) for v in minimums.values()
        ):
            raise FactsError(f"{path}: '{stem}' must map metric names to numbers")
        pairs = tuple((str(name), float(value)) for name, value in minimums.items())
        facts[str(stem)] = Thresholds(minimums=pairs)
    most = claims.get("false_claims_supported_max")
    least = claims.get("accuracy_min")
    return DevGate(
        facts,
        int(most) if most is not None else None,
        float(least) if least is not None else None,
    )


@dataclass
class SuiteReport:
    """Every set's report, the claims report, and the gates that decide the exit status."""

    sets: dict[str, EvalReport] = field(default_factory=dict)
    claims: ClaimReport | None = None
    claim_gates: list[Gate] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return all(r.passed for r in self.sets.values()) and all(g.passed for g in self.claim_gates)

    def to_dict(self) -> dict[str, Any]:
        return {
            "passed": self.passed,
            "sets": {name: r.to_dict() for name, r in self.sets.items()},
            "claims": self.claims.to_dict() if self.claims else None,
            "claim_gates": [g.to_dict() for g in self.claim_gates],
        }


def claim_gates(report: ClaimReport, gate: DevGate) -> list[Gate]:
    """Gates on the claims, only when the check exists (an absent check is reported, not
    passed off as a score). "False claims supported" is gated as its complement so that
    every gate reads "value >= threshold"."""
    figures = report.figures()
    if not report.available or not figures["claims"]:
        return []
    gates = []
    if gate.false_claims_supported_max is not None:
        bad = int(figures["false_claims_supported"] or 0)
        gates.append(
            Gate("false_claims_not_supported", -bad, -float(gate.false_claims_supported_max))
        )
    if gate.claims_accuracy_min is not None:
        accuracy = float(figures["accuracy"] or 0)
        gates.append(Gate("claims_accuracy", accuracy, gate.claims_accuracy_min))
    return gates


def run_suite(
    sets: Sequence[str],
    *,
    store: str | None = None,
    dev_store: str | None = None,
    backend: str | None = None,
    k: int | None = None,
    min_score: float = 0.9,
    limit: int | None = None,
    claims: bool = True,
) -> SuiteReport:
    """Run the named sets; each gets a temporary index unless a store folder is given."""
    suite = SuiteReport()
    if "sample" in sets:
        questions = load_facts(DEFAULT_FACTS)[:limit]
        ingest = [] if store else [samples_folder()]
        with eval_store(store, ingest) as rag:
            suite.sets["sample"] = run_eval(
                rag,
                questions,
                backend=backend,
                k=k,
                thresholds=Thresholds(min_score=min_score),
                meta={"facts": str(DEFAULT_FACTS), "set": "sample (gate, never tuned on)"},
            )
    if "dev" in sets:
        gate = load_dev_gate(DEV_THRESHOLDS)
        folders = dev_documents()
        if not folders:
            raise InputError("the development set's documents are missing from this checkout")
        # A given dev store is brought up to date (unchanged files are skipped).
        with eval_store(dev_store, folders) as rag:
            for facts in (DEV_FACTS, DEV_DOCS_FACTS):
                name = f"dev/{facts.stem.removesuffix('_facts')}"
                suite.sets[name] = run_eval(
                    rag,
                    load_facts(facts)[:limit],
                    backend=backend,
                    k=k,
                    thresholds=gate.facts.get(facts.stem, Thresholds()),
                    meta={"facts": str(facts), "set": "development (tuned on)"},
                )
            if claims:
                suite.claims = run_claims(rag, load_claims(DEV_CLAIMS)[:limit], rag.document_text)
                suite.claim_gates = claim_gates(suite.claims, gate)
    return suite
