"""Ingest benchmark: documents, chunks, chunks per second, peak memory.

    .venv/bin/python bench/ingest_bench.py ../shared/bench/multihop-rag-sample/docs [--runs 3]

Each run ingests the folder into a fresh temporary store in a fresh process (so model load
and peak memory are measured as a user meets them); figures are medians over the runs.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

_ONE_RUN = r"""
import json, resource, sys, time
t0 = time.perf_counter()
import index
from index.embed import embedders_for
from index.ingest import ingest
from index.settings import get_settings
from index.store import Store
settings = get_settings(store=sys.argv[2])
embedders_for(settings)  # model loads (every model of a list) timed apart from ingest
t1 = time.perf_counter()
summary = ingest([sys.argv[1]], settings)
t2 = time.perf_counter()
again = ingest([sys.argv[1]], settings)  # nothing changed: the sync pass alone
t3 = time.perf_counter()
store = Store(settings)
print(json.dumps({
    "documents": len(store.documents()), "chunks": len(store.chunks()),
    "failed": len(summary.failed), "startup_s": t1 - t0, "ingest_s": t2 - t1,
    "resync_s": t3 - t2, "unchanged": again.unchanged,
    "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
}))
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    results = []
    for run in range(args.runs):
        with tempfile.TemporaryDirectory() as store:
            out = subprocess.run(
                [sys.executable, "-c", _ONE_RUN, str(args.folder), store],
                capture_output=True, text=True, check=True,
            )  # fmt: skip
            result = json.loads(out.stdout.strip().splitlines()[-1])
            results.append(result)
            print(f"run {run + 1}: {json.dumps({k: round(v, 2) for k, v in result.items()})}")
    med = {k: statistics.median(r[k] for r in results) for k in results[0]}
    print(
        f"\nfolder {args.folder} ({args.runs} runs, medians)\n"
        f"  documents        {med['documents']:.0f} ({med['failed']:.0f} failed)\n"
        f"  chunks           {med['chunks']:.0f}\n"
        f"  ingest time      {med['ingest_s']:.1f} s (model load apart: {med['startup_s']:.1f} s)\n"
        f"  chunks/s         {med['chunks'] / med['ingest_s']:.1f}\n"
        f"  documents/s      {med['documents'] / med['ingest_s']:.1f}\n"
        f"  re-sync, nothing changed  {med['resync_s']:.2f} s\n"
        f"  peak RSS         {med['peak_rss_mb']:.0f} MB"
    )


if __name__ == "__main__":
    main()
