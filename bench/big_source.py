"""A 50 MB source against a small one: time to answer and to open the citation.

    python bench/big_source.py [--megabytes 50] [--repeat 7]

Two stores in a temporary folder: one with a ``--megabytes`` MB text file (a fact in its first
line, then filler; only its first 4000 characters embedded, as in tests/storekit.py), one with
just those 4000 characters. Asks the same question of each ``--repeat`` times, opens the citation
the way the UI does (``Handlers.cited_window``), and prints medians and the page and window
sizes. Compare the two rows of one run; the machine's load is printed with them.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--megabytes", type=int, default=50)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()

    from storekit import BIG_FACT, BIG_FILLER, BIG_QUESTION, index_big

    from index.ingest import ingest
    from index.settings import get_settings
    from rag import open_store
    from ui.handlers import ChatState, Handlers
    from ui.render import render_turn_html

    work = Path(tempfile.mkdtemp(prefix="big-source-"))
    # The small file is the big one's first 4000 characters, the part of it that is embedded:
    # the same passages are retrieved from both, so only the document's size differs.
    (work / "small.txt").write_text((BIG_FACT + BIG_FILLER * 60)[:4000])
    ingest([work / "small.txt"], get_settings(store=work / "small"))
    index_big(work / "big", work / "big.txt", args.megabytes)
    rows = {}
    for name in ("small", "big"):
        handlers = Handlers(open_store(work / name, create=False, backend="extractive"))
        handlers.rag.ask(BIG_QUESTION)  # models loaded, caches warm: the steady state
        asks, opens = [], []
        for _ in range(args.repeat):
            started = time.perf_counter()
            answer = handlers.rag.ask(BIG_QUESTION)
            asks.append(time.perf_counter() - started)
            c = answer.citations[0]
            ref = {"prefix": "t1", "key": "1", "doc_id": c.doc_id, "start": c.start,
                   "end": c.end, "content_hash": c.content_hash}  # fmt: skip
            started = time.perf_counter()
            window = handlers.cited_window(ref)
            opens.append(time.perf_counter() - started)
        *_, (page, *_rest) = handlers.respond(
            BIG_QUESTION, "extractive", None, None, None, None, ChatState()
        )
        rows[name] = {
            "document_chars": len((work / f"{name}.txt").read_text()),
            "answer": answer.text[:60],
            "ask_median_s": round(statistics.median(asks), 4),
            "open_median_s": round(statistics.median(opens), 4),
            "page_chars": len(page),
            "turn_chars": len(render_turn_html(answer, "t1")),
            "window_chars": len(window),
        }
    rows["load_avg_1_5_15"] = [round(x, 2) for x in os.getloadavg()]  # type: ignore[assignment]
    print(json.dumps(rows, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
