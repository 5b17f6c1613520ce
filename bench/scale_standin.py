"""A STAND-IN embedder for store and BM25 benchmarks: no model, no meaning.

Hashed word counts projected to 384 dimensions (deterministic): texts that share words get
similar vectors, so the vector index sees realistic, non-random structure, at a cost of
microseconds per chunk. Token counts come from the real model's tokenizer, so chunks have
their real sizes. Never use it for answers: it is registered only by bench/scale.py.
"""

from __future__ import annotations

import re
import zlib
from pathlib import Path

import numpy as np

from index.embed import resolve_model
from index.settings import BUNDLED_MODEL

_WORD = re.compile(r"\w+")
DIM = 384


class StandIn:
    def __init__(self, name: str, cache_dir: Path | None = None) -> None:
        from tokenizers import Tokenizer

        self.name = name
        self.max_tokens = 254
        folder = resolve_model(BUNDLED_MODEL)
        self._counter = Tokenizer.from_file(str(Path(folder) / "tokenizer.json"))
        self._counter.no_truncation()
        self._counter.no_padding()
        rng = np.random.default_rng(0)
        self._table = rng.standard_normal((4096, DIM)).astype(np.float32)
        self._rows: dict[str, int] = {}  # word -> table row (crc32 of the word, once)

    def _row(self, word: str) -> int:
        row = self._rows[word] = zlib.crc32(word.lower().encode()) % 4096
        return row

    def count_tokens(self, text: str) -> int:
        return len(self._counter.encode(text, add_special_tokens=False).ids)

    def _one(self, text: str) -> np.ndarray:
        rows = [zlib.crc32(w.lower().encode()) % 4096 for w in _WORD.findall(text)] or [0]
        vector = self._table[rows].sum(axis=0)
        result: np.ndarray = vector / max(float(np.linalg.norm(vector)), 1e-9)
        return result

    def embed_documents(self, texts: list[str], batch_size: int = 32) -> np.ndarray:
        """Every text at once: one sparse (text x hashed word) count matrix times the table,
        the same vectors as ``_one`` per text at a fraction of the cost."""
        from scipy.sparse import csr_matrix

        if not texts:
            return np.zeros((0, DIM), np.float32)
        cols: list[int] = []
        indptr = [0]
        rows = self._rows
        for text in texts:
            words = _WORD.findall(text)
            cols += [rows.get(w) or self._row(w) for w in words] if words else [0]
            indptr.append(len(cols))
        counts = csr_matrix(
            (np.ones(len(cols), np.float32), np.array(cols), np.array(indptr)),
            shape=(len(texts), len(self._table)),
        )
        vectors = np.asarray(counts @ self._table, dtype=np.float32)
        norms = np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-9)
        result: np.ndarray = vectors / norms
        return result

    def embed_query(self, text: str) -> np.ndarray:
        return self._one(text)
