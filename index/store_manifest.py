"""The store's SQLite manifest: schema, connections, the write lock, recorded settings
and the revision that tells readers the store changed.

The base of :class:`index.store.Store`; the read API, the vectors and the write protocol
build on it (``store_read``, ``store_vectors``, ``store_write``).
"""

from __future__ import annotations

import contextlib
import errno
import logging
import shutil
import sqlite3
import uuid
from collections.abc import Iterator
from pathlib import Path

from index.faults import disk_full_point
from index.lock import LockTimeout, write_lock
from index.settings import Settings

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


class StoreManifest:
    """The manifest part of a store (attributes are set by ``Store.__init__``)."""

    settings: Settings
    path: Path
    manifest_path: Path

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

    def _bump_revision(self, db: sqlite3.Connection) -> None:
        db.execute(
            "UPDATE meta SET value = CAST(CAST(value AS INTEGER) + 1 AS TEXT) "
            "WHERE key = 'revision'"
        )
        row = db.execute("SELECT value FROM meta WHERE key = 'revision'").fetchone()
        if row is not None:
            _own_revisions(self.manifest_path).add(int(row[0]))


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
