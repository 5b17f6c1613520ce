"""Chunking stage: token-sized chunks with exact character offsets into the document text."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable

from index.records import Chunk, Document

log = logging.getLogger(__name__)


class ChunkingError(Exception):
    """A chunk could not be placed or sized; the document is reported, not half-indexed."""


def chunk_id_for(doc_id: str, content_hash: str, index: int) -> str:
    # Deterministic: re-adding after a crash upserts the same ids instead of duplicating.
    return f"{doc_id}-{content_hash[:12]}-{index:05d}"


def chunk_document(
    document: Document,
    *,
    chunk_tokens: int,
    chunk_overlap: int,
    count_tokens: Callable[[str], int],
) -> list[Chunk]:
    """Split a document into chunks of at most ``chunk_tokens`` model tokens.

    llama-index's SentenceSplitter does the splitting (sentences first, then words) with the
    embedding model's own tokenizer, so a chunk is never silently cut when it is embedded. Its
    chunks are substrings of the text; their offsets are found by a forward search.
    """
    from llama_index.core.node_parser import SentenceSplitter

    def tokenize(text: str) -> list[int]:
        # SentenceSplitter only needs len(); a range avoids building token lists twice.
        return list(range(count_tokens(text)))

    splitter = SentenceSplitter(
        chunk_size=chunk_tokens, chunk_overlap=chunk_overlap, tokenizer=tokenize
    )
    text = document.text
    chunks: list[Chunk] = []
    cursor = 0
    for piece in splitter.split_text(text):
        if not piece.strip():
            continue
        # Overlapping chunks start after the previous chunk's start, never before it.
        start = text.find(piece, cursor)
        if start < 0:
            raise ChunkingError(f"chunk not found in the text of {document.source}")
        end = start + len(piece)
        n_tokens = count_tokens(piece)
        if n_tokens > chunk_tokens:
            raise ChunkingError(
                f"a chunk of {n_tokens} tokens exceeds chunk_tokens={chunk_tokens} "
                f"in {document.source}"
            )
        index = len(chunks)
        chunks.append(
            Chunk(
                chunk_id=chunk_id_for(document.doc_id, document.content_hash, index),
                doc_id=document.doc_id,
                index=index,
                start=start,
                end=end,
                text=piece,
                n_tokens=n_tokens,
            )
        )
        cursor = start + 1
    return chunks


def settings_fingerprint(embed_model: str, chunk_tokens: int, chunk_overlap: int) -> str:
    """Names the Chroma collection: an index built with other settings is never mixed in."""
    key = f"{embed_model}|{chunk_tokens}|{chunk_overlap}"
    return hashlib.sha1(key.encode()).hexdigest()[:10]
