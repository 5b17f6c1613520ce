"""Storage stage: a SQLite manifest (documents, texts, chunk offsets) beside Chroma (vectors).

Crash safety: new vectors are written beside the old ones, one manifest transaction switches
to the new version, and only then are the old vectors deleted; a journal names the files in
flight, so the next writer (holding the store-wide write lock, hence the previous writer is
gone) finishes what a kill interrupted. Readers only see chunks that have manifest rows. The
protocol is spelled out above :meth:`Store.recover`.

``Store`` is built in layers, one module each, every layer using only those below it:
``store_manifest`` (SQLite schema, connections, write lock, recorded settings, revision),
``store_read`` (documents, texts, chunks), ``store_vectors`` (the Chroma collection and its
queries) and ``store_write`` (the write protocol, rebuild); this module opens a store and
brings an older one up to date. Callers import everything from here.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from index.records import StoredDocument
from index.settings import Settings
from index.store_manifest import _ADDED_DOC_COLUMNS, _SCHEMA, SCHEMA_VERSION, StoreError
from index.store_read import StoredChunk
from index.store_vectors import date_number
from index.store_write import FileWrite, StoreWriter
from index.textcache import TextCache

log = logging.getLogger(__name__)

__all__ = [
    "SCHEMA_VERSION",
    "FileWrite",
    "Store",
    "StoreError",
    "StoredChunk",
    "date_number",
]


class Store(StoreWriter):
    """An index on disk: open it for reading (``create=False``) or for ingesting.

    Writes (``write_files``, ``remove_file``, ``recover``, a rebuild) take the store's write
    lock themselves (re-entrant), so no write can run beside another writer's.
    """

    def __init__(self, settings: Settings, *, create: bool = False, rebuild: bool = False) -> None:
        self.settings = settings
        self.path = Path(settings.store)
        self.manifest_path = self.path / "manifest.sqlite"
        self._collections: dict[str, tuple[str, Any]] = {}
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
