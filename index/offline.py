"""Offline by construction: environment set before torch, transformers, chromadb or gradio load.

Every value is a ``setdefault`` so a user can still override it deliberately.
"""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path

_FLAGS = {
    # A stray hub id fails at once instead of ~80 s of retries (or a hang).
    "HF_HUB_OFFLINE": "1",
    "TRANSFORMERS_OFFLINE": "1",
    "HF_DATASETS_OFFLINE": "1",
    "HF_HUB_DISABLE_TELEMETRY": "1",
    # Chroma and Gradio phone home; with dropped packets Gradio never exits.
    "ANONYMIZED_TELEMETRY": "False",
    "GRADIO_ANALYTICS_ENABLED": "False",
    "DO_NOT_TRACK": "1",
    "TOKENIZERS_PARALLELISM": "false",
    # Model-loading progress bars are noise on a CLI's stderr.
    "HF_HUB_DISABLE_PROGRESS_BARS": "1",
    "TRANSFORMERS_VERBOSITY": "error",
}


def _llama_index_static() -> Path | None:
    # find_spec does not import llama_index (that would cost seconds at CLI start-up).
    spec = importlib.util.find_spec("llama_index")
    if spec is None or not spec.submodule_search_locations:
        return None
    for location in spec.submodule_search_locations:
        static = Path(location) / "core" / "_static"
        if static.is_dir():
            return static
    return None


def ensure_offline() -> None:
    """Set the offline environment variables; cheap and idempotent."""
    for key, value in _FLAGS.items():
        os.environ.setdefault(key, value)
    if "TIKTOKEN_CACHE_DIR" not in os.environ:
        static = _llama_index_static()
        if static is not None:
            # llama-index bundles the tiktoken files; without this, tiktoken downloads them.
            os.environ["TIKTOKEN_CACHE_DIR"] = str(static / "tiktoken_cache")
