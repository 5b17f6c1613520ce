"""MultiHop-RAG sample benchmark: retrieval, answers and refusals per question type.

Not a gate: the figures describe the pipeline on news it was not tuned on. The folder holds
``docs/`` (one file per article) and ``queries.jsonl`` (id, question, answer, type, evidence
[{doc, fact}]); see bench/multihop/README.md.

Per query type (inference, comparison, temporal, null):

* hit@k — any gold evidence document among the sources of the top-k retrieved passages;
* MRR — reciprocal rank of the first passage from a gold document (0 when none in the top k);
* answer accuracy — the gold short answer in the answer text. Yes/no answers count only when
  the answer *starts* with yes/no (a "yes" somewhere in a quoted sentence says nothing);
  the extractive back-end quotes sentences, so it cannot say yes or no and scores 0 there:
  reported apart, not hidden;
* refusals — null queries ("Insufficient information.") should abstain; abstentions on the
  other types are false refusals;
* warm ask latency p50/p95 (the first ask, which loads models, is not counted).
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from eval.run import InputError
from eval.summary import percentile
from rag import RAG, Answer, progress
from rag.verify import strip_citation_markers

log = logging.getLogger(__name__)

TYPES = ("inference", "comparison", "temporal", "null")
_YES_NO = {"yes", "no"}


@dataclass(frozen=True)
class BenchQuery:
    id: str
    question: str
    answer: str
    type: str  # inference, comparison, temporal, null
    evidence_docs: tuple[str, ...]

    @property
    def answer_kind(self) -> str:
        if self.type == "null":
            return "none"
        return "yes/no" if self.answer.strip().rstrip(".").lower() in _YES_NO else "short"


def load_queries(folder: Path) -> list[BenchQuery]:
    """``folder/queries.jsonl``, checked: every query has its fields and a known type."""
    path = folder / "queries.jsonl"
    if not (folder / "docs").is_dir() or not path.is_file():
        raise InputError(f"{folder}: expected docs/ and queries.jsonl (a MultiHop-RAG sample)")
    queries: list[BenchQuery] = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            raw = json.loads(line)
            kind = str(raw["type"]).removesuffix("_query")
            query = BenchQuery(
                id=str(raw["id"]),
                question=str(raw["question"]),
                answer=str(raw["answer"]),
                type=kind,
                evidence_docs=tuple(dict.fromkeys(str(e["doc"]) for e in raw["evidence"])),
            )
        except (json.JSONDecodeError, KeyError, TypeError) as exc:
            raise InputError(f"{path}:{number}: not a MultiHop-RAG query: {exc!r}") from exc
        if kind not in TYPES:
            raise InputError(f"{path}:{number}: unknown query type {raw['type']!r}")
        queries.append(query)
    if not queries:
        raise InputError(f"{path}: no queries")
    return queries


def select(queries: Sequence[BenchQuery], limit: int | None) -> list[BenchQuery]:
    """The first ``limit`` queries taken round-robin over the types, so that even a small
    subset reports every type; all queries (file order) without a limit."""
    if limit is None or limit >= len(queries):
        return list(queries)
    by_type = {t: [q for q in queries if q.type == t] for t in TYPES}
    picked: list[BenchQuery] = []
    round_ = 0
    while len(picked) < limit:
        for t in TYPES:
            if round_ < len(by_type[t]) and len(picked) < limit:
                picked.append(by_type[t][round_])
        round_ += 1
    return picked


@dataclass
class BenchResult:
    id: str
    type: str
    answer_kind: str
    gold: str
    answer: str
    abstained: bool
    error: str | None
    hit: bool | None  # None: no gold evidence (null queries)
    reciprocal_rank: float | None
    correct: bool | None  # None for null queries: refusal is what counts there
    latency: float | None


def _answer_correct(query: BenchQuery, answer: Answer) -> bool | None:
    from rag.normalize import fact_in_text

    if query.type == "null":
        return None
    if answer.abstained or answer.error:
        return False
    text = strip_citation_markers(answer.text).strip()
    if query.answer_kind == "yes/no":
        first = text.split(maxsplit=1)[0].strip(",.:;!").lower() if text else ""
        return first == query.answer.strip().rstrip(".").lower()
    return fact_in_text(query.answer, text)


def score_query(query: BenchQuery, answer: Answer, sources: Sequence[str]) -> BenchResult:
    """``sources``: of the top-k retrieved passages, in rank order."""
    hit: bool | None = None
    rr: float | None = None
    if query.evidence_docs:
        gold = set(query.evidence_docs)
        ranks = [i for i, s in enumerate(sources, start=1) if Path(s).name in gold]
        hit = bool(ranks)
        rr = 1.0 / ranks[0] if ranks else 0.0
    return BenchResult(
        id=query.id,
        type=query.type,
        answer_kind=query.answer_kind,
        gold=query.answer,
        answer=answer.text,
        abstained=answer.abstained,
        error=answer.error,
        hit=hit,
        reciprocal_rank=rr,
        correct=_answer_correct(query, answer),
        latency=answer.timings.get("total"),
    )


def _mean(values: Sequence[float | bool | None]) -> float | None:
    applicable = [float(v) for v in values if v is not None]
    return sum(applicable) / len(applicable) if applicable else None


def _figures(results: Sequence[BenchResult]) -> dict[str, Any]:
    answered = [r for r in results if r.type != "null"]
    nulls = [r for r in results if r.type == "null"]
    latencies = sorted(r.latency for r in results if r.latency is not None)
    return {
        "n": len(results),
        "hit_at_k": _mean([r.hit for r in results]),
        "mrr": _mean([r.reciprocal_rank for r in results]),
        "answer_accuracy": _mean([r.correct for r in answered]),
        "accuracy_yes_no": _mean([r.correct for r in answered if r.answer_kind == "yes/no"]),
        "n_yes_no": sum(r.answer_kind == "yes/no" for r in answered),
        "accuracy_short": _mean([r.correct for r in answered if r.answer_kind == "short"]),
        "n_short": sum(r.answer_kind == "short" for r in answered),
        "refusal_rate_null": _mean([r.abstained for r in nulls]),
        "false_refusal_rate": _mean([r.abstained for r in answered]),
        "errors": sum(r.error is not None for r in results),
        "latency_p50": percentile(latencies, 50) if latencies else None,
        "latency_p95": percentile(latencies, 95) if latencies else None,
    }


@dataclass
class BenchReport:
    k: int
    by_type: dict[str, dict[str, Any]]
    overall: dict[str, Any]
    results: list[BenchResult]
    meta: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "benchmark": "multihop",
            "k": self.k,
            "overall": dict(self.overall),
            "by_type": {t: dict(v) for t, v in self.by_type.items()},
            "meta": dict(self.meta),
            "queries": [asdict(r) for r in self.results],
        }


def run_bench(
    rag: RAG,
    queries: Sequence[BenchQuery],
    *,
    backend: str | None = None,
    k: int | None = None,
    meta: dict[str, Any] | None = None,
) -> BenchReport:
    """Ask every query (one at a time, so latencies are not inflated by each other)."""
    k = k or rag.settings.top_k
    options: dict[str, Any] = {"backend": backend} if backend else {}
    if queries:  # warm-up: model loading and cache building are not ask latency
        rag.ask(queries[0].question, **options)
    started = time.perf_counter()
    with progress(len(queries), "bench", "query") as bar:
        answers = rag.ask_many(
            [q.question for q in queries], concurrency=1, on_done=lambda *_: bar.update(), **options
        )
    elapsed = time.perf_counter() - started
    log.info("answered %d queries in %.1fs", len(answers), elapsed)
    results = [
        score_query(q, a, [p.source for p in rag.retriever.retrieve(q.question, top_k=k)])
        for q, a in zip(queries, answers, strict=True)
    ]
    by_type = {t: _figures([r for r in results if r.type == t]) for t in TYPES}
    info = {
        "backend": backend or rag.settings.backend,
        "store": str(rag.settings.store),
        "documents": len(rag.sources()),
        "seconds": round(elapsed, 2),
        **(meta or {}),
    }
    return BenchReport(k, by_type, _figures(results), results, info)
