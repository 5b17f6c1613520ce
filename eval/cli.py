"""``rag eval``: score the pipeline against a facts file, or run the MultiHop-RAG benchmark.

Only click is imported at module level: ``rag --help`` must not load the pipeline.
"""

from __future__ import annotations

import json
import sys
import textwrap
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from rag import expected_errors

if TYPE_CHECKING:
    from eval.bench import BenchReport
    from eval.summary import EvalReport

DEFAULT_REPORT = Path("reports") / "eval-report.json"
DEFAULT_BENCH_REPORT = Path("reports") / "bench-multihop.json"
_ANSWER_WIDTH = 60


@click.command("eval")
@click.option(
    "--facts",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help="Facts file, YAML or JSONL, asked alone (default: the sample gate and the "
    "development set, see --set).",
)
@click.option(
    "--set",
    "sets",
    type=click.Choice(["all", "sample", "dev"]),
    default="all",
    show_default=True,
    help="Without --facts: the sample gate (samples/), the development set "
    "(bench/multihop/docs + eval/data/dev/docs, with its claims), or both.",
)
@click.option(
    "--dev-store",
    type=click.Path(file_okay=False),
    default=None,
    help="Index for the development set; its documents are ingested into it, so a second "
    "run skips unchanged files (default: a temporary index).",
)
@click.option(
    "--store",
    type=click.Path(file_okay=False),
    default=None,
    help="Evaluate this index as it is (default: a temporary index of samples/). With "
    "--bench: PATH/docs are ingested into it, so a second run skips unchanged files.",
)
@click.option(
    "--backend",
    type=click.Choice(["extractive", "llm", "openai", "llama-cpp"]),
    default=None,
    help="Answer generator (default: the configured one, $RAG_BACKEND or extractive).",
)
@click.option(
    "--min-score",
    type=click.FloatRange(0.0, 1.0),
    default=0.9,
    show_default=True,
    help="Least answer correctness, citation support and refusal accuracy to pass.",
)
@click.option(
    "--k",
    "k",
    type=click.IntRange(1, 100),
    default=None,
    help="Passages for recall@k / hit@k (default: the top_k setting, 6).",
)
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@click.option(
    "--report",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help=f"Write the JSON report here (default: {DEFAULT_REPORT}, or {DEFAULT_BENCH_REPORT} "
    "with --bench).",
)
@click.option(
    "--bench",
    type=(click.Choice(["multihop"]), click.Path(exists=True, file_okay=False, path_type=Path)),
    default=None,
    metavar="multihop PATH",
    help="Run the MultiHop-RAG sample at PATH (docs/ + queries.jsonl) instead; figures "
    "only, never a gate.",
)
@click.option(
    "--limit",
    type=click.IntRange(1),
    default=None,
    help="Only the first N questions (--bench: N taken round-robin over the query types).",
)
@expected_errors
def eval_command(
    facts: Path | None,
    sets: str,
    dev_store: str | None,
    store: str | None,
    backend: str | None,
    min_score: float,
    k: int | None,
    as_json: bool,
    report: Path | None,
    bench: tuple[str, Path] | None,
    limit: int | None,
) -> None:
    """Ask a set of questions with known answers and check every answer.

    Per question: correct (all expected facts in the answer; unanswerable ones must
    abstain; false premises must be corrected, not repeated), supported (each fact in a
    cited quote, each quote exactly at its offsets), fidelity (every number and date in
    the answer is in the quotes it cites; a shown sum's result is allowed), refusal ok,
    recall@k of the expected source.

    Without --facts: the sample gate (never tuned on) over a temporary index of samples/
    (or --store), and the development set (tuned on) over a temporary index of its
    documents (or --dev-store), with its claims checked by RAG.check ("not available" when
    the build has none). Exits 1 when a gate is missed: for the samples, answer
    correctness, citation support or refusal accuracy below --min-score (0.9), or any
    quote not at its offsets, or any number/date not in the cited quotes (both must be
    1.0); for the development set, any figure below eval/data/dev/thresholds.yaml.
    Exit 2: bad input.
    """
    if bench is not None:
        _bench(bench[1], store, backend, k, as_json, report or DEFAULT_BENCH_REPORT, limit)
        return
    if facts is None:
        _suite(sets, store, dev_store, backend, k, min_score, as_json, report, limit)
        return
    from eval.facts import load_facts
    from eval.run import eval_store, run_eval, samples_folder
    from eval.summary import Thresholds

    facts_file = facts
    questions = load_facts(facts_file)[:limit]
    ingest = [] if store else [samples_folder()]
    if not as_json:
        where = store or "a temporary index of samples/"
        click.echo(
            f"asking {len(questions)} questions from {facts_file} over {where} ...", err=True
        )
    with eval_store(store, ingest) as rag:
        result = run_eval(
            rag,
            questions,
            backend=backend,
            k=k,
            thresholds=Thresholds(min_score=min_score),
            meta={"facts": str(facts_file)},
        )
    _write(report or DEFAULT_REPORT, result.to_dict())
    if as_json:
        click.echo(json.dumps(result.to_dict(), ensure_ascii=False, indent=1))
    else:
        _print_eval(result)
        click.echo(f"report: {report or DEFAULT_REPORT}")
    if not result.passed:
        sys.exit(1)


