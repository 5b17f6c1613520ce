"""Stress: ask_many with 8 workers while other threads ingest, upload and delete through the
same RAG object (as the UI's workers do). Every answer is correct and none fails."""

from __future__ import annotations

import re
import threading
from pathlib import Path

from storekit import SAMPLES, assert_consistent

from index.ingest import ingest
from index.settings import get_settings
from rag import open_store
from ui.uploads import save_and_ingest

EXPECT = {
    "How many Konkurs systems did Sofia transfer to the U.S.?": "136",
    "How many Konkurs systems did Sofia transfer to Saudi Arabia?": "80",
    "How many AGS-17 automatic grenade launchers did Belarus send to Bulgaria?": "140",
    "Which organization identified Regulus Global as a Pentagon contractor?": "OCCRP",
}
PARAGRAPH = (
    "Dispatch {n}: the harbour master of Varna logged {n} barges, and the customs office "
    "inspected the cargo of the tanker Aurora before noon on a windy day. "
) * 25


def test_asks_uploads_and_deletes_at_once(tmp_path: Path) -> None:
    store = tmp_path / "store"
    settings = get_settings(store=store)
    ingest([SAMPLES], settings)
    rag = open_store(store)
    questions = [q for q in EXPECT for _ in range(10)]
    stop = threading.Event()
    errors: list[BaseException] = []

    def writer(name: str) -> None:
        folder = tmp_path / name
        folder.mkdir()
        n = 0
        try:
            while not stop.is_set():
                path = folder / f"{name}-{n}.txt"
                path.write_text(PARAGRAPH.format(n=n))
                if name == "uploads":
                    report = save_and_ingest(rag, [path])
                    assert not report.failed, report.failed
                    copy = next(
                        d.file for d in rag.sources() if Path(d.file).name.startswith("uploads-")
                    )
                    assert rag.remove([copy]) == [copy]
                else:
                    assert not rag.ingest([path]).failed
                    assert rag.remove([path]) == [str(path.resolve())]
                n += 1
        except BaseException as exc:  # reported by the main thread
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(name,)) for name in ("cli", "uploads")]
    for t in threads:
        t.start()
    try:
        answers = rag.ask_many(questions, concurrency=8)
    finally:
        stop.set()
        for t in threads:
            t.join(timeout=600)
    assert not errors, errors
    failed = [(a.question, a.error) for a in answers if a.error]
    assert not failed, failed
    for question, answer in zip(questions, answers, strict=True):
        assert answer.question == question
        # The figure as a whole number ("80" must not match "1980" or "80,000").
        assert re.search(rf"(?<![\d.,]){EXPECT[question]}(?![\d]|[.,]\d)", answer.text), (
            question,
            answer.text,
        )
        for c in answer.citations:
            assert rag.document_text(c.doc_id)[c.start : c.end] == c.quote
    from index.store import Store

    assert_consistent(Store(settings))
    assert len(rag.sources()) == 2
