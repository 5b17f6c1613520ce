"""Read path (question -> retrieve -> evidence -> compose -> verify) and the public Python API.

``ui`` and ``eval`` import what they need from here only (never from ``index``).
"""

from index.clikit import expected_errors, store_option
from index.ingest import sha256_file as file_digest
from index.records import IngestSummary, StoredDocument
from index.settings import Backend, Settings, get_settings
from rag.api import RAG, open_store
from rag.markers import marker_numbers, render_markers, strip_markers
from rag.records import Answer, AnswerSentence, Citation, Passage, StreamEvent

__all__ = [
    "RAG",
    "Answer",
    "AnswerSentence",
    "Backend",
    "Citation",
    "IngestSummary",
    "Passage",
    "Settings",
    "StoredDocument",
    "StreamEvent",
    "expected_errors",
    "file_digest",
    "get_settings",
    "marker_numbers",
    "open_store",
    "render_markers",
    "store_option",
    "strip_markers",
]
