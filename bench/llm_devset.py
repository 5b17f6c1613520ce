"""An LLM back-end over the development set: what the verifier did with its sentences.

    RAG_BACKEND=llm RAG_LLM=llama-cpp:.cache/models/qwen2.5-coder-0.5b-instruct-q4_k_m.gguf \\
        .venv/bin/python bench/llm_devset.py [--store DIR] [--limit N]

(``make bench-llm`` runs it with the GGUF model of ``make gguf``.) For every question of the
development set it asks the back-end and counts, over the answers' sentences:

- **kept**: sentences in the model's own words that passed verification (not a verbatim
  copy of a cited quote);
- **replaced**: sentences the verifier replaced by the passage they cited (answer notes);
- **dropped**: sentences dropped for want of a valid citation (answer notes);
- **wrong kept**: kept sentences that are wrong by the set's expected values: they repeat a
  false premise the question rejects, or they speak of what a figure is bound to (a
  non-figure member of an ``expect_together`` group) with a figure or date that is none of
  the expected values. Goal: none.

It also prints the usual correctness / support / refusal figures of ``rag eval``. Without
``--store`` the dev documents are indexed into a temporary store first.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from eval.devset import DEV_DOCS_FACTS, DEV_FACTS, dev_documents  # noqa: E402
from eval.facts import Fact, FactQuestion, load_facts  # noqa: E402
from eval.metrics import answer_units, evaluate_answer, summarize  # noqa: E402
from eval.run import eval_store  # noqa: E402

log = logging.getLogger("bench.llm_devset")


def _is_figure(fact: Fact) -> bool:
    from rag.normalize import extract_dates, extract_quantities

    return any(extract_quantities(a) or extract_dates(a) for a in fact.alternatives)


def wrong_sentence(sentence: str, question: FactQuestion) -> str | None:
    """Why a kept sentence is wrong by the question's expected values, or None."""
    from rag.normalize import extract_dates, extract_quantities

    for fact in question.rejected():
        if fact.found_in(sentence):
            return f"repeats the false premise {fact.label}"
    if not extract_quantities(sentence) and not extract_dates(sentence):
        return None
    expected = [f for f in question.expect if _is_figure(f)]
    if not expected or any(f.found_in(sentence) for f in expected):
        return None
    for group in question.together:
        context = [f for f in group if not _is_figure(f)]
        if context and all(f.found_in(sentence) for f in context):
            labels = " + ".join(f.label for f in context)
            return f"gives another figure for {labels} (expected {expected[0].label})"
    return None


def count_sentences(answer: Any, question: FactQuestion) -> dict[str, Any]:
    """kept / replaced / dropped / wrong kept for one answer."""
    notes = list(answer.notes or [])
    replaced = sum(n.startswith("Replaced a sentence") for n in notes)
    dropped = sum(n.startswith("Dropped a sentence") for n in notes)
    quotes = {" ".join(c.quote.split()) for c in answer.citations}
    kept = [] if answer.abstained else [
        u.strip() for u in answer_units(answer.text) if " ".join(u.split()) not in quotes
    ]  # fmt: skip
    wrong = [(s, why) for s in kept if (why := wrong_sentence(s, question))]
    return {
        "kept": len(kept),
        "replaced": replaced,
        "dropped": dropped,
        "wrong_kept": [{"sentence": s, "why": why} for s, why in wrong],
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--backend", default="llm", help="llm (with RAG_LLM) or extractive")
    parser.add_argument("--store", default=None, help="index of the dev documents (kept)")
    parser.add_argument("--limit", type=int, default=None, help="first N questions per file")
    parser.add_argument("--out", type=Path, default=ROOT / "reports" / "bench-llm-devset.json")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")

    questions = [*load_facts(DEV_FACTS)[: args.limit], *load_facts(DEV_DOCS_FACTS)[: args.limit]]
    started = time.perf_counter()
    with eval_store(args.store, dev_documents(ROOT)) as rag:
        answers = rag.ask_many([q.question for q in questions], concurrency=1, backend=args.backend)
        results = [
            evaluate_answer(q, a, rag.document_text)
            for q, a in zip(questions, answers, strict=True)
        ]
        k = rag.settings.top_k
    per_question = [
        {"id": q.id, "kind": q.kind, "answer": a.text, "notes": a.notes, **count_sentences(a, q)}
        for q, a in zip(questions, answers, strict=True)
    ]
    report = summarize(results, k, meta={"backend": args.backend})
    totals = {key: sum(p[key] for p in per_question) for key in ("kept", "replaced", "dropped")}
    wrong = [(p["id"], w) for p in per_question for w in p["wrong_kept"]]
    errors = sum(a.error is not None for a in answers)
    summary = {
        "backend": args.backend,
        "questions": len(questions),
        "errors": errors,
        "seconds": round(time.perf_counter() - started, 1),
        "sentences": totals,
        "wrong_kept": len(wrong),
        "overall": report.overall,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(
        json.dumps({"summary": summary, "questions": per_question}, ensure_ascii=False, indent=1)
        + "\n",
        encoding="utf-8",
    )
    seconds = summary["seconds"]
    print(f"{len(questions)} questions, backend {args.backend}, {errors} errors, {seconds}s")
    print(
        f"sentences: kept {totals['kept']}, replaced {totals['replaced']}, "
        f"dropped {totals['dropped']}; wrong sentences kept: {len(wrong)}"
    )
    for qid, w in wrong:
        print(f"  {qid}: {w['why']}: {w['sentence'][:120]}")
    for name, value in report.overall.items():
        print(f"  {name:<22} {'-' if value is None else f'{value:.3f}'}")
    print(f"report: {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
