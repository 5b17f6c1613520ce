"""Scale benchmark: ingest rate, peak memory, disk, query latency and one-file adds at
10k / 100k / 1M chunks; plus one large file's peak memory.

    .venv/bin/python bench/scale.py --sizes 10000 100000 [1000000] [--big-mb 30]

Text is synthetic but real: sentences of Debian's Python library reference (or samples/)
shuffled into documents of about 40 chunks. Vectors come from a STAND-IN embedder (hashed
word counts projected to 384 dimensions: deterministic, no meaning beyond shared words): the
figures are those of the store, chunking and BM25, not of the model (whose cost per chunk is
measured by `make bench-compare`). Each size runs in its own process (peak RSS is that
process's); results go to bench/scale-results.json and the plot to bench/scale.png.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import random
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
CORPUS = Path("/usr/share/doc/python3.11/html/_sources/library")
CHUNKS_PER_DOC = 40

_ONE_SIZE = r"""
import json, os, resource, statistics, sys, time
from pathlib import Path
sys.path.insert(0, sys.argv[4])
import index
from index.embed import register_backend
register_backend("standin", "scale_standin:StandIn", "bench/scale_standin.py")
from index.ingest import ingest
from index.settings import get_settings
from index.store import Store
from rag.retrieve import Retriever, Filters
docs, store_dir, extra = Path(sys.argv[1]), sys.argv[2], Path(sys.argv[3])
questions = json.loads(sys.argv[5])
direct = sys.argv[6] == "direct"
settings = get_settings(store=store_dir, embed_backend="standin")
def cpu():
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime
load_before = os.getloadavg()[1]
t0, c0 = time.perf_counter(), cpu()
if direct:
    from scale_direct import build
    files = build(docs, settings)["files"]
else:
    files = ingest([docs], settings).added
