"""Chunking stage: token-sized chunks with exact character offsets into the document text."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Iterator, Sequence

from index.records import Chunk, Document

log = logging.getLogger(__name__)


class ChunkingError(Exception):
    """A chunk could not be placed or sized; the document is reported, not half-indexed."""


def chunk_id_for(doc_id: str, content_hash: str, index: int) -> str:
    # Deterministic: re-adding after a crash upserts the same ids instead of duplicating.
    return f"{doc_id}-{content_hash[:12]}-{index:05d}"


SECTION_CHARS = 100_000  # a long text is chunked a section at a time (bounded memory)


def sections(text: str, size: int = SECTION_CHARS) -> Iterator[tuple[int, int]]:
    """``(start, end)`` spans of about ``size`` characters covering ``text``, cut at a
    paragraph break (else a line break, else a space) so no sentence is cut in two.

    The splitter counts the tokens of whatever it is given: handed a 30 MB text whole, it
    tokenized all of it at once (gigabytes); section by section, memory stays flat."""
    start = 0
    while start < len(text):
        end = min(start + size, len(text))
        if end < len(text):
            for mark in ("\n\n", "\n", " "):
                cut = text.rfind(mark, start + size // 2, end)
                if cut > start:
                    end = cut + len(mark)
                    break
        yield start, end
        start = end


def iter_chunks(
    document: Document,
    *,
    chunk_tokens: int,
    chunk_overlap: int,
    count_tokens: Callable[[str], int],
) -> Iterator[Chunk]:
    """Split a document into chunks of at most ``chunk_tokens`` model tokens, lazily.

    llama-index's SentenceSplitter does the splitting (sentences first, then words) with the
    embedding model's own tokenizer, so a chunk is never silently cut when it is embedded. Its
    chunks are substrings of the text; their offsets are found by a forward search.
    """
    from index.offline import import_nltk

    import_nltk()  # first, light: llama-index would import all of nltk (seconds)
    from llama_index.core.node_parser import SentenceSplitter

    def tokenize(text: str) -> Sequence[int]:
        # SentenceSplitter only needs len(); a range avoids building token lists twice. It
        # only compares the length of a text that does not fit with chunk_tokens (exact
        # counts are kept for the texts that fit), and every word is at least one token:
        # a text of more words than chunk_tokens is not tokenized just to learn it is too
        # long (a section, a long paragraph: about half of what the splitter tokenized).
        words = len(text.split())
        return range(words if words > chunk_tokens else count_tokens(text))

    splitter = SentenceSplitter(
        chunk_size=chunk_tokens, chunk_overlap=chunk_overlap, tokenizer=tokenize
    )

    def fitted(piece: str, size: int) -> Iterator[str]:
        # The splitter adds up the token counts of the parts it joins; a SentencePiece model
        # (multilingual-e5) counts the joined text higher than the sum (a markdown table, a
        # mail header block): such a piece is split again, smaller, until every part fits.
        if count_tokens(piece) <= chunk_tokens or size <= 16:
            yield piece
            return
        smaller = int(size * 0.8)
        resplit = SentenceSplitter(
            chunk_size=smaller, chunk_overlap=min(chunk_overlap, smaller // 4), tokenizer=tokenize
        )
        for part in resplit.split_text(piece):
            yield from fitted(part, smaller)

    text = document.text
    index = 0
    for section_start, section_end in sections(text):
        section = text[section_start:section_end]
        cursor = 0
        for piece in (
            p for whole in splitter.split_text(section) for p in fitted(whole, chunk_tokens)
        ):
            if not piece.strip():
                continue
            # Overlapping chunks start after the previous chunk's start, never before it.
            start = section.find(piece, cursor)
            if start < 0:
                raise ChunkingError(f"chunk not found in the text of {document.source}")
            n_tokens = count_tokens(piece)
            if n_tokens > chunk_tokens:
                raise ChunkingError(
                    f"a chunk of {n_tokens} tokens exceeds chunk_tokens={chunk_tokens} "
                    f"in {document.source}"
                )
            yield Chunk(
                chunk_id=chunk_id_for(document.doc_id, document.content_hash, index),
                doc_id=document.doc_id,
                index=index,
                start=section_start + start,
                end=section_start + start + len(piece),
                text=piece,
                n_tokens=n_tokens,
            )
            index += 1
            cursor = start + 1


def chunk_document(
    document: Document,
    *,
    chunk_tokens: int,
    chunk_overlap: int,
    count_tokens: Callable[[str], int],
) -> list[Chunk]:
    """All chunks of a document (see :func:`iter_chunks`)."""
    return list(
        iter_chunks(
            document,
            chunk_tokens=chunk_tokens,
            chunk_overlap=chunk_overlap,
            count_tokens=count_tokens,
        )
    )


def settings_fingerprint(embed_model: str, chunk_tokens: int, chunk_overlap: int) -> str:
    """Names the Chroma collection: an index built with other settings is never mixed in."""
    key = f"{embed_model}|{chunk_tokens}|{chunk_overlap}"
    return hashlib.sha1(key.encode()).hexdigest()[:10]
