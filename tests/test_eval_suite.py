"""Claims files and their scoring, the development set's regression gate, and ``rag eval``
running both sets (the dev set shrunk to a few real documents so it runs in seconds)."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from evidencekit import answer_led_by

import eval.suite as suite
from eval.claims import Claim, ClaimReport, judge, load_claims, run_claims
from eval.facts import Fact, FactQuestion, FactsError
from eval.lead import lead_value_matches
from eval.metrics import evaluate_answer
from eval.suite import DevGate, claim_gates, load_dev_gate
from eval.summary import summarize
from rag import Answer, Citation
from rag.cli import cli

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "bench" / "multihop" / "docs"
NIKE = next(DOCS.glob("*nike-misses-revenue*"))
UBER = next(DOCS.glob("*uber-s-q3-numbers*"))
UBER_LINE = "In the third quarter, Uber generated $394 million in operating income and $219 million worth of net income."  # noqa: E501


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


# --------------------------------------------------------------------------- claims files


def test_claims_file_loads_and_rejects_what_contradicts_itself(tmp_path: Path) -> None:
    good = write(
        tmp_path / "c.yaml",
        "- claim: Uber made $394 million in operating income.\n"
        "  type: faithful\n  verdict: supported\n  quote: $394 million\n"
        "- id: x\n  claim: Uber made $219 million in operating income.\n"
        "  type: swapped\n  verdict: contradicted\n",
    )
    claims = load_claims(good)
    assert [c.id for c in claims] == ["c1", "x"] and claims[1].false
    assert claims[0].quote == Fact(("$394 million",))
    bad = {
        "type: faithful\n  verdict: contradicted": "cannot have verdict",
        "type: absent\n  verdict: contradicted": "absent claim must have verdict not_found",
        "type: guess\n  verdict: supported": "'type' must be one of",
        "type: negated\n  verdict: maybe": "'verdict' must be one of",
    }
    for body, problem in bad.items():
        path = write(tmp_path / "bad.yaml", f"- claim: A claim.\n  {body}\n")
        with pytest.raises(FactsError, match=problem):
            load_claims(path)


@dataclass
class Verdict:
    verdict: str
    citations: list[dict[str, Any]] = field(default_factory=list)
    reason: str = ""


def test_judge_confusion_and_false_claims_supported() -> None:
    true = Claim("t", "Uber made $394 million.", "faithful", "supported", Fact(("$394 million",)))
    swapped = Claim("s", "Uber made $219 million in operating income.", "swapped", "contradicted")
    absent = Claim("a", "Uber made $1 billion.", "absent", "not_found")
    cite = {"n": 1, "doc_id": "d", "quote": UBER_LINE, "start": 0, "end": len(UBER_LINE)}

    def holds(c: Any) -> bool:
        return bool(c["start"] == 0)

    results = [
        judge(true, Verdict("supported", [cite]), holds),
        judge(swapped, Verdict("supported", [cite]), holds),  # a false claim passed
        judge(absent, {"verdict": "not_found", "citations": []}, holds),
        judge(absent, Verdict("unsure"), holds),  # not a verdict: an error
    ]
    failed = judge(absent, {"verdict": "not_found", "error": "boom"}, holds)
    assert failed.got is None and failed.error == "boom" and not failed.correct
    report = ClaimReport(available=True, results=results)
    assert [r.correct for r in results] == [True, False, True, False]
    assert results[0].quote_found is True and results[3].got is None
    assert report.false_supported == ["s"]
    assert report.confusion["contradicted"]["supported"] == 1
    assert report.confusion["not_found"]["error"] == 1
    figures = report.figures()
    assert figures["accuracy"] == 0.5 and figures["false_claims_supported"] == 1
    gates = claim_gates(report, DevGate({}, false_claims_supported_max=0))
    assert [g.passed for g in gates] == [False]
    shifted = {**cite, "start": 3}
    assert judge(true, Verdict("supported", [shifted]), holds).broken_citations == [1]


def test_claims_without_a_check_say_not_available() -> None:
    class NoCheck:
        pass

    report = run_claims(NoCheck(), [Claim("a", "x", "absent", "not_found")], lambda d: "")
    assert not report.available and "not available" in report.note
    assert report.figures()["accuracy"] is None and report.to_dict()["confusion"] is None
    assert claim_gates(report, DevGate({}, false_claims_supported_max=0)) == []


def test_dev_gate_file(tmp_path: Path) -> None:
    path = write(
        tmp_path / "t.yaml",
        "multihop_facts: {answer_correctness: 0.2, quotes_hold: 1.0}\n"
        "claims: {false_claims_supported_max: 0}\n",
    )
    gate = load_dev_gate(path)
    assert gate.facts["multihop_facts"].minimums == (
        ("answer_correctness", 0.2),
        ("quotes_hold", 1.0),
    )
    assert gate.false_claims_supported_max == 0
    with pytest.raises(FactsError, match="must map metric names"):
        load_dev_gate(write(tmp_path / "u.yaml", "multihop_facts: {answer_correctness: high}\n"))
    assert set(load_dev_gate().facts) == {"multihop_facts", "docs_facts"}


# --------------------------------------------------------------------------- rag eval, both sets


@pytest.fixture
def small_dev(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The dev set cut to two real documents and three questions, with its own gate."""
    docs = tmp_path / "docs"
    docs.mkdir()
    for doc in (NIKE, UBER):
        shutil.copy(doc, docs / doc.name)
    facts = write(
        tmp_path / "multihop_facts.yaml",
        "- id: uber-op\n  question: What operating profit did Uber report for the third quarter?\n"
        "  kind: number\n  expect: ['$394 million']\n"
        "  expect_together: [['$394 million', 'operating income']]\n  source: uber\n"
        "- id: nike-net\n  question: What net profit did Nike book for the quarter?\n"
        "  kind: number\n  expect: ['$1.45 billion']\n  source: nike\n"
        "- id: none\n  question: What is the price of the Steam Deck OLED?\n"
        "  kind: unanswerable\n",
    )
    other = write(
        tmp_path / "docs_facts.yaml",
        "- id: nike-eps\n  question: How much did Nike earn for each share?\n"
        "  kind: number\n  expect: ['94 cents']\n",
    )
    write(
        tmp_path / "thresholds.yaml",
        "multihop_facts: {quotes_hold: 1.0, number_fidelity: 1.0}\n"
        "docs_facts: {quotes_hold: 1.0}\nclaims: {false_claims_supported_max: 0}\n",
    )
    claims = write(
        tmp_path / "claims.yaml",
        "- claim: Uber made $394 million in operating income in the third quarter.\n"
        "  type: faithful\n  verdict: supported\n",
    )
    monkeypatch.setattr(suite, "DEV_FACTS", facts)
    monkeypatch.setattr(suite, "DEV_DOCS_FACTS", other)
    monkeypatch.setattr(suite, "DEV_CLAIMS", claims)
    monkeypatch.setattr(suite, "DEV_THRESHOLDS", tmp_path / "thresholds.yaml")
    monkeypatch.setattr(suite, "dev_documents", lambda: [docs])
    return tmp_path


