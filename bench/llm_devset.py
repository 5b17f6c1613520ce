"""An LLM back-end over the development set: what the verifier did with its sentences.

    RAG_BACKEND=llm RAG_LLM=llama-cpp:.cache/models/qwen2.5-coder-0.5b-instruct-q4_k_m.gguf \\
        .venv/bin/python bench/llm_devset.py [--store DIR] [--limit N]

(``make bench-llm`` runs it with the GGUF model of ``make gguf``; ``BENCH_ARGS="--store
.cache/devstore --limit 20"`` keeps the index between runs and takes a slice.) For every
question of the development set it asks the back-end and counts the model's sentences:

- **kept**: sentences the model wrote that passed verification (``model_written``);
- **replaced**: sentences the verifier replaced by the passage they cited (answer notes);
- **dropped**: sentences dropped for want of a valid citation (answer notes);
- **wrong kept**: kept sentences that are wrong by the set's expected values: they repeat a
  false premise the question rejects, or they speak of what a figure is bound to (a
  non-figure member of an ``expect_together`` group) with a figure or date that is none of
  the expected values. Goal: none.

Each question's outcome is one of: declined before the model (the evidence did not meet the
question), model said insufficient, verifier removed every sentence, answered; for the
unanswerable questions the report says how many the model answered. Kept sentences in
answers the set scores as wrong are listed (``incorrect_with_kept``) to be read, since a
wrong name or place is not caught by the figure test. The report is rewritten after every
question, so a run stopped early leaves its figures; ``--ids`` re-runs chosen questions.
It also gives the usual correctness / support / refusal figures of ``rag eval``. Without
``--store`` the dev documents are indexed into a temporary store first.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import statistics
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.llm_devset_counts import count_sentences, outcome, wrong_sentence  # noqa: E402
from bench.llm_devset_replay import (  # noqa: E402
    Recorder,
    Replayer,
    merge_recorded,
    repeats_a_line,
)
from eval.devset import DEV_DOCS_FACTS, DEV_FACTS, dev_documents  # noqa: E402
from eval.facts import FactQuestion, load_facts  # noqa: E402
from eval.metrics import QuestionResult, evaluate_answer  # noqa: E402
from eval.run import eval_store  # noqa: E402
from eval.summary import summarize  # noqa: E402
from rag import Answer  # noqa: E402

log = logging.getLogger("bench.llm_devset")

# The sentence counts (bench/llm_devset_counts.py) and the recorded replies
# (bench/llm_devset_replay.py) live in their own modules; re-exported here, where the tests
# have always found them.
__all__ = [
    "Recorder",
    "Replayer",
    "count_sentences",
    "main",
    "merge_recorded",
    "outcome",
    "repeats_a_line",
    "round_robin",
    "wrong_sentence",
]


def round_robin(questions: Sequence[FactQuestion]) -> list[FactQuestion]:
    """One question of each kind in turn, so that a run stopped early covers every kind."""
    by_kind: dict[str, list[FactQuestion]] = {}
    for q in questions:
        by_kind.setdefault(q.kind, []).append(q)
    queues = list(by_kind.values())
    out: list[FactQuestion] = []
    while any(queues):
        out.extend(queue.pop(0) for queue in queues if queue)
    return out


def select_questions(
    limit: int | None, ids: Sequence[str], interleave: bool = False
) -> list[FactQuestion]:
    """The first ``limit`` questions of each dev file, or those named by ``ids``; with
    ``interleave``, taken kind by kind in turn (each file in turn too)."""
    files = [load_facts(DEV_FACTS)[:limit], load_facts(DEV_DOCS_FACTS)[:limit]]
    if interleave:
        mixed = [round_robin(f) for f in files]
        longest = max(len(f) for f in mixed)
        questions = [f[i] for i in range(longest) for f in mixed if i < len(f)]
    else:
        questions = [q for f in files for q in f]
    if ids:
        wanted = set(ids)
        questions = [q for q in questions if q.id in wanted]
        if missing := wanted - {q.id for q in questions}:
            raise SystemExit(
                f"error: no such question in the development set: {sorted(missing)[0]}"
            )
    return questions


def summarize_run(
    per_question: Sequence[dict[str, Any]],
    results: Sequence[QuestionResult],
    k: int,
    meta: dict[str, Any],
) -> dict[str, Any]:
    """The figures of item 8 over the questions answered so far."""
    totals = {
        key: sum(p[key] for p in per_question)
        for key in ("kept", "replaced", "dropped", "citation_attached")
    }
    unanswerable = [p for p in per_question if p["kind"] == "unanswerable"]
    outcomes: dict[str, int] = {}
    for p in per_question:
        outcomes[p["outcome"]] = outcomes.get(p["outcome"], 0) + 1
    return {
        **meta,
        "questions": len(per_question),
        "errors": sum(p["error"] is not None for p in per_question),
        "reasked": sum(bool(p.get("reasked")) for p in per_question),
        "outcomes": outcomes,
        "sentences": totals,
        "wrong_kept": sum(len(p["wrong_kept"]) for p in per_question),
        "unanswerable": {
            "questions": len(unanswerable),
            "answered": sum(p["outcome"] == "answered" for p in unanswerable),
            "kept_sentences": sum(p["kept"] for p in unanswerable),
        },
        # Kept sentences in answers the set judges wrong: where a wrong sentence could hide
        # that the figure test above does not see (names, places); listed for reading.
        "incorrect_with_kept": [p["id"] for p in per_question if p["kept"] and not p["correct"]],
        "median_seconds": statistics.median(p["seconds"] for p in per_question)
        if per_question
        else None,
        "overall": summarize(results, k).overall if results else {},
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--backend", default="llm", help="llm (with RAG_LLM) or extractive")
    parser.add_argument("--store", default=None, help="index of the dev documents (kept)")
    parser.add_argument("--limit", type=int, default=None, help="first N questions per file")
    parser.add_argument("--ids", nargs="*", default=(), help="only these question ids")
    parser.add_argument(
        "--interleave",
        action="store_true",
        help="ask kind by kind in turn (and file by file), so a run stopped early covers all",
    )
    parser.add_argument(
        "--replay",
        type=Path,
        nargs="+",
        default=None,
        help="reports of earlier runs: check their recorded model replies again with today's "
        "verifier (same questions, no model needed; a question in several takes the last)",
    )
    parser.add_argument(
        "--skip",
        type=Path,
        nargs="+",
        default=(),
        help="reports of earlier runs: ask only the questions none of them recorded (a run "
        "that was stopped goes on where it stopped; write it to another --out)",
    )
    parser.add_argument(
        "--reask",
        action="store_true",
        help="with --replay: ask the live model (RAG_LLM) where today's evidence makes another "
        "prompt than the recorded one, and record its reply",
    )
    parser.add_argument(
        "--stop-loops",
        action="store_true",
        help="stop a reply at the first line the model repeats (what follows changes nothing "
        "the verifier keeps; saves most of the generation time of a looping small model)",
    )
    parser.add_argument("--out", type=Path, default=ROOT / "reports" / "bench-llm-devset.json")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")

    recorder: Recorder | None = None
    llm: Any = None
    if args.replay is not None:
        first, recorded = merge_recorded(args.replay)
        by_id = {q.id: q for q in select_questions(None, list(recorded))}
        questions = [by_id[i] for i in recorded]
        if args.reask:
            from index.settings import get_settings
            from rag.llm import make_llm

            recorder = Recorder(make_llm(get_settings(backend="llm")), stop_loops=args.stop_loops)
        replayer = Replayer(
            {p["prompt"]: p["model_output"] for p in recorded.values() if p["prompt"]}, recorder
        )
        llm = replayer
        meta = {**first, "replay_of": [str(p) for p in args.replay]}
        meta = {key: meta.get(key) for key in ("backend", "llm", "replay_of")}
    else:
        questions = select_questions(args.limit, args.ids, args.interleave)
        if args.skip:
            if any(p.resolve() == args.out.resolve() for p in args.skip):
                raise SystemExit("error: --out must not be one of the --skip reports")
            done = set(merge_recorded(args.skip)[1])
            questions = [q for q in questions if q.id not in done]
        meta = {"backend": args.backend, "llm": os.environ.get("RAG_LLM")}
        if args.backend != "extractive":
            from index.settings import get_settings
            from rag.llm import make_llm

            llm = recorder = Recorder(
                make_llm(get_settings(backend=args.backend)), stop_loops=args.stop_loops
            )
    args.out.parent.mkdir(parents=True, exist_ok=True)
    per_question: list[dict[str, Any]] = []
    results: list[QuestionResult] = []
    started = time.perf_counter()
    options = {"llm": llm} if llm is not None else {}
    backend = "llm" if llm is not None else args.backend
    with eval_store(args.store, dev_documents(ROOT), **options) as rag:
        k = rag.settings.top_k
        for n, q in enumerate(questions, start=1):
            t = time.perf_counter()
            calls = len(recorder.calls) if recorder else 0
            cut = recorder.loops_cut if recorder else 0
            try:
                answer = rag.ask(q.question, backend=backend)
            except Exception as exc:  # one failure is reported; the run goes on
                log.warning("%s failed: %s", q.id, exc)
                answer = Answer(question=q.question, text="", abstained=True, error=str(exc))
            result = evaluate_answer(q, answer, rag.document_text)
            results.append(result)
            prompt, output = (recorder.calls[-1] if recorder and len(recorder.calls) > calls
                              else (None, None))  # fmt: skip
            if args.replay is not None and (recorder is None or len(recorder.calls) == calls):
                prompt, output = recorded[q.id]["prompt"], recorded[q.id]["model_output"]
            per_question.append(
                {
                    "id": q.id,
                    "kind": q.kind,
                    "question": q.question,
                    "answer": answer.text,
                    "notes": answer.notes,
                    "error": answer.error,
                    "outcome": outcome(answer),
                    "correct": result.correct,
                    "seconds": round(time.perf_counter() - t, 2),
                    "prompt": prompt,
                    "model_output": output,
                    "loop_cut": bool(recorder and recorder.loops_cut > cut),
                    # a replay asked the live model: today's evidence made another prompt
                    "reasked": bool(args.replay and recorder and len(recorder.calls) > calls),
                    **count_sentences(answer, q),
                }
            )
            # Written after every question: a run stopped early still leaves its figures.
            summary = summarize_run(per_question, results, k, meta)
            summary["seconds"] = round(time.perf_counter() - started, 1)
            report = {"summary": summary, "questions": per_question}
            args.out.write_text(
                json.dumps(report, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
            )
            last = per_question[-1]
            print(
                f"[{n}/{len(questions)}] {q.id}: {last['outcome']}, kept {last['kept']}, "
                f"replaced {last['replaced']}, dropped {last['dropped']}, "
                f"wrong {len(last['wrong_kept'])}, {last['seconds']}s",
                flush=True,
            )
    print_summary(summary, per_question)
    print(f"report: {args.out}")
    return 0


def print_summary(summary: dict[str, Any], per_question: Sequence[dict[str, Any]]) -> None:
    totals, un = summary["sentences"], summary["unanswerable"]
    print(
        f"{summary['questions']} questions, backend {summary['backend']}, "
        f"{summary['errors']} errors, {summary['reasked']} re-asked (prompt changed), "
        f"{summary['seconds']}s "
        f"(median {summary['median_seconds']}s a question)"
    )
    print("outcomes: " + ", ".join(f"{name} {n}" for name, n in summary["outcomes"].items()))
    print(
        f"model sentences: kept {totals['kept']} (citation attached by the verifier: "
        f"{totals['citation_attached']}), replaced {totals['replaced']}, dropped "
        f"{totals['dropped']}; wrong sentences kept: {summary['wrong_kept']}"
    )
    print(
        f"unanswerable: {un['questions']} asked, {un['answered']} answered "
        f"({un['kept_sentences']} model sentences kept)"
    )
    for p in per_question:
        for w in p["wrong_kept"]:
            print(f"  wrong {p['id']}: {w['why']}: {w['sentence'][:120]}")
    for name, value in summary["overall"].items():
        print(f"  {name:<22} {'-' if value is None else f'{value:.3f}'}")


if __name__ == "__main__":
    sys.exit(main())
