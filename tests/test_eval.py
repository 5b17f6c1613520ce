"""The eval metrics on hand-built answers, the summary gates, and the benchmark's scoring
units (facts files: ``test_facts.py``; ``rag eval`` end to end: ``test_eval_cli.py``).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from eval.bench import BenchQuery, load_queries, score_query, select
from eval.facts import FactQuestion
from eval.metrics import evaluate_answer, quote_holds, unsupported_figures, without_echoes
from eval.run import InputError, samples_folder
from eval.summary import Thresholds, summarize
from rag import Answer, Citation
from rag.verify import strip_citation_markers

ROOT = Path(__file__).resolve().parents[1]
BELARUS = ROOT / "samples" / "belarus-weapons-syria-2024-12-13.txt"
WIKIPEDIA = ROOT / "samples" / "wikipedia-2024-syrian-opposition-offensives.txt"
MULTIHOP = ROOT / "bench" / "multihop"
DOC_ID = "belarus"
TEXT = BELARUS.read_text(encoding="utf-8")


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
