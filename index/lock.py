"""The store-wide write lock: one writer at a time across processes and threads.

Every write path (``rag ingest``/``rag remove``, the Python API, UI uploads and deletes) goes
through :func:`write_lock`. It is an OS file lock (``filelock``: ``flock`` on POSIX), so a
writer killed with ``kill -9`` releases it at once, and whoever holds it next knows that any
half-finished write in the manifest belongs to a writer that is gone: recovery is safe.
A writer that finds the lock taken logs who holds it and waits up to ``lock_timeout`` seconds,
then fails with a one-line error.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import socket
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

log = logging.getLogger(__name__)

LOCK_NAME = "write.lock"
OWNER_NAME = "write.owner"

_LOCKS: dict[str, object] = {}
_LOCKS_GUARD = threading.Lock()


class LockTimeout(Exception):
    """Another writer held the store for longer than the caller would wait."""


def _file_lock(path: Path) -> object:
    from filelock import FileLock

    # One FileLock per store and process; thread_local gives each thread its own descriptor,
    # so two threads of one process exclude each other like two processes do, and a thread
    # that already holds the lock may take it again (nested write calls).
    with _LOCKS_GUARD:
        key = str(path)
        if key not in _LOCKS:
            _LOCKS[key] = FileLock(key, thread_local=True)
        return _LOCKS[key]


def holder(folder: Path) -> str:
    """Who holds (or last held) the lock, for messages: 'pid 123 on host (rag ingest ...)'."""
    try:
        info = json.loads((folder / OWNER_NAME).read_text())
        return f"pid {info['pid']} on {info['host']} ({info['command']})"
    except (OSError, ValueError, KeyError):
        return "another process"


@contextlib.contextmanager
def write_lock(folder: Path, timeout: float) -> Iterator[None]:
    """Hold the store's write lock; wait up to ``timeout`` s (-1: for ever) with a message."""
    from filelock import Timeout

    folder.mkdir(parents=True, exist_ok=True)
    lock = _file_lock(folder / LOCK_NAME)
    try:
        lock.acquire(timeout=0)  # type: ignore[attr-defined]
    except Timeout:
        waiting = "for ever" if timeout < 0 else f"up to {timeout:g} s"
        log.warning(
            "the store %s is being written by %s; waiting %s", folder, holder(folder), waiting
        )
        try:
            lock.acquire(timeout=timeout)  # type: ignore[attr-defined]
        except Timeout:
            raise LockTimeout(
                f"the store {folder} is still being written by {holder(folder)} after "
                f"{timeout:g} s; try again later or wait longer (--lock-timeout / "
                "RAG_LOCK_TIMEOUT)"
            ) from None
    nested = getattr(lock, "lock_counter", 1) > 1
    try:
        if not nested:
            _record_owner(folder)
        yield
    finally:
        lock.release()  # type: ignore[attr-defined]


def held_elsewhere(folder: Path) -> bool:
    """Whether another process or thread holds the store's write lock right now (a probe
    that takes the lock for an instant; a store it cannot lock counts as not held)."""
    from filelock import Timeout

    if not (folder / LOCK_NAME).exists():
        return False
    lock = _file_lock(folder / LOCK_NAME)
    try:
        lock.acquire(timeout=0)  # type: ignore[attr-defined]
    except Timeout:
        return True
    except OSError:
        return False
    lock.release()  # type: ignore[attr-defined]
    return False


def _record_owner(folder: Path) -> None:
    # Best effort, for the waiting writer's message only: the lock itself is the OS lock.
    info = {
        "pid": os.getpid(),
        "host": socket.gethostname(),
        "command": " ".join(Path(a).name if i == 0 else a for i, a in enumerate(sys.argv))[:200],
        "since": time.time(),
    }
    with contextlib.suppress(OSError):
        tmp = folder / (OWNER_NAME + ".tmp")
        tmp.write_text(json.dumps(info))
        tmp.replace(folder / OWNER_NAME)
