"""Helpers the store-safety tests share: the CLI in a subprocess, consistency checks."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from index.store import Store

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "samples"
RAG = [sys.executable, "-m", "rag.cli"]


def run_rag(
    *args: str, store: Path, timeout: float = 300, **env: str
) -> subprocess.CompletedProcess[str]:
    """``rag ARGS`` in a fresh process with ``RAG_STORE`` and extra environment."""
    return subprocess.run(
        [*RAG, *args],
        env={**os.environ, "RAG_STORE": str(store), **env},
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def vectors(store: Store) -> dict[str, dict[str, object]]:
    got = store.collection.get(include=["metadatas"])
    return dict(zip(got["ids"], got["metadatas"], strict=True))


def assert_consistent(store: Store) -> None:
    """Chroma holds exactly the chunks of the complete documents: no strays, no duplicates,
    and every chunk quotes its document exactly."""
    rows = store.chunks()
    held = vectors(store)
    assert sorted(held) == sorted(c.chunk_id for c in rows)
    documents = {d.doc_id for d in store.documents()}
    assert {c.doc_id for c in rows} <= documents
    for doc in store.documents():
        assert doc.n_chunks == sum(1 for c in rows if c.doc_id == doc.doc_id)
        text = store.document_text(doc.doc_id)
        for c in rows:
            if c.doc_id == doc.doc_id:
                assert text[c.start : c.end] == c.text


def error_lines(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.startswith("error:")]


def write_docs(folder: Path, n: int, template: str) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(n):
        path = folder / f"doc{i:02d}.txt"
        path.write_text(template.format(n=i))
        paths.append(path)
    return paths
