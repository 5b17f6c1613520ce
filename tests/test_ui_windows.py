"""The page carries no document text: an opened citation fetches a bounded window around its
quote; a citation whose document changed since says so (UI, API, CLI ``rag recheck``)."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

from click.testing import CliRunner
from storekit import BIG_FACT as FACT
from storekit import BIG_FILLER as FILLER
from storekit import BIG_QUESTION as QUESTION
from storekit import index_big as _index_big

from index.ingest import ingest, sha256_file
from index.settings import get_settings
from rag import open_store
from rag.cli import cli
from ui.handlers import ChatState, Handlers


def _page_for(store: Path) -> tuple[Handlers, str, dict[str, object]]:
    handlers = Handlers(open_store(store, create=False))
    *_, (transcript, _live, answer, _state, _box) = handlers.respond(
        QUESTION, "extractive", None, None, None, None, ChatState()
    )
    return handlers, transcript, answer


def _refs(page: str) -> list[dict[str, object]]:
    """The references the page's closed document blocks send when a citation is opened."""
    return [json.loads(html.unescape(m)) for m in re.findall(r'data-cite="([^"]*)"', page)]


def test_the_page_holds_no_document_text_until_a_citation_is_opened(tmp_path: Path) -> None:
    small_store, big_store = tmp_path / "small", tmp_path / "big"
    small = tmp_path / "small.txt"
    small.write_text(FACT + FILLER * 10)
    ingest([small], get_settings(store=small_store))
    _index_big(big_store, tmp_path / "big.txt", 50)

    _, small_page, small_answer = _page_for(small_store)
    handlers, big_page, big_answer = _page_for(big_store)
    assert "412" in str(big_answer["answer"]) and "412" in str(small_answer["answer"])
    # The page used to carry a window of text around every quote (before that, the whole
    # 50 MB document once per citation); now it carries none, whatever the document's size.
    assert "Shipping notes" not in big_page and "Shipping notes" not in small_page
    assert abs(len(big_page) - len(small_page)) < 500, (len(big_page), len(small_page))
    assert "rag-quote-mark" not in big_page

    # Opening citation 1 fetches a bounded window around its quote, the quote marked.
    (ref,) = [r for r in _refs(big_page) if r["key"] == "1"]
    opened = handlers.cited_window(ref)
    # (the answer value is marked inside the quote: that inner mark is taken out first)
    flat = re.sub(r'<mark class="rag-value-mark">(.*?)</mark>', r"\1", opened)
    mark = re.search(r'<mark class="rag-quote-mark" id="t1-q-1">(.*?)</mark>', flat, re.S)
    assert mark and html.unescape(mark.group(1)) == FACT.strip()
    assert '<mark class="rag-value-mark">412</mark>' in opened
    assert "Shipping notes" in opened
    context = handlers.rag.settings.ui_context_chars
    assert len(opened) < 2 * context + 2 * len(FACT) + 500, len(opened)


def test_a_forged_reference_cannot_fetch_a_whole_document(tmp_path: Path) -> None:
    _index_big(tmp_path / "big", tmp_path / "big.txt", 5)
    handlers, page, _ = _page_for(tmp_path / "big")
    (ref,) = [r for r in _refs(page) if r["key"] == "1"]
    whole = {**ref, "start": 0, "end": 5 * 2**20, "content_hash": "", "quote": ""}
    refused = handlers.cited_window(whole)
    assert "is not a quote" in refused and len(refused) < 500
    for bad in ("nonsense", {**ref, "start": -1}, {**ref, "prefix": 't1" onclick="x'}):
        answer = handlers.cited_window(bad)  # type: ignore[arg-type]
        assert 'class="rag-error"' in answer and "rag-quote-mark" not in answer


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

    (ref,) = _refs(render_turn_html(answer, "t1"))
    opened = Handlers(rag).cited_window(ref)
    assert "changed since this answer" in opened and "rag-quote-mark" not in opened
    stale = runner.invoke(cli, ["recheck", str(saved), "--store", str(store)])
    assert stale.exit_code == 1 and "[1] changed" in stale.output