def test_rag_eval_reports_both_sets_and_the_dev_gate_fails_on_a_wrong_value(
    small_dev: Path,
) -> None:
    report = small_dev / "report.json"
    runner = CliRunner()
    args = ["eval", "--set", "dev", "--report", str(report)]
    result = runner.invoke(cli, args, catch_exceptions=False)
    data = json.loads(report.read_text(encoding="utf-8"))
    assert set(data["sets"]) == {"dev/multihop", "dev/docs"}
    dev = data["sets"]["dev/multihop"]
    assert {g["name"] for g in dev["gates"]} == {"quotes_hold", "number_fidelity"}
    assert "unanswerable_declined" in dev["overall"] and "false_refusals" in dev["overall"]
    assert "=== dev/multihop" in result.output and "=== dev/claims" in result.output
    claims = data["claims"]
    if claims["available"]:  # the claim check exists in this build: its figures are shown
        assert claims["figures"]["claims"] == 1 and "false claims judged supported" in result.output
    else:
        assert "not available" in result.output and data["claim_gates"] == []
    assert result.exit_code == (0 if data["passed"] else 1)

    # A wrong expected value (and a gate on correctness) must fail the run.
    facts = small_dev / "multihop_facts.yaml"
    write(facts, facts.read_text(encoding="utf-8").replace("$394 million", "$395 million"))
    write(
        small_dev / "thresholds.yaml",
        "multihop_facts: {answer_correctness: 0.9}\ndocs_facts: {quotes_hold: 1.0}\n",
    )
    failed = runner.invoke(cli, args, catch_exceptions=False)
    data = json.loads(report.read_text(encoding="utf-8"))
    wrong = next(q for q in data["sets"]["dev/multihop"]["questions"] if q["id"] == "uber-op")
    assert not wrong["correct"]
    assert any("missing $395 million" in problem for problem in wrong["problems"])
    assert failed.exit_code == 1 and not data["passed"] and "FAILED (all sets)" in failed.output


