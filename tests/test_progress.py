"""Progress with rate and ETA: a tqdm bar on a terminal, JSON lines for machines, silence
otherwise; the same helper drives ingest, batch, check, eval and bench."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from index.progress import Progress, track

RAG_CLI = [sys.executable, "-m", "rag.cli"]


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_terminal_bar_shows_count_rate_and_time_left() -> None:
    screen = Terminal()
    with Progress(4, "ingest", "file", stream=screen) as bar:
        for _ in range(4):
            time.sleep(0.02)
            bar.update()
    text = screen.getvalue()
    assert "ingest" in text and "4/4" in text
    assert "file/s" in text  # the rate
    assert "<" in text  # tqdm's [elapsed<left]


def test_not_a_terminal_is_silent_by_default(monkeypatch: pytest.MonkeyPatch) -> None:
    pipe = io.StringIO()
    monkeypatch.delenv("RAG_PROGRESS", raising=False)
    with Progress(3, "batch", "question", stream=pipe) as bar:
        bar.update(3)
    assert pipe.getvalue() == ""


def test_json_mode_prints_machine_readable_lines_with_eta() -> None:
    pipe = io.StringIO()
    with Progress(10, "eval", "question", mode="json", stream=pipe, interval=0.0) as bar:
        time.sleep(0.2)
        bar.update(5)
        bar.update(5)
    lines = [json.loads(line) for line in pipe.getvalue().splitlines()]
    assert [line["done"] for line in lines] == [5, 10, 10]  # two updates, then the end
    first = lines[0]
    assert first["progress"] == "eval" and first["total"] == 10 and first["unit"] == "question"
    assert first["rate"] > 0 and first["eta_s"] is not None and first["eta_s"] > 0
    assert lines[-1]["eta_s"] == 0


def test_track_counts_each_item_once_consumed(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("RAG_PROGRESS_INTERVAL", "0")
    seen = list(track(["a", "b", "c"], "t", "item", mode="json"))
    assert seen == ["a", "b", "c"]
    lines = [json.loads(x) for x in capsys.readouterr().err.splitlines()]
    assert [x["done"] for x in lines] == [1, 2, 3, 3]


def test_ingest_reports_json_progress_when_asked(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    for n in range(3):
        (docs / f"f{n}.txt").write_text(f"Document number {n} says the sky was grey.\n")
    env = {**os.environ, "RAG_PROGRESS": "json", "RAG_PROGRESS_INTERVAL": "0"}
    result = subprocess.run(
        [*RAG_CLI, "ingest", str(docs), "--store", str(tmp_path / "store")],
        capture_output=True,
        text=True,
        timeout=600,
        env=env,
    )
    assert result.returncode == 0, result.stderr
    lines = [json.loads(x) for x in result.stderr.splitlines() if x.startswith('{"progress"')]
    assert [x["done"] for x in lines] == [1, 2, 3, 3]
    assert all(x["progress"] == "ingest" and x["unit"] == "file" for x in lines)