ingest_s, ingest_cpu_s = time.perf_counter() - t0, cpu() - c0
load_after = os.getloadavg()[1]
store = Store(settings)
chunks = sum(d.n_chunks for d in store.documents())  # never all chunk rows at once
retriever = Retriever(store)
retriever.retrieve(questions[0])  # loads the indexes: not query latency
def timed(fn):
    times = []
    for q in questions:
        t = time.perf_counter(); fn(q); times.append(time.perf_counter() - t)
    times.sort()
    return times[len(times) // 2] * 1000, times[int(len(times) * 0.95)] * 1000
documents = retriever.documents()
revision = store.revision
emb = retriever.embedder
dense = timed(lambda q: retriever._dense(q, 30, Filters(), documents))
bm25 = timed(lambda q: retriever._bm25(q, 30, Filters(), documents, revision))
fused = timed(lambda q: retriever.retrieve(q))
t, c = time.perf_counter(), cpu()
added = ingest([extra], settings)  # one new file into the big store (BM25: one new segment)
add_s, add_cpu_s = time.perf_counter() - t, cpu() - c
assert added.added == 1, added
t = time.perf_counter()
hit = retriever.retrieve(questions[1])  # a reader that was open picks the file up
first_after_add_s = time.perf_counter() - t
def du(p):
    return sum(f.stat().st_size for f in Path(p).rglob("*") if f.is_file()) / 2**20
print(json.dumps({
    "path": "direct" if direct else "rag ingest", "chunks": chunks, "files": files,
    "ingest_s": ingest_s, "chunks_per_s": chunks / ingest_s, "ingest_cpu_s": ingest_cpu_s,
    "chunks_per_cpu_s": chunks / ingest_cpu_s, "load_avg_5min": [load_before, load_after],
    "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    "disk_mb": du(store_dir), "disk_chroma_mb": du(Path(store_dir) / "chroma"),
    "disk_bm25_mb": du(Path(store_dir) / "bm25"),
    "dense_p50_ms": dense[0], "dense_p95_ms": dense[1], "bm25_p50_ms": bm25[0],
    "bm25_p95_ms": bm25[1], "fused_p50_ms": fused[0], "fused_p95_ms": fused[1],
    "add_one_file_s": add_s, "add_one_file_cpu_s": add_cpu_s,
    "first_question_after_add_s": first_after_add_s,
}))
"""

_BIG_FILE = r"""
import json, resource, sys, time
sys.path.insert(0, sys.argv[3])
import index
from index.embed import register_backend
register_backend("standin", "scale_standin:StandIn", "bench/scale_standin.py")
from index.ingest import ingest
from index.settings import get_settings
settings = get_settings(store=sys.argv[2], embed_backend=sys.argv[4], max_file_mb=200)
t = time.perf_counter()
summary = ingest([sys.argv[1]], settings)
print(json.dumps({"chunks": summary.chunks_added, "seconds": time.perf_counter() - t,
    "failed": [f.error for f in summary.failed],
    "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def _sentences() -> list[str]:
    folder = CORPUS if CORPUS.is_dir() else HERE.parent / "samples"
    text = " ".join(p.read_text(errors="ignore") for p in sorted(folder.glob("*.txt")))
    text = re.sub(r"[=*`\-~^]{3,}|\.\. [a-z]+::", " ", text)
    found = [s.strip() for s in re.split(r"(?<=[.!?])\s+", text)]
    return [" ".join(s.split()) for s in found if 30 <= len(s) <= 400]


def _write_docs(folder: Path, n_chunks: int, sentences: list[str], seed: int = 7) -> None:
    """Documents of ~CHUNKS_PER_DOC chunks (~580 characters each) of shuffled sentences."""
    rng = random.Random(seed)
    folder.mkdir(parents=True)
    per_doc = CHUNKS_PER_DOC * 580
    for i in range(max(1, n_chunks // CHUNKS_PER_DOC)):
        parts: list[str] = []
        size = 0
        while size < per_doc:
            paragraph = " ".join(rng.choice(sentences) for _ in range(rng.randint(2, 6)))
            parts.append(paragraph)
            size += len(paragraph) + 2
        (folder / f"doc-{i:06d}.txt").write_text("\n\n".join(parts))


def _run(code: str, *args: str) -> dict[str, float]:
    # stderr passes through: a long run's progress lines show in its log.
    out = subprocess.run([sys.executable, "-c", code, *args], stdout=subprocess.PIPE, text=True)
    if out.returncode != 0:
        sys.exit(f"failed (exit {out.returncode}): see the errors above")
    result: dict[str, float] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def _plot(results: dict[str, dict[str, float]]) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    sizes = sorted(results, key=lambda k: results[k]["chunks"])
    xs = [results[s]["chunks"] for s in sizes]
    fig, axes = plt.subplots(1, 3, figsize=(14, 4))
    for key, label in (("dense_p50_ms", "dense p50"), ("bm25_p50_ms", "BM25 p50"),
                       ("fused_p50_ms", "fused p50"), ("fused_p95_ms", "fused p95")):  # fmt: skip
        axes[0].plot(xs, [results[s][key] for s in sizes], marker="o", label=label)
    axes[0].set(xscale="log", yscale="log", xlabel="chunks", ylabel="ms", title="query latency")
    axes[0].legend()
    axes[1].plot(xs, [results[s]["peak_rss_mb"] for s in sizes], marker="o", label="peak RSS")
    axes[1].plot(xs, [results[s]["disk_mb"] for s in sizes], marker="o", label="disk")
    axes[1].set(xscale="log", yscale="log", xlabel="chunks", ylabel="MB", title="memory, disk")
    axes[1].legend()
    axes[2].plot(xs, [results[s]["chunks_per_s"] for s in sizes], marker="o", label="chunks/s")
    with_cpu = [s for s in sizes if "chunks_per_cpu_s" in results[s]]  # older runs lack it
    axes[2].plot(
        [results[s]["chunks"] for s in with_cpu],
        [results[s]["chunks_per_cpu_s"] for s in with_cpu],
        marker="o",
        label="chunks per CPU second",
    )
    axes[2].plot(xs, [results[s]["add_one_file_s"] for s in sizes], marker="o",
                 label="add one file (s)")  # fmt: skip
    axes[2].set(xscale="log", yscale="log", xlabel="chunks", title="ingest (stand-in vectors)")
    axes[2].legend()
    fig.tight_layout()
    fig.savefig(HERE / "scale.png", dpi=90)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="*", default=[10_000, 100_000])
    parser.add_argument("--big-mb", type=float, default=0, help="also one file of this size")
    parser.add_argument("--big-backend", default="standin", help="embedder for the big file")
    parser.add_argument("--work", type=Path, default=None, help="folder for stores and docs")
    parser.add_argument(
        "--direct",
        type=int,
        nargs="*",
        default=[],
        help="sizes built by the faster, labelled path of bench/scale_direct.py (what it "
        "bypasses is listed there), not by `rag ingest`",
    )
    parser.add_argument("--keep", action="store_true", help="keep the work folder")
    args = parser.parse_args()
    sentences = _sentences()
    rng = random.Random(3)
    questions = [" ".join(rng.choice(sentences).split()[:8]) for _ in range(60)]
    results_path = HERE / "scale-results.json"
    results = json.loads(results_path.read_text()) if results_path.exists() else {}
    with contextlib.ExitStack() as stack:
        tmp = tempfile.mkdtemp(prefix="scale-", dir=args.work)
        if not args.keep:
            stack.callback(shutil.rmtree, tmp, ignore_errors=True)
        work = Path(tmp)
        extra = work / "extra" / "added.txt"
        _write_docs(work / "extra", CHUNKS_PER_DOC, sentences, seed=99)
        (work / "extra" / "doc-000000.txt").rename(extra)
        for n in [*args.sizes, *args.direct]:
            direct = n in args.direct and n not in args.sizes
            docs = work / f"docs-{n}"
            _write_docs(docs, n, sentences)
            result = _run(
                _ONE_SIZE, str(docs), str(work / f"store-{n}"), str(extra), str(HERE),
                json.dumps(questions), "direct" if direct else "ingest",
            )  # fmt: skip
            # Each size is saved as soon as it is measured (a long run killed later keeps it);
            # a size measured by both paths keeps both.
            # Read again first: another run may have saved its sizes meanwhile.
            results = json.loads(results_path.read_text()) if results_path.exists() else {}
            results[f"{n}-direct" if direct else str(n)] = result
            print(json.dumps({str(n): result}), flush=True)
            results_path.write_text(json.dumps(results, indent=1))
            _plot(results)
        if args.big_mb:
            big = work / "big.txt"
            with big.open("w") as handle:
                while handle.tell() < args.big_mb * 2**20:
                    handle.write(" ".join(rng.choice(sentences) for _ in range(5)) + "\n\n")
            result = _run(_BIG_FILE, str(big), str(work / "store-big"), str(HERE),
                          args.big_backend)  # fmt: skip
            print(json.dumps({f"one {args.big_mb:g} MB file ({args.big_backend})": result}))


if __name__ == "__main__":
    main()
