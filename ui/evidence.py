"""The "Download evidence" button: this session's answers as an evidence file."""

from __future__ import annotations

import logging
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import gradio as gr

from rag import RAG

log = logging.getLogger(__name__)

EVIDENCE_FORMATS = ["json", "csv", "md"]


class EvidenceFiles:
    """Writes the session's evidence records to a temporary file the button serves."""

    def __init__(self, rag: RAG) -> None:
        self.rag = rag
        # Gradio serves files from its allowed temp folders; ours lives beside them.
        self.folder = Path(tempfile.mkdtemp(prefix="rag-cite-evidence-"))

    def write(self, records: tuple[dict[str, Any], ...], fmt: str) -> Path | None:
        if not records:
            return None
        suffix = fmt if fmt in EVIDENCE_FORMATS else "json"
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%f")
        return self.rag.write_evidence(self.folder / f"evidence-{stamp}.{suffix}", records)

    def refresh(self, state: Any, fmt: str) -> Any:
        """The button, pointing at a fresh file of every answer so far (hidden if none)."""
        records = tuple(getattr(state, "evidence", ()) or ())
        try:
            path = self.write(records, fmt)
        except Exception as exc:  # the chat goes on without the button
            log.warning("evidence file not written: %s", exc)
            path = None
        return gr.DownloadButton(value=str(path) if path else None, visible=path is not None)
