"""Evidence files: JSON/CSV/Markdown from rag ask/batch --export over a real store of copied
sample files, the documented fields, and rag verify-evidence after the files change."""

from __future__ import annotations

import csv
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import SAMPLES

from index.ingest import sha256_file
from index.settings import get_settings

RAG_CLI = [sys.executable, "-m", "rag.cli"]
QUESTION = "How many Konkurs systems did Sofia transfer to the U.S.?"
BELARUS = "belarus-weapons-syria-2024-12-13.txt"


def rag(*args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    result = subprocess.run([*RAG_CLI, *args], capture_output=True, text=True, timeout=600)
    if check:
        assert result.returncode == 0, result.stderr
    return result


@pytest.fixture(scope="module")
def copied(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """Copies of the samples (the test edits them) and a store of them."""
    root = tmp_path_factory.mktemp("evidence")
    docs = root / "docs"
    shutil.copytree(SAMPLES, docs)
    rag("ingest", str(docs), "--store", str(root / "store"))
    return docs, root / "store"


def test_ask_export_json_has_every_documented_field(
    copied: tuple[Path, Path], tmp_path: Path
) -> None:
    _, store = copied
    out = tmp_path / "e.json"
    rag("ask", QUESTION, "--store", str(store), "--export", str(out))
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert doc["schema"] == "rag-cite/evidence/1"
    assert len(doc["settings_fingerprint"]) == 16 and doc["settings"]["top_k"] == 6
    assert "store" not in doc["settings"]
    (record,) = doc["answers"]
    assert record["question"] == QUESTION and not record["abstained"]
    assert record["backend"] == "extractive" and record["model"] is None
    # The model the store was built with: the default (the CLI ran with this environment).
    assert record["embed_model"] == get_settings().embed_model and record["tool_version"]
    assert record["answered_at"].endswith("+00:00")
    assert record["citations"]
    for c in record["citations"]:
        path = Path(c["file"])
        assert c["file_sha256"] == sha256_file(path)
        text = path.read_text(encoding="utf-8")  # .txt: the document text is the file
        assert text[c["start"] : c["end"]] == c["quote"]
        assert f"[{c['n']}]" in record["answer"]
        assert c["date"] and c["date_origin"] in ("document", "file")
        assert set(c) >= {"page", "ocr", "doc_id", "title", "document_sha256"}
    assert any("136" in c["quote"].split() for c in record["citations"])


def test_batch_export_csv_and_markdown(copied: tuple[Path, Path], tmp_path: Path) -> None:
    _, store = copied
    questions = tmp_path / "q.txt"
    questions.write_text(f"{QUESTION}\nWho won the 2022 FIFA World Cup?\n", encoding="utf-8")
    out = tmp_path / "e.csv"
    rag("batch", str(questions), "--store", str(store), "--export", str(out))
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    asked = [r for r in rows if r["question"] == QUESTION]
    refused = [r for r in rows if r["question"] != QUESTION]
    assert asked and all(r["quote"] and r["file_sha256"] for r in asked)
    assert len(refused) == 1 and refused[0]["abstained"] == "True" and not refused[0]["quote"]
    md = tmp_path / "e.md"
    rag("batch", str(questions), "--store", str(store), "--export", str(md))
    text = md.read_text(encoding="utf-8")
    assert f"## 1. {QUESTION}" in text and "> The same year, Sofia transferred 136" in text


def test_bad_extension_is_refused_before_asking(copied: tuple[Path, Path], tmp_path: Path) -> None:
    _, store = copied
    result = rag("ask", QUESTION, "--store", str(store), "--export", str(tmp_path / "e.pdf"),
                 check=False)  # fmt: skip
    assert result.returncode == 2 and ".json, .csv or .md" in result.stderr


def test_verify_evidence_says_which_quotes_still_hold(
    copied: tuple[Path, Path], tmp_path: Path
) -> None:
    _, store = copied
    out = tmp_path / "e.json"
    rag("ask", QUESTION, "--store", str(store), "--export", str(out))
    assert "quotes hold" in rag("verify-evidence", str(out)).stderr
    cited = json.loads(out.read_text(encoding="utf-8"))["answers"][0]["citations"]
    path = Path(cited[0]["file"])
    original = path.read_text(encoding="utf-8")
    try:
        path.write_text("A new first line.\n" + original, encoding="utf-8")  # quotes move
        moved = rag("verify-evidence", str(out), "--json", check=False)
        assert moved.returncode == 1
        statuses = {c["status"] for c in json.loads(moved.stdout)}
        assert statuses == {"moved"}
        assert all(c["file_changed"] for c in json.loads(moved.stdout))
        path.write_text(original.replace("136", "137"), encoding="utf-8")
        changed = json.loads(rag("verify-evidence", str(out), "--json", check=False).stdout)
        assert "changed" in {c["status"] for c in changed}
        path.unlink()
        gone = json.loads(rag("verify-evidence", str(out), "--json", check=False).stdout)
        assert {c["status"] for c in gone} == {"missing"}
    finally:
        path.write_text(original, encoding="utf-8")
    again = rag("verify-evidence", str(out), "--json", check=False)
    assert again.returncode == 0  # restored byte for byte: every quote holds again
    assert {c["status"] for c in json.loads(again.stdout)} == {"holds"}


def test_check_export_records_the_verdict_and_its_quotes(
    copied: tuple[Path, Path], tmp_path: Path
) -> None:
    _, store = copied
    out = tmp_path / "claim.json"
    claim = "Sofia transferred 136 Konkurs systems to the U.S."
    rag("check", claim, "--store", str(store), "--export", str(out))
    (record,) = json.loads(out.read_text(encoding="utf-8"))["answers"]
    assert record["kind"] == "claim" and record["question"] == claim
    assert record["verdict"] == "supported" and record["answer"].startswith("supported: ")
    assert record["citations"] and all(c["role"] == "supports" for c in record["citations"])
    assert any("136" in c["quote"].split() for c in record["citations"])
    checks = json.loads(rag("verify-evidence", str(out), "--json").stdout)
    assert len(checks) == len(record["citations"])
    assert {c["status"] for c in checks} == {"holds"}
