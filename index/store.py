"""Storage stage: a SQLite manifest (documents, texts, chunk offsets) beside Chroma (vectors).

Crash safety: new vectors are written beside the old ones, one manifest transaction switches
to the new version, and only then are the old vectors deleted; a journal names the files in
flight, so the next writer (holding the store-wide write lock, hence the previous writer is
gone) finishes what a kill interrupted. Readers only see chunks that have manifest rows. The
protocol is spelled out above :meth:`Store.recover`.
"""

from __future__ import annotations

import contextlib
import errno
import json
import logging
import os
import shutil
import sqlite3
import time
import uuid
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from index.chunking import settings_fingerprint
from index.faults import disk_full_point, fault_point
from index.lock import LockTimeout, held_elsewhere, holder, write_lock
from index.records import Chunk, Document, StoredDocument
from index.settings import Settings
from index.textcache import TextCache
from index.vectors import (
    CLIENT_LOCK,
    VectorStoreError,
    check_owner,
    collection_name,
    fresh_client,
    home,
    make_client,
    owned_collections,
)

if TYPE_CHECKING:
    import numpy as np

log = logging.getLogger(__name__)

SCHEMA_VERSION = "1"
# Rows per Chroma upsert: Chroma's own buffers grow with the batch (measured: 20k rows upserted
# 5000 at a time left the process ~110 MB larger than 500 at a time).
_UPSERT_ROWS = 1024
_ID_PAGE = 10_000  # vector ids read per Chroma get

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS files (
    file TEXT PRIMARY KEY, content_hash TEXT NOT NULL, status TEXT NOT NULL,
    size INTEGER NOT NULL DEFAULT 0, indexed_at REAL NOT NULL DEFAULT 0);
CREATE TABLE IF NOT EXISTS documents (
    doc_id TEXT PRIMARY KEY, file TEXT NOT NULL, source TEXT NOT NULL, title TEXT NOT NULL,
    date TEXT NOT NULL, date_origin TEXT NOT NULL, content_hash TEXT NOT NULL,
    format TEXT NOT NULL, metadata TEXT NOT NULL, page_starts TEXT NOT NULL,
    parent_id TEXT, n_chunks INTEGER NOT NULL, text TEXT NOT NULL,
    language TEXT NOT NULL DEFAULT '', page_ocr TEXT NOT NULL DEFAULT '[]');
