"""Named investigations: each its own store under one home, chosen by name from the CLI, the
API and the UI; make run keeps the samples in an investigation of their own."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from rag import open_store
from ui.investigations import DEFAULT, CurrentRAG, switch_to

ROOT = Path(__file__).resolve().parents[1]
RAG_CLI = [sys.executable, "-m", "rag.cli"]


def run(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "RAG_HOME": str(home)}
    env.pop("RAG_STORE", None)
    env.pop("RAG_INVESTIGATION", None)
    return subprocess.run([*RAG_CLI, *args], capture_output=True, text=True, timeout=600, env=env)


def test_each_investigation_is_its_own_store(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    home = tmp_path / "home"
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "port.txt").write_text("The port contract was signed on 3 May 2021.\n")
    (docs / "mine.txt").write_text("The mine licence was revoked in 2019.\n")
    made = run(home, "--investigation", "port deal", "ingest", str(docs / "port.txt"))
    assert made.returncode == 0, made.stderr

    monkeypatch.setenv("RAG_HOME", str(home))
    monkeypatch.delenv("RAG_STORE", raising=False)
    mine = open_store(investigation="mine")
    mine.ingest([docs / "mine.txt"])
    assert mine.settings.store == home / "investigations" / "mine"

    listed = run(home, "investigations", "--json")
    assert listed.returncode == 0, listed.stderr
    assert json.loads(listed.stdout) == [
        {"name": "mine", "store": str(home / "investigations" / "mine"), "documents": 1},
        {"name": "port deal", "store": str(home / "investigations" / "port deal"), "documents": 1},
    ]
    sources = run(home, "-i", "port deal", "sources", "--json")
    assert [Path(d["source"]).name for d in json.loads(sources.stdout)] == ["port.txt"]
    assert not (home / "store").exists()  # the default store was never touched

    bad = run(home, "--investigation", "../escape", "sources")
    assert bad.returncode == 2 and "investigation name" in bad.stderr
    assert len(bad.stderr.strip().splitlines()[-1]) < 200


def test_ui_switches_and_creates_investigations(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("RAG_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("RAG_STORE", raising=False)
    current = CurrentRAG(open_store(investigation="first"))
    assert current.name == "first" and current.names() == [DEFAULT, "first"]
    update, box, status = switch_to(current, "second story")
    assert current.name == "second story" and box == ""
    assert current.settings.store == tmp_path / "home" / "investigations" / "second story"
    assert current.sources() == [] and "second story" in status
    assert update["choices"] == [DEFAULT, "first", "second story"]
    _, box, status = switch_to(current, "no/slashes")
    assert current.name == "second story" and box == "no/slashes" and "rag-error" in status
    switch_to(current, "first")
    assert current.settings.store.name == "first"


def test_make_run_uses_an_investigation_of_its_own() -> None:
    plan = subprocess.run(
        ["make", "-n", "run"], cwd=ROOT, capture_output=True, text=True, timeout=60
    ).stdout
    commands = [line for line in plan.splitlines() if "/rag " in line]
    assert commands and all("--investigation samples" in line for line in commands), plan
