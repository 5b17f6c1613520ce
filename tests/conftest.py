"""Shared fixtures: a real store of the sample sources, built once per test session, and a
Chroma server for the server-mode tests."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from netkit import free_port

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


@pytest.fixture
def chroma_url(tmp_path: Path) -> Iterator[str]:
    """A real Chroma server (``chroma run``, which comes with chromadb) on a free port."""
    chroma = shutil.which("chroma", path=str(Path(sys.executable).parent))
    assert chroma, "the chroma command comes with chromadb"
    port = free_port()
    command = [chroma, "run", "--host", "127.0.0.1", "--port", str(port)]
    server = subprocess.Popen(
        [*command, "--path", str(tmp_path / "srv")],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, "ANONYMIZED_TELEMETRY": "False"},
    )
    try:
        deadline = time.time() + 90
        while time.time() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.3)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.terminate()
        server.wait(timeout=30)
