"""Warm extractive `ask` latency at N chunks (default 10k): p50/p95 per stage.

    .venv/bin/python bench/warm_ask.py [--chunks 10000] [--questions 40] [--store PATH]

With ``--store``, an existing store (real vectors, e.g. `rag ingest` of the python3.11-doc
library reference) is asked questions made from its own chunks' sentences. Otherwise the
store is built from synthetic text of a real corpus (bench/scale.py) with STAND-IN vectors
(bench/scale_standin.py), which costs seconds instead of the model's minutes; the questions
and the evidence sentences are embedded by the real int8 model, as `rag ask` does. Dense
hits over stand-in vectors mean nothing, so this measures latency only, not quality. Each
question is asked twice: first seen (sentences new to the process) and repeated.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import scale  # noqa: E402

import index  # noqa: E402,F401  (offline environment first)


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * q))] * 1000


def _split(text: str) -> list[str]:
    """Sentences of a chunk long enough to make a question of."""
    import re

    found = (" ".join(s.split()) for s in re.split(r"(?<=[.!?])\s+", text))
    return [s for s in found if len(s.split()) >= 6]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chunks", type=int, default=10_000)
    parser.add_argument("--questions", type=int, default=40)
    parser.add_argument("--store", type=Path, default=None, help="an existing store to ask")
    args = parser.parse_args()
    from index.embed import register_backend
    from index.ingest import ingest
    from index.settings import get_settings
    from rag import open_store

    register_backend("standin", "scale_standin:StandIn", "bench/scale_standin.py")
    rng = random.Random(5)
    with tempfile.TemporaryDirectory() as tmp:
        if args.store is not None:
            rag = open_store(args.store, create=False, backend="extractive")
            texts = [c.text for c in rag.store.chunks()]
            sentences = [s for t in rng.sample(texts, min(len(texts), 500)) for s in _split(t)]
        else:
            sentences = scale._sentences()
            docs, store = Path(tmp) / "docs", Path(tmp) / "store"
            scale._write_docs(docs, args.chunks, sentences)
            ingest([docs], get_settings(store=store, embed_backend="standin"))
            rag = open_store(store, backend="extractive", embed_backend="onnx")
        questions = []
        for _ in range(args.questions):
            words = rng.choice(sentences).split()
            questions.append("What " + " ".join(words[: rng.randint(5, 9)]) + "?")
        print(f"{len(rag.store.chunks())} chunks; {len(questions)} questions", flush=True)
        rag.ask("warm-up: load the model and the indexes")
        for label in ("first seen", "repeated"):
            timings: dict[str, list[float]] = {}
            for question in questions:
                t = time.perf_counter()
                answer = rag.ask(question)
                timings.setdefault("wall", []).append(time.perf_counter() - t)
                for stage, seconds in answer.timings.items():
                    timings.setdefault(stage, []).append(seconds)
            print(
                f"{label:10}: "
                + "  ".join(
                    f"{stage} p50 {_pct(v, 0.5):.0f} ms p95 {_pct(v, 0.95):.0f} ms"
                    for stage, v in timings.items()
                    if stage in ("wall", "retrieve", "evidence", "verify")
                ),
                flush=True,
            )


if __name__ == "__main__":
    main()