def _suite(
    sets: str,
    store: str | None,
    dev_store: str | None,
    backend: str | None,
    k: int | None,
    min_score: float,
    as_json: bool,
    report: Path | None,
    limit: int | None,
) -> None:
    from eval.suite import SETS, run_suite

    chosen = SETS if sets == "all" else (sets,)
    if not as_json:
        click.echo(f"evaluating: {', '.join(chosen)} ...", err=True)
    result = run_suite(
        chosen,
        store=store,
        dev_store=dev_store,
        backend=backend,
        k=k,
        min_score=min_score,
        limit=limit,
    )
    _write(report or DEFAULT_REPORT, result.to_dict())
    if as_json:
        click.echo(json.dumps(result.to_dict(), ensure_ascii=False, indent=1))
    else:
        for name, set_report in result.sets.items():
            click.echo(f"\n=== {name}: {set_report.meta.get('set', '')} ===")
            _print_eval(set_report)
        if result.claims is not None:
            from eval.report_claims import print_claims

            print_claims(result.claims, result.claim_gates)
        click.echo("\n" + ("PASSED" if result.passed else "FAILED") + " (all sets)")
        click.echo(f"report: {report or DEFAULT_REPORT}")
    if not result.passed:
        sys.exit(1)


def _bench(
    path: Path,
    store: str | None,
    backend: str | None,
    k: int | None,
    as_json: bool,
    report: Path,
    limit: int | None,
) -> None:
    from eval.bench import load_queries, run_bench, select
    from eval.run import eval_store

    queries = select(load_queries(path), limit)
    if not as_json:
        click.echo(f"indexing {path / 'docs'}, then asking {len(queries)} queries ...", err=True)
    with eval_store(store, [path / "docs"]) as rag:
        result = run_bench(rag, queries, backend=backend, k=k, meta={"path": str(path)})
    _write(report, result.to_dict())
    if as_json:
        click.echo(json.dumps(result.to_dict(), ensure_ascii=False, indent=1))
    else:
        _print_bench(result)
        click.echo(f"report: {report}")


