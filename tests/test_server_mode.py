"""Two stores against one real ``chroma run`` on 127.0.0.1: neither can hurt the other, even
when one is a copy of the other's folder (same store id, same file paths)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from storekit import SAMPLES, assert_consistent, run_rag

from index.ingest import ingest
from index.settings import get_settings
from index.store import Store, StoreError


def _count(store: Store) -> int:
    return int(store.collection.count())


def test_a_store_never_touches_a_collection_it_does_not_own(
    tmp_path: Path, chroma_url: str
) -> None:
    a_dir = tmp_path / "a"
    a = get_settings(store=a_dir, chroma_url=chroma_url)
    assert ingest([SAMPLES], a).added == 2
    a_vectors = _count(Store(a))
    assert a_vectors > 0

    # Another machine's copy of store A: same store id, same paths, same server.
    b_dir = tmp_path / "b"
    shutil.copytree(a_dir, b_dir)
    b = get_settings(store=b_dir, chroma_url=chroma_url)
    with pytest.raises(StoreError, match="belongs to another store"):
        ingest([SAMPLES], b)
    with pytest.raises(StoreError, match="belongs to another store"):
        from index.ingest import remove

        remove([SAMPLES / "belarus-weapons-syria-2024-12-13.txt"], b)
    result = run_rag("ingest", str(SAMPLES), "--chroma-url", chroma_url, store=b_dir)
    assert result.returncode == 2 and len(result.stderr.strip().splitlines()) == 1
    assert "belongs to another store" in result.stderr and "--rebuild" in result.stderr
    assert _count(Store(a)) == a_vectors

    # B rebuilds: it gets a collection of its own and drops none of A's.
    summary = ingest([SAMPLES], b, rebuild=True)
    assert summary.added == 2
    store_a, store_b = Store(a), Store(b)
    assert store_b.collection.name != store_a.collection.name
    assert _count(store_a) == a_vectors
    assert_consistent(store_a)
    assert_consistent(store_b)

    # B removes a document: A keeps it (the same absolute path in both stores).
    from index.ingest import remove

    gone = SAMPLES / "belarus-weapons-syria-2024-12-13.txt"
    assert remove([gone], b)[0] == [str(gone.resolve())]
    assert _count(Store(a)) == a_vectors
    assert_consistent(Store(a))
    assert len(Store(a).documents()) == 2 and len(Store(b).documents()) == 1

    # A rebuilds: B's collection survives.
    b_vectors = _count(Store(b))
    assert ingest([SAMPLES], a, rebuild=True).added == 2
    assert _count(Store(b)) == b_vectors
    assert_consistent(Store(a))
    assert_consistent(Store(b))
