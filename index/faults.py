"""Deterministic fault injection for the write protocol's tests.

``RAG_FAULT=<step>`` (the ``fault`` setting) makes the process exit at once, without any
clean-up, exactly like ``kill -9`` at that step; ``RAG_FAULT=<step>@<seconds>`` makes it pause
there instead (to let another process meet a writer in the middle of a write).
Steps: ``after-pending``, ``after-vector-batch`` (after the first piece of vectors is
upserted: a streamed large file is then half in Chroma), ``after-new-vectors``,
``before-complete`` (inside the manifest transaction, before commit), ``after-complete``,
``after-old-vectors``, ``rebuild-emptied``, ``rebuild-dropped``.

``RAG_FAULT=disk-full`` makes the store meet a full disk wherever it touches the disk: each
site raises what its library raises on a full disk (SQLite's "database or disk is full" when
the manifest's shared WAL index cannot grow, Chroma's error when its database cannot be opened,
``ENOSPC`` when vectors are written), so the handling of a full disk is tested without one.
"""

from __future__ import annotations

import errno
import logging
import os
import sqlite3
import time

from index.settings import Settings

log = logging.getLogger(__name__)

FAULT_EXIT = 70

STEPS = (
    "after-pending",
    "after-vector-batch",
    "after-new-vectors",
    "before-complete",
    "after-complete",
    "after-old-vectors",
    "rebuild-emptied",
    "rebuild-dropped",
)


def fault_point(settings: Settings, step: str) -> None:
    if not settings.fault:
        return
    name, _, pause = settings.fault.partition("@")
    if name != step:
        return
    if pause:
        log.warning("fault injected at %s: pausing %s s", step, pause)
        time.sleep(float(pause))
        return
    log.error("fault injected at %s: exiting", step)
    os._exit(FAULT_EXIT)


DISK_FULL = "disk-full"
DISK_SITES = ("manifest-open", "vectors-open", "vectors-write")


def disk_full_point(settings: Settings, site: str) -> None:
    """Raise, at ``site``, what a full disk makes the library used there raise."""
    if settings.fault != DISK_FULL:
        return
    log.debug("fault injected: disk full at %s", site)
    if site == "manifest-open":
        raise sqlite3.OperationalError("database or disk is full")
    if site == "vectors-open":
        # chromadb's InternalError reads like this; its type is of no importance to us.
        raise RuntimeError("error returned from database: (code: 13) database or disk is full")
    raise OSError(errno.ENOSPC, "No space left on device")
