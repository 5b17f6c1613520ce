"""The eval suite: facts files, metrics on hand-built answers, and ``rag eval`` end to end.

The end-to-end tests run the real pipeline (embedding model, Chroma, extractive back-end) on
the sample sources and on a small slice of the MultiHop-RAG sample. The full sample facts
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

from eval.bench import BenchQuery, load_queries, score_query, select
from eval.facts import KINDS, FactQuestion, FactsError, load_facts
from eval.metrics import evaluate_answer, quote_holds, unsupported_figures, without_echoes
from eval.run import DEFAULT_FACTS, InputError, samples_folder
from eval.summary import Thresholds, summarize
from rag import Answer, Citation
from rag.cli import cli
from rag.verify import strip_citation_markers

ROOT = Path(__file__).resolve().parents[1]
BELARUS = ROOT / "samples" / "belarus-weapons-syria-2024-12-13.txt"
WIKIPEDIA = ROOT / "samples" / "wikipedia-2024-syrian-opposition-offensives.txt"
MULTIHOP = ROOT / "bench" / "multihop"
DOC_ID = "belarus"
TEXT = BELARUS.read_text(encoding="utf-8")


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


# --------------------------------------------------------------------------- facts files


def test_yaml_facts_with_alternatives_and_default_ids(tmp_path: Path) -> None:
    path = write(
        tmp_path / "f.yaml",
        """
- id: total
  question: What were the weapons worth?
  kind: number
  expect: ["37.9 million euros|€37.9M"]
  source: belarus
- question: Who won the 2022 World Cup?
  kind: unanswerable
- question: Why did Belarus send 300 Konkurs systems to Romania?
  kind: false_premise
  expect: [240, Bulgaria]
