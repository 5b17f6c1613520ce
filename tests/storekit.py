"""Helpers the store-safety tests share: the CLI in a subprocess, consistency checks."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

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


def assert_consistent(store: Store) -> None:
    """Chroma holds exactly the chunks of the complete documents, in the collection of each
    of the store's embedding models: no strays, no duplicates, and every chunk quotes its
    document exactly."""
    rows = store.chunks()
    for model in store.models:
        held = store.collection_of(model).get()["ids"]
        assert sorted(held) == sorted(c.chunk_id for c in rows), model
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


BIG_FACT = "The port authority of Burgas counted 412 containers in March.\n"
BIG_QUESTION = "How many containers did the port authority of Burgas count?"
BIG_FILLER = "Shipping notes of the day: weather fair, no incidents reported at the quay.\n"


def index_big(store: Path, path: Path, megabytes: int) -> None:
    """A ``megabytes`` MB text file (BIG_FACT, then filler) in the store, whole text kept; to
    keep tests fast only its first chunks are embedded (what a page or an answer costs
    depends on the text, not on the number of chunks)."""
    import dataclasses

    from index.chunking import chunk_document
    from index.embed import get_embedder
    from index.ingest import file_key
    from index.loaders import load_file
    from index.settings import get_settings
    from index.store import FileWrite

    path.write_text(BIG_FACT + BIG_FILLER * (megabytes * 2**20 // len(BIG_FILLER)))
    settings = get_settings(store=store)
    embedders = {model: get_embedder(model) for model in settings.embed_models}
    (document,) = load_file(path, max_bytes=2**31).documents
    head = dataclasses.replace(document, text=document.text[:4000])
    first = embedders[settings.embed_models[0]]
    chunks = chunk_document(
        head, chunk_tokens=200, chunk_overlap=30, count_tokens=first.count_tokens
    )
    vectors = {m: e.embed_documents([c.text for c in chunks]) for m, e in embedders.items()}
    write = FileWrite(
        str(path.resolve()), file_key(path), path.stat().st_size, [document], chunks, vectors
    )
    Store(settings, create=True).write_files([write])


def extractive_rag_over(
    texts: dict[str, str], folder: Path, store: Path, embed_model: str | None = None
) -> Any:
    """Ingest ``texts`` (file name -> text) written to ``folder`` into a store at ``store``
    with the real model (the default, or ``embed_model``), and open it with the extractive
    back-end."""
    from index.ingest import ingest
    from index.settings import get_settings
    from rag import open_store

    for name, text in texts.items():
        (folder / name).write_text(text, encoding="utf-8")
    summary = ingest([folder], get_settings(store=store, embed_model=embed_model))
    assert summary.added == len(texts) and not summary.failed
    return open_store(store, backend="extractive")
