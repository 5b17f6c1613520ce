"""Vectors of texts that come back question after question, computed once per process.

Evidence scoring embeds every sentence of the retrieved passages; the same passages (and so
the same sentences) recur across questions, and re-embedding them was most of a warm
answer's time. A bounded LRU keyed by the exact text (a text's vector never changes for one
model) serves them from memory; a changed document has other sentences, so nothing stale can
be served.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np

DEFAULT_CAPACITY = 50_000  # sentences; 384-d float32 vectors: about 80 MB when full


class CachingEmbedder:
    """Wraps an embedder: ``embed_documents`` embeds only texts it has not seen lately."""

    def __init__(self, embedder: Any, capacity: int = DEFAULT_CAPACITY) -> None:
        self.inner = embedder
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
        fresh = self.inner.embed_documents(missing, batch_size=batch_size) if missing else None
        with self._lock:
            found = {t: self._vectors[t] for t in texts if t in self._vectors}
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
