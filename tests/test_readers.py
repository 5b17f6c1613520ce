"""Every reader sees what every writer committed: a long-running process (like the UI) keeps
one open store while another process adds, changes and removes documents."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

from storekit import SAMPLES

from index.ingest import ingest, remove
from index.settings import get_settings

READER = r"""
import json, sys
from rag import open_store
from index.embed import embedder_for
rag = open_store(sys.argv[1], create=False)
embedder = embedder_for(rag.settings)  # the store's first model: what store.query searches
for line in sys.stdin:
    question = line.strip()
    answer = rag.ask(question)
    dense = [c for c, _ in rag.store.query(embedder.embed_query(question), 50)]
    print(json.dumps({
        "text": answer.text,
        "abstained": answer.abstained,
        "cited": sorted({c.source.rsplit("/", 1)[-1] for c in answer.citations}),
        "exact": all(rag.document_text(c.doc_id)[c.start:c.end] == c.quote
                     for c in answer.citations),
        "dense": dense,
        "bm25": [p.bm25_rank is not None for p in rag.retriever.retrieve(question)],
    }), flush=True)
"""

QUESTION = "How many containers did the port authority of Burgas count?"


class Reader:
    def __init__(self, store: Path) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-c", READER, str(store)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )

    def ask(self, question: str) -> dict[str, Any]:
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self.proc.stdin.write(question + "\n")
        self.proc.stdin.flush()
        line = self.proc.stdout.readline()
        assert line, "the reader died"
        result: dict[str, Any] = json.loads(line)
        return result

    def close(self) -> None:
        self.proc.kill()
        self.proc.wait()


def _chunk_ids(store: Path) -> set[str]:
    from index.store import Store

    return {c.chunk_id for c in Store(get_settings(store=store)).chunks()}


def test_a_running_reader_sees_adds_changes_and_removals_of_another_process(
    tmp_path: Path,
) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    for sample in SAMPLES.iterdir():
        (docs / sample.name).write_bytes(sample.read_bytes())
    store = tmp_path / "store"
    settings = get_settings(store=store)
    ingest([docs], settings)
    reader = Reader(store)
    try:
        before = reader.ask(QUESTION)
        assert "port.txt" not in before["cited"]

        # Added by another process (this test process is not the reader).
        (docs / "port.txt").write_text(
            "The port authority of Burgas counted 412 containers in March.\n"
        )
        ingest([docs], settings)
        added = reader.ask(QUESTION)
        assert added["cited"] == ["port.txt"] and added["exact"]
        assert "412" in added["text"]
        assert set(added["dense"]) <= _chunk_ids(store)  # dense side: the new vectors
        assert any(cid in _chunk_ids(store) for cid in added["dense"][:1])
        assert any(added["bm25"])  # lexical side found it too

        # Changed: the old vectors are gone from what the reader's dense search returns.
        old_ids = _chunk_ids(store)
        (docs / "port.txt").write_text(
            "The port authority of Burgas counted 977 containers in April.\n"
        )
        ingest([docs], settings)
        changed = reader.ask(QUESTION)
        assert "977" in changed["text"] and "412" not in changed["text"], changed
        assert changed["exact"]
        assert not (set(changed["dense"]) - _chunk_ids(store)), "stale vectors served"
        assert set(changed["dense"]) != old_ids

        # Removed.
        remove([docs / "port.txt"], settings)
        removed = reader.ask(QUESTION)
        assert "port.txt" not in removed["cited"]
        assert set(removed["dense"]) <= _chunk_ids(store), "a removed document's vectors served"
    finally:
        reader.close()