CREATE INDEX IF NOT EXISTS documents_file ON documents(file);
CREATE TABLE IF NOT EXISTS chunks (
    chunk_id TEXT PRIMARY KEY, doc_id TEXT NOT NULL, idx INTEGER NOT NULL,
    start INTEGER NOT NULL, "end" INTEGER NOT NULL, n_tokens INTEGER NOT NULL,
    text TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS chunks_doc ON chunks(doc_id);
CREATE TABLE IF NOT EXISTS journal (
    file TEXT PRIMARY KEY, op TEXT NOT NULL, started REAL NOT NULL, pid INTEGER NOT NULL);
"""

_DOC_COLUMNS = (
    "d.doc_id, d.source, d.file, d.title, d.date, d.date_origin, d.content_hash, d.format, "
    "d.n_chunks, d.metadata, d.parent_id, d.language, d.page_ocr"
)
_DOC_INSERT = (
    "INSERT INTO documents (doc_id, file, source, title, date, date_origin, content_hash, "
    "format, metadata, page_starts, parent_id, n_chunks, text, language, page_ocr) "
    "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)"
)
# Columns added after the first stores were written: (name, definition) for ALTER TABLE.
_ADDED_DOC_COLUMNS = (
    ("language", "TEXT NOT NULL DEFAULT ''"),
    ("page_ocr", "TEXT NOT NULL DEFAULT '[]'"),
)


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
    """An index on disk: open it for reading (``create=False``) or for ingesting.

    Writes (``write_files``, ``remove_file``, ``recover``, a rebuild) take the store's write
    lock themselves (re-entrant), so no write can run beside another writer's.
    """

    def __init__(self, settings: Settings, *, create: bool = False, rebuild: bool = False) -> None:
        self.settings = settings
        self.path = Path(settings.store)
        self.manifest_path = self.path / "manifest.sqlite"
        self._collection: Any = None
        self._collection_name = ""
        self._seen_revision = -1
        self._chroma: Any = None
        self._texts = TextCache()
        self._docs: tuple[str, dict[str, StoredDocument]] | None = None
        self._check_manifest_file(create=create, rebuild=rebuild)
        if create:
            with self.locked(), self._db() as db:
                db.executescript(_SCHEMA)
        if rebuild:
            self._start_rebuild()
        self._migrate()
        self._check_or_record_settings()

    # ----------------------------------------------------------------- manifest
    def _check_manifest_file(self, *, create: bool, rebuild: bool) -> None:
        vectors_here = (self.path / "chroma").exists()
        if not self.manifest_path.exists():
            if not create:
                raise StoreError(
                    f"no index at {self.path}: run `rag ingest PATH... --store {self.path}` first"
                )
            if vectors_here and not rebuild:
                raise StoreError(
                    f"{self.path} holds vectors but no manifest.sqlite (deleted or moved?); "
                    f"restore it, or start again with `rag ingest PATH... --rebuild --store "
                    f"{self.path}`"
                )
            self.path.mkdir(parents=True, exist_ok=True)
            return
        if self.manifest_path.stat().st_size == 0 and (vectors_here or not create) and not rebuild:
            # SQLite would take an empty file for a new database: the old collection would be
            # orphaned and every document silently gone.
            raise StoreError(
                f"the manifest {self.manifest_path} is empty (0 bytes) but the store is not new; "
                f"restore it from a backup, or rebuild: rag ingest PATH... --rebuild "
                f"--store {self.path}"
            )

    def _migrate(self) -> None:
        """Bring a store written by an older version up to date, in place (also when it is
        opened for reading: the read path selects these columns).

        Adds the document columns it lacks, and detects the language of documents that have
        none (stores from before language detection), once: "und" is stored when unsure.
        """
        with self._db() as db:
            have = {row[1] for row in db.execute("PRAGMA table_info(documents)")}
        if not have:  # no documents table yet: a new store gets the whole schema
            return
        missing = [(n, d) for n, d in _ADDED_DOC_COLUMNS if n not in have]
        if missing:
            with self.locked(), self._db() as db:
                have = {row[1] for row in db.execute("PRAGMA table_info(documents)")}
                for name, definition in missing:
                    if name not in have:  # another process may have just added it
                        db.execute(f"ALTER TABLE documents ADD COLUMN {name} {definition}")
        with self._db() as db:
            todo = [r[0] for r in db.execute("SELECT doc_id FROM documents WHERE language = ''")]
        if not todo:
            return
        from index.language import detect_language

        log.info("detecting the language of %d document(s) indexed before", len(todo))
        found = [(detect_language(self.document_text(d), self.settings.languages), d) for d in todo]
        with self.locked(), self._db() as db:
            db.executemany(
                "UPDATE documents SET language = ? WHERE doc_id = ? AND language = ''", found
            )
            self._bump_revision(db)

    @contextlib.contextmanager
    def _db(self) -> Iterator[sqlite3.Connection]:
        # A connection per operation: safe from the UI's worker threads, and cheap in SQLite.
        try:
            db = sqlite3.connect(self.manifest_path, timeout=self.settings.manifest_timeout)
        except sqlite3.Error as exc:
            raise self._manifest_error(exc) from None
        try:
            try:
                disk_full_point(self.settings, "manifest-open")
                db.execute("PRAGMA journal_mode=WAL")
            except sqlite3.OperationalError as exc:
                if "disk is full" not in str(exc) and not _out_of_space(self.path, str(exc)):
                    raise
                # A full disk: SQLite cannot grow the shared WAL index (-shm) even to read.
                # Reads do not need the disk: keep that index in this connection's memory
                # (exclusive locking, for this short connection only); a write still fails
                # with "disk full".
                db.close()
                db = sqlite3.connect(self.manifest_path, timeout=self.settings.manifest_timeout)
                db.execute("PRAGMA locking_mode=EXCLUSIVE")
                log.debug("disk full: reading the manifest without its shared WAL index")
            db.execute("PRAGMA synchronous=FULL")
            with db:
                yield db
        except sqlite3.Error as exc:
            raise self._manifest_error(exc) from None
        finally:
            db.close()

    def _manifest_error(self, exc: sqlite3.Error) -> StoreError:
        text = str(exc)
        if "locked" in text or "busy" in text:
            return StoreError(
                f"the manifest {self.manifest_path} is locked by another program "
                f"(waited {self.settings.manifest_timeout:g} s): {text}"
            )
        if "disk is full" in text or "No space" in text or _out_of_space(self.path, text):
            return StoreError(f"disk full: cannot write the manifest {self.manifest_path}")
        if isinstance(exc, sqlite3.OperationalError) and "no such table" not in text:
            return StoreError(f"cannot use the manifest {self.manifest_path}: {text}")
        return StoreError(
            f"the manifest {self.manifest_path} is damaged ({text}); restore it from a backup, "
            f"or rebuild: rag ingest PATH... --rebuild --store {self.path}"
        )

    @contextlib.contextmanager
    def locked(self) -> Iterator[None]:
        """The store-wide write lock (re-entrant; waits up to ``settings.lock_timeout``)."""
        try:
            with write_lock(self.path, self.settings.lock_timeout):
                yield
        except LockTimeout as exc:
            raise StoreError(str(exc)) from None

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
            if "store_id" in meta:  # settings gone but the store's identity kept: damaged
                raise self._manifest_error(sqlite3.DatabaseError("settings missing"))
            with self.locked(), self._db() as db:
                if db.execute("SELECT 1 FROM meta WHERE key = 'store_id'").fetchone():
                    return  # another process made this store meanwhile
                db.executemany(
                    "INSERT OR REPLACE INTO meta VALUES (?, ?)",
                    [
                        *wanted.items(),
                        ("schema", SCHEMA_VERSION),
                        ("store_id", uuid.uuid4().hex[:8]),
                        ("revision", "0"),
                        ("generation", "0"),
                    ],
                )
            return
        differing = [k for k, v in wanted.items() if meta.get(k) != v]
        if "embed_model" in differing and "embed_model" not in self.settings.model_fields_set:
            # The default model changed since this store was built (or another default was
            # given): its vectors are only comparable with its own model, which is used with
            # that model's evidence calibration. Choosing a model explicitly still refuses.
            from index.calibration import with_embed_model

            log.info(
                "the store %s was built with %s: using that model (rebuild it to change)",
                self.path,
                meta["embed_model"],
            )
            self.settings = with_embed_model(self.settings, meta["embed_model"])
            differing.remove("embed_model")
        if differing:
            built = ", ".join(f"{k}={meta.get(k)}" for k in differing)
            asked = ", ".join(f"{k}={wanted[k]}" for k in differing)
            raise StoreError(
                f"the store at {self.path} was built with {built} but {asked} was asked for; "
                f"use the same settings, or rebuild it: rag ingest PATH... --rebuild "
                f"--store {self.path}"
            )

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
            self._collection = None
            fault_point(self.settings, "rebuild-emptied")
            self._drop_stale_collections()
            fault_point(self.settings, "rebuild-dropped")
        log.info("store %s emptied for a rebuild", self.path)

    def _drop_stale_collections(self) -> None:
        """Drop this store's collections other than the current one (earlier generations)."""
        meta = self._meta()
        current = self._current_name(meta)
        server = bool(self.settings.chroma_url)
        my_home = home(self.manifest_path)
        for store_id in {meta.get("store_id"), meta.get("old_store_id")} - {None}:
            try:
                with CLIENT_LOCK:
                    client = self._client()
                    for collection in owned_collections(
                        client, str(store_id), my_home, server=server
                    ):
                        if collection.name != current:
                            client.delete_collection(collection.name)
                            log.info("dropped old collection %s", collection.name)
            except VectorStoreError:
                raise
            except Exception as exc:  # the next write tries again
                log.warning("could not drop old collections: %s", exc)
                return
        with self._db() as db:
            db.execute("DELETE FROM meta WHERE key = 'old_store_id'")

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

    def finish_rebuild(self) -> None:
        with self.locked(), self._db() as db:
            db.execute("DELETE FROM meta WHERE key = 'rebuilding'")

    def _bump_revision(self, db: sqlite3.Connection) -> None:
        db.execute(
            "UPDATE meta SET value = CAST(CAST(value AS INTEGER) + 1 AS TEXT) "
            "WHERE key = 'revision'"
        )
        row = db.execute("SELECT value FROM meta WHERE key = 'revision'").fetchone()
        if row is not None:
            _own_revisions(self.manifest_path).add(int(row[0]))

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

    # ------------------------------------------------------------------ vectors
    def _client(self) -> Any:
        # Built once per Store: making a client costs ~20 ms (settings, system lookup).
        if self._chroma is None:
            try:
                self._chroma = make_client(self.settings.chroma_url, self.path / "chroma")
            except VectorStoreError as exc:
                raise StoreError(str(exc)) from None
        return self._chroma

    def _current_name(self, meta: dict[str, str]) -> str:
        fingerprint = settings_fingerprint(
            self.settings.embed_model, self.settings.chunk_tokens, self.settings.chunk_overlap
        )
        return collection_name(meta["store_id"], fingerprint, int(meta.get("generation", "0")))

    @property
    def collection(self) -> Any:
        with CLIENT_LOCK, _disk_full_is_one_line(self.path, reading=True):
            return self._open_collection()

    def _open_collection(self) -> Any:
        meta = self._meta()
        name = self._current_name(meta)
        revision = int(meta.get("revision", "0"))
        if self._collection is not None and self._seen_revision != revision:
            if not self.settings.chroma_url and _foreign_change(
                self.manifest_path, self._seen_revision, revision
            ):
                # Another process wrote: this process's Chroma client keeps serving the
                # vectors it loaded (deleted ones included) until it is opened anew.
                log.info("store changed by another process: re-opening the vector store")
                self._chroma = fresh_client(self.path / "chroma")
                self._collection = None
            self._seen_revision = revision
        if self._collection is None or self._collection_name != name:
            disk_full_point(self.settings, "vectors-open")
            # Embeddings are always passed in, so Chroma never loads (downloads) its own model.
            self._collection = self._client().get_or_create_collection(
                name=name,
                metadata={
                    "hnsw:space": "cosine",
                    "rag_owner": meta["store_id"],
                    "rag_home": home(self.manifest_path),
                },
                embedding_function=None,
            )
            self._collection_name = name
            self._seen_revision = revision
        return self._collection

    def check_writable(self) -> None:
        """Raise StoreError unless this store owns its vector collection."""
        self._writable_collection()

    def _writable_collection(self) -> Any:
        """The collection, after checking that this store owns it (claiming an older one)."""
        collection = self.collection
        try:
            check_owner(
                collection,
                self._meta()["store_id"],
                home(self.manifest_path),
                server=bool(self.settings.chroma_url),
                claim=True,
            )
        except VectorStoreError as exc:
            raise StoreError(str(exc)) from None
        return collection

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

    def _vector_ids(self, collection: Any, files: Sequence[str]) -> dict[str, set[str]]:
        where = {"file": {"$in": list(files)}} if len(files) > 1 else {"file": files[0]}
        by_file: dict[str, set[str]] = {f: set() for f in files}
        # A page at a time: Chroma fails with "too many SQL variables" when one get returns
        # more than ~32k rows (a large file's chunks).
        offset = 0
        while True:
            got = collection.get(where=where, include=["metadatas"], limit=_ID_PAGE, offset=offset)
            for chunk_id, meta in zip(got["ids"], got["metadatas"], strict=True):
                by_file.setdefault(str(meta.get("file")), set()).add(chunk_id)
            if len(got["ids"]) < _ID_PAGE:
                return by_file
            offset += _ID_PAGE

    def _delete_unlisted_vectors(self, files: Sequence[str]) -> None:
        """Delete each file's vectors that the manifest does not list (old versions, or what
        an interrupted write left)."""
        if not files:
            return
        collection = self._writable_collection()
        stray: list[str] = []
        for file, ids in self._vector_ids(collection, files).items():
            with self._db() as db:
                stray += sorted(ids - self._file_chunk_ids(db, file))
        for i in range(0, len(stray), 5000):
            collection.delete(ids=stray[i : i + 5000])

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
                self._writable_collection().delete(where={"file": file})
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

    def write_files(
        self, files: Sequence[FileWrite], vectors: Iterable[np.ndarray] | None = None
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
            collection = self._writable_collection()
            self._journal(names, "write")
            fault_point(self.settings, "after-pending")
            rows = [(c, d) for f in files for c, d in f.chunk_documents()]
            pieces = (
                vectors if vectors is not None else (f.embeddings for f in files if len(f.chunks))
            )
            with CLIENT_LOCK:
                batch = min(int(self._client().get_max_batch_size()), _UPSERT_ROWS)
            done = 0
            for piece in pieces:
                for i in range(0, len(piece), batch):
                    end = min(i + batch, len(piece))
                    part = rows[done + i : done + end]
                    disk_full_point(self.settings, "vectors-write")
                    # No chunk text in Chroma: the manifest holds it (and retrieval reads it
                    # there); Chroma would index it again for full-text search, per row.
                    collection.upsert(
                        ids=[c.chunk_id for c, _ in part],
                        embeddings=piece[i:end],
                        metadatas=[_chunk_metadata(c, d) for c, d in part],
                    )
                done += len(piece)
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
            self._writable_collection()
            self._journal([file], "remove")
            fault_point(self.settings, "after-pending")
            self._forget(file)
            fault_point(self.settings, "after-complete")
            self._delete_unlisted_vectors([file])
            fault_point(self.settings, "after-old-vectors")
            self._end_journal([file])
        return True


_OWN: dict[str, set[int]] = {}


def _out_of_space(folder: Path, text: str) -> bool:
    # SQLite reports a full disk as "disk I/O error" when its WAL index cannot grow.
    if "I/O error" not in text:
        return False
    try:
        return shutil.disk_usage(folder).free < 1 << 20
    except OSError:
        return False


def _revision_in(db: sqlite3.Connection) -> str:
    """The store's revision as this connection sees it (caches of reads are keyed by it)."""
    found = db.execute("SELECT value FROM meta WHERE key = 'revision'").fetchone()
    return str(found[0]) if found else "0"


def _own_revisions(manifest: Path) -> set[int]:
    """Revisions this process committed (its writes go through its own Chroma client)."""
    return _OWN.setdefault(str(manifest.absolute()), set())


def _foreign_change(manifest: Path, seen: int, now: int) -> bool:
    own = _own_revisions(manifest)
    return now < seen or any(r not in own for r in range(seen + 1, now + 1))


@contextlib.contextmanager
def _disk_full_is_one_line(folder: Path, *, reading: bool = False) -> Iterator[None]:
    """Chroma and SQLite report a full disk in tracebacks of their own: one line instead."""
    try:
        yield
    except StoreError:
        raise
    except Exception as exc:
        if getattr(exc, "errno", None) == errno.ENOSPC or any(
            s in str(exc) for s in ("No space left", "disk is full", "ENOSPC")
        ):
            if reading:
                raise StoreError(
                    f"disk full: the vector store in {folder} cannot be opened (Chroma needs "
                    "some free space even to read); free some space and try again (nothing "
                    "in the index was lost)"
                ) from None
            raise StoreError(
                f"disk full while writing to {folder}: free some space and run the ingest "
                "again (what was indexed before is kept)"
            ) from None
        raise


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


def _chunk_metadata(chunk: Chunk, document: Document) -> dict[str, Any]:
    # Only what Chroma filters on (file: a file's vectors; doc_id, date_num: retrieval
    # filters). Titles, sources and offsets are read from the manifest; every metadata key
    # is one more indexed row per chunk in Chroma (stores written before keep theirs).
    return {"doc_id": chunk.doc_id, "file": document.file, "date_num": date_number(document.date)}


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
