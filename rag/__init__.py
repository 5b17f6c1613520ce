"""Read path (retrieve -> answer -> cite -> verify) and the public Python API."""

from index.ingest import sha256_file as file_digest
from index.investigations import InvestigationError, check_name, list_investigations
from index.progress import progress
from rag.api import RAG, StreamEvent, open_store
from rag.check import ClaimCheck
from rag.records import Answer, AnswerSentence, Citation, CitedText, Passage

__all__ = [
    "RAG",
    "Answer",
    "AnswerSentence",
    "Citation",
    "CitedText",
    "ClaimCheck",
    "InvestigationError",
    "Passage",
    "StreamEvent",
    "check_name",
    "file_digest",
    "list_investigations",
    "open_store",
    "progress",
]
