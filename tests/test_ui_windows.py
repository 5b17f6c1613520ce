"""The page carries a bounded window around each quote, never whole documents; a citation
whose document changed since says so (UI, API, CLI ``rag recheck``)."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

from click.testing import CliRunner

from index.chunking import chunk_document
from index.embed import get_embedder
from index.ingest import ingest, sha256_file
from index.loaders import load_file
from index.settings import get_settings
from index.store import FileWrite, Store
from rag import open_store
from rag.cli import cli
from ui.app import ChatState, Handlers

FACT = "The port authority of Burgas counted 412 containers in March.\n"
QUESTION = "How many containers did the port authority of Burgas count?"
FILLER = "Shipping notes of the day: weather fair, no incidents reported at the quay.\n"


def _index_big(store: Path, path: Path, megabytes: int) -> None:
    """A ``megabytes`` MB text file in the store, whole text kept; to keep the test fast only
    its first chunks are embedded (the page size depends on the text, not on the chunks)."""
    body = FACT + FILLER * (megabytes * 2**20 // len(FILLER))
    path.write_text(body)
    settings = get_settings(store=store)
    embedder = get_embedder(settings.embed_model)
    (document,) = load_file(path, max_bytes=2**31).documents
    head = dataclasses.replace(document, text=document.text[:4000])
    chunks = chunk_document(
        head, chunk_tokens=200, chunk_overlap=30, count_tokens=embedder.count_tokens
    )
    vectors = embedder.embed_documents([c.text for c in chunks])
    write = FileWrite(
        str(path.resolve()), sha256_file(path), path.stat().st_size, [document], chunks, vectors
    )
    Store(settings, create=True).write_files([write])


def _page_for(store: Path) -> tuple[str, dict[str, object]]:
    handlers = Handlers(open_store(store, create=False))
    *_, (transcript, _live, answer, _state, _box) = handlers.respond(
        QUESTION, "extractive", None, None, None, None, ChatState()
    )
    return transcript, answer


def test_page_size_does_not_grow_with_the_document(tmp_path: Path) -> None:
    small_store, big_store = tmp_path / "small", tmp_path / "big"
    small = tmp_path / "small.txt"
    small.write_text(FACT + FILLER * 10)
    ingest([small], get_settings(store=small_store))
    _index_big(big_store, tmp_path / "big.txt", 50)

    small_page, small_answer = _page_for(small_store)
    big_page, big_answer = _page_for(big_store)
    assert "412" in str(big_answer["answer"]) and "412" in str(small_answer["answer"])
    # The whole 50 MB text used to be embedded in the page, once per citation.
    assert len(big_page) < 3 * len(small_page) + 10_000, (len(big_page), len(small_page))
    assert len(big_page) < 50_000
    assert 'class="rag-quote-mark"' in big_page and "412 containers" in big_page


def test_a_citation_of_a_changed_document_says_so(tmp_path: Path) -> None:
    store = tmp_path / "store"
    doc = tmp_path / "port.txt"
    doc.write_text("Harbour report.\n" + FACT)
    ingest([doc], get_settings(store=store))
    rag = open_store(store, create=False)
    answer = rag.ask(QUESTION)
    (citation,) = answer.citations
    assert citation.content_hash == sha256_file(doc)
    saved = tmp_path / "answer.json"
    saved.write_text(json.dumps(answer.to_dict()))
    assert rag.cited_text(citation).status == "current"
    runner = CliRunner()
    ok = runner.invoke(cli, ["recheck", str(saved), "--store", str(store)])
    assert ok.exit_code == 0 and "[1] current" in ok.output

    # The file changes: the same offsets now hold other words.
    doc.write_text("Harbour report, corrected.\n" + FACT.replace("412", "977"))
    ingest([doc], get_settings(store=store))
    seen = rag.cited_text(citation)
    assert seen.status == "changed" and seen.text == ""
    assert "changed since this answer" in seen.message
    from ui.render import render_turn_html
    from ui.windows import citation_windows

    page = render_turn_html(answer, {}, "t1", citation_windows(rag, answer))
    assert 'data-status="changed"' in page and "rag-quote-mark" not in page
    stale = runner.invoke(cli, ["recheck", str(saved), "--store", str(store)])
    assert stale.exit_code == 1 and "[1] changed" in stale.output
