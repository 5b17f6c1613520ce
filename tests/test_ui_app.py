"""The Gradio app end to end: a real server on 127.0.0.1, real gradio_client sessions, the
real bundled embedding model and the extractive back-end over the two sample documents
(``sample_rag``: the session-wide sample store of tests/conftest.py, only read here).

Nothing leaves 127.0.0.1.
"""

from __future__ import annotations

import html
import json
import re
import subprocess
import sys
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from gradio_client import Client
from netkit import free_port, use_loopback

from index.settings import get_settings
from rag import RAG
from ui.app import launch
from ui.bind import UIError, check_bind, is_loopback
from ui.cli import ui as ui_command
from ui.handlers import ChatState, Handlers

ROOT = Path(__file__).resolve().parents[1]

# Questions with distinct answers in the samples, and a string each correct answer contains.
QUESTIONS = {
    "How many Konkurs systems did Sofia transfer to the U.S.?": "136",
    "How many Konkurs systems did Sofia transfer to Saudi Arabia?": "80",
    "How many AGS-17 automatic grenade launchers did Belarus send to Bulgaria?": "140",
    "How many ATGW 9P135M Konkurs systems did Belarus send to Bulgaria in 2015?": "240",
    "Which American defense company had its military instructors trained in Belarus?": (
        "Regulus Global"
    ),
    "Which U.S. Special Operations Command representative told BuzzFeed about the missiles?": (
        "Matthew Allen"
    ),
    "Which organization identified Regulus Global as a Pentagon contractor?": "OCCRP",
    "What was the operation codenamed by HTS?": "Deterrence of Aggression",
    "Which researcher described Syria as the world's biggest narco state?": "Charles Lister",
    "How close to Damascus did Southern Operations Room forces come?": "10 kilometers",
}


@pytest.fixture(scope="module", autouse=True)
def loopback_env() -> Iterator[None]:
    """No proxy may reroute the clients, and no telemetry from client or server."""
    with pytest.MonkeyPatch.context() as patch:
        use_loopback(patch)
        yield


@pytest.fixture(scope="module")
def server(sample_rag: RAG) -> Iterator[str]:
    app = launch(
        sample_rag, host="127.0.0.1", port=free_port(), prevent_thread_lock=True, quiet=True
    )
    try:
        yield str(app.local_url)
    finally:
        app.close()


def client(url: str, **kwargs: Any) -> Client:
    return Client(url, verbose=False, download_files=False, **kwargs)


def check_answer(result: Any, question: str, expected: str, rag: RAG) -> None:
    assert isinstance(result, dict), result
    assert result["question"] == question
    assert not result["abstained"], result
    assert expected in result["answer"], result["answer"]
    quotes = [c["quote"] for c in result["citations"]]
    assert any(expected in q for q in quotes), quotes
    assert "[1]" in result["answer"]
    for c in result["citations"]:
        assert rag.document_text(c["doc_id"])[c["start"] : c["end"]] == c["quote"]


# ------------------------------------------------------------------------------- API
def test_ask_endpoint_returns_the_answer_json(server: str, sample_rag: RAG) -> None:
    question = "How many Konkurs systems did Sofia transfer to the U.S.?"
    result = client(server).predict(question, api_name="/ask")
    check_answer(result, question, "136", sample_rag)
    assert result["backend"] == "extractive"
    assert set(result) >= {"citations", "notes", "closest", "timings"}


def test_ask_endpoint_takes_options_and_reports_bad_ones(server: str) -> None:
    c = client(server)
    question = "How many Konkurs systems did Sofia transfer to the U.S.?"
    # A date range that excludes every document: nothing to cite, so the answer abstains.
    result = c.predict(question, "extractive", 3, [], "1990-01-01", "1990-12-31", api_name="/ask")
    assert result["abstained"] and not result["citations"]
    with pytest.raises(Exception, match="YYYY-MM-DD"):
        c.predict(question, "", 0, [], "13/12/2024", "", api_name="/ask")
    with pytest.raises(Exception, match="not available"):
        c.predict(question, "llama-cpp", api_name="/ask")


def test_ten_concurrent_sessions_each_get_their_own_answer(server: str, sample_rag: RAG) -> None:
    def ask(question: str) -> Any:
        return client(server).predict(question, api_name="/ask")

    with ThreadPoolExecutor(max_workers=len(QUESTIONS)) as pool:
        results = dict(zip(QUESTIONS, pool.map(ask, QUESTIONS), strict=True))
    for question, expected in QUESTIONS.items():
        check_answer(results[question], question, expected, sample_rag)


