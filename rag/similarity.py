"""Similarity by the embedder: of sentences to the question (embed_units) and of two short
phrases (WordSimilarity), the two ways evidence scoring asks the embedding model.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np


def embed_units(embedder: Any, question: str, texts: Sequence[str]) -> np.ndarray:
    """Cosine similarity of each text to the question. The one place evidence embeds: a
    sentence-vector cache plugs in here."""
    import numpy as np

    question_vector = embedder.embed_query(question)
    vectors = embedder.embed_documents(list(texts))
    return np.asarray(vectors @ question_vector)


class WordSimilarity:
    """Cosine similarity of two short phrases by the embedder, each embedded once."""

    def __init__(self, embedder: Any, amount_least: float = 1.0) -> None:
        self._embedder = embedder
        self._vectors: dict[str, Any] = {}
        # least similarity of the thing a sum is bound to to the thing a question counts
        # (settings.evidence_amount_thing_similarity)
        self.amount_least = amount_least

    def __call__(self, a: str, b: str) -> float:
        missing = [w for w in dict.fromkeys((a, b)) if w not in self._vectors]
        if missing:
            for word, vector in zip(missing, self._embedder.embed_documents(missing), strict=True):
                self._vectors[word] = vector
        return float(self._vectors[a] @ self._vectors[b])
