"""The read API of a store: documents, texts, chunks and the state of the index, from the
manifest (only completely indexed files are seen).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from index.lock import held_elsewhere, holder
from index.records import StoredDocument
from index.store_manifest import _DOC_COLUMNS, StoreError, StoreManifest, _revision_in
from index.textcache import TextCache


@dataclass(frozen=True)
class StoredChunk:
    """A chunk row of a complete document, with what retrieval needs to show it."""

    chunk_id: str
    doc_id: str
    index: int
    start: int
    end: int
    text: str


class StoreReader(StoreManifest):
    """Reads of a store's manifest (caches set by ``Store.__init__``)."""

    _texts: TextCache
    _docs: tuple[str, dict[str, StoredDocument]] | None

    @property
    def revision(self) -> int:
        """Bumped on every change: readers rebuild caches (BM25) when it moves."""
        return int(self._meta().get("revision", "0"))

    @property
    def rebuilding(self) -> bool:
        """A rebuild started and no ingest has finished since: documents may be missing."""
        return self._meta().get("rebuilding") == "1"

    def incomplete(self) -> str | None:
        """Why answers may miss documents now, in one line, or None when nothing is missing:
        a rebuild emptied the store and has not finished (interrupted, or running now)."""
        if not self.rebuilding:
            return None
        with self._db() as db:
            (files,) = db.execute("SELECT COUNT(*) FROM files WHERE status = 'complete'").fetchone()
        so_far = f"{files} file(s) indexed so far; answers come from those only"
        if held_elsewhere(self.path):
            return (
                f"the index is incomplete: a rebuild is under way by {holder(self.path)} ({so_far})"
            )
        return (
            f"the index is incomplete: a rebuild was interrupted ({so_far}); finish it with "
            f"rag ingest PATH... --store {self.path}"
        )

    @property
    def store_id(self) -> str:
        """Identity of this store; a rebuild gives it a new one (caches keyed by it die)."""
        return self._meta().get("store_id", "")

    def chunk_rows(self, doc_ids: Sequence[str]) -> list[tuple[str, str, str | None, str, str]]:
        """``(doc_id, content_hash, language, chunk_id, text)`` of every chunk of the given
        complete documents, in order (one read per 500 documents, each a consistent view)."""
        rows: list[tuple[str, str, str | None, str, str]] = []
        ids = list(doc_ids)
        with self._db() as db:
            for i in range(0, len(ids), 500):
                part = ids[i : i + 500]
                marks = ",".join("?" * len(part))
                rows += db.execute(
                    "SELECT d.doc_id, d.content_hash, json_extract(d.metadata, '$.language'), "
                    "c.chunk_id, c.text FROM chunks c JOIN documents d USING (doc_id) "
                    "JOIN files f ON f.file = d.file WHERE f.status = 'complete' "
                    f"AND d.doc_id IN ({marks}) ORDER BY d.doc_id, c.idx",
                    part,
                ).fetchall()
        return rows

    def documents(self) -> list[StoredDocument]:
        """Documents of completely indexed files, sorted by source (kept until the store's
        revision moves: reading a row walks past its text, 50 MB for a 50 MB document)."""
        with self._db() as db:
            revision = _revision_in(db)
            cached = self._docs
            if cached is not None and cached[0] == revision:
                return list(cached[1].values())
            rows = db.execute(
                f"SELECT {_DOC_COLUMNS} FROM documents d JOIN files f USING (file) "
                "WHERE f.status = 'complete' ORDER BY source"
            ).fetchall()
        docs = [_stored_document(row) for row in rows]
        self._docs = (revision, {d.doc_id: d for d in docs})
        return docs

    def document(self, doc_id: str) -> StoredDocument | None:
        cached = self._docs
        if cached is not None and doc_id in cached[1]:
            with self._db() as db:
                if _revision_in(db) == cached[0]:
                    return cached[1][doc_id]
        with self._db() as db:
            row = db.execute(
                f"SELECT {_DOC_COLUMNS} FROM documents d WHERE doc_id = ?", (doc_id,)
            ).fetchone()
        return _stored_document(row) if row else None

    def document_text(self, doc_id: str) -> str:
        """The whole extracted text (held in memory until the store's revision moves)."""
        with self._db() as db:
            revision = _revision_in(db)
            cached = self._texts.get(doc_id, revision)
            if cached is not None:
                return cached
            row = db.execute("SELECT text FROM documents WHERE doc_id = ?", (doc_id,)).fetchone()
        if row is None:
            raise StoreError(f"no document {doc_id} in the store")
        text = str(row[0])
        self._texts.put(doc_id, revision, text)
        return text

    def document_window(self, doc_id: str, start: int, end: int) -> tuple[str, int, int]:
        """Part of a document's text: (text[start:end], start, total length), read in SQL so
        a 50 MB document is never loaded to show a window of it; a text answering has just
        read is sliced from memory (SQL's length() would read the whole text again)."""
        with self._db() as db:
            cached = self._texts.get(doc_id, _revision_in(db))
            if cached is not None:
                return cached[max(0, start) : max(0, end)], max(0, start), len(cached)
            row = db.execute(
                "SELECT substr(text, ?, ?), length(text) FROM documents WHERE doc_id = ?",
                (max(0, start) + 1, max(0, end - max(0, start)), doc_id),
            ).fetchone()
        if row is None:
            raise StoreError(f"no document {doc_id} in the store")
        return str(row[0]), max(0, start), int(row[1])

    def page_starts(self, doc_id: str) -> tuple[int, ...]:
        with self._db() as db:
            row = db.execute(
                "SELECT page_starts FROM documents WHERE doc_id = ?", (doc_id,)
            ).fetchone()
        return tuple(json.loads(row[0])) if row else ()

    def page_ocr(self, doc_id: str) -> tuple[float | None, ...]:
        """Per page: OCR confidence where the page was read by OCR, None where it was not."""
        with self._db() as db:
            row = db.execute(
                "SELECT page_ocr FROM documents WHERE doc_id = ?", (doc_id,)
            ).fetchone()
        return tuple(json.loads(row[0])) if row else ()

    def file_hashes(self) -> dict[str, str]:
        """Every complete file and its content hash."""
        with self._db() as db:
            rows = db.execute(
                "SELECT file, content_hash FROM files WHERE status = 'complete'"
            ).fetchall()
        return dict(rows)

    def chunks(self, chunk_ids: Sequence[str] | None = None) -> list[StoredChunk]:
        """Chunk rows (of complete files only: rows are written when a file completes)."""
        query = 'SELECT chunk_id, doc_id, idx, start, "end", text FROM chunks'
        with self._db() as db:
            if chunk_ids is None:
                rows = db.execute(query + " ORDER BY doc_id, idx").fetchall()
            else:
                rows = []
                ids = list(chunk_ids)
                for i in range(0, len(ids), 500):
                    part = ids[i : i + 500]
                    marks = ",".join("?" * len(part))
                    rows += db.execute(f"{query} WHERE chunk_id IN ({marks})", part).fetchall()
        return [StoredChunk(*row) for row in rows]

    def _file_chunk_ids(self, db: sqlite3.Connection, file: str) -> set[str]:
        return {
            r[0]
            for r in db.execute(
                "SELECT c.chunk_id FROM chunks c JOIN documents d USING (doc_id) WHERE d.file = ?",
                (file,),
            )
        }


def _stored_document(row: Sequence[Any]) -> StoredDocument:
    (doc_id, source, file, title, date, origin, content_hash, fmt, n_chunks, meta, parent) = row[
        :11
    ]
    language, page_ocr = row[11:13]
    return StoredDocument(
        doc_id=doc_id,
        source=source,
        file=file,
        title=title,
        date=date,
        date_origin=origin,
        content_hash=content_hash,
        format=fmt,
        n_chunks=n_chunks,
        metadata=json.loads(meta),
        parent_id=parent,
        language=language,
        ocr_pages=sum(1 for c in json.loads(page_ocr) if c is not None),
    )