# ---------------------------------------------------------------------- chat handler
def test_chat_streams_then_shows_the_verified_answer(sample_rag: RAG) -> None:
    handlers = Handlers(sample_rag)
    question = "How many Konkurs systems did Sofia transfer to the U.S.?"
    steps = list(handlers.respond(question, "extractive", 6, [], "", "", ChatState()))
    assert len(steps) >= 2
    _, first_live, *_ = steps[0]
    assert "Searching the sources" in first_live
    transcript, live, answer_json, state, box = steps[-1]
    assert live == "" and box == ""
    assert state.count == 1 and len(state.turns) == 1
    assert answer_json["question"] == question and "136" in answer_json["answer"]
    assert 'class="cite"' in transcript and 'href="#t1-q-1"' in transcript
    # The quote's document is not on the page: opening the citation fetches its window.
    assert 'id="t1-doc-1"' in transcript and "rag-quote-mark" not in transcript
    ref = re.search(r'id="t1-doc-1" data-key="1" data-cite="([^"]*)"', transcript)
    assert ref is not None
    opened = handlers.cited_window(json.loads(html.unescape(ref.group(1))))
    assert '<mark class="rag-quote-mark" id="t1-q-1">' in opened
    # A second question in the same session keeps the first, newest first, with fresh ids.
    steps = list(handlers.respond("Who told BuzzFeed?", "extractive", 6, [], "", "", state))
    transcript, _, _, state, _ = steps[-1]
    assert state.count == 2
    assert transcript.index('id="t2"') < transcript.index('id="t1"')


def test_chat_rejects_bad_dates_without_asking(sample_rag: RAG) -> None:
    handlers = Handlers(sample_rag)
    steps = list(handlers.respond("q?", "extractive", 6, [], "2024-02-30", "", ChatState()))
    assert len(steps) == 1
    _, live, _, state, box = steps[0]
    assert "YYYY-MM-DD" in live and state.count == 0 and box == "q?"
    steps = list(handlers.respond("q?", None, None, [], "2024-12-31", "2024-01-01", None))
    assert "after" in steps[0][1]


def test_source_filter_restricts_the_answer(sample_rag: RAG) -> None:
    handlers = Handlers(sample_rag)
    by_source, by_file = handlers.source_choices()
    assert len(by_source) == 2 and len(by_file) == 2
    wikipedia = next(value for _, value in by_source if "wikipedia" in value)
    result = handlers.ask(
        "How many Konkurs systems did Sofia transfer to the U.S.?", sources=[wikipedia]
    )
    assert all(c["source"] == wikipedia for c in result["citations"])
    assert "136" not in result["answer"]


# -------------------------------------------------------------------------- binding
def test_public_bind_without_password_is_refused(tmp_path: Path, sample_rag: RAG) -> None:
    result = CliRunner().invoke(
        ui_command, ["--host", "0.0.0.0", "--store", str(tmp_path / "store")]
    )
    assert result.exit_code == 2
    assert result.output.startswith("error: refusing to serve the UI on 0.0.0.0")
    assert len(result.output.strip().splitlines()) == 1
    assert not (tmp_path / "store").exists()  # refused before opening anything
    with pytest.raises(UIError, match="password"):
        launch(sample_rag, host="0.0.0.0", port=free_port(), warm_up=False)
    check_bind("0.0.0.0", "secret")  # a password makes it acceptable
    check_bind("192.168.1.10", None, force_public=True)
    assert is_loopback("127.0.0.1") and is_loopback("localhost") and is_loopback("::1")
    assert not is_loopback("0.0.0.0") and not is_loopback("example.org")


def test_password_protects_the_app(sample_rag: RAG) -> None:
    app = launch(
        sample_rag,
        host="127.0.0.1",
        port=free_port(),
        password="s3cret",
        prevent_thread_lock=True,
        quiet=True,
        warm_up=False,
    )
    try:
        url = str(app.local_url)
        with pytest.raises(Exception):  # noqa: B017 - gradio_client raises a bare ValueError
            client(url).predict("How many Konkurs systems?", api_name="/ask")
        with pytest.raises(Exception):  # noqa: B017
            client(url, auth=("rag", "wrong")).predict("x", api_name="/ask")
        result = client(url, auth=("rag", "s3cret")).predict(
            "How many Konkurs systems did Sofia transfer to the U.S.?", api_name="/ask"
        )
        assert "136" in result["answer"]
    finally:
        app.close()


def test_cli_module_does_not_import_gradio() -> None:
    code = "import sys, ui.cli; sys.exit('gradio' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=False).returncode == 0


# -------------------------------------------------------------------------- uploads
@pytest.fixture
def upload_rag(tmp_path: Path) -> RAG:
    return RAG(get_settings(store=tmp_path / "store", upload_max_mb=0.01))  # 10 KiB limit


