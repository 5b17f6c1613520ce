"""What a newsroom does to an index: two writers, an unmounted share, damaged manifests, odd
files, a full disk. Real Chroma, the real model, the CLI in real processes."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from storekit import RAG, SAMPLES, assert_consistent, error_lines, run_rag, write_docs

from index.ingest import ingest
from index.settings import get_settings
from index.store import Store

HOLD_LOCK = """
import sys, time
from pathlib import Path
from index.lock import write_lock
with write_lock(Path(sys.argv[1]), -1):
    print("held", flush=True)
    time.sleep(float(sys.argv[2]))
"""


def _indexed(store: Path) -> set[str]:
    return {Path(d.source).name for d in Store(get_settings(store=store)).documents()}


# --- one writer at a time ------------------------------------------------------------------


def test_second_writer_waits_with_a_message_then_fails_after_its_timeout(tmp_path: Path) -> None:
    store = tmp_path / "store"
    docs = tmp_path / "docs"
    write_docs(docs, 2, "Convoy {n} left Burgas with crates of ammunition.\n")
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD_LOCK, str(store), "60"], stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        started = time.monotonic()
        blocked = run_rag("ingest", str(docs), "--lock-timeout", "2", store=store)
        waited = time.monotonic() - started
        assert blocked.returncode == 2, blocked.stderr
        (line,) = error_lines(blocked.stderr)
        assert f"pid {holder.pid}" in line and "--lock-timeout" in line
        assert "waiting up to 2 s" in blocked.stderr
        assert waited >= 2
        assert not (store / "manifest.sqlite").exists()  # it wrote nothing
    finally:
        holder.kill()
        holder.wait()
    # The holder is gone (kill -9 releases an OS lock): the next writer goes ahead.
    done = run_rag("ingest", str(docs), "--lock-timeout", "0", store=store)
    assert done.returncode == 0, done.stderr
    assert _indexed(store) == {"doc00.txt", "doc01.txt"}


def test_a_waiting_writer_goes_on_when_the_first_finishes(tmp_path: Path) -> None:
    """The second writer used to run recovery on the first writer's in-flight files and
    delete them; now it waits, and both writers' documents are all there."""
    store = tmp_path / "store"
    first, second = tmp_path / "first", tmp_path / "second"
    write_docs(first, 12, "Shipment {n} of Konkurs missiles left Sofia by sea. " * 30)
    write_docs(second, 3, "Report {n}: the auditors found nothing missing. " * 5)
    env = {**os.environ, "RAG_STORE": str(store), "RAG_FAULT": "after-new-vectors@2"}
    one = subprocess.Popen(
        [*RAG, "ingest", str(first)],
        env=env,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.time() + 120
    while time.time() < deadline and not _journal_rows(store / "manifest.sqlite"):
        time.sleep(0.05)
    assert _journal_rows(store / "manifest.sqlite"), "the first writer never started writing"
    two = run_rag("ingest", str(second), store=store)
    assert one.wait(timeout=300) == 0, one.stderr.read() if one.stderr else ""
    assert two.returncode == 0, two.stderr
    assert "being written by" in two.stderr
    settings = get_settings(store=store)
    assert len(Store(settings).documents()) == 15
    assert_consistent(Store(settings))


def _journal_rows(manifest: Path) -> int:
    if not manifest.exists():
        return 0
    try:
        with sqlite3.connect(manifest, timeout=0.2) as db:
            return int(db.execute("SELECT COUNT(*) FROM journal").fetchone()[0])
    except sqlite3.Error:
        return 0


# --- sync never deletes on absence alone ----------------------------------------------------


def test_missing_or_empty_paths_remove_nothing_without_prune(tmp_path: Path) -> None:
    share = tmp_path / "share"
    write_docs(share, 2, "Minutes of meeting {n}: the board approved the budget.\n")
    single = tmp_path / "single.txt"
    single.write_text("A single file about the harbour authority.\n")
    store = tmp_path / "store"
    assert run_rag("ingest", str(share), str(single), store=store).returncode == 0
    everything = {"doc00.txt", "doc01.txt", "single.txt"}

    # The share is not mounted: the folder is gone; the single file too.
    moved = tmp_path / "elsewhere"
    share.rename(moved)
    single.unlink()
    gone = run_rag("ingest", str(share), str(single), "--json", store=store)
    assert gone.returncode == 1
    summary = json.loads(gone.stdout)
    assert summary["removed"] == 0
    reasons = {f["source"]: f["error"] for f in summary["failed"]}
    assert "2 indexed files are kept" in reasons[str(share)]
    assert "--prune" in reasons[str(share)] and "1 indexed file is kept" in reasons[str(single)]
    assert _indexed(store) == everything

    # Mounted but empty.
    share.mkdir()
    empty = run_rag("ingest", str(share), "--json", store=store)
    assert empty.returncode == 0, empty.stderr
    summary = json.loads(empty.stdout)
    assert summary["removed"] == 0
    (warning,) = [w for w in summary["warnings"] if w["source"] == str(share)]
    assert "folder is empty" in warning["error"] and "--prune" in warning["error"]
    assert _indexed(store) == everything

    # A normal sync still removes a file deleted from a folder that has others.
    shutil.rmtree(share)
    moved.rename(share)
    (share / "doc01.txt").unlink()
    assert run_rag("ingest", str(share), store=store).returncode == 0
    assert _indexed(store) == {"doc00.txt", "single.txt"}

    # The user says so: --prune removes.
    shutil.rmtree(share)
    share.mkdir()
    pruned = run_rag("ingest", str(share), str(single), "--prune", "--json", store=store)
    assert json.loads(pruned.stdout)["removed"] == 2
    assert _indexed(store) == set()


# --- the manifest: damaged, empty, locked ---------------------------------------------------


@pytest.fixture
def built_store(tmp_path: Path) -> Path:
    store = tmp_path / "store"
    assert run_rag("ingest", str(SAMPLES), store=store).returncode == 0
    return store


@pytest.mark.parametrize("damage", ["empty", "garbage", "truncated"])
def test_a_damaged_manifest_is_one_line_never_a_new_store(built_store: Path, damage: str) -> None:
    manifest = built_store / "manifest.sqlite"
    for extra in ("manifest.sqlite-wal", "manifest.sqlite-shm"):
        (built_store / extra).unlink(missing_ok=True)
    data = manifest.read_bytes()
    manifest.write_bytes(
        {"empty": b"", "garbage": os.urandom(len(data)), "truncated": data[: len(data) // 3]}[
            damage
        ]
    )
    for args in (["ask", "How many Konkurs systems went to Saudi Arabia?"], ["sources"]):
        result = run_rag(*args, store=built_store)
        assert result.returncode == 2, (args, result.stdout, result.stderr)
        assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
        assert "manifest" in result.stderr
    result = run_rag("ingest", str(SAMPLES), store=built_store)
    assert result.returncode == 2 and len(result.stderr.splitlines()) == 1, result.stderr
    assert "--rebuild" in result.stderr
    assert manifest.stat().st_size == len(
        {"empty": b"", "garbage": data, "truncated": data[: len(data) // 3]}[damage]
    )  # never overwritten by a "new" store


def test_a_locked_manifest_is_one_line(built_store: Path) -> None:
    locker = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sqlite3, sys, time\n"
            "db = sqlite3.connect(sys.argv[1], isolation_level=None)\n"
            "db.execute('PRAGMA locking_mode=EXCLUSIVE'); db.execute('BEGIN EXCLUSIVE')\n"
            "print('locked', flush=True); time.sleep(60)",
            str(built_store / "manifest.sqlite"),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert locker.stdout is not None and locker.stdout.readline().strip() == "locked"
        result = run_rag("sources", store=built_store, RAG_MANIFEST_TIMEOUT="1")
        assert result.returncode == 2, result.stderr
        (line,) = result.stderr.splitlines()
        assert line.startswith("error: the manifest") and "locked" in line
    finally:
        locker.kill()
        locker.wait()


# --- files that are not files ---------------------------------------------------------------


def test_loops_fifos_and_devices_are_reported_and_the_rest_indexed(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    write_docs(docs, 2, "Harbour log {n}: the tug Vasil Levski docked at noon.\n")
    (docs / "loop-a.txt").symlink_to(docs / "loop-b.txt")
    (docs / "loop-b.txt").symlink_to(docs / "loop-a.txt")
    os.mkfifo(docs / "pipe.txt")
    (docs / "zero.txt").symlink_to("/dev/zero")
    (docs / "sub").mkdir()
    (docs / "sub" / "cycle").symlink_to(docs)  # a folder loop os.walk must not follow
    store = tmp_path / "store"
    result = run_rag("ingest", str(docs), "--json", store=store, timeout=240)
    assert result.returncode == 1, result.stderr
    summary = json.loads(result.stdout)
    assert summary["added"] == 2
    reasons = {Path(f["source"]).name: f["error"] for f in summary["failed"]}
    assert reasons == {
        "loop-a.txt": "cannot read: symbolic link loop",
        "loop-b.txt": "cannot read: symbolic link loop",
        "pipe.txt": "not a regular file: a FIFO (named pipe)",
        "zero.txt": "not a regular file: a device",
    }
    assert _indexed(store) == {"doc00.txt", "doc01.txt"}
    # A second run changes nothing and removes nothing.
    again = json.loads(run_rag("ingest", str(docs), "--json", store=store).stdout)
    assert (again["unchanged"], again["removed"]) == (2, 0)


# --- a full disk ----------------------------------------------------------------------------


def _fill(folder: Path) -> Path:
    """Fill the file system to the last byte (unbuffered writes: nothing left to flush)."""
    filler = folder / "filler.bin"
    fd = os.open(filler, os.O_WRONLY | os.O_CREAT, 0o600)
    try:
        for size in (1 << 20, 1 << 12, 1):
            while True:
                try:
                    os.write(fd, b"\0" * size)
                except OSError:
                    break
    finally:
        os.close(fd)
    return filler


@pytest.mark.skipif(os.geteuid() != 0, reason="mounting a small tmpfs needs root")
def test_full_disk_is_one_line_for_ingest_and_ask(tmp_path: Path) -> None:
    mount = tmp_path / "small"
    mount.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=48m", "tmpfs", str(mount)], check=True)
    try:
        store = mount / "store"
        assert run_rag("ingest", str(SAMPLES), store=store).returncode == 0
        docs = tmp_path / "docs"
        write_docs(docs, 3, "Dispatch {n}: the ferry to Varna was cancelled by the port. " * 60)
        filler = _fill(mount)
        result = run_rag("ingest", str(docs), str(SAMPLES), store=store)
        assert result.returncode == 2, result.stderr
        (line,) = result.stderr.strip().splitlines()
        assert line.startswith("error: disk full"), line
        asked = run_rag("ask", "How many Konkurs systems went to Saudi Arabia?", store=store)
        _answers_or_one_line(asked)
        filler.unlink()
        healed = run_rag("ingest", str(docs), str(SAMPLES), store=store)
        assert healed.returncode == 0, healed.stderr
        settings = get_settings(store=store)
        assert len(Store(settings).documents()) == 5
        assert_consistent(Store(settings))
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def _answers_or_one_line(asked: subprocess.CompletedProcess[str]) -> None:
    """`rag ask` on a full disk answers, or says so in one line: never a traceback."""
    if asked.returncode == 0:
        assert "80" in asked.stdout.split() and not asked.stderr.strip(), asked
        return
    assert asked.returncode == 2, asked.stderr
    (line,) = asked.stderr.strip().splitlines()
    assert line.startswith("error: disk full: ") and "free some space" in line, line


@pytest.mark.skipif(os.geteuid() != 0, reason="mounting a small tmpfs needs root")
def test_a_running_reader_answers_while_the_disk_is_full(tmp_path: Path) -> None:
    """The UI's case: the disk fills while it runs. Reads need no disk: answers go on."""
    from rag import open_store

    mount = tmp_path / "small"
    mount.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=48m", "tmpfs", str(mount)], check=True)
    try:
        store = mount / "store"
        ingest([SAMPLES], get_settings(store=store))
        rag = open_store(store, create=False)
        question = "How many Konkurs systems went to Saudi Arabia?"
        before = rag.ask(question)
        filler = _fill(mount)
        assert shutil.disk_usage(mount).free == 0
        for asked in (question, "Who told BuzzFeed about the Konkurs systems?"):
            answer = rag.ask(asked)  # the manifest used to fail: "disk full: cannot write"
            assert answer.error is None and not answer.abstained, answer
            for c in answer.citations:
                assert rag.document_text(c.doc_id)[c.start : c.end] == c.quote
        assert rag.ask(question).text == before.text
        assert (store / "sentence-vectors.sqlite").exists()  # a full disk breaks no cache
        filler.unlink()
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def test_ask_on_an_injected_full_disk_answers_or_says_so_in_one_line(tmp_path: Path) -> None:
    """Without root: RAG_FAULT=disk-full raises, at each place the store touches the disk,
    what SQLite, Chroma and the OS raise on a full disk."""
    from rag import open_store

    store = tmp_path / "store"
    ingest([SAMPLES], get_settings(store=store))
    question = "How many Konkurs systems went to Saudi Arabia?"
    # A new process must open Chroma, which needs free space: one line, nothing lost.
    asked = run_rag("ask", question, store=store, RAG_FAULT="disk-full")
    _answers_or_one_line(asked)
    assert asked.returncode == 2 and "vector store" in asked.stderr
    # A running process (the UI) has its vector store open: it reads the manifest without
    # the shared WAL index SQLite cannot grow, and answers.
    rag = open_store(store, create=False)
    before = rag.ask(question)
    rag.settings.fault = "disk-full"
    answer = rag.ask(question)
    assert answer.error is None and answer.text == before.text and "80" in answer.text.split()
    for c in answer.citations:
        assert rag.document_text(c.doc_id)[c.start : c.end] == c.quote
    # A write meets the full disk: one line, and the index is as it was.
    (tmp_path / "new.txt").write_text("The ferry to Varna was cancelled by the port.\n")
    write = run_rag("ingest", str(tmp_path / "new.txt"), store=store, RAG_FAULT="disk-full")
    assert write.returncode == 2, write.stderr
    (line,) = write.stderr.strip().splitlines()
    assert line.startswith("error: disk full"), line
    rag.settings.fault = ""
    assert _indexed(store) == {p.name for p in SAMPLES.iterdir()}
    assert_consistent(Store(get_settings(store=store)))


def test_injected_enospc_is_one_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Without root: the same one-line error when Chroma's write hits ENOSPC."""
    import errno

    from index.store import StoreError

    settings = get_settings(store=tmp_path / "store")
    ingest([SAMPLES / "belarus-weapons-syria-2024-12-13.txt"], settings)

    def full(*args: object, **kwargs: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    store = Store(settings)
    monkeypatch.setattr(type(store.collection), "upsert", full)
    with pytest.raises(StoreError, match=r"^disk full while writing"):
        ingest([SAMPLES], settings)
    monkeypatch.undo()
    assert len(Store(settings).documents()) == 1
    assert_consistent(Store(settings))


def test_an_upload_refused_by_the_lock_leaves_nothing_behind(tmp_path: Path) -> None:
    """An upload while another writer holds the store used to fail with the copy left in the
    uploads folder (neither indexed nor removed); now it is reported and nothing stays."""
    from rag import open_store
    from ui.handlers import Handlers
    from ui.uploads import upload_folder

    store = tmp_path / "store"
    ingest([SAMPLES], get_settings(store=store))
    upload = tmp_path / "tmp-from-gradio" / "ferry.txt"
    upload.parent.mkdir()
    upload.write_text("The ferry to Varna was cancelled by the port on 3 May.\n")
    rag = open_store(store, create=False)
    rag.settings.lock_timeout = 1
    handlers = Handlers(rag)
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD_LOCK, str(store), "60"], stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        report, *_ = handlers.upload([str(upload)])
        assert "failed: ferry.txt: not indexed, nothing kept; upload it again:" in report
        assert f"pid {holder.pid}" in report
        assert list(upload_folder(rag).iterdir()) == []
    finally:
        holder.kill()
        holder.wait()
    assert _indexed(store) == {p.name for p in SAMPLES.iterdir()}
    report, *_ = handlers.upload([str(upload)])  # the writer is gone: it goes in
    assert "added: ferry.txt" in report
    assert [p.name for p in upload_folder(rag).iterdir()] == ["ferry.txt"]
    assert "ferry.txt" in _indexed(store)
