"""Progress of long commands (ingest, batch, check, eval, bench), one helper for all.

On a terminal: a tqdm bar on stderr with the count, the rate (files, questions or claims per
second) and the time left. Elsewhere (a pipe, CI, a log file): silent by default, or, with
``RAG_PROGRESS=json``, one JSON line on stderr at most every ``RAG_PROGRESS_INTERVAL``
seconds and one at the end, for machines::

    {"progress": "ingest", "done": 40, "total": 317, "unit": "file", "rate": 2.1,
     "elapsed_s": 19.0, "eta_s": 131.9}

``RAG_PROGRESS`` is ``auto`` (bar on a terminal, else nothing), ``bar``, ``json`` or ``off``.
"""

from __future__ import annotations

import json
import sys
import threading
import time
from collections.abc import Iterator, Sequence
from types import TracebackType
from typing import IO, Any, Literal, TypeVar

T = TypeVar("T")

Mode = Literal["auto", "bar", "json", "off"]
MODES: tuple[str, ...] = ("auto", "bar", "json", "off")


def _configured() -> tuple[str, float]:
    """``RAG_PROGRESS`` and ``RAG_PROGRESS_INTERVAL`` through the settings object."""
    from index.settings import get_settings

    try:
        settings = get_settings()
    except Exception:  # a bad setting elsewhere must not stop the work being counted
        return "auto", 5.0
    return settings.progress, settings.progress_interval


def _mode(mode: str | None, configured: str, stream: IO[str]) -> str:
    chosen = (mode or configured).strip().lower()
    if chosen not in MODES:
        chosen = "auto"
    if chosen == "auto":
        return "bar" if stream.isatty() else "off"
    return chosen


class Progress:
    """Counts finished items; thread-safe (batch answers finish on worker threads)."""

    def __init__(
        self,
        total: int,
        task: str,
        unit: str,
        *,
        mode: str | None = None,
        stream: IO[str] | None = None,
        interval: float | None = None,
    ) -> None:
        self.total = total
        self.task = task
        self.unit = unit
        self.done = 0
        self.stream = stream or sys.stderr
        configured, every = _configured()
        self.mode = _mode(mode, configured, self.stream)
        self.interval = interval if interval is not None else every
        self._lock = threading.Lock()
        self._started = time.monotonic()
        self._last = 0.0
        self._bar: Any = None
        if self.mode == "bar":
            from tqdm import tqdm

            # tqdm's own format shows count, rate and time left ("12/40 [00:05<00:11, 2.3file/s]").
            self._bar = tqdm(
                total=total, desc=task, unit=unit, file=self.stream, dynamic_ncols=True
            )

    def update(self, n: int = 1) -> None:
        with self._lock:
            self.done += n
            if self._bar is not None:
                self._bar.update(n)
            elif self.mode == "json":
                now = time.monotonic()
                if now - self._last >= self.interval:
                    self._last = now
                    self._emit()

    def record(self) -> dict[str, Any]:
        """Where the work stands, as the JSON line prints it."""
        elapsed = time.monotonic() - self._started
        rate = self.done / elapsed if elapsed > 0 else 0.0
        left = max(self.total - self.done, 0)
        return {
            "progress": self.task,
            "done": self.done,
            "total": self.total,
            "unit": self.unit,
            "rate": round(rate, 3),
            "elapsed_s": round(elapsed, 1),
            "eta_s": round(left / rate, 1) if rate > 0 else None,
        }

    def _emit(self) -> None:
        self.stream.write(json.dumps(self.record()) + "\n")
        self.stream.flush()

    def close(self) -> None:
        with self._lock:
            if self._bar is not None:
                self._bar.close()
                self._bar = None
            elif self.mode == "json":
                self._emit()  # the last line: done == total unless stopped early
                self.mode = "off"

    def __enter__(self) -> Progress:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


def progress(total: int, task: str, unit: str, *, mode: str | None = None) -> Progress:
    """A :class:`Progress` for ``total`` items of ``unit`` (use it as a context manager)."""
    return Progress(total, task, unit, mode=mode)


def track(items: Sequence[T], task: str, unit: str, *, mode: str | None = None) -> Iterator[T]:
    """``items`` one by one, counting each as done when the next is asked for."""
    with Progress(len(items), task, unit, mode=mode) as bar:
        for item in items:
            yield item
            bar.update()
