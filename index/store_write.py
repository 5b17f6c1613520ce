"""The write path of a store: replacing a file's rows and vectors, removing a file,
recovering from an interrupted write, emptying the store for a rebuild.

The protocol, which a kill at any step cannot spoil, is spelled out above
:meth:`StoreWriter.recover`.
"""

from __future__ import annotations

import json
import logging
import os
import sqlite3
import time
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from index.faults import disk_full_point, fault_point
from index.records import Chunk, Document
from index.store_manifest import _DOC_INSERT, SCHEMA_VERSION, _disk_full_is_one_line
from index.store_vectors import StoreVectors, _chunk_metadata
from index.vectors import CLIENT_LOCK

if TYPE_CHECKING:
    import numpy as np

log = logging.getLogger(__name__)


# Rows per Chroma upsert: Chroma's own buffers grow with the batch (measured: 20k rows upserted
# 5000 at a time left the process ~110 MB larger than 500 at a time).
_UPSERT_ROWS = 1024


@dataclass(frozen=True)
class FileWrite:
    """Everything one file produced, ready to replace what the store holds for it."""

    file: str
    content_hash: str
    size: int
    documents: Sequence[Document]
    chunks: Sequence[Chunk]
    # one row per chunk, in order; per model ({model: rows}) for a store of several models
    embeddings: np.ndarray | Mapping[str, np.ndarray]

    def chunk_documents(self) -> list[tuple[Chunk, Document]]:
        by_id = {d.doc_id: d for d in self.documents}
        return [(c, by_id[c.doc_id]) for c in self.chunks]


