"""The LLM composer: the prompt (numbered quotes) and the parser of what the model writes.

The model may only rephrase the quotes; each of its sentences keeps the markers it wrote
(one grammar: rag.markers), and is checked against the quotes it cites before anyone reads
it. The LLM client itself lives in rag/llm.py.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from index.sentences import sentence_spans
from rag.compose import citation
from rag.evidence import Evidence
from rag.markers import MARKERS, marker_numbers
from rag.records import AnswerSentence, Citation
from rag.terms import lexicon
from rag.verify import check_sentence

__all__ = ["INSUFFICIENT", "parse", "prompt"]

INSUFFICIENT = "INSUFFICIENT"

_SYSTEM = (
    "You answer questions for a journalist using ONLY the numbered quotes given. "
    "Never use outside knowledge. Write 1 to 4 short sentences. End every sentence with the "
    "numbers of the quotes that support it, like [1] or [1][3]. Copy every number, amount, "
    "date and name exactly as the quotes write them. If you add numbers, show the sum with "
    "its operands (136 + 80 = 216). If the quotes do not answer the question, reply exactly: "
    f"{INSUFFICIENT}"
)


def prompt(question: str, picked: Sequence[Evidence]) -> list[dict[str, str]]:
    quotes = "\n".join(
        f"[{i + 1}] ({e.passage.title}, {e.passage.date}) {e.unit.display}"
        for i, e in enumerate(picked)
    )
    return [
        {"role": "system", "content": _SYSTEM},
        {"role": "user", "content": f"Quotes:\n{quotes}\n\nQuestion: {question}"},
    ]


def _best_supporting(sentence: str, picked: Sequence[Evidence], language: str) -> tuple[int, ...]:
    lex = lexicon(language)
    words = lex.terms(sentence)
    best: tuple[float, int] | None = None
    for n, e in enumerate(picked, start=1):
        overlap = len(words & lex.terms(e.unit.display)) / len(words) if words else 0.0
        if overlap >= 0.5 and check_sentence(sentence, [e.unit.display]).ok:
            best = max(best or (overlap, n), (overlap, n))
    return (best[1],) if best else ()


_LEADING_MARKERS = re.compile(rf"^(?:{MARKERS.pattern})\s*")
_AFTER_MARKERS = re.compile(r"(?<=\])\s+(?=[^\W\d_])")


def sentences(output: str) -> list[str]:
    """Sentences of model output, each with its own markers.

    Models put markers after the full stop ("... 2015. [1] Next") or run sentences together
    after a marker ("... 2015 [1] Next"); both must stay with the sentence they close.
    """
    out: list[str] = []
    for a, b in sentence_spans(output) if output.strip() else []:
        piece = output[a:b]
        leading = _LEADING_MARKERS.match(piece)
        if leading and out:
            out[-1] += " " + leading.group(0).strip()
            piece = piece[leading.end() :]
        out.extend(p for p in _AFTER_MARKERS.split(piece) if p.strip())
    return out


def parse(
    output: str, picked: Sequence[Evidence], language: str = "en"
) -> tuple[list[AnswerSentence], list[Citation], list[str]]:
    """Split LLM output into sentences, keep valid markers, verify each sentence.

    Markers the model invents are dropped; a sentence without a valid marker is dropped; a
    sentence whose numbers, dates or names are not in its quotes is replaced by those quotes.
    """
    notes: list[str] = []
    kept: list[tuple[str, tuple[int, ...], bool]] = []  # (text, markers, model-written)
    for raw in sentences(output):
        numbers = tuple(n for n in marker_numbers(raw) if 1 <= n <= len(picked))
        text = MARKERS.sub("", raw).strip()
        if not text:
            continue
        if not numbers:
            # Small models often forget markers. Attach the quote that carries the sentence
            # (most shared words, and it passes the same check), and say so; else drop it.
            numbers = _best_supporting(text, picked, language)
            if not numbers:
                notes.append(f"Dropped a sentence with no valid citation: “{text}”")
                continue
            notes.append(f"The model gave no citation; [{numbers[0]}] was matched by the verifier.")
        check = check_sentence(text, [picked[n - 1].unit.display for n in numbers])
        if check.ok:
            kept.append((text, numbers, True))
        else:
            notes.append(f"Replaced a sentence by the passage it cited ({check.reason}): “{text}”")
            for n in numbers:
                if all(picked[n - 1].unit.quote != k[0] for k in kept):
                    kept.append((picked[n - 1].unit.quote, (n,), False))
    # Renumber citations 1..m in order of first use.
    order: dict[int, int] = {}
    for _, numbers, _ in kept:
        for n in numbers:
            order.setdefault(n, len(order) + 1)
    citations = [citation(new, picked[old - 1]) for old, new in order.items()]
    out = [AnswerSentence(t, tuple(order[n] for n in ns), model) for t, ns, model in kept]
    return out, citations, notes
