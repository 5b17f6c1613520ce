"""The "Check a claim" panel: its function, its HTML, and its /check API endpoint."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from gradio_client import Client
from netkit import serving
from sample_quotes import SOFIA

from rag import RAG, Citation, ClaimCheck
from ui.check import check_claim, render_check_html


@pytest.fixture(scope="module")
def server(sample_rag: RAG) -> Iterator[str]:
    with serving(sample_rag) as url:
        yield url


def test_check_endpoint_returns_the_verdict_json(server: str, sample_rag: RAG) -> None:
    client = Client(server, verbose=False, download_files=False)
    result: Any = client.predict("Sofia sent 80 Konkurs systems to the U.S.", api_name="/check")
    assert result["verdict"] == "contradicted"
    assert [c["quote"] for c in result["contradicting"]] == [SOFIA]
    for c in result["citations"]:
        assert sample_rag.document_text(c["doc_id"])[c["start"] : c["end"]] == c["quote"]


def test_panel_function_shows_verdict_and_quote(sample_rag: RAG) -> None:
    html, data = check_claim(sample_rag, "Sofia transferred 136 Konkurs systems to the U.S.")
    assert data["verdict"] == "supported"
    assert 'data-verdict="supported"' in html
    assert '<li class="claim-quote" data-role="supports"><b>[1] supports</b>' in html
    assert "Sofia transferred 136 Konkurs systems to the U.S." in html
    empty_html, empty = check_claim(sample_rag, "  ")
    assert empty == {} and "Type a claim" in empty_html


def test_panel_escapes_what_comes_from_sources() -> None:
    quote = "<script>alert(1)</script> sent 80"
    citation = Citation(1, "d", "<b>src</b>", "<i>t</i>", "2024-01-01", "text", quote, 0, 30, 0.0)
    result = ClaimCheck("<img src=x>", "contradicted", "<b>why</b>", [citation], [citation])
    html = render_check_html(result)
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "<b>why</b>" not in html and "<b>src</b>" not in html
    assert 'data-role="says otherwise"' in html