class StoreWriter(StoreVectors):
    """Writes to a store, each under the store-wide write lock."""

    def _start_rebuild(self) -> None:
        """Empty the store for a rebuild, in an order a kill at any point cannot spoil.

        One transaction empties the manifest, records the asked settings and moves to a new
        collection generation (the revision keeps counting up, so no reader cache of the old
        contents can match); only then are the old collections dropped. A kill before the
        transaction leaves the old store whole; a kill after it leaves an empty manifest
        whose files the next ingest indexes again, and old collections that the next write
        drops (``recover``).
        """
        with self.locked():
            meta = self._meta()
            store_id = meta.get("store_id") or uuid.uuid4().hex[:8]
            if meta.get("store_id") and self.settings.chroma_url:
                # The old collections may belong to a copy of this store elsewhere: a new
                # identity makes this store's new collection its own.
                store_id = uuid.uuid4().hex[:8]
            with self._db() as db:
                for table in ("files", "documents", "chunks", "journal"):
                    db.execute(f"DELETE FROM {table}")
                db.executemany(
                    "INSERT OR REPLACE INTO meta VALUES (?, ?)",
                    [
                        *self._wanted_meta().items(),
                        ("schema", SCHEMA_VERSION),
                        ("store_id", store_id),
                        ("revision", str(int(meta.get("revision", "0")) + 1)),
                        ("generation", str(int(meta.get("generation", "0")) + 1)),
                        ("rebuilding", "1"),
                        *([("old_store_id", meta["store_id"])] if "store_id" in meta else []),
                    ],
                )
            self._collections = {}
            fault_point(self.settings, "rebuild-emptied")
            self._drop_stale_collections()
            fault_point(self.settings, "rebuild-dropped")
        log.info("store %s emptied for a rebuild", self.path)

    def finish_rebuild(self) -> None:
        with self.locked(), self._db() as db:
            db.execute("DELETE FROM meta WHERE key = 'rebuilding'")

    # ------------------------------------------------------------------- writes
    #
    # The write protocol, which a kill at any step cannot spoil (each step is a fault point):
    #   1. journal: the files about to change are recorded (committed)      "after-pending"
    #   2. new vectors are upserted; chunk ids carry the content hash, so
    #      they sit beside the old version's, which readers still see        "after-new-vectors"
    #   3. one transaction swaps the manifest rows to the new version          "before-complete"
    #                                                                          "after-complete"
    #   4. the file's vectors the manifest no longer lists are deleted         "after-old-vectors"
    #   5. the journal rows go.
    # Readers only show chunks with manifest rows, so before 3 they see the old version and
    # after it the new one. Recovery (under the lock: the writer is gone) redoes step 4 for
    # every journal row, which finishes or undoes the interrupted write.
    def recover(self) -> list[str]:
        """Clean up after interrupted writes; returns the files an interrupted write touched."""
        with self.locked():
            with self._db() as db:
                journal = [r[0] for r in db.execute("SELECT file FROM journal")]
                legacy = [
                    r[0] for r in db.execute("SELECT file FROM files WHERE status = 'pending'")
                ]
                stale = db.execute(
                    "SELECT 1 FROM meta WHERE key IN ('rebuilding', 'old_store_id')"
                ).fetchone()
            for file in legacy:  # left by the older delete-first protocol: its rows are stale
                log.warning("removing half-indexed %s left by an interrupted ingest", file)
                for model in self.models:
                    self._writable_collection(model).delete(where={"file": file})
                self._forget(file)
            if journal:
                log.warning("finishing %d interrupted writes", len(journal))
                self._delete_unlisted_vectors(journal)
                with self._db() as db:
                    db.executemany("DELETE FROM journal WHERE file = ?", [(f,) for f in journal])
            if stale:
                self._drop_stale_collections()
        return legacy + journal

    def _forget(self, file: str) -> None:
        with self._db() as db:
            doc_ids = [
                r[0] for r in db.execute("SELECT doc_id FROM documents WHERE file=?", (file,))
            ]
            db.executemany("DELETE FROM chunks WHERE doc_id = ?", [(d,) for d in doc_ids])
            db.execute("DELETE FROM documents WHERE file = ?", (file,))
            db.execute("DELETE FROM files WHERE file = ?", (file,))
            self._bump_revision(db)

    def _journal(self, files: Sequence[str], op: str) -> None:
        with self._db() as db:
            db.executemany(
                "INSERT OR REPLACE INTO journal VALUES (?, ?, ?, ?)",
                [(f, op, time.time(), os.getpid()) for f in files],
            )

    def _end_journal(self, files: Sequence[str]) -> None:
        with self._db() as db:
            db.executemany("DELETE FROM journal WHERE file = ?", [(f,) for f in files])

    def _per_model(self, vectors: np.ndarray | Mapping[str, np.ndarray]) -> dict[str, np.ndarray]:
        """Rows per model of the store: a store of one model also takes bare rows."""
        if isinstance(vectors, Mapping):
            if set(vectors) != set(self.models):
                raise ValueError(
                    f"vectors of {', '.join(sorted(vectors))} for a store of "
                    f"{', '.join(self.models)}"
                )
            return dict(vectors)
        if len(self.models) != 1:
            raise ValueError(f"vectors of one model for a store of {', '.join(self.models)}")
        return {self.models[0]: vectors}

    def write_files(
        self,
        files: Sequence[FileWrite],
        vectors: Iterable[np.ndarray | Mapping[str, np.ndarray]] | None = None,
    ) -> None:
        """Replace everything indexed from each file by its new documents and chunks.

        Several files go in one batch (one journal entry, one upsert, one completing
        transaction): per-file round trips dominated small-file ingests. ``vectors``, when
        given, yields the rows' vectors in order, in pieces (the files' ``embeddings`` are then
        not used): a large file is streamed, each piece upserted (step 2) as it comes, so its
        vectors are never all in memory; the manifest still switches in one transaction.
        """
        if not files:
            return
        names = [f.file for f in files]
        with self.locked(), _disk_full_is_one_line(self.path):
            # every model's collection: the file's vectors go to all of them or none counts
            collections = {m: self._writable_collection(m) for m in self.models}
            self._journal(names, "write")
            fault_point(self.settings, "after-pending")
            rows = [(c, d) for f in files for c, d in f.chunk_documents()]
            pieces: Iterable[dict[str, np.ndarray]]
            if vectors is not None:
                pieces = (self._per_model(piece) for piece in vectors)
            else:
                import numpy as np

                # The batch's files in one piece: one upsert per _UPSERT_ROWS rows, not one
                # per file (a Chroma upsert costs ~25 ms however few its rows: 326 small
                # files took 8-15 s of upserts, more than e5 took to embed them).
                given = [self._per_model(f.embeddings) for f in files if len(f.chunks)]
                pieces = (
                    [{m: np.concatenate([g[m] for g in given]) for m in self.models}]
                    if given
                    else []
                )
            with CLIENT_LOCK:
                batch = min(int(self._client().get_max_batch_size()), _UPSERT_ROWS)
            done = 0
            for piece in pieces:
                length = len(piece[self.models[0]])
                for i in range(0, length, batch):
                    end = min(i + batch, length)
                    part = rows[done + i : done + end]
                    metadatas = [_chunk_metadata(c, d) for c, d in part]
                    for model, collection in collections.items():
                        disk_full_point(self.settings, "vectors-write")
                        # No chunk text in Chroma: the manifest holds it (and retrieval reads
                        # it there); Chroma would index it again for full-text search, per row.
                        collection.upsert(
                            ids=[c.chunk_id for c, _ in part],
                            embeddings=piece[model][i:end],
                            metadatas=metadatas,
                        )
                done += length
                fault_point(self.settings, "after-vector-batch")
            if done != len(rows):
                raise ValueError(f"{done} vectors for {len(rows)} chunks")
            fault_point(self.settings, "after-new-vectors")
            with self._db() as db:
                for f in files:
                    _replace_rows(db, f)
                self._bump_revision(db)
                fault_point(self.settings, "before-complete")
            fault_point(self.settings, "after-complete")
            self._delete_unlisted_vectors(names)
            fault_point(self.settings, "after-old-vectors")
            self._end_journal(names)

    def remove_file(self, file: str) -> bool:
        """Delete a file's documents and all their vectors; False if it was not indexed."""
        with self.locked(), _disk_full_is_one_line(self.path):
            with self._db() as db:
                known = db.execute("SELECT 1 FROM files WHERE file = ?", (file,)).fetchone()
            if not known:
                return False
            self.check_writable()
            self._journal([file], "remove")
            fault_point(self.settings, "after-pending")
            self._forget(file)
            fault_point(self.settings, "after-complete")
            self._delete_unlisted_vectors([file])
            fault_point(self.settings, "after-old-vectors")
            self._end_journal([file])
        return True


