"""Cold start: `rag --help`, `rag sources` and `rag ask` each in a new process, median of N.

    .venv/bin/python bench/cold_start.py [--store PATH] [--runs 5]

Without ``--store`` the sample sources are ingested into a temporary store first (not timed).
Wall time is what a user waits; CPU time (user + system of the child) is also printed because
on a shared machine the wall time says as much about the neighbours as about us.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RAG = str(Path(sys.executable).with_name("rag"))
QUESTION = "How many Konkurs systems did Sofia transfer to the U.S.?"


def _timed(args: list[str], env: dict[str, str]) -> tuple[float, float]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.perf_counter()
    done = subprocess.run([RAG, *args], env=env, capture_output=True, text=True)
    wall = time.perf_counter() - t
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        sys.exit(f"rag {' '.join(args)} failed:\n{done.stderr[-2000:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", type=Path, default=None)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--question", default=QUESTION)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        store = args.store or Path(tmp) / "store"
        env = {**os.environ, "RAG_STORE": str(store)}
        if args.store is None:
            subprocess.run([RAG, "ingest", str(ROOT / "samples")], env=env, check=True,
                           capture_output=True)  # fmt: skip
        for command in (["--help"], ["sources"], ["ask", args.question]):
            runs = [_timed(command, env) for _ in range(args.runs)]
            walls, cpus = [w for w, _ in runs], [c for _, c in runs]
            print(
                f"rag {' '.join(command)[:40]:40}  median wall {statistics.median(walls):5.2f} s"
                f"  CPU {statistics.median(cpus):5.2f} s  (walls "
                + " ".join(f"{w:.2f}" for w in walls)
                + ")",
                flush=True,
            )
    print("load average:", " ".join(f"{x:.1f}" for x in os.getloadavg()))


if __name__ == "__main__":
    main()
