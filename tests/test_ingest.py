"""Ingestion into a real Chroma with the real bundled model: offsets, sync, bad input, crashes."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from storekit import assert_consistent

from index.ingest import ingest, remove
from index.settings import get_settings
from index.store import Store, StoreError

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "samples"
RAG = [sys.executable, "-m", "rag.cli"]


def test_offsets_hold_in_the_file(tmp_path: Path) -> None:
    settings = get_settings(store=tmp_path / "store")
    summary = ingest([SAMPLES], settings)
    assert (summary.added, summary.failed) == (2, [])
    store = Store(settings)
    assert_consistent(store)
    for doc in store.documents():
        file_text = Path(doc.source).read_bytes().decode("utf-8")
        assert store.document_text(doc.doc_id) == file_text
        chunks = [c for c in store.chunks() if c.doc_id == doc.doc_id]
        assert chunks, doc.source
        for c in chunks:
            assert file_text[c.start : c.end] == c.text
    article = next(d for d in store.documents() if d.source.endswith("2024-12-13.txt"))
    assert (article.date, article.date_origin) == ("2024-12-13", "document")


def test_chunks_fit_the_model_window(tmp_path: Path) -> None:
    from index.embed import embedder_for

    settings = get_settings(store=tmp_path / "store", chunk_tokens=120, chunk_overlap=20)
    ingest([SAMPLES], settings)
    embedder = embedder_for(settings)
    rows = Store(settings).chunks()
    assert len(rows) > 30
    assert max(embedder.count_tokens(c.text) for c in rows) <= 120


def test_sync_add_change_remove(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "a.txt").write_text("Alpha report. The shipment held 12 crates of rifles.\n")
    (docs / "b.md").write_text("# Beta\n\nThe convoy left Varna on 3 May 2016.\n")
    settings = get_settings(store=tmp_path / "store")

    first = ingest([docs], settings)
    assert (first.added, first.updated, first.unchanged, first.removed) == (2, 0, 0, 0)
    again = ingest([docs], settings)
    assert (again.added, again.updated, again.unchanged, again.chunks_added) == (0, 0, 2, 0)

    (docs / "a.txt").write_text("Alpha report, corrected. The shipment held 14 crates.\n")
    (docs / "b.md").unlink()
    (docs / "c.txt").write_text("Gamma memo about a third delivery.\n")
    third = ingest([docs], settings)
    assert (third.added, third.updated, third.unchanged, third.removed) == (1, 1, 0, 1)

    store = Store(settings)
    assert_consistent(store)
    texts = " ".join(c.text for c in store.chunks())
    assert "14 crates" in texts and "12 crates" not in texts and "Varna" not in texts
    assert sorted(Path(d.source).name for d in store.documents()) == ["a.txt", "c.txt"]

    removed, unknown = remove([docs / "a.txt", docs / "nope.txt"], settings)
    assert [Path(r).name for r in removed] == ["a.txt"] and unknown == [str(docs / "nope.txt")]
    assert_consistent(store)
    assert [Path(d.source).name for d in store.documents()] == ["c.txt"]


def test_bad_input_is_reported_and_nothing_is_lost(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "good.txt").write_text("A good file about 240 Konkurs systems.\n")
    settings = get_settings(store=tmp_path / "store", max_file_mb=0.001)
    assert ingest([docs], settings).added == 1

    (docs / "empty.txt").write_bytes(b"")
    (docs / "binary.txt").write_bytes(bytes(range(256)) * 4)
    (docs / "latin.txt").write_bytes(
        "Привет, это документ о поставках оружия в Болгарию в 2015 году. ".encode("cp1251") * 3
    )
    (docs / "broken.pdf").write_bytes(b"%PDF-1.4 this is not really a pdf")
    (docs / "big.txt").write_text("x " * 1000)
    (docs / "dangling.txt").symlink_to(docs / "missing-target.txt")
    # A changed file that now fails keeps its indexed version.
    (docs / "good.txt").write_bytes(b"")

    summary = ingest([docs], settings)
    reasons = {Path(f.source).name: f.error for f in summary.failed}
    assert set(reasons) == {"empty.txt", "binary.txt", "broken.pdf", "big.txt", "dangling.txt",
                            "good.txt"}  # fmt: skip
    assert "empty" in reasons["empty.txt"]
    assert "binary" in reasons["binary.txt"]
    assert "pdf" in reasons["broken.pdf"].lower()
    assert "too large" in reasons["big.txt"]
    assert "cannot read" in reasons["dangling.txt"]
    assert all("\n" not in r and "Traceback" not in r for r in reasons.values())
    assert summary.added == 1  # the cp1251 file, decoded
    assert any("cp1251" in w.error or "1251" in w.error for w in summary.warnings)
    store = Store(settings)
    names = sorted(Path(d.source).name for d in store.documents())
    assert names == ["good.txt", "latin.txt"]
    assert "240 Konkurs" in " ".join(c.text for c in store.chunks())


def test_cli_json_summary_and_exit_status(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "ok.txt").write_text("Fine text.\n")
    (docs / "empty.md").write_text("")
    env = {**os.environ, "RAG_STORE": str(tmp_path / "store")}
    done = subprocess.run(
        [*RAG, "ingest", str(docs), "--json"], capture_output=True, text=True, env=env
    )
    assert done.returncode == 1, done.stderr
    summary = json.loads(done.stdout)
    assert summary["added"] == 1 and summary["updated"] == summary["removed"] == 0
    assert [Path(f["source"]).name for f in summary["failed"]] == ["empty.md"]
    assert "Traceback" not in done.stderr

    listed = subprocess.run([*RAG, "sources", "--json"], capture_output=True, text=True, env=env)
    assert listed.returncode == 0
    (doc,) = json.loads(listed.stdout)
    assert doc["title"] and doc["n_chunks"] == 1 and doc["date_origin"] == "file"


def test_cli_start_up_imports_nothing_heavy(tmp_path: Path) -> None:
    probe = (
        "import sys\n"
        "from rag.cli import main\n"
        "for argv in (['--help'], ['sources', '--store', sys.argv[1]], ['ingest']):\n"
        "    try:\n"
        "        main(argv)\n"
        "    except SystemExit:\n"
        "        pass\n"
        "heavy = [m for m in ('torch', 'llama_index', 'gradio', 'chromadb',\n"
        "         'sentence_transformers', 'transformers') if m in sys.modules]\n"
        "print('HEAVY', heavy)\n"
    )
    Store(get_settings(store=tmp_path / "store"), create=True)
    done = subprocess.run(
        [sys.executable, "-c", probe, str(tmp_path / "store")], capture_output=True, text=True
    )
    assert "HEAVY []" in done.stdout, done.stdout + done.stderr


def test_settings_change_is_refused_with_how_to_rebuild(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "a.txt").write_text("Some text about a shipment.\n")
    ingest([docs], get_settings(store=tmp_path / "store"))
    other = get_settings(store=tmp_path / "store", chunk_tokens=100)
    with pytest.raises(StoreError, match="--rebuild"):
        ingest([docs], other)
    rebuilt = ingest([docs], other, rebuild=True)
    assert rebuilt.added == 1
    assert_consistent(Store(other))


def test_recovery_from_a_half_written_file(tmp_path: Path) -> None:
    """What a kill between the journal entry and the end of a write leaves (stray vectors of
    an unfinished version) is cleaned by the next writer; the indexed version stays."""
    import numpy as np

    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "a.txt").write_text("Document A mentions Sofia.\n")
    settings = get_settings(store=tmp_path / "store")
    ingest([docs], settings)
    store = Store(settings)
    source = str((docs / "a.txt").resolve())
    # Simulate a crash in the middle of re-indexing a.txt: journalled, with stray vectors.
    store._journal([source], "write")
    store.collection.upsert(
        ids=["stray-1", "stray-2"],
        embeddings=np.ones((2, 384)).tolist(),
        metadatas=[{"file": source, "doc_id": "x"}] * 2,
    )
    assert [d.source for d in store.documents()] == [source]  # the old version stays listed
    summary = ingest([docs], settings)
    assert summary.unchanged == 1 and summary.warnings
    assert_consistent(Store(settings))


def test_kill_9_during_ingest_leaves_a_correct_store(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    paragraph = "The shipment of {n} crates reached the port of Burgas in convoy {n}. " * 40
    for n in range(60):
        (docs / f"doc{n:02d}.txt").write_text(paragraph.format(n=n))
    store_dir = tmp_path / "store"
    env = {**os.environ, "RAG_STORE": str(store_dir)}
    proc = subprocess.Popen([*RAG, "ingest", str(docs)], env=env, stderr=subprocess.DEVNULL)
    manifest = store_dir / "manifest.sqlite"
    deadline = time.time() + 120
    complete = 0
    while time.time() < deadline and proc.poll() is None:
        if manifest.exists():
            try:
                with sqlite3.connect(manifest) as db:
                    complete = db.execute(
                        "SELECT COUNT(*) FROM files WHERE status='complete'"
                    ).fetchone()[0]
            except sqlite3.Error:
                complete = 0
            if complete >= 3:
                break
        time.sleep(0.05)
    assert proc.poll() is None, "ingest finished before it could be killed"
    proc.send_signal(signal.SIGKILL)
    proc.wait()

    settings = get_settings(store=store_dir)
    summary = ingest([docs], settings)
    assert not summary.failed
    assert summary.added + summary.unchanged == 60
    store = Store(settings)
    assert len(store.documents()) == 60
    assert_consistent(store)


def test_chroma_server_mode(tmp_path: Path, chroma_url: str) -> None:
    settings = get_settings(store=tmp_path / "store", chroma_url=chroma_url)
    summary = ingest([SAMPLES], settings)
    assert summary.added == 2, summary.failed
    store = Store(settings)
    assert_consistent(store)
    assert not (tmp_path / "store" / "chroma").exists()  # vectors went to the server

    from rag.retrieve import Retriever

    passages = Retriever(store).retrieve("How many Konkurs systems went to Saudi Arabia?")
    assert any("80 to Saudi Arabia" in p.text for p in passages[:2])


def test_a_file_read_by_an_older_reader_is_read_again_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # a store written before a loader changed keeps that loader's text unless the file is read
    # again: the store keys files by their bytes and the readers' edition
    import index.ingest as ingest_module

    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "a.txt").write_text("The council met on Monday and approved the budget.\n")
    settings = get_settings(store=tmp_path / "store")
    first = ingest([docs], settings)
    assert (first.added, first.unchanged) == (1, 0)
    monkeypatch.setattr(ingest_module, "READER_EDITION", ingest_module.READER_EDITION + 1)
    again = ingest([docs], settings)
    assert (again.added, again.updated, again.unchanged) == (0, 1, 0)
    third = ingest([docs], settings)
    assert (third.updated, third.unchanged) == (0, 1)
