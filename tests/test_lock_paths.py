"""Every write path holds the store's write lock: the Python API and the UI's upload and
delete wait for another writer, and give up with a one-line reason after the timeout."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from index.ingest import ingest
from index.settings import get_settings
from index.store import StoreError
from rag import open_store
from ui.handlers import Handlers

HOLD_LOCK = """
import sys, time
from pathlib import Path
from index.lock import write_lock
with write_lock(Path(sys.argv[1]), -1):
    print("held", flush=True)
    time.sleep(120)
"""


def test_api_and_ui_writes_wait_for_the_lock(tmp_path: Path) -> None:
    store = tmp_path / "store"
    doc = tmp_path / "port.txt"
    doc.write_text("The port authority of Burgas counted 412 containers in March.\n")
    ingest([doc], get_settings(store=store))
    rag = open_store(store, lock_timeout=1)
    handlers = Handlers(rag)
    new = tmp_path / "new.txt"
    new.write_text("The ferry line to Varna opens in May.\n")
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD_LOCK, str(store)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        with pytest.raises(StoreError, match=f"still being written by pid {holder.pid}"):
            rag.ingest([new])
        # The UI reports the refused upload (in red) instead of raising, and keeps no copy.
        report, *_ = handlers.upload([str(new)])
        assert '<li class="rag-error">failed: new.txt: not indexed, nothing kept;' in report
        assert "still being written" in report
        message, *_ = handlers.delete(str(doc.resolve()))
        assert "not removed" in message and "still being written" in message
        assert [d.source for d in rag.sources()] == [str(doc.resolve())]
    finally:
        holder.kill()
        holder.wait()
    assert len(rag.ingest([new]).failed) == 0  # the holder is gone: it goes ahead
    assert len(rag.sources()) == 2
