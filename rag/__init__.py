"""Read path (retrieve -> answer -> cite -> verify) and the public Python API."""

from index.ingest import sha256_file as file_digest
from rag.api import RAG, StreamEvent, open_store
from rag.check import ClaimCheck
from rag.records import Answer, AnswerSentence, Citation, Passage

__all__ = [
    "RAG",
    "Answer",
    "AnswerSentence",
    "Citation",
    "ClaimCheck",
    "Passage",
    "StreamEvent",
    "file_digest",
    "open_store",
]
