"""Shared fixtures: a real store of the sample sources, built once per test session."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

import index  # noqa: F401  (sets the offline environment before anything heavy loads)

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "samples"


@pytest.fixture(scope="session")
def sample_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store folder with both sample sources ingested (real model, real Chroma)."""
    from index.ingest import ingest
    from index.settings import get_settings

    store = tmp_path_factory.mktemp("sample-store")
    summary = ingest([SAMPLES], get_settings(store=store))
    assert summary.added == 2 and not summary.failed
    return store


@pytest.fixture(scope="session")
def sample_rag(sample_store: Path) -> Iterator[object]:
    """The public API opened on the sample store, extractive back-end."""
    from rag import open_store

    yield open_store(sample_store, backend="extractive")
