"""Vectors a re-ingest can keep: chunks whose ids (document id + content hash + index) are
already in the store hold the same text under the same settings, so they need no new
embedding. This is what makes a grown mailbox re-embed only its new messages."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from index.records import Chunk
    from index.store import Store

log = logging.getLogger(__name__)


def stored_vectors(
    store: Store, chunk_ids: Sequence[str], model: str | None = None
) -> dict[str, np.ndarray]:
    """The stored vectors (``model``'s, by default the store's first) of those ``chunk_ids``
    that the store has."""
    if not chunk_ids:
        return {}
    collection = store.collection_of(model) if model else store.collection
    got: Any = collection.get(ids=list(chunk_ids), include=["embeddings"])
    ids, vectors = got.get("ids") or [], got.get("embeddings")
    if vectors is None:
        return {}
    return {i: np.asarray(v, dtype=np.float32) for i, v in zip(ids, vectors, strict=True)}


def embed_missing(
    chunks: Sequence[Chunk],
    known: dict[str, np.ndarray],
    embed: Callable[[list[str]], np.ndarray],
) -> tuple[np.ndarray, int]:
    """One vector per chunk, in order: ``known`` ones kept, the rest embedded in one call.
    Returns (vectors, how many were embedded)."""
    todo = [c for c in chunks if c.chunk_id not in known]
    fresh = embed([c.text for c in todo]) if todo else None
    by_id = dict(known)
    if fresh is not None:
        by_id.update({c.chunk_id: np.asarray(v) for c, v in zip(todo, fresh, strict=True)})
    if not chunks:
        return np.zeros((0, 0), dtype=np.float32), 0
    log.debug("%d chunks embedded, %d kept", len(todo), len(chunks) - len(todo))
    return np.stack([by_id[c.chunk_id] for c in chunks]), len(todo)
