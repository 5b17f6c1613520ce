"""``rag eval`` end to end: the real pipeline (embedding model, Chroma, extractive back-end)
on the sample sources and on a small slice of the MultiHop-RAG sample. The full sample facts
run is ``rag eval`` itself (``make test`` runs it after pytest); here one question of each
kind keeps the suite fast.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner, Result

from eval.bench import load_queries, select
from eval.run import DEFAULT_FACTS
from rag.cli import cli

ROOT = Path(__file__).resolve().parents[1]
MULTIHOP = ROOT / "bench" / "multihop"


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def run_cli(args: list[str]) -> Result:
    return CliRunner().invoke(cli, ["eval", *args], catch_exceptions=False)


@pytest.fixture
def one_per_kind(tmp_path: Path) -> Path:
    """The first sample question of each kind, and the sum question."""
    items = yaml.safe_load(DEFAULT_FACTS.read_text(encoding="utf-8"))
    picked: dict[str, dict[str, Any]] = {}
    for item in items:
        picked.setdefault(item["kind"], item)
    chosen = [*picked.values(), next(i for i in items if i["id"] == "konkurs-transfer-sum")]
    return write(tmp_path / "subset.yaml", yaml.safe_dump(chosen, allow_unicode=True))


def test_rag_eval_on_the_samples_passes(one_per_kind: Path, tmp_path: Path) -> None:
    report = tmp_path / "out" / "report.json"
    result = run_cli(["--facts", str(one_per_kind), "--report", str(report)])
    data = json.loads(report.read_text(encoding="utf-8"))
    failures = {q["id"]: q["problems"] for q in data["questions"] if q["problems"]}
    assert result.exit_code == 0, (failures, result.output)
    assert "PASSED" in result.output and data["passed"] and len(data["questions"]) == 7
    assert set(data["overall"]) >= {
        "answer_correctness",
        "citation_support",
        "quotes_hold",
        "number_fidelity",
        "refusal_accuracy",
        "recall_at_6",
    }


def test_rag_eval_fails_on_a_wrong_expected_value(tmp_path: Path) -> None:
    facts = write(
        tmp_path / "wrong.yaml",
        "- id: us\n  question: How many Konkurs systems did Sofia transfer to the U.S.?\n"
        "  kind: number\n  expect: ['137']\n  source: belarus-weapons-syria\n",
    )
    result = run_cli(["--facts", str(facts), "--json", "--report", str(tmp_path / "r.json")])
    assert result.exit_code == 1
    data = json.loads(result.output)
    assert data["passed"] is False
    assert data["questions"][0]["facts_missing"] == ["137"]
    assert any(g["name"] == "answer_correctness" and not g["passed"] for g in data["gates"])


@pytest.fixture
def mini_multihop(tmp_path: Path) -> Path:
    """The queries ``--limit 5`` picks, with their evidence documents and 20 distractors."""
    queries = select(load_queries(MULTIHOP), 5)
    wanted = {q.id for q in queries}
    docs = {d for q in queries for d in q.evidence_docs}
    docs |= set(sorted(p.name for p in (MULTIHOP / "docs").iterdir())[:20])
    folder = tmp_path / "multihop"
    (folder / "docs").mkdir(parents=True)
    for name in docs:
        shutil.copy(MULTIHOP / "docs" / name, folder / "docs" / name)
    lines = (MULTIHOP / "queries.jsonl").read_text(encoding="utf-8").splitlines()
    kept = [line for line in lines if line.strip() and json.loads(line)["id"] in wanted]
    write(folder / "queries.jsonl", "\n".join(kept) + "\n")
    return folder


def test_bench_reports_per_type_figures(
    mini_multihop: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    report = tmp_path / "bench.json"
    result = run_cli(
        [
            "--bench",
            "multihop",
            str(mini_multihop),
            "--limit",
            "5",
            "--json",
            "--report",
            str(report),
        ]
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert json.loads(report.read_text(encoding="utf-8")) == data
    assert set(data["by_type"]) == {"inference", "comparison", "temporal", "null"}
    assert data["overall"]["n"] == 5 and data["meta"]["documents"] >= 20
    for kind, figures in data["by_type"].items():
        assert figures["n"] >= 1
        if kind == "null":
            assert figures["refusal_rate_null"] is not None and figures["hit_at_k"] is None
        else:
            assert figures["hit_at_k"] is not None and figures["mrr"] is not None
            assert figures["answer_accuracy"] is not None
            assert figures["false_refusal_rate"] is not None
        assert figures["latency_p50"] is not None and figures["latency_p95"] is not None
    # The table, from the same figures.
    from eval.bench import BenchReport
    from eval.cli import _print_bench

    _print_bench(BenchReport(data["k"], data["by_type"], data["overall"], [], data["meta"]))
    table = capsys.readouterr().out
    assert "comparison" in table and "MRR" in table and "hit@6" in table
