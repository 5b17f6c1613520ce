"""Read path (question -> retrieve -> evidence -> compose -> verify) and the public Python API.

``ui`` and ``eval`` import what they need from here only (never from ``index``). Names load
on first use, so ``from rag import expected_errors`` in a CLI module does not load the
pipeline (``rag --help`` stays fast).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

import index  # noqa: F401  (sets the offline environment before anything heavy loads)

if TYPE_CHECKING:
    from index.clikit import expected_errors, store_option
    from index.ingest import sha256_file as file_digest
    from index.investigations import InvestigationError, check_name, list_investigations
    from index.language import language_name
    from index.progress import progress
    from index.records import IngestSummary, StoredDocument
    from index.settings import Backend, Settings, get_settings
    from rag.api import RAG, open_store
    from rag.check import ClaimCheck
    from rag.decline import decline_openings
    from rag.markers import marker_numbers, render_markers, strip_markers
    from rag.records import Answer, AnswerSentence, Citation, CitedText, Passage, StreamEvent

# name -> (module, attribute)
_EXPORTS: dict[str, tuple[str, str]] = {
    "RAG": ("rag.api", "RAG"),
    "open_store": ("rag.api", "open_store"),
    "ClaimCheck": ("rag.check", "ClaimCheck"),
    "decline_openings": ("rag.decline", "decline_openings"),
    "Answer": ("rag.records", "Answer"),
    "AnswerSentence": ("rag.records", "AnswerSentence"),
    "Citation": ("rag.records", "Citation"),
    "CitedText": ("rag.records", "CitedText"),
    "InvestigationError": ("index.investigations", "InvestigationError"),
    "check_name": ("index.investigations", "check_name"),
    "list_investigations": ("index.investigations", "list_investigations"),
    "progress": ("index.progress", "progress"),
    "language_name": ("index.language", "language_name"),
    "Passage": ("rag.records", "Passage"),
    "StreamEvent": ("rag.records", "StreamEvent"),
    "marker_numbers": ("rag.markers", "marker_numbers"),
    "render_markers": ("rag.markers", "render_markers"),
    "strip_markers": ("rag.markers", "strip_markers"),
    "Backend": ("index.settings", "Backend"),
    "Settings": ("index.settings", "Settings"),
    "get_settings": ("index.settings", "get_settings"),
    "IngestSummary": ("index.records", "IngestSummary"),
    "StoredDocument": ("index.records", "StoredDocument"),
    "expected_errors": ("index.clikit", "expected_errors"),
    "store_option": ("index.clikit", "store_option"),
    "file_digest": ("index.ingest", "sha256_file"),
}

__all__ = [
    "RAG",
    "Answer",
    "AnswerSentence",
    "Backend",
    "Citation",
    "CitedText",
    "ClaimCheck",
    "IngestSummary",
    "InvestigationError",
    "Passage",
    "Settings",
    "StoredDocument",
    "StreamEvent",
    "check_name",
    "decline_openings",
    "expected_errors",
    "file_digest",
    "get_settings",
    "language_name",
    "list_investigations",
    "marker_numbers",
    "open_store",
    "progress",
    "render_markers",
    "store_option",
    "strip_markers",
]


def __getattr__(name: str) -> Any:
    try:
        module, attribute = _EXPORTS[name]
    except KeyError:
        raise AttributeError(f"module 'rag' has no attribute {name!r}") from None
    value = getattr(importlib.import_module(module), attribute)
    globals()[name] = value
    return value
