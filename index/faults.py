"""Deterministic fault injection for the write protocol's tests.

``RAG_FAULT=<step>`` (the ``fault`` setting) makes the process exit at once, without any
clean-up, exactly like ``kill -9`` at that step; ``RAG_FAULT=<step>@<seconds>`` makes it pause
there instead (to let another process meet a writer in the middle of a write).
Steps: ``after-pending``, ``after-vector-batch`` (after the first piece of vectors is
upserted: a streamed large file is then half in Chroma), ``after-new-vectors``,
``before-complete`` (inside the manifest transaction, before commit), ``after-complete``,
``after-old-vectors``, ``rebuild-emptied``, ``rebuild-dropped``.
"""

from __future__ import annotations

import logging
import os
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