# --------------------------------------------------------------------------- LLM bench counts


def _bench_module() -> Any:
    import importlib.util

    spec = importlib.util.spec_from_file_location("llm_devset", ROOT / "bench" / "llm_devset.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_llm_bench_counts_kept_replaced_dropped_and_wrong_sentences() -> None:
    from eval.facts import FactQuestion
    from rag.records import AnswerSentence

    bench = _bench_module()
    q = FactQuestion(
        id="uber-op",
        question="What operating profit did Uber report for the third quarter?",
        kind="number",
        expect=(Fact.parse("$394 million"),),
        together=((Fact.parse("$394 million"), Fact.parse("operating income")),),
    )
    quote = UBER_LINE
    cite = Citation(1, "d", "s", "t", "2023-11-07", "file", quote, 0, len(quote), 0.9)
    wrong_line = "Uber's operating income was $219 million."
    right_line = "Uber reported operating income of $394 million."
    answer = Answer(
        question=q.question,
        text=f"{wrong_line} [1] {quote} [1] {right_line} [1]",
        abstained=False,
        citations=[cite],
        # The quote stands in for a replaced sentence: it is not the model's.
        sentences=[
            AnswerSentence(wrong_line, (1,), model_written=True),
            AnswerSentence(quote, (1,)),
            AnswerSentence(right_line, (1,), model_written=True),
        ],
        notes=[
            "Replaced a sentence by the passage it cited (x): “...”",
            "Dropped a sentence with no valid citation: “Uber is big.”",
        ],
        timings={"generate": 1.0},
    )
    counts = bench.count_sentences(answer, q)
    assert counts["kept"] == 2 and counts["replaced"] == 1 and counts["dropped"] == 1
    assert counts["kept_sentences"] == [wrong_line, right_line]
    assert [w["sentence"] for w in counts["wrong_kept"]] == [wrong_line]
    assert bench.outcome(answer) == "answered"
    declined = Answer(question=q.question, text="", abstained=True)
    assert bench.outcome(declined) == "declined before the model"
    declined.timings = {"generate": 1.0}
    assert bench.outcome(declined) == "model said insufficient"
    declined.notes = ["Dropped a sentence with no valid citation: “x”"]
    assert bench.outcome(declined) == "verifier removed every sentence"
    assert bench.count_sentences(declined, q)["kept"] == 0
    failed = Answer(question=q.question, text="", abstained=True, error="prompt differs")
    assert bench.outcome(failed) == "error"
    premise = FactQuestion(
        id="fp",
        question="How did Uber reach $594 million in operating income?",
        kind="false_premise",
        expect=(Fact.parse("$394 million"),),
    )
    assert "false premise" in bench.wrong_sentence("Uber made $594 million.", premise)
    assert bench.wrong_sentence("Uber made $394 million, not $594 million.", premise)
    assert bench.wrong_sentence("The company grew fast.", q) is None
    # Another figure, when no kept sentence gives the expected one, was the answer: wrong.
    assert bench.wrong_sentence("$219 million", q, answer_gives_expected=True) is None
    assert bench.wrong_sentence("$219 million", q, answer_gives_expected=False) == (
        "answers $219 million where the set expects $394 million"
    )
    unanswerable = FactQuestion(id="u", question="What was Uber's revenue?", kind="unanswerable")
    assert bench.wrong_sentence("394 million", unanswerable) == (
        "answers 394 million where the sources do not say"
    )
    assert bench.wrong_sentence("Uber's operating income was $394 million.", unanswerable) is None
    only = replace(answer, sentences=[AnswerSentence("$219 million", (1,), model_written=True)])
    assert [w["sentence"] for w in bench.count_sentences(only, q)["wrong_kept"]] == ["$219 million"]
    # A run stopped early still covers every kind.
    mixed = bench.round_robin([q, replace(q, id="n2"), premise, replace(premise, id="p2")])
    assert [m.id for m in mixed] == ["uber-op", "fp", "n2", "p2"]


def test_llm_bench_judges_a_bare_answer_to_a_name_question() -> None:
    bench = _bench_module()
    q = FactQuestion(
        id="jets",
        question="Which Jets quarterback gave the ball away late in the loss to Kansas City?",
        kind="entity",
        expect=(Fact.parse("Zach Wilson"),),
    )
    assert bench.wrong_sentence("23-20", q) == "answers 23-20 where the set expects Zach Wilson"
    assert bench.wrong_sentence("Aaron Rodgers", q) is not None
    assert bench.wrong_sentence("Wilson", q) is None  # a short form of the expected name
    assert bench.wrong_sentence("Zach Wilson", q) is None
    founded = FactQuestion("openai", "When was OpenAI founded?", "date", (Fact.parse("late 2015"),))
    # the same year as the expected date, less precise: not wrong; another year is
    assert bench.wrong_sentence("2015", founded, answer_gives_expected=False) is None
    profit = FactQuestion("p", "What net income?", "number", (Fact.parse("$364 billion"),))
    doubled = "364 billion + 364 billion = 728 billion"  # a sum claims its result
    assert bench.wrong_sentence(doubled, profit, answer_gives_expected=False) is not None
    assert bench.wrong_sentence("2016", founded, answer_gives_expected=False) == (
        "answers 2016 where the set expects late 2015"
    )
    # a whole sentence is judged by its figures only (it says what it is of)
    assert bench.wrong_sentence("The Chiefs beat the Jets 23-20.", q) is None


def test_llm_bench_resumes_and_replays_several_recorded_runs(tmp_path: Path) -> None:
    bench = _bench_module()

    def report(path: Path, ids: list[str], reply: str) -> Path:
        questions = [{"id": i, "prompt": f"p-{i}", "model_output": reply} for i in ids]
        path.write_text(json.dumps({"summary": {"llm": "m"}, "questions": questions}))
        return path

    first = report(tmp_path / "a.json", ["x", "y"], "old")
    second = report(tmp_path / "b.json", ["y", "z"], "new")
    summary, recorded = bench.merge_recorded([first, second])
    assert summary == {"llm": "m"} and list(recorded) == ["x", "y", "z"]
    assert recorded["y"]["model_output"] == "new"  # the later run's reply
    (tmp_path / "bad.json").write_text("{")
    with pytest.raises(SystemExit, match="cannot read the report"):
        bench.merge_recorded([tmp_path / "bad.json"])
    with pytest.raises(SystemExit, match="--out must not be one of the --skip"):
        bench.main(["--skip", str(first), "--out", str(first)])


def test_llm_bench_replay_asks_the_live_model_only_for_a_changed_prompt() -> None:
    bench = _bench_module()

    class Live:
        def stream(self, messages: list[dict[str, str]]) -> Iterator[str]:
            yield from ["live ", "reply"]

    def ask(llm: Any, prompt: str) -> str:
        return "".join(llm.stream([{"role": "user", "content": prompt}]))

    recorder = bench.Recorder(Live())
    replay = bench.Replayer({"same prompt": "recorded reply"}, recorder)
    assert ask(replay, "same prompt") == "recorded reply" and recorder.calls == []
    assert ask(replay, "other evidence") == "live reply"
    assert recorder.calls == [("other evidence", "live reply")] and replay.reasked == 1
    with pytest.raises(RuntimeError, match="prompt differs"):
        ask(bench.Replayer({"same prompt": "recorded reply"}), "other evidence")


def test_llm_bench_stops_a_looping_reply_at_its_first_repeated_line() -> None:
    bench = _bench_module()

    class Looping:
        closed = False

        def stream(self, messages: list[dict[str, str]]) -> Iterator[str]:
            try:
                yield from ["2 weeks\n[1][2] INSUFF", "ICIENT\n", "[1][2] INSUFFICIENT\n", "more"]
            finally:
                Looping.closed = True

    recorder = bench.Recorder(Looping(), stop_loops=True)
    text = "".join(recorder.stream([{"role": "user", "content": "q"}]))
    assert text == "2 weeks\n[1][2] INSUFFICIENT\n[1][2] INSUFFICIENT\n"
    assert Looping.closed and recorder.loops_cut == 1 and recorder.calls == [("q", text)]
    whole = bench.Recorder(Looping())
    assert "".join(whole.stream([{"role": "user", "content": "q"}])).endswith("more")
    assert not bench.repeats_a_line("136 [1]\n136")  # an unfinished line is no repeat yet
    assert bench.repeats_a_line("1\n[1][2] INSUFFICIENT\n[1][2][3] INSUFFICIENT\n")
    assert not bench.repeats_a_line("1\n[1][2]\n[1][3]\n")  # markers alone say nothing


def _fq(expect: list[str], kind: str = "number") -> FactQuestion:
    facts = tuple(map(Fact.parse, expect))
    return FactQuestion("x", "How many titles has Liverpool won?", kind, facts)


def test_a_wrong_lead_value_is_not_correct_though_the_quote_holds_the_fact() -> None:
    quote = "City lead the table on 28 points with Liverpool second on 27."
    wrong = evaluate_answer(_fq(["27"]), answer_led_by("28", quote), lambda _: quote)
    assert wrong.facts_missing == []  # the quote holds "27": the old check passed it
    assert wrong.lead_value_wrong is True and wrong.correct is False
    assert "leads with a wrong value: 28" in wrong.problems()
    right = evaluate_answer(_fq(["27"]), answer_led_by("27", quote), lambda _: quote)
    assert right.lead_value_wrong is False and right.correct is True
    report = summarize([wrong, right], 6)
    assert report.counts["lead_value_wrong"] == 1 and report.counts["leading_with_value"] == 2
    assert report.overall["answer_correctness"] == 0.5


def test_lead_value_compares_normalised_values_not_substrings() -> None:
    assert lead_value_matches("80", [Fact.parse("1980")]) is False
    assert lead_value_matches("1980", [Fact.parse("80")]) is False
    assert lead_value_matches("2020", [Fact.parse("$200 million")]) is False
    assert lead_value_matches("60%", [Fact.parse("P1.22 trillion|1.22 trillion")]) is False
    assert lead_value_matches("€37.9M", [Fact.parse("37.9 million euros")]) is True
    assert lead_value_matches("$37.9M", [Fact.parse("37.9 million euros")]) is False
    assert lead_value_matches("7 December 2024", [Fact.parse("Dec. 7, 2024")]) is True
    assert lead_value_matches("8 December 2024", [Fact.parse("Dec. 7, 2024")]) is False
    assert lead_value_matches("23-20", [Fact.parse("23")]) is True
    # a name, or facts without a number or date: nothing to compare
    assert lead_value_matches("Liverpool", [Fact.parse("27")]) is None
    assert lead_value_matches("27", [Fact.parse("Liverpool")]) is None