""",
    )
    total, world_cup, premise = load_facts(path)
    assert total.id == "total" and total.kind == "number" and total.source == "belarus"
    assert total.expect[0].alternatives == ("37.9 million euros", "€37.9M")
    assert total.location == f"{path}:2"
    assert world_cup.id == "q2" and world_cup.expect == () and not world_cup.answerable
    assert [f.label for f in premise.expect] == ["240", "Bulgaria"]
    # No explicit reject list: the question's figures that are not expected are rejected.
    assert [f.label for f in premise.rejected()] == ["300"]


def test_yaml_mapping_form_and_jsonl(tmp_path: Path) -> None:
    mapping = write(
        tmp_path / "f.yml",
        "questions:\n  - {question: 'How many?', kind: number, expect: ['136']}\n",
    )
    assert load_facts(mapping)[0].expect[0].alternatives == ("136",)
    lines = [
        "# a comment",
        json.dumps({"id": "a", "question": "Who?", "kind": "entity", "expect": ["A|B"]}),
        "",
        json.dumps({"question": "Price?", "kind": "unanswerable", "expect": []}),
    ]
    jsonl = write(tmp_path / "f.jsonl", "\n".join(lines) + "\n")
    first, second = load_facts(jsonl)
    assert first.id == "a" and first.expect[0].alternatives == ("A", "B")
    assert second.id == "q2" and second.location == f"{jsonl}:4"


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        ("- {kind: number, expect: ['1']}\n", ":1: item 1: 'question' must be"),
        ("- {question: 'Q?', kind: numbr, expect: ['1']}\n", "'kind' must be one of"),
        ("- {question: 'Q?', kind: number}\n", "'expect' must list at least one fact"),
        ("- {question: 'Q?', kind: unanswerable, expect: ['1']}\n", "must have an empty 'expect'"),
        ("- {question: 'Q?', kind: number, expected: ['1']}\n", "unknown key 'expected'"),
        ("- {question: 'Q?', kind: number, expect: ['1'], reject: ['2']}\n", "only for kind"),
        ("- {question: 'Q?', kind: number, expect: [[1]]}\n", "entries must be strings"),
        ("- {question: 'Q?', kind: number, expect: ['|']}\n", "empty fact"),
        ("- just a string\n", "expected a mapping"),
        ("question: Q?\n", "a YAML mapping must have one key"),
        ("- {question: 'Q?'\n", "not valid YAML"),
        ("", "no questions"),
        (
            "- {id: a, question: 'Q?', kind: number, expect: ['1']}\n"
            "- {id: a, question: 'R?', kind: number, expect: ['2']}\n",
            ":2: duplicate id 'a' (first at",
        ),
    ],
)
def test_invalid_yaml_facts(tmp_path: Path, content: str, problem: str) -> None:
    path = write(tmp_path / "bad.yaml", content)
    with pytest.raises(FactsError) as caught:
        load_facts(path)
    message = str(caught.value)
    assert str(path) in message and problem in message and "\n" not in message


def test_invalid_jsonl_names_the_line(tmp_path: Path) -> None:
    good = json.dumps({"question": "Q?", "kind": "number", "expect": ["1"]})
    path = write(tmp_path / "bad.jsonl", f"{good}\n{{not json\n")
    with pytest.raises(FactsError, match=r"bad\.jsonl:2: not valid JSON"):
        load_facts(path)
    path = write(tmp_path / "bad2.jsonl", f"{good}\n{json.dumps({'question': 'Q?'})}\n")
    with pytest.raises(FactsError, match=r"bad2\.jsonl:2: item 2: 'kind' must be"):
        load_facts(path)
    with pytest.raises(FactsError, match="unknown facts format"):
        load_facts(write(tmp_path / "facts.txt", good))


def test_bad_facts_file_is_one_error_line_exit_2(tmp_path: Path) -> None:
    path = write(tmp_path / "bad.yaml", "- {question: 'Q?', kind: nope, expect: ['1']}\n")
    result = CliRunner().invoke(cli, ["eval", "--facts", str(path)])
    assert result.exit_code == 2
    assert result.output.strip().startswith("error: ") and "'kind' must be one of" in result.output


def test_sample_facts_cover_the_brief_and_hold_in_the_sources() -> None:
    questions = load_facts(DEFAULT_FACTS)
    kinds = [q.kind for q in questions]
    assert len(questions) >= 30 and set(kinds) == set(KINDS)
    assert kinds.count("unanswerable") >= 5 and kinds.count("false_premise") >= 3
    labels = {f.label for q in questions for f in q.expect}
    for needed in ("240", "136", "80", "216", "Matthew Allen", "Regulus Global", "2015"):
        assert any(needed in label for label in labels), needed
    assert sum(q.source == "wikipedia-2024-syrian-opposition-offensives" for q in questions) >= 5
    texts = {"belarus-weapons-syria": TEXT, "wikipedia": WIKIPEDIA.read_text(encoding="utf-8")}
    both = "\n".join(texts.values())
    for q in questions:
        if q.source:
            assert any(q.source.startswith(name) for name in texts), q.id
            source_text = next(t for name, t in texts.items() if q.source.startswith(name))
        else:
            source_text = both
        for fact in q.expect:
            # 216 is the sum the reader asks for: its operands are in the text, not the total.
            if q.id != "konkurs-transfer-sum":
                assert fact.found_in(source_text), (q.id, fact.label)
        for claim in q.rejected():
            assert not claim.found_in(both), (q.id, claim.label)


# --------------------------------------------------------------------------- metrics

US_SENTENCE = "The same year, Sofia transferred 136 Konkurs systems to the U.S."


def citation(n: int, quote: str, *, shift: int = 0) -> Citation:
    start = TEXT.index(quote) + shift
    return Citation(
        n=n,
        doc_id=DOC_ID,
        source=str(BELARUS),
        title="belarus weapons syria",
        date="2024-12-13",
        date_origin="document",
        quote=quote,
        start=start,
        end=start + len(quote),
        score=0.9,
    )


def document_text(doc_id: str) -> str:
    if doc_id != DOC_ID:
        raise KeyError(doc_id)
    return TEXT


def answer(
    text: str, *cites: Citation, abstained: bool = False, error: str | None = None
) -> Answer:
    return Answer(question="q", text=text, abstained=abstained, citations=list(cites), error=error)


def question(
    kind: str = "number", expect: tuple[str, ...] = ("136",), **extra: Any
) -> FactQuestion:
    from eval.facts import Fact

    return FactQuestion(
        id="t",
        question=extra.pop("text", "How many Konkurs systems did Sofia transfer to the U.S.?"),
        kind=kind,
        expect=tuple(Fact.parse(e) for e in expect),
        source=extra.pop("source", "belarus-weapons-syria"),
        **extra,
    )


def test_a_correct_cited_answer_passes_everything() -> None:
    result = evaluate_answer(
        question(),
        answer(f"{US_SENTENCE} [1]", citation(1, US_SENTENCE)),
        document_text,
        retrieved_sources=[str(WIKIPEDIA), str(BELARUS)],
    )
    assert result.correct and result.supported and result.quotes_hold and result.fidelity
    assert result.refusal_ok and result.recall_at_k and result.cited_source
    assert result.problems() == []


def test_a_wrong_number_fails_correctness_and_fidelity() -> None:
    result = evaluate_answer(
        question(),
        answer("Sofia transferred 137 Konkurs systems to the U.S. [1]", citation(1, US_SENTENCE)),
        document_text,
    )
    assert not result.correct and not result.fidelity
    assert result.facts_missing == ["136"] and result.unsupported_figures == ["137"]
    assert result.recall_at_k is None  # no retrieval given: does not apply


BOTH_SENTENCE = f"{US_SENTENCE} and another 80 to Saudi Arabia."


def test_expect_together_binds_the_value_to_what_it_counts() -> None:
    from eval.facts import Fact

    saudi = question(
        expect=("80",),
        text="How many Konkurs systems did Bulgaria pass on to Saudi Arabia?",
        together=((Fact.parse("80"), Fact.parse("Saudi Arabia")),),
    )
    right = evaluate_answer(
        saudi, answer("Sofia sent 80 of them to Saudi Arabia [1]", citation(1, BOTH_SENTENCE)),
        document_text,
    )  # fmt: skip
    assert right.correct and right.supported and right.problems() == []
    # Both values are in the answer, but 80 is said of the U.S.: a bare "80" would pass.
    wrong = evaluate_answer(
        saudi,
        answer(
            "Sofia sent 80 Konkurs systems to the U.S. [1] Saudi Arabia got the rest. [1]",
            citation(1, BOTH_SENTENCE),
        ),
        document_text,
    )
    assert not wrong.correct and wrong.facts_missing == ["(80 + Saudi Arabia together)"]
    # Right words in the answer, but no cited quote holds both.
    uncited = evaluate_answer(
        saudi,
        answer(
            "Sofia sent 80 Konkurs systems to Saudi Arabia [1]",
            citation(1, US_SENTENCE),
            citation(2, "another 80 to Saudi"),
        ),
        document_text,
    )
    assert uncited.correct and not uncited.supported
    assert "(80 + Saudi Arabia together)" in uncited.facts_uncited


def test_a_quote_not_at_its_offsets_fails_support() -> None:
    result = evaluate_answer(
        question(), answer(f"{US_SENTENCE} [1]", citation(1, US_SENTENCE, shift=3)), document_text
    )
    assert result.correct and not result.supported and not result.quotes_hold
    assert result.broken_citations == [1]
    unknown = Citation(**{**citation(1, US_SENTENCE).to_dict(), "doc_id": "gone"})
    assert not evaluate_answer(question(), answer(US_SENTENCE, unknown), document_text).quotes_hold
    # The same check as the verifier's (rag.verify.check_quote): no empty quote, no offsets
    # past the end of the document.
    fields = citation(1, US_SENTENCE).to_dict()
    tail = {**fields, "quote": TEXT[-5:], "start": len(TEXT) - 5, "end": len(TEXT)}
    assert quote_holds(Citation(**tail), document_text)
    assert not quote_holds(Citation(**{**tail, "end": len(TEXT) + 5}), document_text)
    empty = {**fields, "quote": "", "end": fields["start"]}
    assert not quote_holds(Citation(**empty), document_text)


def test_a_fact_missing_from_the_cited_quotes_fails_support() -> None:
    other = "Experts say the Soviet-made Konkurs weapons were of no use to the American or the"
    result = evaluate_answer(
        question(expect=("Regulus Global",), kind="entity"),
        answer("Regulus Global trained there. [1]", citation(1, other)),
        document_text,
    )
    assert result.correct and not result.supported
    assert result.facts_uncited == ["Regulus Global"] and result.cited_source


def test_unanswerable_must_abstain() -> None:
    q = question(kind="unanswerable", expect=(), text="What is the population of Belarus?")
    answered = evaluate_answer(
        q, answer(f"{US_SENTENCE} [1]", citation(1, US_SENTENCE)), document_text
    )
    assert not answered.refusal_ok and not answered.correct and answered.supported is None
    assert answered.problems() == ["answered, should abstain"]
    abstained = evaluate_answer(
        q,
        answer("The sources do not say this: “What is the population of Belarus”.", abstained=True),
        document_text,
    )
    assert abstained.refusal_ok and abstained.correct and abstained.fidelity
    crashed = evaluate_answer(q, answer("", abstained=True, error="LLMError: down"), document_text)
    assert not crashed.refusal_ok and not crashed.correct  # an error is not an abstention


def test_markers_are_not_figures_and_shown_sums_are_checked() -> None:
    quote = "The same year, Sofia transferred 136 Konkurs systems to the U.S. and another 80"
    q = question(expect=("216",), text="How many Konkurs systems did Sofia transfer in total?")
    good = f"{quote} [1] In total: 136 + 80 = 216 [1][2]"
    result = evaluate_answer(q, answer(good, citation(1, quote)), document_text)
    assert result.correct and result.fidelity and result.supported
    wrong = evaluate_answer(
        q, answer(f"{quote} [1] In total: 136 + 80 = 217 [1]", citation(1, quote)), document_text
    )
    assert not wrong.fidelity and wrong.unsupported_figures == ["217"]
    # An operand that is not in the quotes does not make its result acceptable.
    assert unsupported_figures("136 + 90 = 226 [1]", [quote]) == ["90", "226"]
    assert strip_citation_markers("x [1][2] y [3, 4]").split() == ["x", "y"]
    assert unsupported_figures("€37.9M [1]", ["worth a total of 37.9 million euros"]) == []
    assert unsupported_figures("On 1 December 2024 [1]", ["On Nov. 27, 2024, Syrian"]) == [
        "1 December 2024"
    ]
    # The verifier's arithmetic (rag.verify.shown_arithmetic): rounded half up to the digits
    # shown, × before +, standalone years as operands.
    deaths = "62 injured and 8 killed"
    assert unsupported_figures("62 / 8 = 7.8 [1]", [deaths]) == []
    assert unsupported_figures("62 / 8 = 7.75 [1]", [deaths]) == []
    assert unsupported_figures("62 / 8 = 7.7 [1]", [deaths]) == ["7.7"]
    assert unsupported_figures("136 + 80 × 2 = 296 [1]", [quote + " and 2"]) == []
    assert unsupported_figures("136 + 80 × 2 = 432 [1]", [quote + " and 2"]) == ["432"]
    assert unsupported_figures("2024 - 2015 = 9 years [1]", ["in 2015 and in 2024"]) == []
    assert unsupported_figures("2024 - 2015 = 9 years [1]", ["in 2015"]) == ["9", "2024"]


def test_false_premise_must_be_corrected_not_repeated() -> None:
    quote = (
        "In 2015, Belarus sent 240 ATGW 9P135M Konkurs (NATO: AT-5 Spandrel) portable "
        "anti-tank missile systems"
    )
    full = TEXT[TEXT.index(quote) : TEXT.index("to Bulgaria.") + len("to Bulgaria.")]
    q = question(
        kind="false_premise",
        expect=("240", "Bulgaria"),
        text="Why did Belarus send 300 Konkurs systems to Romania?",
    )
    corrected = answer(
        f"The sources do not say what the question assumes (“300”, “Romania”). What they say: "
        f"{full} [1]",
        citation(1, full),
    )
    result = evaluate_answer(q, corrected, document_text)
    assert result.correct and result.fidelity and result.refusal_ok and result.supported
    repeated = evaluate_answer(
        q,
        answer("Belarus sent 300 systems to Bulgaria, 240 of them Konkurs. [1]", citation(1, full)),
        document_text,
    )
    assert not repeated.correct and not repeated.fidelity and repeated.rejected_present == ["300"]
    silent = evaluate_answer(q, answer("The sources do not say.", abstained=True), document_text)
    assert not silent.refusal_ok and not silent.correct
    # Quoting a source is not an echo of the question: only the question's own words are.
    assert without_echoes("He said “300 tanks” and “300”.", "Why 300?") == (
        "He said “300 tanks” and      ."
    )


def test_summary_gates_and_json() -> None:
    good = evaluate_answer(question(), answer(US_SENTENCE, citation(1, US_SENTENCE)), document_text)
    bad = evaluate_answer(question(), answer("137 [1]", citation(1, US_SENTENCE)), document_text)
    passed = summarize([good] * 9, k=6)
    assert passed.passed and passed.overall["answer_correctness"] == 1.0
    report = summarize([good] * 9 + [bad], k=6, thresholds=Thresholds(min_score=0.9))
    assert report.overall["answer_correctness"] == 0.9 and report.overall["number_fidelity"] == 0.9
    assert [g.name for g in report.failed_gates()] == ["number_fidelity"]
    lenient = summarize([good, bad], k=6, thresholds=Thresholds(min_score=0.5))
    assert {g.name for g in lenient.failed_gates()} == {"number_fidelity"}
    data = json.loads(json.dumps(report.to_dict()))
    assert data["passed"] is False and data["questions"][-1]["problems"]
    assert data["overall"]["recall_at_6"] is None and data["counts"]["number"] == 10
    assert data["correct_by_kind"] == {"number": 0.9}


def test_missing_samples_folder_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="sample sources not found"):
        samples_folder(tmp_path)
    assert samples_folder() == ROOT / "samples"


def test_cli_module_imports_only_click() -> None:
    import subprocess
    import sys

    code = "import sys, eval.cli; print(sorted(m for m in sys.modules if m.split('.')[0] == 'rag'))"
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    # the lazy ``rag`` package itself (for expected_errors), none of the pipeline
    assert out.stdout.strip() == "['rag']"


# --------------------------------------------------------------------------- benchmark units


def test_bench_scoring_and_round_robin_selection() -> None:
    queries = load_queries(MULTIHOP)
    picked = select(queries, 5)
    assert {q.type for q in picked} == {"inference", "comparison", "temporal", "null"}
    assert select(queries, None) == queries
    query = BenchQuery("x", "q?", "Yes", "comparison", ("a.txt", "b.txt"))
    result = score_query(
        query, Answer("q?", "Yes, both say so. [1]", False), ["/d/c.txt", "/d/b.txt", "/d/a.txt"]
    )
    assert result.hit and result.reciprocal_rank == 0.5 and result.correct
    quoted = score_query(query, Answer("q?", "He said yes. [1]", False), ["/d/c.txt"])
    assert quoted.correct is False and quoted.hit is False and quoted.reciprocal_rank == 0.0
    null = BenchQuery("n", "q?", "Insufficient information.", "null", ())
    refused = score_query(null, Answer("q?", "The sources do not say.", True), [])
    assert refused.correct is None and refused.hit is None and refused.abstained


# --------------------------------------------------------------------------- end to end


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
