"""Embedding back-ends: the int8 ONNX path stays close to the fp32 model; the registry says
what to install; cached sentence vectors equal fresh ones; long texts chunk in sections."""

from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np
import pytest

from index.embed import ModelError, get_embedder, register_backend
from index.settings import BUNDLED_MODEL

ROOT = Path(__file__).resolve().parents[1]


def _chunks() -> list[str]:
    text = " ".join(p.read_text(errors="ignore") for p in sorted((ROOT / "samples").glob("*")))
    words = text.split()
    return [" ".join(words[i : i + 120]) for i in range(0, min(len(words), 120 * 40), 120)]


def test_int8_embeddings_close_to_fp32() -> None:
    texts = _chunks()
    onnx = get_embedder(BUNDLED_MODEL, "onnx")
    torch = get_embedder(BUNDLED_MODEL, "torch")
    a, b = onnx.embed_documents(texts), torch.embed_documents(texts)
    assert a.shape == b.shape == (len(texts), 384)
    assert np.allclose(np.linalg.norm(a, axis=1), 1, atol=1e-4)
    cosine = (a * b).sum(axis=1)
    assert cosine.min() > 0.96 and cosine.mean() > 0.985
    # Batching and padding do not change a text's vector.
    assert np.allclose(onnx.embed_documents(texts[:1]), a[:1], atol=1e-5)
    # Same neighbours: each question's nearest chunk is the same under both.
    for question in ("How many Konkurs systems were sent?", "Who is Matthew Allen?"):
        assert int(np.argmax(a @ onnx.embed_query(question))) == int(
            np.argmax(b @ torch.embed_query(question))
        )
    assert [onnx.count_tokens(t) for t in texts[:5]] == [torch.count_tokens(t) for t in texts[:5]]
    assert onnx.max_tokens == torch.max_tokens == 254


def test_parallel_runs_keep_each_text_in_its_place(monkeypatch: pytest.MonkeyPatch) -> None:
    # Texts are embedded in several runs at once (one per core): each vector must land in its
    # text's row and equal the vector of that text embedded alone, whatever the scheduling.
    from index.embed_onnx import OnnxEmbedder

    texts = _chunks()[:24]
    texts = [t[: 40 + 37 * i] for i, t in enumerate(texts)]  # unequal lengths: unequal run times
    onnx = get_embedder(BUNDLED_MODEL, "onnx")
    assert isinstance(onnx, OnnxEmbedder)
    alone = np.stack([onnx.embed_documents([t])[0] for t in texts])
    monkeypatch.setattr(onnx, "_workers", 4)
    monkeypatch.setattr(onnx, "_pool", None)
    together = onnx.embed_documents(texts)
    assert onnx._pool is not None and onnx._pool._max_workers == 4
    assert np.array_equal(together, alone)


def test_registry_names_what_to_install() -> None:
    with pytest.raises(ModelError, match="onnx, torch"):
        get_embedder(BUNDLED_MODEL, "no-such-backend")
    register_backend("missing-test", "no_such_module_xyz:Embedder", "pip install no-such-thing")
    with pytest.raises(ModelError, match="pip install no-such-thing"):
        get_embedder(BUNDLED_MODEL, "missing-test")


def test_cached_sentence_vectors_equal_fresh_ones() -> None:
    from rag.vectors import CachingEmbedder

    inner = get_embedder(BUNDLED_MODEL, "onnx")
    cached = CachingEmbedder(inner, capacity=3)
    texts = ["The port of Varna.", "Grain exports rose.", "The port of Varna."]
    first = cached.embed_documents(texts)
    assert np.allclose(first, inner.embed_documents(texts), atol=1e-6)
    assert (cached.hits, cached.misses) == (1, 2)
    again = cached.embed_documents(["Grain exports rose.", "A new sentence.", "Another one."])
    assert np.allclose(again[0], first[1])
    assert cached.misses == 4 and len(cached._vectors) == 3  # bounded


def test_long_text_is_chunked_in_sections(monkeypatch: pytest.MonkeyPatch) -> None:
    from index import chunking
    from index.records import Document

    text = (ROOT / "samples").joinpath(sorted(p.name for p in (ROOT / "samples").glob("*"))[0])
    body = text.read_text(errors="ignore") * 3
    document = Document("d1", "s", "s", "t", "2020-01-01", "file", "h" * 64, "txt", body)
    counter = get_embedder(BUNDLED_MODEL, "onnx").count_tokens
    monkeypatch.setattr(chunking, "SECTION_CHARS", 3000)
    spans = list(chunking.sections(body, 3000))
    assert spans[0][0] == 0 and spans[-1][1] == len(body) and len(spans) > 3
    assert all(a[1] == b[0] for a, b in itertools.pairwise(spans))
    chunks = chunking.chunk_document(
        document, chunk_tokens=120, chunk_overlap=20, count_tokens=counter
    )
    assert all(body[c.start : c.end] == c.text for c in chunks)
    assert all(counter(c.text) == c.n_tokens <= 120 for c in chunks)
    assert [c.index for c in chunks] == list(range(len(chunks)))
    covered = sum(len(c.text) for c in chunks)
    assert covered >= len(body.strip()) * 0.95


def test_sentence_vectors_persist_beside_the_store(tmp_path: Path) -> None:
    from rag.vectors import CachingEmbedder

    inner = get_embedder(BUNDLED_MODEL, "onnx")
    path = tmp_path / "sentence-vectors.sqlite"
    texts = ["The port of Varna.", "Grain exports rose in spring."]
    first = CachingEmbedder(inner, path=path).embed_documents(texts)
    later = CachingEmbedder(inner, path=path)  # another process, later
    assert np.allclose(later.embed_documents(texts), first, atol=1e-6)
    assert later.misses == 2 and later.disk is not None
    assert later.disk.get(texts).keys() == set(texts)
    path.write_bytes(b"not a database" * 100)  # a damaged cache is set aside, never fatal
    damaged = CachingEmbedder(inner, path=path)
    assert np.allclose(damaged.embed_documents(texts), first, atol=1e-6)
    assert not path.exists() and path.with_suffix(".broken").exists()
