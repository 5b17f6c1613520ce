"""The ``onnx`` embedding back-end: the same model, int8, on ONNX Runtime + ``tokenizers``.

The model folder's weights are exported to ONNX once (torch, at install or first use; never
downloaded) and quantized to int8 with ONNX Runtime's dynamic quantization; later processes
load only ONNX Runtime and the Rust tokenizer, which start in well under a second where
torch + sentence-transformers take five or more. Pooling (mean over the attention mask) and
normalisation are done here in numpy, as the sentence-transformers modules of the model do.
"""

from __future__ import annotations

import functools
import hashlib
import json
import logging
import os
import threading
import uuid
import warnings
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING, Any

from index.embed import ModelError, resolve_model
from index.settings import default_cache_dir

if TYPE_CHECKING:
    import numpy as np

log = logging.getLogger(__name__)

_FORMAT = "2"  # bump when the export recipe changes: old files are then never loaded
_BUILD_LOCK = threading.Lock()
_WINDOW = 2048  # texts tokenized together


def _folder_key(folder: Path) -> str:
    """Names the exported file after the model folder's content (weights size and mtime,
    configuration): a changed model is exported again, never confused with the old one."""
    import onnxruntime

    parts = [_FORMAT, onnxruntime.__version__, str(folder.resolve())]
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            stat = path.stat()
            parts.append(f"{path.relative_to(folder)}:{stat.st_size}:{int(stat.st_mtime)}")
    return hashlib.sha1("|".join(parts).encode()).hexdigest()[:16]


def _check_pooling(folder: Path) -> None:
    pooling = folder / "1_Pooling" / "config.json"
    if pooling.exists():
        config = json.loads(pooling.read_text())
        if not config.get("pooling_mode_mean_tokens", False):
            raise ModelError(
                f"the model in {folder} does not use mean pooling, which the onnx back-end "
                "implements; set RAG_EMBED_BACKEND=torch"
            )


def export_int8(folder: Path, target: Path) -> None:
    """Export the transformer of a sentence-transformers folder to ONNX and quantize it."""
    try:
        import torch
        from onnxruntime.quantization import QuantType, quantize_dynamic
        from transformers import AutoModel
    except ImportError as exc:
        raise ModelError(
            f"building the int8 model needs {exc.name}: pip install torch transformers onnx "
            "onnxruntime (or set RAG_EMBED_BACKEND=torch)"
        ) from exc
    target.parent.mkdir(parents=True, exist_ok=True)
    tag = uuid.uuid4().hex[:8]  # two processes building at once never share a temp file
    fp32 = target.with_name(f"{target.stem}.{tag}.fp32.onnx")
    int8 = target.with_name(f"{target.stem}.{tag}.int8.onnx")
    try:

        class Hidden(torch.nn.Module):
            def __init__(self) -> None:
                super().__init__()
                self.bert = AutoModel.from_pretrained(str(folder), attn_implementation="eager")

            # Keyword arguments: the positional order of forward() differs across versions.
            def forward(self, input_ids: Any, attention_mask: Any, token_type_ids: Any) -> Any:
                return self.bert(
                    input_ids=input_ids,
                    attention_mask=attention_mask,
                    token_type_ids=token_type_ids,
                ).last_hidden_state

        sample = torch.ones((2, 8), dtype=torch.int64)
        mask = sample.clone()
        mask[1, 5:] = 0  # padding in the traced batch: the mask path must be traced, not skipped
        with torch.no_grad(), warnings.catch_warnings():
            warnings.simplefilter("ignore")  # tracer notes on Python-side branches
            torch.onnx.export(
                Hidden().eval().requires_grad_(False),
                (sample, mask, torch.zeros_like(sample)),
                str(fp32),
                input_names=["input_ids", "attention_mask", "token_type_ids"],
                output_names=["last_hidden_state"],
                dynamic_axes={
                    name: {0: "batch", 1: "sequence"}
                    for name in (
                        "input_ids",
                        "attention_mask",
                        "token_type_ids",
                        "last_hidden_state",
                    )
                },
                opset_version=17,
                dynamo=False,
            )
        quantize_dynamic(str(fp32), str(int8), weight_type=QuantType.QInt8, per_channel=True)
        int8.replace(target)
    finally:
        for leftover in (fp32, int8, fp32.with_suffix(".onnx.data")):
            leftover.unlink(missing_ok=True)