def _replace_rows(db: sqlite3.Connection, f: FileWrite) -> None:
    counts: dict[str, int] = {}
    for c in f.chunks:
        counts[c.doc_id] = counts.get(c.doc_id, 0) + 1
    old = [r[0] for r in db.execute("SELECT doc_id FROM documents WHERE file=?", (f.file,))]
    db.executemany("DELETE FROM chunks WHERE doc_id = ?", [(d,) for d in old])
    db.execute("DELETE FROM documents WHERE file = ?", (f.file,))
    db.executemany(
        _DOC_INSERT,
        [
            (
                d.doc_id, d.file, d.source, d.title, d.date, d.date_origin,
                d.content_hash, d.format, json.dumps(d.metadata),
                json.dumps(list(d.page_starts)), d.parent_id,
                counts.get(d.doc_id, 0), d.text, d.language or "und",
                json.dumps(list(d.page_ocr)),
            )
            for d in f.documents
        ],
    )  # fmt: skip
    db.executemany(
        "INSERT OR REPLACE INTO chunks VALUES (?,?,?,?,?,?,?)",
        [(c.chunk_id, c.doc_id, c.index, c.start, c.end, c.n_tokens, c.text) for c in f.chunks],
    )
    db.execute(
        "INSERT INTO files (file, content_hash, status, size, indexed_at) "
        "VALUES (?, ?, 'complete', ?, ?) ON CONFLICT(file) DO UPDATE SET "
        "content_hash = excluded.content_hash, status = 'complete', size = excluded.size, "
        "indexed_at = excluded.indexed_at",
        (f.file, f.content_hash, f.size, time.time()),
    )
