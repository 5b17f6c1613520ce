"""Our index inside llama-index: a ``BaseRetriever`` and a query engine over a :class:`RAG`.

:class:`CiteRetriever` hands llama-index our hybrid retrieval (dense + BM25, filters) as
``NodeWithScore`` objects whose ``TextNode`` carries the document id, source, title, date,
page and the exact character offsets (``node.start_char_idx`` / ``end_char_idx`` too), so
``rag.document_text(doc_id)[start:end] == node.text``.

:class:`CiteQueryEngine` answers through our whole pipeline (evidence, composition,
verification): its ``Response.response`` is the verified answer text and its
``source_nodes`` are the citations, each node's text the exact quote.

Built by ``RAG.as_retriever(**filters)`` and ``RAG.as_query_engine(**options)``; nothing
here uses llama-index's global ``Settings``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from llama_index.core.base.base_query_engine import BaseQueryEngine
from llama_index.core.base.base_retriever import BaseRetriever
from llama_index.core.base.response.schema import Response
from llama_index.core.callbacks import CallbackManager
from llama_index.core.prompts.mixin import PromptDictType, PromptMixinType
from llama_index.core.schema import NodeWithScore, QueryBundle, TextNode

from rag.records import Answer, Citation, Passage

if TYPE_CHECKING:
    from rag.api import RAG


def _node(
    node_id: str,
    text: str,
    start: int,
    end: int,
    metadata: dict[str, Any],
) -> TextNode:
    # Offsets and dates stay in the node's metadata for the reader, but are kept out of the
    # text an LLM or embedder downstream would see.
    return TextNode(
        id_=node_id,
        text=text,
        start_char_idx=start,
        end_char_idx=end,
        metadata=metadata,
        excluded_llm_metadata_keys=["doc_id", "start", "end", "date_origin", "score"],
        excluded_embed_metadata_keys=list(metadata),
    )


def passage_node(passage: Passage) -> NodeWithScore:
    """A retrieved passage as a llama-index node (score: fused RRF score)."""
    metadata: dict[str, Any] = {
        "doc_id": passage.doc_id,
        "source": passage.source,
        "title": passage.title,
        "date": passage.date,
        "date_origin": passage.date_origin,
        "page": passage.page,
        "start": passage.start,
        "end": passage.end,
    }
    node = _node(passage.chunk_id, passage.text, passage.start, passage.end, metadata)
    return NodeWithScore(node=node, score=passage.score)


def citation_node(citation: Citation) -> NodeWithScore:
    """A verified citation as a llama-index node: the text is the exact quote."""
    metadata: dict[str, Any] = {
        "n": citation.n,
        "doc_id": citation.doc_id,
        "source": citation.source,
        "title": citation.title,
        "date": citation.date,
        "date_origin": citation.date_origin,
        "page": citation.page,
        "start": citation.start,
        "end": citation.end,
    }
    node_id = f"{citation.doc_id}:{citation.start}-{citation.end}"
    node = _node(node_id, citation.quote, citation.start, citation.end, metadata)
    return NodeWithScore(node=node, score=citation.score)


class CiteRetriever(BaseRetriever):
    """Our retrieval as a llama-index retriever. ``sources`` / ``date_from`` / ``date_to``
    filter as in ``rag ask``; ``top_k`` defaults to the store's setting."""

    def __init__(
        self,
        rag: RAG,
        *,
        top_k: int | None = None,
        sources: tuple[str, ...] | list[str] = (),
        date_from: str | None = None,
        date_to: str | None = None,
        callback_manager: CallbackManager | None = None,
    ) -> None:
        from rag.retrieve import Filters

        self._rag = rag
        self._top_k = top_k
        self._filters = Filters(tuple(sources), date_from, date_to)
        super().__init__(callback_manager=callback_manager or CallbackManager([]))

    def _retrieve(self, query_bundle: QueryBundle) -> list[NodeWithScore]:
        passages = self._rag.retriever.retrieve(
            query_bundle.query_str, top_k=self._top_k, filters=self._filters
        )
        return [passage_node(p) for p in passages]


class CiteQueryEngine(BaseQueryEngine):
    """Our verified answers as a llama-index query engine; ``options`` as for ``RAG.ask``."""

    def __init__(
        self, rag: RAG, callback_manager: CallbackManager | None = None, **options: Any
    ) -> None:
        self._rag = rag
        self._options = options
        super().__init__(callback_manager=callback_manager or CallbackManager([]))

    def _get_prompts(self) -> PromptDictType:
        return {}  # our prompt lives in the answer composer, not here

    def _update_prompts(self, prompts_dict: PromptDictType) -> None:
        pass

    def _get_prompt_modules(self) -> PromptMixinType:
        return {}

    def _query(self, query_bundle: QueryBundle) -> Response:
        answer = self._rag.ask(query_bundle.query_str, **self._options)
        return answer_response(answer)

    async def _aquery(self, query_bundle: QueryBundle) -> Response:
        answer = await self._rag.aask(query_bundle.query_str, **self._options)
        return answer_response(answer)


def answer_response(answer: Answer) -> Response:
    """An :class:`Answer` as a llama-index ``Response``; the answer object rides along."""
    return Response(
        response=answer.text,
        source_nodes=[citation_node(c) for c in answer.citations],
        metadata={
            "abstained": answer.abstained,
            "notes": list(answer.notes),
            "backend": answer.backend,
            "answer": answer,
        },
    )
