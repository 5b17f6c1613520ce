"""Retrieval stage: dense (Chroma) + BM25, fused by reciprocal rank fusion, then a reranker."""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from index.lexical import LexicalIndex, lexical_key, open_lexical
from index.records import StoredDocument
from index.store import Store, StoredChunk, date_number
from rag.records import Passage

if TYPE_CHECKING:
    pass

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Filters:
    """Restrict retrieval to some sources, a date range (inclusive, YYYY-MM-DD) and/or
    documents in some languages (ISO 639-1 codes: "ru", "en")."""

    sources: tuple[str, ...] = ()  # a source path, or a part of one (file name, folder)
    date_from: str | None = None
    date_to: str | None = None
    languages: tuple[str, ...] = ()

    def admits(self, document: StoredDocument) -> bool:
        if self.sources and not any(s in document.source for s in self.sources):
            return False
        if self.languages and document.language not in self.languages:
            return False
        if self.date_from and document.date < self.date_from:
            return False
        return not (self.date_to and document.date > self.date_to[:10])

    @property
    def empty(self) -> bool:
        return not (self.sources or self.date_from or self.date_to or self.languages)


class Reranker(Protocol):
    """Reorders fused passages. A cross-encoder can be plugged in when one exists offline."""

    def rerank(self, question: str, passages: list[Passage]) -> list[Passage]: ...


class NoReranker:
    def rerank(self, question: str, passages: list[Passage]) -> list[Passage]:
        return passages


class CrossEncoderReranker:
    """A sentence-transformers cross-encoder from a local folder."""

    def __init__(self, model: str) -> None:
        from sentence_transformers import CrossEncoder

        self._model = CrossEncoder(model, device="cpu")

    def rerank(self, question: str, passages: list[Passage]) -> list[Passage]:
        if not passages:
            return passages
        scores = self._model.predict([(question, p.text) for p in passages])
        order = sorted(range(len(passages)), key=lambda i: -float(scores[i]))
        return [passages[i] for i in order]


def make_reranker(name: str) -> Reranker:
    return NoReranker() if name in ("", "none") else CrossEncoderReranker(name)


