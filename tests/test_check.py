"""Claim check over the real sample store: API, CLI (single and file modes)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from sample_quotes import KONKURS, SOFIA

from rag import RAG, ClaimCheck
from rag.cli import cli


def _exact(rag: RAG, check: ClaimCheck) -> None:
    for c in [*check.citations, *check.contradicting, *check.closest]:
        assert rag.document_text(c.doc_id)[c.start : c.end] == c.quote


@pytest.fixture(scope="module")
def rag(sample_rag: Any) -> RAG:
    assert isinstance(sample_rag, RAG)
    return sample_rag


@pytest.mark.parametrize(
    ("claim", "quote"),
    [
        ("Sofia transferred 136 Konkurs systems to the U.S.", SOFIA),
        ("The U.S. received 136 Konkurs systems from Sofia.", SOFIA),
        ("In 2015, Belarus sent weapons worth €37.9M to Bulgaria.", KONKURS),
    ],
)
def test_true_claim_is_supported_with_the_exact_quote(rag: RAG, claim: str, quote: str) -> None:
    check = rag.check(claim)
    assert check.verdict == "supported", check.reason
    assert [c.quote for c in check.citations] == [quote]
    assert check.contradicting == []
    _exact(rag, check)


@pytest.mark.parametrize(
    ("claim", "quote", "reason"),
    [
        ("Sofia sent 80 Konkurs systems to the U.S.", SOFIA, "'80' is contradicted"),
        (
            "Belarus sent 140 Konkurs systems and 240 AGS-17 launchers to Bulgaria.",
            KONKURS,
            "'140' is contradicted: the passage gives 240",
        ),
        (
            "Sofia did not transfer any Konkurs systems to the U.S.",
            SOFIA,
            "the sentence says 'not' but the passage does not negate it",
        ),
    ],
)
def test_false_claim_is_contradicted_by_its_quote(
    rag: RAG, claim: str, quote: str, reason: str
) -> None:
    check = rag.check(claim)
    assert check.verdict == "contradicted", check.reason
    assert reason in check.reason
    assert [c.quote for c in check.contradicting] == [quote]
    assert [c.n for c in check.contradicting] == [c.n for c in check.citations]
    _exact(rag, check)


def test_assembled_name_is_contradicted(rag: RAG) -> None:
    check = rag.check("Alexander Allen told BuzzFeed the Pentagon was buying missiles.")
    assert check.verdict == "contradicted", check.reason
    assert "Matthew Allen" in check.reason
    assert any("Matthew Allen" in c.quote for c in check.contradicting)


@pytest.mark.parametrize(
    "claim", ["Lukashenko visited Damascus in 2019.", "Belarus sent 300 tanks to Iran."]
)
def test_absent_claim_is_not_found(rag: RAG, claim: str) -> None:
    check = rag.check(claim)
    assert check.verdict == "not_found", check.reason
    assert check.citations == [] and check.contradicting == []
    assert check.closest  # the reader sees where the tool looked
    assert "not in" in check.reason
    _exact(rag, check)


def test_verdict_dict_has_the_documented_fields(rag: RAG) -> None:
    record = rag.check("Sofia transferred 136 Konkurs systems to the U.S.", claim_id="x1")
    data = record.to_dict()
    assert data["id"] == "x1" and data["verdict"] == "supported"
    assert set(data) >= {"id", "claim", "verdict", "reason", "citations", "contradicting"}
    assert set(data["citations"][0]) >= {"n", "source", "title", "date", "quote", "start", "end"}


# --------------------------------------------------------------------------- CLI


def test_cli_single_claim_json_and_text(sample_store: Path) -> None:
    runner = CliRunner()
    claim = "Sofia sent 80 Konkurs systems to the U.S."
    result = runner.invoke(cli, ["check", claim, "--store", str(sample_store), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["verdict"] == "contradicted" and data["contradicting"][0]["quote"] == SOFIA
    result = runner.invoke(cli, ["check", claim, "--store", str(sample_store)])
    assert result.exit_code == 0
    assert result.stdout.startswith("CONTRADICTED: '80' is contradicted")
    assert f'[1] says otherwise: "{SOFIA}"' in result.stdout


def test_cli_file_mode_keeps_order_and_ids(sample_store: Path, tmp_path: Path) -> None:
    claims: list[dict[str, Any]] = [
        {"id": "neg", "claim": "Sofia did not transfer any Konkurs systems to the U.S."},
        {"id": "true", "claim": "Sofia transferred 136 Konkurs systems to the U.S."},
        {"id": "absent", "claim": "Lukashenko visited Damascus in 2019."},
        {"id": 7, "claim": "Belarus sent 140 Konkurs systems and 240 AGS-17 launchers."},
    ]
    source = tmp_path / "claims.jsonl"
    source.write_text("\n".join(json.dumps(c) for c in claims) + "\n", encoding="utf-8")
    out = tmp_path / "verdicts.jsonl"
    result = CliRunner().invoke(
        cli, ["check", "--file", str(source), "--out", str(out), "--store", str(sample_store)]
    )
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [(v["id"], v["verdict"]) for v in lines] == [
        ("neg", "contradicted"),
        ("true", "supported"),
        ("absent", "not_found"),
        ("7", "contradicted"),
    ]
    assert [v["claim"] for v in lines] == [c["claim"] for c in claims]


def test_cli_errors_are_one_line_and_non_zero(sample_store: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    missing = runner.invoke(cli, ["check", "x", "--store", str(tmp_path / "none")])
    assert missing.exit_code != 0
    assert missing.stderr.startswith("error: no index at") and missing.stderr.count("\n") == 1
    nofile = runner.invoke(
        cli, ["check", "--file", str(tmp_path / "no.jsonl"), "--store", str(sample_store)]
    )
    assert nofile.exit_code != 0 and nofile.stderr.startswith("error: no such file")
    neither = runner.invoke(cli, ["check", "--store", str(sample_store)])
    assert neither.exit_code != 0 and "give a CLAIM or --file" in neither.stderr


def test_cli_bad_line_is_reported_and_the_rest_judged(sample_store: Path, tmp_path: Path) -> None:
    source = tmp_path / "claims.jsonl"
    source.write_text(
        'not json\n{"id": "t", "claim": "Sofia transferred 136 Konkurs systems to the U.S."}\n',
        encoding="utf-8",
    )
    result = CliRunner().invoke(cli, ["check", "--file", str(source), "--store", str(sample_store)])
    assert result.exit_code == 1  # an input error, not a verdict
    first, second = (json.loads(line) for line in result.stdout.splitlines())
    assert first["id"] == "1" and "bad JSONL" in first["error"]
    assert second["id"] == "t" and second["verdict"] == "supported"


def test_batch_reader_keeps_every_line_and_says_what_is_wrong() -> None:
    from rag.cli_ask import BatchItem, jsonl_items

    raw = 'not json\n[1]\n\n{"claim": "  "}\n{"id": 5, "claim": " A claim. "}\n{"question": "Q?"}\n'
    items = jsonl_items(raw, "claim")
    assert [(i.id, i.text) for i in items] == [
        ("1", ""),
        ("2", ""),
        ("4", ""),
        ("5", "A claim."),
        ("6", ""),
    ]
    assert [i.error for i in items][1:] == [
        "line 2: bad JSONL (not an object)",
        'line 4: bad JSONL (no "claim")',
        None,
        'line 6: bad JSONL (no "claim")',
    ]
    assert items[0].error is not None and items[0].error.startswith("line 1: bad JSONL")
    assert jsonl_items(raw, "question")[-1] == BatchItem("6", "Q?")


def test_two_sources_disagreeing_on_a_value_are_both_shown() -> None:
    from rag.check import judge_claim
    from rag.evidence import Unit
    from rag.records import Passage

    other = "Sofia transferred 140 Konkurs systems to the U.S., a Bulgarian daily reported."

    def unit(doc: str, text: str) -> Unit:
        passage = Passage(
            doc, doc, f"{doc}.txt", doc, "2024-12-13", "text", text, 0, len(text), 1.0
        )
        return Unit(passage, 0, len(text), text, text)

    units = [unit("belarus", SOFIA), unit("daily", other)]
    verdict, reason, support, contra, closest = judge_claim(
        "Sofia transferred 136 Konkurs systems to the U.S.", units
    )
    assert (verdict, support, contra, closest) == ("supported", [0], [1], [])
    assert "the sources disagree: '136' is contradicted: the passage gives 140" in reason
    verdict, reason, support, contra, _ = judge_claim(
        "Sofia transferred 150 Konkurs systems to the U.S.", units
    )
    assert verdict == "contradicted" and support == [] and sorted(contra) == [0, 1]


def test_claim_citations_carry_page_ocr_and_content_hash_like_answer_citations() -> None:
    from rag.check import _citation
    from rag.evidence import Unit
    from rag.records import Passage

    text = "Page one text here.\fThe scanned page says 240 boxes went north."
    passage = Passage(
        "c", "d", "scan.pdf", "Scan", "2024-01-01", "document", text, 0, len(text), 0.5,
        page=1, page_starts=(0, 20), page_ocr=(None, 0.81), content_hash="abc",
    )  # fmt: skip
    start = text.index("The scanned")
    cited = _citation(1, Unit(passage, start, len(text), text[start:], text[start:]))
    assert (cited.page, cited.ocr, cited.ocr_confidence) == (2, True, 0.81)
    assert cited.content_hash == "abc"
    assert cited.ocr_label == "OCR, page 2, confidence 0.81"


def test_claim_check_judges_the_same_clean_units_answers_cite() -> None:
    # A headline is judged and cited without its "title:" key, a PDF's broken word is
    # matched joined, and the citation stays the exact span of the document.
    from types import SimpleNamespace

    from rag.check import _units, judge_claim
    from rag.records import Passage

    text = (
        "title: Binance to pay $4.3B in fines\n\n"
        "The exchange agreed to the settle-\nment on Tuesday in Seattle.\n"
    )
    passage = Passage("c", "d", "d.txt", "T", "2024-01-01", "news", text, 0, len(text), 1.0)
    retriever = SimpleNamespace(store=SimpleNamespace(document_text=lambda doc_id: text))
    units, _ = _units([passage], retriever)  # type: ignore[arg-type]
    assert [u.quote for u in units] == [
        "Binance to pay $4.3B in fines",
        "The exchange agreed to the settle-\nment on Tuesday in Seattle.",
    ]
    assert all(text[u.start : u.end] == u.quote for u in units)
    verdict, _, support, _, _ = judge_claim("Binance will pay $4.3B in fines.", units)
    assert verdict == "supported" and support == [0]
    verdict, _, support, _, _ = judge_claim("The settlement was agreed on Tuesday.", units)
    assert verdict == "supported" and support == [1]
