"""A file larger than one write batch is streamed to the store a batch of vectors at a time:
every chunk arrives, the write protocol still holds (old version readable until the switch),
and a writer killed half-way through leaves nothing half-indexed. Real model, real Chroma."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from storekit import assert_consistent, run_rag

from index import store_vectors
from index.faults import FAULT_EXIT
from index.ingest import ingest
from index.settings import get_settings
from index.store import Store

SMALL_BATCH = 8  # chunks per write batch here, so a ~40-chunk file takes several batches


def _long_text(week_offset: int) -> str:
    return "\n\n".join(
        f"Week {i}: the port authority of Burgas counted {i * 7 + week_offset} containers, "
        f"{i + 3} ferries and {i * 11 + 5} lorries on the quay; the customs office in Varna "
        f"reported {i * 13 + week_offset} inspections and {i % 7 + 1} seizures that week."
        for i in range(1, 121)
    )


@pytest.fixture
def pieces_seen(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Sizes of the vector pieces each streamed write consumed (empty list: not streamed)."""
    seen: list[int] = []
    original = Store.write_files

    def spy(self: Store, files: Any, vectors: Any = None) -> None:
        if vectors is not None:

            def counted() -> Any:
                for piece in vectors:
                    # rows per model ({model: rows}); every model's piece has the same rows
                    sizes = {len(rows) for rows in piece.values()}
                    assert len(sizes) == 1 and set(piece) == set(self.models)
                    seen.append(sizes.pop())
                    yield piece

            return original(self, files, vectors=counted())
        return original(self, files)

    monkeypatch.setattr(Store, "write_files", spy)
    return seen


def test_a_multi_batch_file_arrives_whole(tmp_path: Path, pieces_seen: list[int]) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "port.txt").write_text(_long_text(0))
    (docs / "short.txt").write_text("The ferry line to Varna opens in May.\n")

    streamed = get_settings(store=tmp_path / "streamed", write_batch_chunks=SMALL_BATCH)
    summary = ingest([docs], streamed)
    whole = get_settings(store=tmp_path / "whole")  # default batch: one write for the file
    ingest([docs], whole)

    assert (summary.added, summary.failed) == (2, [])
    expected = sorted(c.chunk_id for c in Store(whole).chunks())
    got = Store(streamed)
    assert sorted(c.chunk_id for c in got.chunks()) == expected
    assert summary.chunks_added == len(expected)
    # The long file went in several pieces of at most one batch, and every chunk was upserted.
    assert len(pieces_seen) >= 4 and max(pieces_seen) <= SMALL_BATCH
    port_chunks = sum(d.n_chunks for d in got.documents() if d.source.endswith("port.txt"))
    assert sum(pieces_seen) == port_chunks
    assert_consistent(got)
    # The same vectors as one whole write: streaming changes where they go, not what they are.
    a = got.collection.get(ids=expected, include=["embeddings"])
    b = Store(whole).collection.get(ids=expected, include=["embeddings"])
    va = dict(zip(a["ids"], a["embeddings"], strict=True))
    vb = dict(zip(b["ids"], b["embeddings"], strict=True))
    assert all(abs(x - y) < 1e-5 for i in expected for x, y in zip(va[i], vb[i], strict=True))


def test_killed_mid_stream_keeps_the_old_version(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Vector ids are read back a page at a time (Chroma fails past ~32k rows in one get):
    # small pages here, so recovery and the old version's deletion both page.
    monkeypatch.setattr(store_vectors, "_ID_PAGE", 7)
    docs = tmp_path / "docs"
    docs.mkdir()
    port = docs / "port.txt"
    port.write_text(_long_text(0))
    store = tmp_path / "store"
    settings = get_settings(store=store, write_batch_chunks=SMALL_BATCH)
    ingest([docs], settings)
    old_text = port.read_text()

    port.write_text(_long_text(1000))  # every figure changes
    killed = run_rag(
        "ingest",
        str(docs),
        store=store,
        RAG_FAULT="after-vector-batch",
        RAG_WRITE_BATCH_CHUNKS=str(SMALL_BATCH),
    )
    assert killed.returncode == FAULT_EXIT, killed.stderr
    before = Store(settings)
    # Readers still see the whole old version; only the new vectors of one batch are stray.
    (doc,) = before.documents()
    assert before.document_text(doc.doc_id) == old_text
    stray = set(before.collection.get()["ids"]) - {c.chunk_id for c in before.chunks()}
    assert 0 < len(stray) <= SMALL_BATCH

    summary = ingest([docs], settings)
    assert (summary.updated, summary.failed) == (1, [])
    after = Store(settings)
    (doc,) = after.documents()
    assert after.document_text(doc.doc_id) == port.read_text()
    assert_consistent(after)
