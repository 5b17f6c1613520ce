"""Retrieval stage: dense (Chroma) + BM25, fused by reciprocal rank fusion, then a reranker."""

from __future__ import annotations

import functools
import logging
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from index.lexical import LexicalIndex, lexical_key, open_lexical
from index.models import model_settings, serving_model
from index.records import StoredDocument
from index.store import Store, StoredChunk, date_number
from rag.records import Passage

if TYPE_CHECKING:
    from index.settings import Settings

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


@functools.lru_cache(maxsize=1024)
def _question_language(text: str, candidates: str) -> str:
    from rag.question import question_language

    return question_language(text, candidates=candidates)


class Retriever:
    """Hybrid retrieval over one store. Thread-safe; caches follow the store's revision.

    A store of several embedding models (index/models.py) is searched by each model among
    the documents whose language it serves for the question, each ranking fused with BM25."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.settings = store.settings
        self.models = store.settings.embed_models
        self._model_settings = model_settings(store.settings)
        self._lock = threading.Lock()
        self._lexical: LexicalIndex | None = None
        self._lexical_revision = -1
        self._embedders: dict[str, Any] = {}
        self._documents: dict[str, StoredDocument] = {}
        self._documents_revision = -1
        self._reranker: Reranker | None = None

    @property
    def embedder(self) -> Any:
        """The store's (first) model, with recurring texts (evidence sentences) embedded once."""
        return self.embedder_of(self.models[0])

    def embedder_of(self, model: str) -> Any:
        """One of the store's models, with recurring texts embedded once."""
        with self._lock:
            if model not in self._embedders:
                from index.embed import embedder_for
                from rag.vectors import CachingEmbedder

                self._embedders[model] = CachingEmbedder(
                    embedder_for(self._model_settings[model]),
                    path=self.store.path / "sentence-vectors.sqlite",
                )
            return self._embedders[model]

    def serving(self, question_language: str, document_language: str) -> str:
        """The store's model that serves this pair of languages (index/models.py)."""
        return serving_model(self.models, question_language, document_language)

    def settings_of(self, model: str) -> Settings:
        """The settings with ``model``'s calibration (the store's own for a one-model store)."""
        return self._model_settings[model]

    def question_language(self, text: str) -> str:
        """The language of a question (or of what is searched for on its behalf)."""
        return _question_language(text, self.settings.languages)

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
        self,
        question: str,
        n: int,
        filters: Filters,
        documents: dict[str, StoredDocument],
        language: str | None,
    ) -> list[list[str]]:
        """One ranking per model: each model among the documents whose language it serves."""
        if len(self.models) == 1:
            return [self._dense_one(self.models[0], question, n, filters, documents, None)]
        asked = language or self.question_language(question)
        admitted = [d for d in documents.values() if filters.empty or filters.admits(d)]
        # one routing per language, not per document: a store holds a few languages
        model_of = {lang: self.serving(asked, lang) for lang in {d.language for d in admitted}}
        served: dict[str, list[str]] = {}
        for d in admitted:
            served.setdefault(model_of[d.language], []).append(d.doc_id)
        rankings = []
        for model in self.models:
            ids = served.get(model, [])
            if len(ids) == len(admitted) and len(ids) == len(documents):
                # every document (no filter): the same search as a store of this model alone
                rankings.append(self._dense_one(model, question, n, filters, documents, None))
            elif ids:
                rankings.append(self._dense_one(model, question, n, filters, documents, ids))
        return rankings

    def _dense_one(
        self,
        model: str,
        question: str,
        n: int,
        filters: Filters,
        documents: dict[str, StoredDocument],
        served: list[str] | None,
    ) -> list[str]:
        where: list[dict[str, Any]] = []
        if served is not None or filters.sources or filters.languages:
            # Languages live in the manifest, not in the vectors' metadata (stores written
            # before language detection have none there): filter by document ids.
            wanted = (
                served
                if served is not None
                else [d.doc_id for d in documents.values() if filters.admits(d)]
            )
            if not wanted:
                return []
            where.append({"doc_id": {"$in": wanted}})
        else:
            if filters.date_from:
                where.append({"date_num": {"$gte": date_number(filters.date_from)}})
            if filters.date_to:
                where.append({"date_num": {"$lte": date_number(filters.date_to)}})
        clause = where[0] if len(where) == 1 else ({"$and": where} if where else None)
        vector = self.embedder_of(model).embed_query(question)
        hits = self.store.query(vector, n, clause, model=model)
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
        self,
        question: str,
        top_k: int | None = None,
        filters: Filters | None = None,
        language: str | None = None,
        lexical_query: str | None = None,
    ) -> list[Passage]:
        """The ``top_k`` best passages for a question, by reciprocal rank fusion.
        ``language``: the question's, which chooses the model serving each document in a
        store of several models (detected when not given). ``lexical_query``: BM25's query
        when it is more than the question (its words translated into the documents'
        language, rag.crosslang)."""
        filters = filters or Filters()
        top_k = top_k or self.settings.top_k
        revision = self.store.revision  # read once: both caches follow the same revision
        documents = self.documents(revision)
        n = max(self.settings.candidates, top_k)
        rankings = self._dense(question, n, filters, documents, language)
        dense = rankings[0] if len(rankings) == 1 else _best_ranks(rankings)
        lexical = self._bm25(lexical_query or question, n, filters, documents, revision)
        fused: dict[str, float] = {}
        for ranking in (*rankings, lexical):
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


def _best_ranks(rankings: Sequence[Sequence[str]]) -> list[str]:
    """The chunks of several rankings ordered by their best rank in any of them."""
    best: dict[str, int] = {}
    for ranking in rankings:
        for rank, chunk_id in enumerate(ranking):
            best[chunk_id] = min(rank, best.get(chunk_id, rank))
    return sorted(best, key=lambda c: best[c])


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