def test_upload_reports_bad_files_and_indexes_good_ones(upload_rag: RAG, tmp_path: Path) -> None:
    incoming = tmp_path / "incoming"
    incoming.mkdir()
    good = incoming / "ledger.txt"
    good.write_text(
        "Shipping ledger, March 2016.\n\n"
        "The freighter Marta Lena unloaded 55 crates of rifles in the port of Varna on "
        "3 March 2016. The crates were declared as agricultural equipment.\n"
    )
    empty = incoming / "empty.txt"
    empty.write_bytes(b"")
    big = incoming / "big.txt"
    big.write_text("word " * 5000)  # 25 KB > the 10 KiB limit

    handlers = Handlers(upload_rag)
    report, table, _, _, cleared = handlers.upload([str(good), str(empty), str(big)])
    assert cleared is None
    assert "added: ledger.txt" in report
    assert "failed: empty.txt: empty file" in report
    assert "failed: big.txt: too large" in report and "upload limit 0.01 MB" in report
    assert "ledger" in table and "1 document(s) indexed" in table

    uploads = Path(upload_rag.settings.store) / "uploads"
    assert sorted(p.name for p in uploads.iterdir()) == ["ledger.txt"]  # bad copies removed
    [doc] = upload_rag.sources()
    assert Path(doc.file).parent == uploads.resolve()

    result = handlers.ask("How many crates of rifles did the Marta Lena unload in Varna?")
    assert not result["abstained"] and "55 crates" in result["answer"]
    assert result["citations"][0]["source"] == doc.source

    # The same file again is recognised, not duplicated.
    report, *_ = handlers.upload([str(good)])
    assert "unchanged (already indexed): ledger.txt" in report
    assert len(upload_rag.sources()) == 1

    # Deleting removes it from the index and deletes the app's copy.
    message, table, _, _ = handlers.delete(doc.file)
    assert "removed" in message and "Nothing is indexed" in table
    assert not list(uploads.iterdir())


def test_upload_names_cannot_escape_the_upload_folder(upload_rag: RAG, tmp_path: Path) -> None:
    from ui.uploads import save_and_ingest

    source = tmp_path / "note.txt"
    source.write_text("The committee met in Sofia on 4 May 2016 to review the contract.\n")
    report = save_and_ingest(upload_rag, [source, source], ["../../escape.txt", ".hidden.txt"])
    uploads = Path(upload_rag.settings.store) / "uploads"
    names = sorted(p.name for p in uploads.iterdir())
    assert names == ["escape.txt", "hidden.txt"], names
    assert not (tmp_path / "escape.txt").exists()
    assert report.added == ["../../escape.txt", ".hidden.txt"]
    assert all(Path(d.file).parent == uploads.resolve() for d in upload_rag.sources())


def test_uploaded_files_keep_the_modification_time_the_browser_sent(
    upload_rag: RAG, tmp_path: Path
) -> None:
    import json
    from datetime import date, datetime

    # What gradio hands the server: a fresh temporary file dated today.
    old = tmp_path / "minsk-memo.txt"
    old.write_text("The memo lists 41 trucks leaving Minsk for the border.\n")
    odd = tmp_path / "odd.txt"
    odd.write_text("The memo lists 12 buses leaving Brest.\n")
    sent = {
        "minsk-memo.txt": datetime(2005, 6, 7, 12, 0).timestamp() * 1000,  # milliseconds
        "odd.txt": 4e15,  # year ~128000: not believable, the upload time stays
    }
    report, *_ = Handlers(upload_rag).upload([str(old), str(odd)], json.dumps(sent))
    assert "added: minsk-memo.txt" in report and "added: odd.txt" in report
    dates = {Path(d.source).name: (d.date, d.date_origin) for d in upload_rag.sources()}
    assert dates["minsk-memo.txt"] == ("2005-06-07", "file")
    assert dates["odd.txt"] == (date.today().isoformat(), "file")
    # Whatever the browser sends, a malformed value is no date and no failure.
    assert Handlers(upload_rag).upload([str(old)], "not json")[0].count("unchanged") == 1


def test_upload_failures_are_styled_as_errors(upload_rag: RAG, tmp_path: Path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    report, *_ = Handlers(upload_rag).upload([str(empty)])
    assert report.count('<li class="rag-error">failed: empty.txt: empty file</li>') == 1


def test_launch_prints_no_share_hint(sample_rag: RAG, capfd: pytest.CaptureFixture[str]) -> None:
    app = launch(
        sample_rag, host="127.0.0.1", port=free_port(), prevent_thread_lock=True, warm_up=False
    )
    try:
        printed = capfd.readouterr()
    finally:
        app.close()
    assert "share=True" not in printed.out + printed.err
