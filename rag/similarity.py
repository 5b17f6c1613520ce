"""Similarity by the embedder: of sentences to the question (embed_units) and of two short
phrases (WordSimilarity), the two ways evidence scoring asks the embedding model.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np

    from index.settings import Settings


def on_reference_scale(similarity: float, settings: Settings) -> float:
    """``similarity`` carried linearly onto the reference model's scale (all-MiniLM-L6-v2's:
    the settings' defaults), the model's usual range (settings.evidence_similarity_low/high,
    calibrated per model) onto the reference's. The evidence score adds similarity to term
    coverage with weights set on the reference: e5 puts nearly every sentence between 0.74
    and 0.89, so its raw cosine would count a quarter as much against coverage, and a
    sentence sharing words with the question but about something else would outrank the
    one the embedding finds closest. Identity for the reference model."""
    from index.settings import Settings

    fields = Settings.model_fields
    ref_low = float(fields["evidence_similarity_low"].default)
    ref_high = float(fields["evidence_similarity_high"].default)
    low, high = settings.evidence_similarity_low, settings.evidence_similarity_high
    if high <= low:
        return similarity
    return ref_low + (similarity - low) * (ref_high - ref_low) / (high - low)


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
