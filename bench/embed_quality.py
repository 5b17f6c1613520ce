"""Retrieval quality of each embedding back-end on the MultiHop-RAG sample: hit@k and MRR.

    .venv/bin/python bench/embed_quality.py bench/multihop [--backends torch onnx]

Each back-end ingests the sample's documents into its own temporary store and retrieves the
top k (hybrid: dense + BM25, as `rag ask` does) for every query with gold evidence, and
dense alone. The int8 path must stay within one point of the fp32 model.
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

import index  # noqa: F401  (offline environment first)
from eval.bench import load_queries


def _figures(ranked: list[list[str]], gold: list[set[str]]) -> tuple[float, float]:
    hits, rr = 0, 0.0
    for sources, wanted in zip(ranked, gold, strict=True):
        ranks = [i for i, s in enumerate(sources, start=1) if Path(s).name in wanted]
        hits += bool(ranks)
        rr += 1.0 / ranks[0] if ranks else 0.0
    return 100 * hits / len(gold), 100 * rr / len(gold)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--backends", nargs="+", default=["torch", "onnx"])
    parser.add_argument("-k", type=int, default=6)
    args = parser.parse_args()
    queries = [q for q in load_queries(args.folder) if q.evidence_docs]
    gold = [set(q.evidence_docs) for q in queries]
    for backend in args.backends:
        from index.ingest import ingest
        from index.settings import get_settings
        from index.store import Store
        from rag.retrieve import Retriever

        with tempfile.TemporaryDirectory() as store:
            settings = get_settings(store=store, embed_backend=backend)
            ingest([args.folder / "docs"], settings)
            retriever = Retriever(Store(settings))
            fused, dense = [], []
            documents = retriever.documents()
            for q in queries:
                fused.append([p.source for p in retriever.retrieve(q.question, top_k=args.k)])
                hits = retriever.store.query(retriever.embedder.embed_query(q.question), args.k)
                rows = {c.chunk_id: c.doc_id for c in retriever.store.chunks([h for h, _ in hits])}
                dense.append([documents[rows[h]].source for h, _ in hits if h in rows])
        for label, ranked in (("hybrid", fused), ("dense", dense)):
            hit, mrr = _figures(ranked, gold)
            print(
                f"{backend:6} {label:6} hit@{args.k} {hit:5.1f}  MRR {mrr:5.1f}  "
                f"({len(queries)} queries)",
                flush=True,
            )


if __name__ == "__main__":
    main()
