"""Vectors of texts that come back question after question, computed once per process.

Evidence scoring embeds every sentence of the retrieved passages; the same passages (and so
the same sentences) recur across questions, and re-embedding them was most of a warm
answer's time. A bounded LRU keyed by the exact text (a text's vector never changes for one
model) serves them from memory, and a file beside the store (``<store>/sentence-vectors.sqlite``,
keyed by model and text) keeps them for the next process. A changed document has other
sentences, so nothing stale can be served; the file is a cache: unreadable, it is set aside.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import sqlite3
import threading
from collections import OrderedDict
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np

log = logging.getLogger(__name__)

DEFAULT_CAPACITY = 50_000  # sentences; 384-d float32 vectors: about 80 MB when full


class CachingEmbedder:
    """Wraps an embedder: ``embed_documents`` embeds only texts it has not seen lately."""

    def __init__(
        self, embedder: Any, capacity: int = DEFAULT_CAPACITY, path: Path | None = None
    ) -> None:
        self.inner = embedder
        self.disk = (
            _DiskVectors(path, f"{embedder.name}|{type(embedder).__name__}") if path else None
        )
        self.name = embedder.name
        self.max_tokens = embedder.max_tokens
        self.capacity = capacity
        self._vectors: OrderedDict[str, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def count_tokens(self, text: str) -> int:
        return int(self.inner.count_tokens(text))

    def embed_query(self, text: str) -> np.ndarray:
        vector: np.ndarray = self.inner.embed_query(text)
        return vector

    def embed_documents(self, texts: list[str], batch_size: int = 32) -> np.ndarray:
        import numpy as np

        with self._lock:
            missing = list(dict.fromkeys(t for t in texts if t not in self._vectors))
            self.hits += len(texts) - len(missing)
            self.misses += len(missing)
        stored = self.disk.get(missing) if self.disk and missing else {}
        missing = [t for t in missing if t not in stored]
        fresh = self.inner.embed_documents(missing, batch_size=batch_size) if missing else None
        if self.disk and fresh is not None:
            self.disk.put(missing, fresh)
        with self._lock:
            for text, vector in stored.items():
                self._vectors[text] = vector
            found = {t: self._vectors[t] for t in texts if t in self._vectors}
            found.update(stored)
            if fresh is not None:
                for text, vector in zip(missing, fresh, strict=True):
                    found[text] = vector
                    self._vectors[text] = vector
            for text in found:
                self._vectors.move_to_end(text)
            while len(self._vectors) > self.capacity:
                self._vectors.popitem(last=False)
        if not texts:
            return np.asarray(self.inner.embed_documents([], batch_size=batch_size))
        return np.stack([found[t] for t in texts])


class _DiskVectors:
    """Sentence vectors in SQLite beside the store; every failure only means "not cached"."""

    MAX_ROWS = 500_000  # about 800 MB of 384-d vectors; the oldest go first

    def __init__(self, path: Path, model: str) -> None:
        self.path = path
        self.model = model
        self._broken = False

    def _key(self, text: str) -> str:
        return hashlib.sha1(f"{self.model}|{text}".encode()).hexdigest()

    def _connect(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.path, timeout=5)
        db.execute("CREATE TABLE IF NOT EXISTS v (k TEXT PRIMARY KEY, dim INTEGER, b BLOB)")
        return db

    def get(self, texts: list[str]) -> dict[str, np.ndarray]:
        import numpy as np

        if self._broken:
            return {}
        keys = {self._key(t): t for t in texts}
        found: dict[str, np.ndarray] = {}
        try:
            with contextlib.closing(self._connect()) as db:
                names = list(keys)
                for i in range(0, len(names), 500):
                    part = names[i : i + 500]
                    marks = ",".join("?" * len(part))
                    for key, dim, blob in db.execute(
                        f"SELECT k, dim, b FROM v WHERE k IN ({marks})", part
                    ):
                        vector = np.frombuffer(blob, dtype=np.float32)
                        if len(vector) == dim:  # a torn row is ignored, not used
                            found[keys[key]] = vector
        except sqlite3.Error as exc:
            self._set_aside(exc)
        return found

    def put(self, texts: list[str], vectors: np.ndarray) -> None:
        if self._broken:
            return
        try:
            with contextlib.closing(self._connect()) as db, db:
                db.executemany(
                    "INSERT OR REPLACE INTO v VALUES (?, ?, ?)",
                    [
                        (self._key(t), int(v.shape[0]), v.astype("float32").tobytes())
                        for t, v in zip(texts, vectors, strict=True)
                    ],
                )
                (count,) = db.execute("SELECT count(*) FROM v").fetchone()
                if count > self.MAX_ROWS:
                    db.execute(
                        "DELETE FROM v WHERE rowid IN (SELECT rowid FROM v ORDER BY rowid LIMIT ?)",
                        (count - self.MAX_ROWS,),
                    )
        except sqlite3.Error as exc:
            self._set_aside(exc)

    def _set_aside(self, exc: Exception) -> None:
        self._broken = True
        if "disk is full" in str(exc):  # the file is fine: unused until restart, kept
            log.warning("disk full: sentence vector cache %s not used until restart", self.path)
            return
        log.warning("sentence vector cache %s unusable (%s): set aside", self.path, exc)
        with contextlib.suppress(OSError):
            self.path.replace(self.path.with_suffix(".broken"))
