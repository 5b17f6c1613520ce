"""Our index inside llama-index: RAG.as_retriever() and RAG.as_query_engine() in real
llama-index pipelines over the real sample store (real model, real Chroma)."""

from __future__ import annotations

import asyncio

from llama_index.core.llms import MockLLM
from llama_index.core.postprocessor import SimilarityPostprocessor
from llama_index.core.query_engine import RetrieverQueryEngine
from llama_index.core.response_synthesizers import get_response_synthesizer
from llama_index.core.response_synthesizers.type import ResponseMode
from llama_index.core.schema import MetadataMode, NodeWithScore, QueryBundle, TextNode
from llama_index.core.tools import QueryEngineTool
from sample_quotes import SOFIA

from rag import RAG
from rag.pipeline import NOT_SAY


def _exact(rag: RAG, item: NodeWithScore) -> None:
    node = item.node
    assert isinstance(node, TextNode)
    meta = node.metadata
    start, end = meta["start"], meta["end"]
    assert (node.start_char_idx, node.end_char_idx) == (start, end)
    assert rag.document_text(meta["doc_id"])[start:end] == node.get_content()
    assert meta["source"].endswith(".txt") and meta["title"] and meta["date"]


def test_retriever_nodes_carry_exact_offsets_and_document_details(sample_rag: RAG) -> None:
    retriever = sample_rag.as_retriever(top_k=4)
    nodes = retriever.retrieve("How many Konkurs systems did Sofia transfer to the U.S.?")
    assert len(nodes) == 4
    for item in nodes:
        _exact(sample_rag, item)
    assert any(SOFIA in item.node.get_content() for item in nodes)
    # Offsets, ids and scores are for the reader; a downstream LLM sees title/source/date.
    llm_view = nodes[0].node.get_content(metadata_mode=MetadataMode.LLM)
    assert "doc_id" not in llm_view and "title" in llm_view


def test_retriever_filters_by_source_and_date(sample_rag: RAG) -> None:
    only_wiki = sample_rag.as_retriever(sources=["wikipedia"]).retrieve("Konkurs missiles")
    assert only_wiki and all("wikipedia" in n.node.metadata["source"] for n in only_wiki)
    before_any = sample_rag.as_retriever(date_to="1990-01-01").retrieve("Konkurs missiles")
    assert before_any == []


def test_llama_index_pipeline_on_our_retriever(sample_rag: RAG) -> None:
    """A stock RetrieverQueryEngine with a postprocessor and a (mock) synthesiser."""
    engine = RetrieverQueryEngine.from_args(
        retriever=sample_rag.as_retriever(top_k=5),
        llm=MockLLM(max_tokens=5),
        response_synthesizer=get_response_synthesizer(
            llm=MockLLM(max_tokens=5), response_mode=ResponseMode.COMPACT
        ),
        node_postprocessors=[SimilarityPostprocessor(similarity_cutoff=0.0)],
    )
    response = engine.query("Which American defense company's instructors were trained?")
    assert response.source_nodes
    for item in response.source_nodes:
        _exact(sample_rag, item)


def test_query_engine_returns_the_verified_answer_and_citations(sample_rag: RAG) -> None:
    engine = sample_rag.as_query_engine()
    question = "How many Konkurs systems did Sofia transfer to the U.S.?"
    response = engine.query(question)
    answer = sample_rag.ask(question)
    assert response.response == answer.text
    assert not response.metadata["abstained"]
    quotes = [n.node.get_content() for n in response.source_nodes]
    assert quotes == [c.quote for c in answer.citations]
    assert any("136" in q.split() for q in quotes)
    for item in response.source_nodes:
        _exact(sample_rag, item)
        assert f"[{item.node.metadata['n']}]" in response.response


def test_query_engine_refuses_as_we_do_and_works_as_a_tool(sample_rag: RAG) -> None:
    tool = QueryEngineTool.from_defaults(
        query_engine=sample_rag.as_query_engine(), name="sources", description="cited answers"
    )
    output = tool.call("Who won the 2022 FIFA World Cup?")
    assert output.content.startswith(NOT_SAY)
    raw = output.raw_output
    assert raw.metadata["abstained"] is True and raw.source_nodes == []
    async_response = asyncio.run(
        sample_rag.as_query_engine().aquery(QueryBundle("What was the offensive codenamed?"))
    )
    assert "Deterrence of Aggression" in str(async_response)


def test_a_llama_index_llm_object_writes_and_we_verify(sample_store: object) -> None:
    """open_store(llm=<llama-index OpenAILike>) over HTTP: the model writes, we verify."""
    from llama_index.llms.openai_like import OpenAILike
    from openai_stub import OpenAIStub

    from rag import open_store

    with OpenAIStub(model="m") as stub:
        llm = OpenAILike(
            model="m", api_base=stub.base_url, api_key="x", is_chat_model=True, max_retries=0
        )
        rag = open_store(sample_store, llm=llm)  # type: ignore[arg-type]
        question = "How many Konkurs systems did Sofia transfer to the U.S.?"
        stub.enqueue_reply("Sofia sent 136 Konkurs systems to the U.S. [1]")
        good = rag.ask(question)
        assert good.backend == "llm" and not good.abstained and not good.notes
        assert "136" in good.text.split() and stub.requests[-1]["stream"] is True
        stub.enqueue_reply("Sofia sent 163 Konkurs systems to the U.S. [1]")
        bad = rag.ask(question)
        assert "163" not in bad.text and bad.notes  # the wrong number never reaches the reader


def test_an_empty_filtered_answer_says_the_filter_was_on(sample_rag: RAG) -> None:
    question = "How many Konkurs systems did Sofia transfer to the U.S.?"
    filtered = sample_rag.ask(question, sources=["wikipedia"], date_to="2030-01-01")
    assert filtered.abstained
    assert filtered.notes[-1] == (
        "A filter was on: only sources matching “wikipedia” and documents dated on or before "
        "2030-01-01 were searched."
    )
    unfiltered = sample_rag.ask("Who won the 2022 FIFA World Cup?")
    assert unfiltered.abstained and not any("filter" in n for n in unfiltered.notes)
