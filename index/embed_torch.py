"""The ``torch`` embedding back-end: sentence-transformers in fp32 (the reference)."""

from __future__ import annotations

import copy
import functools
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any

from index.embed import ModelError, resolve_model

if TYPE_CHECKING:
    import numpy as np


class TorchEmbedder:
    """Embeds chunk texts and questions; counts tokens the way the model does."""

    def __init__(self, name: str, cache_dir: Path | None = None) -> None:
        self.name = name
        location = resolve_model(name)
        try:
            from sentence_transformers import SentenceTransformer

            self._model = SentenceTransformer(str(location), device="cpu")
        except Exception as exc:  # OSError, ValueError, hub errors: all mean "no such model here"
            raise ModelError(
                f"cannot load embedding model {name!r} ({type(exc).__name__}); set "
                "RAG_EMBED_MODEL to a local sentence-transformers folder (no model hub offline)"
            ) from exc
        self.tokenizer: Any = self._model.tokenizer
        # The window includes [CLS] and [SEP]: chunks must fit in what is left.
        self.max_tokens = int(self._model.max_seq_length or 512) - 2
        # Counting long texts is legitimate: a copy of the fast tokenizer that never truncates
        # (raising the model's own model_max_length instead also lifted its truncation).
        self._count_lock = threading.Lock()
        backend = getattr(self.tokenizer, "backend_tokenizer", None)
        self._counter: Any = copy.deepcopy(backend) if backend is not None else None
        if self._counter is not None:
            self._counter.no_truncation()
            self._counter.no_padding()

    def count_tokens(self, text: str) -> int:
        with self._count_lock:  # one caller at a time: tokenizers are not re-entrant
            return self._count(text)

    def _count(self, text: str) -> int:
        if self._counter is not None:
            return len(self._counter.encode(text, add_special_tokens=False).ids)
        return len(self.tokenizer.encode(text, add_special_tokens=False, verbose=False))

    def embed_documents(self, texts: list[str], batch_size: int = 32) -> np.ndarray:
        return self._model.encode(
            texts,
            batch_size=batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )

    def embed_query(self, text: str) -> np.ndarray:
        # Retrieval and evidence scoring both need the question's vector: embed it once.
        return self._embed_query_cached(text).copy()

    @functools.lru_cache(maxsize=256)  # noqa: B019 (one embedder per model, kept for the process)
    def _embed_query_cached(self, text: str) -> np.ndarray:
        return self._model.encode(
            [text], normalize_embeddings=True, convert_to_numpy=True, show_progress_bar=False
        )[0]
