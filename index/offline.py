"""Offline by construction: environment set before torch, transformers, chromadb or gradio load.

Every value is a ``setdefault`` so a user can still override it deliberately.
"""

from __future__ import annotations

import importlib.util
import os
import sys
import threading
from pathlib import Path
from types import ModuleType

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


# nltk's package root imports its optional helpers for scikit-learn and scipy.stats (seconds
# of start-up: pandas, sklearn, scipy.stats); we use only punkt, which needs neither.
_NLTK_OPTIONAL = ("sklearn", "scipy.stats")


_NLTK_LOCK = threading.Lock()


def import_nltk() -> ModuleType:
    """``import nltk`` without its optional scikit-learn / scipy.stats helpers.

    nltk imports them inside ``try/except ImportError``; for the duration of its import they
    are made to fail, then made importable again (for anyone else in the process). Threads
    wait for one another: a half-imported nltk must never be handed out."""
    with _NLTK_LOCK:
        if "nltk" not in sys.modules:
            blocked = [name for name in _NLTK_OPTIONAL if name not in sys.modules]
            for name in blocked:
                sys.modules[name] = None  # type: ignore[assignment]  # `import name` fails
            try:
                import nltk
            finally:
                for name in blocked:
                    if name in sys.modules and sys.modules[name] is None:
                        del sys.modules[name]
        import nltk

        return nltk
