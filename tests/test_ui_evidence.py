"""The UI's "Download evidence" button: the session's answers written as an evidence file."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from rag import RAG
from ui.app import build_app
from ui.evidence import EvidenceFiles
from ui.handlers import ChatState, Handlers

QUESTION = "How many Konkurs systems did Sofia transfer to the U.S.?"


def test_download_evidence_holds_every_answer_of_the_session(sample_rag: RAG) -> None:
    handlers = Handlers(sample_rag)
    files = EvidenceFiles(sample_rag)
    hidden = files.refresh(ChatState(), "json")
    assert hidden.visible is False  # nothing asked yet: no button

    state = list(handlers.respond(QUESTION, "extractive", 6, [], "", "", ChatState()))[-1][3]
    state = list(handlers.respond("Who told BuzzFeed?", "extractive", 6, [], "", "", state))[-1][3]
    button = files.refresh(state, "json")
    assert button.visible is True
    path = Path(button.value["path"] if isinstance(button.value, dict) else button.value)
    doc = json.loads(path.read_text(encoding="utf-8"))
    assert doc["schema"] == "rag-cite/evidence/1"
    assert [a["question"] for a in doc["answers"]] == [QUESTION, "Who told BuzzFeed?"]
    first = doc["answers"][0]
    assert any("136" in c["quote"].split() for c in first["citations"])
    for c in first["citations"]:
        assert sample_rag.document_text(c["doc_id"])[c["start"] : c["end"]] == c["quote"]
        assert len(c["file_sha256"]) == 64

    as_csv = files.refresh(state, "csv")
    csv_path = Path(as_csv.value["path"] if isinstance(as_csv.value, dict) else as_csv.value)
    rows = list(csv.DictReader(csv_path.open(encoding="utf-8")))
    assert {r["question"] for r in rows} == {QUESTION, "Who told BuzzFeed?"}


def test_the_app_has_the_download_button(sample_rag: RAG) -> None:
    app = build_app(sample_rag)
    config = app.get_config_file()
    (button,) = [
        c for c in config["components"] if c.get("props", {}).get("elem_id") == "rag-evidence"
    ]
    assert button["type"] == "downloadbutton"


def test_delete_asks_first_and_cancel_deletes_nothing(sample_rag: RAG) -> None:
    from ui.assets import CANCELLED, CONFIRM_DELETE_JS

    handlers = Handlers(sample_rag)
    before = [d.source for d in sample_rag.sources()]
    message, *_ = handlers.delete(CANCELLED)
    assert "Nothing was deleted" in message
    assert [d.source for d in sample_rag.sources()] == before
    assert "window.confirm(" in CONFIRM_DELETE_JS and "attachments or messages" in CONFIRM_DELETE_JS
    app = build_app(sample_rag)
    fns = app.get_config_file()["dependencies"]
    assert any(d.get("js") == CONFIRM_DELETE_JS for d in fns)