class OnnxEmbedder:
    """Embeds with the int8 ONNX export of a local sentence-transformers model."""

    def __init__(self, name: str, cache_dir: Path | None = None) -> None:
        self.name = name
        location = resolve_model(name)
        if not isinstance(location, Path) or not (location / "tokenizer.json").exists():
            raise ModelError(
                f"embedding model {name!r} is not a local folder with a tokenizer.json; set "
                "RAG_EMBED_MODEL to a local sentence-transformers folder (no model hub offline)"
            )
        _check_pooling(location)
        import onnxruntime
        from tokenizers import Tokenizer

        config_path = location / "sentence_bert_config.json"
        config = json.loads(config_path.read_text()) if config_path.exists() else {}
        window = int(config.get("max_seq_length") or 512)
        self.max_tokens = window - 2  # [CLS] and [SEP] take two places of the window
        self._counter = Tokenizer.from_file(str(location / "tokenizer.json"))
        self._counter.no_truncation()
        self._counter.no_padding()
        self._tokenizer = Tokenizer.from_file(str(location / "tokenizer.json"))
        self._tokenizer.enable_truncation(max_length=window)
        self._tokenizer.no_padding()  # batches are padded here, to their own longest text

        self.path = (cache_dir or default_cache_dir()) / f"{location.name}-{_folder_key(location)}"
        self.path = self.path.with_suffix(".int8.onnx")
        with _BUILD_LOCK:
            if not self.path.exists():
                log.info("building the int8 ONNX model in %s (once)", self.path)
                export_int8(location, self.path)
        options = onnxruntime.SessionOptions()
        options.log_severity_level = 3
        # One thread per run, one run per core at a time: a single ~200-token text does not
        # spread over two cores (ORT's own two threads gave 1.2 cores busy, 30 texts/s), but
        # two texts in two runs do (61 texts/s). Runs release the GIL and share the session.
        self._workers = max(1, len(os.sched_getaffinity(0)))
        options.intra_op_num_threads = 1
        self._pool: ThreadPoolExecutor | None = None
        self._pool_lock = threading.Lock()
        # Idle worker threads sleep instead of spinning: on a shared 2-core machine spinning
        # threads take the CPU from the work (and from every other process).
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        try:
            self._session = onnxruntime.InferenceSession(
                str(self.path), options, providers=["CPUExecutionProvider"]
            )
        except Exception as exc:  # a truncated or corrupt export: build it again, once
            log.warning("the int8 model %s is unreadable (%s): building it again", self.path, exc)
            self.path.unlink(missing_ok=True)
            export_int8(location, self.path)
            self._session = onnxruntime.InferenceSession(
                str(self.path), options, providers=["CPUExecutionProvider"]
            )
        self._inputs = {i.name for i in self._session.get_inputs()}

    def count_tokens(self, text: str) -> int:
        return len(self._counter.encode(text, add_special_tokens=False).ids)

    def embed_documents(self, texts: list[str], batch_size: int = 32) -> np.ndarray:
        import numpy as np

        if not texts:
            return np.zeros((0, self._dimension()), dtype=np.float32)
        out = np.empty((len(texts), self._dimension()), dtype=np.float32)
        # Tokenized a window at a time (encodings are large: a long document has tens of
        # thousands of chunks), then run one text at a time: dynamic quantization scales
        # activations per run, so batchmates (and their padding) would shift a text's vector
        # (cosine 0.99 instead of 1), and on CPU batching gains nothing (measured: batch 1, 4,
        # 16, 32 within 7%). No padding also means no wasted work on it.
        for w in range(0, len(texts), _WINDOW):
            encodings = self._tokenizer.encode_batch(texts[w : w + _WINDOW])
            vectors = self._runner().map(lambda encoding: self._run([encoding.ids])[0], encodings)
            for j, vector in enumerate(vectors):
                out[w + j] = vector
        return out

    def _runner(self) -> ThreadPoolExecutor:
        with self._pool_lock:
            if self._pool is None:
                self._pool = ThreadPoolExecutor(self._workers, thread_name_prefix="embed")
            return self._pool

    def embed_query(self, text: str) -> np.ndarray:
        # Retrieval and evidence scoring both need the question's vector: embed it once.
        return self._embed_query_cached(text).copy()

    @functools.lru_cache(maxsize=256)  # noqa: B019 (one embedder per model, kept for the process)
    def _embed_query_cached(self, text: str) -> np.ndarray:
        vector: np.ndarray = self._run([self._tokenizer.encode(text).ids])[0]
        return vector

    @functools.cache  # noqa: B019
    def _dimension(self) -> int:
        return int(self._run([self._tokenizer.encode("").ids]).shape[1])

    def _run(self, batch: list[list[int]]) -> np.ndarray:
        import numpy as np

        width = max(len(ids) for ids in batch)
        ids = np.zeros((len(batch), width), dtype=np.int64)
        mask = np.zeros((len(batch), width), dtype=np.int64)
        for row, tokens in enumerate(batch):
            ids[row, : len(tokens)] = tokens
            mask[row, : len(tokens)] = 1
        feeds: dict[str, Any] = {"input_ids": ids, "attention_mask": mask}
        if "token_type_ids" in self._inputs:
            feeds["token_type_ids"] = np.zeros_like(ids)
        hidden = self._session.run(None, feeds)[0]
        weights = mask[:, :, None].astype(np.float32)
        pooled = (hidden * weights).sum(axis=1) / np.clip(weights.sum(axis=1), 1e-9, None)
        norms = np.linalg.norm(pooled, axis=1, keepdims=True)
        result: np.ndarray = (pooled / np.clip(norms, 1e-12, None)).astype(np.float32)
        return result


if __name__ == "__main__":  # `python -m index.embed_onnx`: build the int8 model now (make install)
    from index.embed import embedder_for
    from index.settings import BUNDLED_MODEL, get_settings

    logging.basicConfig(level=logging.INFO, format="%(message)s")
    # The bundled MiniLM (the fast English choice, and what the naive-vs-ours comparison
    # uses) whatever the default model; the configured one too when it is another onnx model.
    settings = get_settings()
    models = dict.fromkeys([BUNDLED_MODEL, *settings.embed_models])
    for model in models:
        embedder = embedder_for(settings.model_copy(update={"embed_model": model}))
        print(type(embedder).__name__, getattr(embedder, "path", ""))
