"""Storage stage: a SQLite manifest (documents, texts, chunk offsets) beside Chroma (vectors).

Crash safety rests on one rule: the manifest marks a file ``pending`` (committed) before its
vectors change, and ``complete`` (committed, with its document and chunk rows) after. Readers
only see chunks that have manifest rows, which exist only for complete files; on the next write
a pending file's vectors are deleted and the file is indexed again. Chunk ids are
deterministic, so a re-add after a crash upserts instead of duplicating.
"""

from __future__ import annotations

import contextlib
import json
import logging
import sqlite3
import threading
import time
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from index.chunking import settings_fingerprint
from index.records import Chunk, Document, StoredDocument
from index.settings import Settings

if TYPE_CHECKING:
    import numpy as np

log = logging.getLogger(__name__)

SCHEMA_VERSION = "1"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS files (
    file TEXT PRIMARY KEY, content_hash TEXT NOT NULL, status TEXT NOT NULL,
    size INTEGER NOT NULL DEFAULT 0, indexed_at REAL NOT NULL DEFAULT 0);
CREATE TABLE IF NOT EXISTS documents (
    doc_id TEXT PRIMARY KEY, file TEXT NOT NULL, source TEXT NOT NULL, title TEXT NOT NULL,
    date TEXT NOT NULL, date_origin TEXT NOT NULL, content_hash TEXT NOT NULL,
    format TEXT NOT NULL, metadata TEXT NOT NULL, page_starts TEXT NOT NULL,
    parent_id TEXT, n_chunks INTEGER NOT NULL, text TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS documents_file ON documents(file);
CREATE TABLE IF NOT EXISTS chunks (
    chunk_id TEXT PRIMARY KEY, doc_id TEXT NOT NULL, idx INTEGER NOT NULL,
    start INTEGER NOT NULL, "end" INTEGER NOT NULL, n_tokens INTEGER NOT NULL,
    text TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS chunks_doc ON chunks(doc_id);
"""

_DOC_COLUMNS = (
    "d.doc_id, d.source, d.file, d.title, d.date, d.date_origin, d.content_hash, d.format, "
    "d.n_chunks, d.metadata, d.parent_id"
)


_CLIENT_LOCK = threading.RLock()


class StoreError(Exception):
    """The store cannot be used as asked; the message says what to do."""


@dataclass(frozen=True)
class FileWrite:
    """Everything one file produced, ready to replace what the store holds for it."""

    file: str
    content_hash: str
    size: int
    documents: Sequence[Document]
    chunks: Sequence[Chunk]
    embeddings: np.ndarray  # one row per chunk, in order

    def chunk_documents(self) -> list[tuple[Chunk, Document]]:
        by_id = {d.doc_id: d for d in self.documents}
        return [(c, by_id[c.doc_id]) for c in self.chunks]


@dataclass(frozen=True)
class StoredChunk:
    """A chunk row of a complete document, with what retrieval needs to show it."""

    chunk_id: str
    doc_id: str
    index: int
    start: int
    end: int
    text: str


def date_number(date: str) -> int:
    """YYYY-MM-DD as an integer, so Chroma can filter date ranges with $gte/$lte."""
    try:
        return int(date[:10].replace("-", ""))
    except ValueError:
        return 0


class Store:
    """An index on disk: open it for reading (``create=False``) or for ingesting."""

    def __init__(self, settings: Settings, *, create: bool = False, rebuild: bool = False) -> None:
        self.settings = settings
        self.path = Path(settings.store)
        self.manifest_path = self.path / "manifest.sqlite"
        self._collection: Any = None
        self._chroma: Any = None
        if not self.manifest_path.exists():
            if not create:
                raise StoreError(
                    f"no index at {self.path}: run `rag ingest PATH... --store {self.path}` first"
                )
            self.path.mkdir(parents=True, exist_ok=True)
        with self._db() as db:
            db.executescript(_SCHEMA)
        if rebuild:
            self._drop_everything()
        self._check_or_record_settings()

    # ----------------------------------------------------------------- manifest
    @contextlib.contextmanager
    def _db(self) -> Iterator[sqlite3.Connection]:
        # A connection per operation: safe from the UI's worker threads, and cheap in SQLite.
        db = sqlite3.connect(self.manifest_path, timeout=30)
        try:
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=FULL")
            with db:
                yield db
        finally:
            db.close()

    def _meta(self) -> dict[str, str]:
        with self._db() as db:
            return dict(db.execute("SELECT key, value FROM meta").fetchall())

    def _wanted_meta(self) -> dict[str, str]:
        s = self.settings
        return {
            "embed_model": s.embed_model,
            "chunk_tokens": str(s.chunk_tokens),
            "chunk_overlap": str(s.chunk_overlap),
        }

    def _check_or_record_settings(self) -> None:
        meta = self._meta()
        wanted = self._wanted_meta()
        if "embed_model" not in meta:
            with self._db() as db:
                db.executemany(
                    "INSERT OR REPLACE INTO meta VALUES (?, ?)",
                    [
                        *wanted.items(),
                        ("schema", SCHEMA_VERSION),
                        ("store_id", uuid.uuid4().hex[:8]),
                        ("revision", "0"),
                    ],
                )
            return
        differing = [k for k, v in wanted.items() if meta.get(k) != v]
        if differing:
            built = ", ".join(f"{k}={meta.get(k)}" for k in differing)
            asked = ", ".join(f"{k}={wanted[k]}" for k in differing)
            raise StoreError(
                f"the store at {self.path} was built with {built} but {asked} was asked for; "
                f"use the same settings, or rebuild it: rag ingest PATH... --rebuild "
                f"--store {self.path}"
            )

    def _drop_everything(self) -> None:
        meta = self._meta()
        if "store_id" in meta:
            try:
                client = self._client()
                for name in [
                    c if isinstance(c, str) else c.name for c in client.list_collections()
                ]:
                    if name.startswith(f"rag-{meta['store_id']}-"):
                        client.delete_collection(name)
            except Exception as exc:  # a store whose vectors are already gone is fine to rebuild
                log.warning("could not delete old vectors: %s", exc)
        with self._db() as db:
            for table in ("meta", "files", "documents", "chunks"):
                db.execute(f"DELETE FROM {table}")
        log.info("store %s emptied for a rebuild", self.path)

    @property
    def revision(self) -> int:
        """Bumped on every change: readers rebuild caches (BM25) when it moves."""
        return int(self._meta().get("revision", "0"))

    def _bump_revision(self, db: sqlite3.Connection) -> None:
        db.execute(
            "UPDATE meta SET value = CAST(CAST(value AS INTEGER) + 1 AS TEXT) "
            "WHERE key = 'revision'"
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
        """Documents of completely indexed files, sorted by source."""
        with self._db() as db:
            rows = db.execute(
                f"SELECT {_DOC_COLUMNS} FROM documents d JOIN files f USING (file) "
                "WHERE f.status = 'complete' ORDER BY source"
            ).fetchall()
        return [_stored_document(row) for row in rows]

    def document(self, doc_id: str) -> StoredDocument | None:
        with self._db() as db:
            row = db.execute(
                f"SELECT {_DOC_COLUMNS} FROM documents d WHERE doc_id = ?", (doc_id,)
            ).fetchone()
        return _stored_document(row) if row else None

    def document_text(self, doc_id: str) -> str:
        with self._db() as db:
            row = db.execute("SELECT text FROM documents WHERE doc_id = ?", (doc_id,)).fetchone()
        if row is None:
            raise StoreError(f"no document {doc_id} in the store")
        return str(row[0])

    def page_starts(self, doc_id: str) -> tuple[int, ...]:
        with self._db() as db:
            row = db.execute(
                "SELECT page_starts FROM documents WHERE doc_id = ?", (doc_id,)
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

    # ------------------------------------------------------------------ vectors
    def _client(self) -> Any:
        # Built once per Store: making a client costs ~20 ms (settings, system lookup).
        if self._chroma is None:
            self._chroma = self._make_client()
        return self._chroma

    def _make_client(self) -> Any:
        import chromadb
        from chromadb.config import Settings as ChromaSettings

        chroma_settings = ChromaSettings(anonymized_telemetry=False, allow_reset=False)
        url = self.settings.chroma_url
        if url:
            from urllib.parse import urlparse

            parsed = urlparse(url)
            if not parsed.hostname:
                raise StoreError(f"chroma_url {url!r} is not http://HOST:PORT")
            try:
                return chromadb.HttpClient(
                    host=parsed.hostname,
                    port=parsed.port or 8000,
                    ssl=parsed.scheme == "https",
                    settings=chroma_settings,
                )
            except Exception as exc:
                raise StoreError(f"Chroma server at {url} not reachable: {exc}") from exc
        return chromadb.PersistentClient(path=str(self.path / "chroma"), settings=chroma_settings)

    @property
    def collection(self) -> Any:
        # chromadb's client set-up is not thread-safe (two threads racing to open one
        # PersistentClient fail); the UI and ask_many open stores from worker threads.
        with _CLIENT_LOCK:
            return self._open_collection()

    def _open_collection(self) -> Any:
        if self._collection is None:
            meta = self._meta()
            fingerprint = settings_fingerprint(
                self.settings.embed_model, self.settings.chunk_tokens, self.settings.chunk_overlap
            )
            name = f"rag-{meta['store_id']}-{fingerprint}"
            # Embeddings are always passed in, so Chroma never loads (downloads) its own model.
            self._collection = self._client().get_or_create_collection(
                name=name, metadata={"hnsw:space": "cosine"}, embedding_function=None
            )
        return self._collection

    def query(
        self, embedding: np.ndarray, n: int, where: dict[str, Any] | None = None
    ) -> list[tuple[str, float]]:
        """Nearest chunk ids with cosine distances, best first."""
        collection = self.collection
        count = collection.count()
        if count == 0:
            return []
        result = collection.query(
            query_embeddings=[embedding.tolist()],
            n_results=min(n, count),
            where=where or None,
            include=["distances"],
        )
        return list(zip(result["ids"][0], result["distances"][0], strict=True))

    def _delete_vectors(self, file: str) -> None:
        self.collection.delete(where={"file": file})

    # ------------------------------------------------------------------- writes
    def recover(self) -> list[str]:
        """Undo what an interrupted write left; returns the files that were half-written."""
        with self._db() as db:
            pending = [r[0] for r in db.execute("SELECT file FROM files WHERE status='pending'")]
        for file in pending:
            log.warning("removing half-indexed %s left by an interrupted ingest", file)
            self._delete_vectors(file)
            self._forget(file)
        return pending

    def _forget(self, file: str) -> None:
        with self._db() as db:
            doc_ids = [
                r[0] for r in db.execute("SELECT doc_id FROM documents WHERE file=?", (file,))
            ]
            db.executemany("DELETE FROM chunks WHERE doc_id = ?", [(d,) for d in doc_ids])
            db.execute("DELETE FROM documents WHERE file = ?", (file,))
            db.execute("DELETE FROM files WHERE file = ?", (file,))
            self._bump_revision(db)

    def _mark_pending(self, files: Sequence[FileWrite]) -> None:
        with self._db() as db:
            db.executemany(
                "INSERT INTO files (file, content_hash, status, size) VALUES (?, ?, 'pending', ?) "
                "ON CONFLICT(file) DO UPDATE SET status = 'pending'",
                [(f.file, f.content_hash, f.size) for f in files],
            )

    def write_files(self, files: Sequence[FileWrite]) -> None:
        """Replace everything indexed from each file by its new documents and chunks.

        Several files go in one batch (one pending mark, one vector delete and upsert, one
        completing transaction): per-file round trips dominated small-file ingests.
        """
        if not files:
            return
        self._mark_pending(files)
        names = [f.file for f in files]
        self.collection.delete(
            where={"file": {"$in": names}} if len(names) > 1 else {"file": names[0]}
        )
        rows = [(c, d) for f in files for c, d in f.chunk_documents()]
        if rows:
            import numpy as np

            vectors = np.concatenate([f.embeddings for f in files if len(f.chunks)])
            with _CLIENT_LOCK:
                batch = int(self._client().get_max_batch_size())
            for i in range(0, len(rows), batch):
                part = rows[i : i + batch]
                self.collection.upsert(
                    ids=[c.chunk_id for c, _ in part],
                    embeddings=vectors[i : i + batch].tolist(),
                    documents=[c.text for c, _ in part],
                    metadatas=[_chunk_metadata(c, d) for c, d in part],
                )
        with self._db() as db:
            for f in files:
                counts: dict[str, int] = {}
                for c in f.chunks:
                    counts[c.doc_id] = counts.get(c.doc_id, 0) + 1
                old = [
                    r[0] for r in db.execute("SELECT doc_id FROM documents WHERE file=?", (f.file,))
                ]
                db.executemany("DELETE FROM chunks WHERE doc_id = ?", [(d,) for d in old])
                db.execute("DELETE FROM documents WHERE file = ?", (f.file,))
                db.executemany(
                    "INSERT INTO documents VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
                    [
                        (
                            d.doc_id, d.file, d.source, d.title, d.date, d.date_origin,
                            d.content_hash, d.format, json.dumps(d.metadata),
                            json.dumps(list(d.page_starts)), d.parent_id,
                            counts.get(d.doc_id, 0), d.text,
                        )
                        for d in f.documents
                    ],
                )  # fmt: skip
                db.executemany(
                    "INSERT OR REPLACE INTO chunks VALUES (?,?,?,?,?,?,?)",
                    [
                        (c.chunk_id, c.doc_id, c.index, c.start, c.end, c.n_tokens, c.text)
                        for c in f.chunks
                    ],
                )
                db.execute(
                    "UPDATE files SET content_hash = ?, status = 'complete', size = ?, "
                    "indexed_at = ? WHERE file = ?",
                    (f.content_hash, f.size, time.time(), f.file),
                )
            self._bump_revision(db)

    def remove_file(self, file: str) -> bool:
        """Delete a file's documents and all their vectors; False if it was not indexed."""
        with self._db() as db:
            known = db.execute("SELECT 1 FROM files WHERE file = ?", (file,)).fetchone()
        if not known:
            return False
        with self._db() as db:
            db.execute("UPDATE files SET status = 'pending' WHERE file = ?", (file,))
        self._delete_vectors(file)
        self._forget(file)
        return True


def _chunk_metadata(chunk: Chunk, document: Document) -> dict[str, Any]:
    return {
        "doc_id": chunk.doc_id,
        "file": document.file,
        "source": document.source,
        "title": document.title,
        "date": document.date,
        "date_num": date_number(document.date),
        "start": chunk.start,
        "end": chunk.end,
        "index": chunk.index,
    }


def _stored_document(row: Sequence[Any]) -> StoredDocument:
    (doc_id, source, file, title, date, origin, content_hash, fmt, n_chunks, meta, parent) = row
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
    )