def _write(path: Path, data: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


def _mark(value: bool | None) -> str:
    return "-" if value is None else ("ok" if value else "FAIL")


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{value:.1%}"


def _secs(value: float | None) -> str:
    return "-" if value is None else f"{value:.3f}s"


def _short(text: str, width: int) -> str:
    return textwrap.shorten(" ".join(text.split()), width, placeholder=" …") or "(empty)"


def _print_eval(report: EvalReport) -> None:
    width = max([len(r.id) for r in report.results] + [2])
    recall = f"recall@{report.k}"
    header = (
        f"{'id':<{width}}  {'kind':<13} {'correct':<7} {'support':<7} {'fidelity':<8} "
        f"{'refusal':<7} {recall:<9} answer"
    )
    click.echo(header)
    click.echo("-" * len(header) + "-" * _ANSWER_WIDTH)
    for r in report.results:
        click.echo(
            f"{r.id:<{width}}  {r.kind:<13} {_mark(r.correct):<7} {_mark(r.supported):<7} "
            f"{_mark(r.fidelity):<8} {_mark(r.refusal_ok):<7} {_mark(r.recall_at_k):<9} "
            f"{_short(r.answer, _ANSWER_WIDTH)}"
        )
    problems = [(r.id, r.problems()) for r in report.results if r.problems()]
    if problems:
        click.echo("\nproblems:")
        for qid, found in problems:
            click.echo(f"  {qid}: {'; '.join(found)}")
    counts = ", ".join(f"{v} {k}" for k, v in report.counts.items())
    click.echo(f"\noverall ({counts}):")
    for name, value in report.overall.items():
        shown = _secs(value) if name.startswith("latency") else _pct(value)
        click.echo(f"  {name:<20} {shown}")
    click.echo(
        f"  lead value wrong     {report.counts.get('lead_value_wrong', 0)} of "
        f"{report.counts.get('leading_with_value', 0)} answers leading with a number or date"
        " (counted wrong)"
    )
    click.echo(
        f"  lead name wrong      {report.counts.get('lead_name_wrong', 0)} of "
        f"{report.counts.get('leading_with_name', 0)} entity answers leading with a name"
        " (counted wrong)"
    )
    click.echo(
        "  correct by kind:     "
        + ", ".join(f"{kind} {_pct(rate)}" for kind, rate in report.by_kind.items())
    )
    click.echo("gates:")
    for gate in report.gates:
        verdict = "pass" if gate.passed else "FAIL"
        click.echo(f"  {gate.name:<20} {gate.value:.1%} >= {gate.threshold:.0%}  {verdict}")
    click.echo("PASSED" if report.passed else "FAILED")


def _print_bench(report: BenchReport) -> None:
    hit = f"hit@{report.k}"
    columns = [
        ("type", 11),
        ("n", 4),
        (hit, 7),
        ("MRR", 6),
        ("accuracy", 9),
        ("yes/no acc", 10),
        ("short acc", 10),
        ("refused(null)", 13),
        ("false refusals", 14),
        ("p50", 7),
        ("p95", 7),
    ]
    click.echo(" ".join(f"{name:<{w}}" for name, w in columns))
    click.echo("-" * (sum(w for _, w in columns) + len(columns) - 1))
    rows = [*report.by_type.items(), ("all", report.overall)]
    for name, f in rows:
        mrr = "-" if f["mrr"] is None else f"{f['mrr']:.3f}"
        values = [
            name,
            str(f["n"]),
            _pct(f["hit_at_k"]),
            mrr,
            _pct(f["answer_accuracy"]),
            f"{_pct(f['accuracy_yes_no'])} ({f['n_yes_no']})",
            f"{_pct(f['accuracy_short'])} ({f['n_short']})",
            _pct(f["refusal_rate_null"]),
            _pct(f["false_refusal_rate"]),
            _secs(f["latency_p50"]),
            _secs(f["latency_p95"]),
        ]
        click.echo(" ".join(f"{v:<{w}}" for v, (_, w) in zip(values, columns, strict=True)))
    click.echo(
        "\naccuracy: gold answer in the answer text; yes/no only when the answer starts with it "
        "(the extractive back-end quotes sentences and cannot say yes/no)."
    )
    if report.overall["errors"]:
        click.echo(f"errors: {report.overall['errors']} queries failed (see the report)")