class Retriever:
    """Hybrid retrieval over one store. Thread-safe; caches follow the store's revision."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.settings = store.settings
        self._lock = threading.Lock()
        self._lexical: LexicalIndex | None = None
        self._lexical_revision = -1
        self._embedder: Any = None
        self._documents: dict[str, StoredDocument] = {}
        self._documents_revision = -1
        self._reranker: Reranker | None = None

    @property
    def embedder(self) -> Any:
        """The store's model, with recurring texts (evidence sentences) embedded once."""
        with self._lock:
            if self._embedder is None:
                from index.embed import embedder_for
                from rag.vectors import CachingEmbedder

                self._embedder = CachingEmbedder(
                    embedder_for(self.settings),
                    path=self.store.path / "sentence-vectors.sqlite",
                )
            return self._embedder

    def documents(self, revision: int | None = None) -> dict[str, StoredDocument]:
        """Complete documents by id, cached per store revision."""
        revision = self.store.revision if revision is None else revision
        with self._lock:
            if revision != self._documents_revision:
                self._documents = {d.doc_id: d for d in self.store.documents()}
                self._documents_revision = revision
            return self._documents

    def _lexical_index(self, revision: int, documents: dict[str, StoredDocument]) -> LexicalIndex:
        """BM25 synced with the manifest whenever the store's revision moved (also by other
        processes): only documents it does not hold yet are tokenized."""
        with self._lock:
            if self._lexical is None or self._lexical.store_id != lexical_key(self.store):
                self._lexical = open_lexical(
                    self.store, k1=self.settings.bm25_k1, b=self.settings.bm25_b
                )
                self._lexical_revision = -1
            if self._lexical_revision != revision:
                live = {d.doc_id: d.content_hash for d in documents.values()}
                self._lexical.sync(live, self.store.chunk_rows)
                self._lexical_revision = revision
            return self._lexical

    def _dense(
        self, question: str, n: int, filters: Filters, documents: dict[str, StoredDocument]
    ) -> list[str]:
        where: list[dict[str, Any]] = []
        if filters.sources or filters.languages:
            # Languages live in the manifest, not in the vectors' metadata (stores written
            # before language detection have none there): filter by document ids.
            wanted = [d.doc_id for d in documents.values() if filters.admits(d)]
            if not wanted:
                return []
            where.append({"doc_id": {"$in": wanted}})
        else:
            if filters.date_from:
                where.append({"date_num": {"$gte": date_number(filters.date_from)}})
            if filters.date_to:
                where.append({"date_num": {"$lte": date_number(filters.date_to)}})
        clause = where[0] if len(where) == 1 else ({"$and": where} if where else None)
        hits = self.store.query(self.embedder.embed_query(question), n, clause)
        return [chunk_id for chunk_id, _ in hits]

    def _bm25(
        self,
        question: str,
        n: int,
        filters: Filters,
        documents: dict[str, StoredDocument],
        revision: int,
    ) -> list[str]:
        lexical = self._lexical_index(revision, documents)

        def admits(doc_id: str) -> bool:
            doc = documents.get(doc_id)
            return doc is not None and (filters.empty or filters.admits(doc))

        return [chunk_id for chunk_id, _, _ in lexical.search(question, n, admits)]

    def retrieve(
        self, question: str, top_k: int | None = None, filters: Filters | None = None
    ) -> list[Passage]:
        """The ``top_k`` best passages for a question, by reciprocal rank fusion."""
        filters = filters or Filters()
        top_k = top_k or self.settings.top_k
        revision = self.store.revision  # read once: both caches follow the same revision
        documents = self.documents(revision)
        n = max(self.settings.candidates, top_k)
        dense = self._dense(question, n, filters, documents)
        lexical = self._bm25(question, n, filters, documents, revision)
        fused: dict[str, float] = {}
        for ranking in (dense, lexical):
            for rank, chunk_id in enumerate(ranking, start=1):
                fused[chunk_id] = fused.get(chunk_id, 0.0) + 1.0 / (self.settings.rrf_k + rank)
        best = sorted(fused, key=lambda c: -fused[c])[: max(top_k * 2, top_k)]
        rows = {c.chunk_id: c for c in self.store.chunks(best)}
        passages = [
            _passage(rows[c], documents[rows[c].doc_id], fused[c], dense, lexical, self.store)
            for c in best
            # Vectors of a half-written file have no manifest row: never shown.
            if c in rows and rows[c].doc_id in documents
        ]
        with self._lock:  # built once, not once per racing thread
            if self._reranker is None:
                self._reranker = make_reranker(self.settings.reranker)
            reranker = self._reranker
        return reranker.rerank(question, passages)[:top_k]


_PAGED_FORMATS = frozenset({"pdf", "png", "jpg", "tiff"})


def _rank(ranking: Sequence[str], chunk_id: str) -> int | None:
    return ranking.index(chunk_id) + 1 if chunk_id in ranking else None


def _passage(
    chunk: StoredChunk,
    document: StoredDocument,
    score: float,
    dense: Sequence[str],
    lexical: Sequence[str],
    store: Store,
) -> Passage:
    page: int | None = None
    starts: tuple[int, ...] = ()
    ocr: tuple[float | None, ...] = ()
    if document.format in _PAGED_FORMATS:
        starts = store.page_starts(document.doc_id)
        page = sum(1 for s in starts if s <= chunk.start) or None
        if document.ocr_pages:
            ocr = store.page_ocr(document.doc_id)
    return Passage(
        chunk_id=chunk.chunk_id,
        doc_id=chunk.doc_id,
        source=document.source,
        title=document.title,
        date=document.date,
        date_origin=document.date_origin,
        text=chunk.text,
        start=chunk.start,
        end=chunk.end,
        score=score,
        dense_rank=_rank(dense, chunk.chunk_id),
        bm25_rank=_rank(lexical, chunk.chunk_id),
        page=page,
        language=document.language,
        page_starts=starts,
        page_ocr=ocr,
        content_hash=document.content_hash,
        format=document.format,
    )
