"""A FASTER, LABELLED path to a big store for bench/scale.py (``--direct``): our own store
writer fed in large batches, for sizes the full ingest cannot reach on this machine in time.

What it keeps from ``rag ingest``: the real files on disk and their sha256, the real loader
(``load_file``: documents, titles, dates, doc ids), ``Store.write_files`` (journal, Chroma
upserts, the manifest transaction, old-vector cleanup) and the BM25 refresh (``refresh``):
the result is a store of our format that ``rag ingest`` of the same folder finds unchanged.

What it BYPASSES, and says so in the results (``"path": "direct"``):
- language detection (every document is tagged "en", which is what it detects on this text);
- llama-index's SentenceSplitter: chunks are packed from whole sentences and paragraphs
  (split by a regular expression; one that does not fit is cut at a space), without
  overlap, to at most ``chunk_tokens`` model tokens counted by the real tokenizer in
  batches; offsets are exact (``text[start:end] == chunk``);
- the per-batch write size: ``BATCH_FILES`` files per ``write_files`` call, not
  ``RAG_WRITE_BATCH_CHUNKS`` chunks.
Vectors are the stand-in's (bench/scale_standin.py), as in the full scale run.
"""

from __future__ import annotations

import dataclasses
import re
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

BATCH_FILES = 250  # ~10,000 chunks per write_files call

# Units a chunk is packed from: sentences (after . ! ?) and paragraphs, as the splitter's.
_BREAK = re.compile(r"\n\s*\n|(?<=[.!?])[ \t]+")


def _spans(text: str, limit: int, count: Any) -> Iterator[tuple[int, int]]:
    """Sentence-aligned (start, end) spans of at most ``limit`` tokens (by ``count``)."""
    paragraphs: list[tuple[int, int]] = []
    at = 0
    for found in _BREAK.finditer(text):
        paragraphs.append((at, found.start()))
        at = found.end()
    paragraphs.append((at, len(text)))
    paragraphs = [(a, b) for a, b in paragraphs if text[a:b].strip()]
    if not paragraphs:
        return
    sizes = count([text[a:b] for a, b in paragraphs])
    start = end = -1
    used = 0
    for (a, b), size in zip(paragraphs, sizes, strict=True):
        if size > limit:  # a long paragraph alone: cut at spaces by a character budget
            if start >= 0:
                yield start, end
                start, used = -1, 0
            step = max(1, (b - a) * limit // (2 * size))
            while a < b:
                cut = b if b - a <= step else (text.rfind(" ", a + 1, a + step) + 1 or a + step)
                yield a, cut
                a = cut
            continue
        if start >= 0 and used + size + 1 > limit:
            yield start, end
            start, used = -1, 0
        if start < 0:
            start = a
        end, used = b, used + size + (1 if used else 0)
    if start >= 0:
        yield start, end


def build(folder: Path, settings: Any) -> dict[str, Any]:
    """Index every .txt file of ``folder`` into ``settings.store`` the direct way."""
    from index.chunking import chunk_id_for
    from index.embed import embedder_for
    from index.ingest import file_key
    from index.lexical import refresh
    from index.loaders import load_file
    from index.records import Chunk
    from index.store import FileWrite, Store

    embedder: Any = embedder_for(settings)
    counter = embedder._counter  # the real model's tokenizer (no special tokens)

    def count(texts: list[str]) -> list[int]:
        encoded = counter.encode_batch(texts, add_special_tokens=False)
        return [len(e.ids) for e in encoded]

    store = Store(settings, create=True)
    store.check_writable()
    files = sorted(folder.glob("*.txt"))
    chunks_total = 0
    started = time.perf_counter()
    for i in range(0, len(files), BATCH_FILES):
        if i:
            took = time.perf_counter() - started
            print(f"direct: {i} of {len(files)} files, {chunks_total} chunks in {took:.0f} s "
                  f"({chunks_total / took:.0f} chunks/s)", file=sys.stderr, flush=True)  # fmt: skip
        writes = []
        for path in files[i : i + BATCH_FILES]:
            loaded = load_file(path, max_bytes=1 << 30)
            documents = [dataclasses.replace(d, language="en") for d in loaded.documents]
            chunks = []
            for document in documents:
                spans = list(_spans(document.text, settings.chunk_tokens, count))
                sizes = count([document.text[a:b] for a, b in spans])
                chunks += [
                    Chunk(
                        chunk_id=chunk_id_for(document.doc_id, document.content_hash, k),
                        doc_id=document.doc_id,
                        index=k,
                        start=a,
                        end=b,
                        text=document.text[a:b],
                        n_tokens=n,
                    )
                    for k, ((a, b), n) in enumerate(zip(spans, sizes, strict=True))
                ]
            writes.append((path, documents, chunks))
        vectors = embedder.embed_documents([c.text for _, _, cs in writes for c in cs])
        file_writes, offset = [], 0
        for path, documents, chunks in writes:
            file_writes.append(
                FileWrite(
                    str(path.resolve()),
                    file_key(path),
                    path.stat().st_size,
                    documents,
                    chunks,
                    vectors[offset : offset + len(chunks)],
                )
            )
            offset += len(chunks)
        store.write_files(file_writes)
        chunks_total += offset
    refresh(store)
    return {"chunks": chunks_total, "files": len(files)}
