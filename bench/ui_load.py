"""Load: N concurrent askers through the UI's /ask API while uploads and deletes run.

    python bench/ui_load.py [--askers 50] [--rounds 1] [--concurrency 4]
                            [--out reports/ui-load.json]

Builds a store of the samples in a temporary folder, serves the UI on 127.0.0.1, and lets
``--askers`` gradio_client sessions each ask ``--rounds`` questions at once, while one thread
uploads and deletes documents through the same handlers the Sources tab uses. Every answer
must be correct (the expected figure or name, every quote exact at its offsets); prints
p50/p95/max latency and exits 1 on any wrong or failed answer. Meanwhile one more thread opens
a citation over and over, the way the page does (the ``cited_window`` server function), to
show that opening a citation does not wait in the askers' queue. ``--concurrency`` is the
UI's ``RAG_UI_CONCURRENCY`` (questions answered at once). The machine's load average is
recorded with the figures: on a shared machine they are only comparable within one run.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import socket
import statistics
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
QUESTIONS = {
    "How many Konkurs systems did Sofia transfer to the U.S.?": "136",
    "How many Konkurs systems did Sofia transfer to Saudi Arabia?": "80",
    "How many AGS-17 automatic grenade launchers did Belarus send to Bulgaria?": "140",
    "Which organization identified Regulus Global as a Pentagon contractor?": "OCCRP",
    "Which researcher described Syria as the world's biggest narco state?": "Charles Lister",
}
UPLOAD = "Dispatch {n}: the harbour master of Varna logged {n} barges before noon. " * 30


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _correct(result: dict[str, Any], expected: str, texts: dict[str, str]) -> str | None:
    pattern = rf"(?<![\d.,]){re.escape(expected)}(?![\d]|[.,]\d)"
    if result.get("abstained") or not re.search(pattern, str(result.get("answer", ""))):
        return f"wrong answer: {result.get('answer')!r}"
    for c in result.get("citations", []):
        if texts[c["doc_id"]][c["start"] : c["end"]] != c["quote"]:
            return f"quote not at its offsets: {c['quote']!r}"
    return None


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--askers", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--concurrency", type=int, default=None, help="RAG_UI_CONCURRENCY")
    parser.add_argument("--out", type=Path, default=ROOT / "reports" / "ui-load.json")
    args = parser.parse_args()
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy"):
        os.environ.pop(name, None)
    if args.concurrency is not None:
        os.environ["RAG_UI_CONCURRENCY"] = str(args.concurrency)
    os.environ.update(
        NO_PROXY="127.0.0.1,localhost",
        GRADIO_ANALYTICS_ENABLED="False",
        HF_HUB_DISABLE_TELEMETRY="1",
    )

    from gradio_client import Client

    from index.ingest import ingest
    from index.settings import get_settings
    from rag import open_store
    from ui.app import launch
    from ui.handlers import Handlers

    work = Path(tempfile.mkdtemp(prefix="ui-load-"))
    ingest([ROOT / "samples"], get_settings(store=work / "store"))
    rag = open_store(work / "store", backend="extractive")
    texts = {d.doc_id: rag.document_text(d.doc_id) for d in rag.sources()}
    app = launch(rag, host="127.0.0.1", port=_free_port(), prevent_thread_lock=True, quiet=True)
    url = str(app.local_url)
    handlers = Handlers(rag)  # the Sources tab's upload and delete, same code path
    stop = threading.Event()
    writes = {"uploads": 0, "deletes": 0, "errors": 0}

    def writer() -> None:
        n = 0
        while not stop.is_set():
            path = work / f"dispatch-{n}.txt"
            path.write_text(UPLOAD.format(n=n))
            handlers.upload([str(path)])
            writes["uploads"] += 1
            files = {d.file for d in rag.sources() if "dispatch-" in d.file}
            for file in sorted(files):
                message, *_ = handlers.delete(file)
                writes["deletes"] += 1
                writes["errors"] += "not removed" in message
            n += 1

    def asker(i: int) -> list[tuple[float, str | None]]:
        # A generous timeout: 50 clients fetch the app's config at once on a busy machine.
        client = Client(url, verbose=False, download_files=False, httpx_kwargs={"timeout": 600})
        out = []
        for r in range(args.rounds):
            question = list(QUESTIONS)[(i + r) % len(QUESTIONS)]
            started = time.perf_counter()
            try:
                result = client.predict(question, api_name="/ask")
                problem = _correct(result, QUESTIONS[question], texts)
            except Exception as exc:
                problem = f"failed: {str(exc).splitlines()[0] if str(exc) else exc!r}"
            out.append((time.perf_counter() - started, problem))
        return out

    opens: list[float] = []
    open_errors: list[str] = []

    def opener() -> None:
        # What a click on [1] sends: the citation's reference, to the transcript's server
        # function; not through the queue the askers wait in.
        import httpx

        config = httpx.get(f"{url}config", timeout=600).json()
        (component,) = [
            c["id"]
            for c in config["components"]
            if c.get("props", {}).get("elem_id") == "rag-transcript"
        ]
        c = rag.ask(next(iter(QUESTIONS))).citations[0]
        ref = {"prefix": "t1", "key": "1", "doc_id": c.doc_id, "start": c.start,
               "end": c.end, "content_hash": c.content_hash}  # fmt: skip
        body = {"data": ref, "component_id": component, "fn_name": "cited_window",
                "session_hash": "ui-load"}  # fmt: skip
        while not stop.is_set():
            t = time.perf_counter()
            reply = httpx.post(f"{url}gradio_api/component_server", json=body, timeout=600)
            opens.append(time.perf_counter() - t)
            if reply.status_code != 200 or 'id="t1-q-1"' not in str(reply.json()):
                open_errors.append(f"{reply.status_code}: {reply.text[:200]}")
            stop.wait(0.5)

    load_before = os.getloadavg()
    thread = threading.Thread(target=writer, daemon=True)
    thread.start()
    opening = threading.Thread(target=opener, daemon=True)
    opening.start()
    started = time.perf_counter()
    try:
        with ThreadPoolExecutor(max_workers=args.askers) as pool:
            results = [x for batch in pool.map(asker, range(args.askers)) for x in batch]
    finally:
        stop.set()
        thread.join(timeout=600)
        opening.join(timeout=600)
        app.close()
    wall = time.perf_counter() - started
    latencies = sorted(t for t, _ in results)
    problems = [p for _, p in results if p]
    summary = {
        "askers": args.askers,
        "questions": len(results),
        "wrong_or_failed": len(problems),
        "problems": problems[:10],
        "p50_s": round(statistics.median(latencies), 2),
        "p95_s": round(latencies[max(0, int(0.95 * len(latencies)) - 1)], 2),
        "max_s": round(latencies[-1], 2),
        "wall_s": round(wall, 1),
        "throughput_per_min": round(60 * len(results) / wall, 1),
        "concurrency": rag.settings.ui_concurrency,
        "citation_opens": len(opens),
        "open_p50_s": round(statistics.median(opens), 3) if opens else None,
        "open_max_s": round(max(opens), 3) if opens else None,
        "open_errors": open_errors[:5],
        "load_avg_1_5_15_before": [round(x, 2) for x in load_before],
        "load_avg_1_5_15_after": [round(x, 2) for x in os.getloadavg()],
        "cpus": os.cpu_count(),
        **writes,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(summary, indent=1))
    print(json.dumps(summary, indent=1))
    return 1 if problems or writes["errors"] or open_errors else 0


if __name__ == "__main__":
    sys.exit(main())
