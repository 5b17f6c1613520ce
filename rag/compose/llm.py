"""The LLM composer: the prompt (numbered quotes) and the parser of what the model writes.

The model may only rephrase the quotes; each of its sentences keeps the markers it wrote
(one grammar: rag.markers), and is checked against the quotes it cites before anyone reads
it. The LLM client itself lives in rag/llm.py.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from index.sentences import sentence_spans
from rag.compose import citation
from rag.compose.extractive import answer_value
from rag.evidence import Evidence, candidate_names
from rag.markers import MARKERS, marker_numbers
from rag.normalize import (
    DateMention,
    Quantity,
    extract_dates,
    extract_names,
    extract_quantities,
    fact_in_text,
    fold,
)
from rag.question import NAME_KINDS, Question, new_quantities
from rag.records import AnswerSentence, Citation
from rag.terms import lexicon
from rag.verify import check_sentence
from rag.verify.values import quote_list, shown_arithmetic

__all__ = ["INSUFFICIENT", "parse", "prompt"]

INSUFFICIENT = "INSUFFICIENT"

_SYSTEM = (
    "You answer questions for a journalist using ONLY the numbered quotes given. "
    "Never use outside knowledge. Write 1 to 4 short sentences. End every sentence with the "
    "numbers of the quotes that support it, like [1] or [1][3]. Copy every number, amount, "
    "date and name exactly as the quotes write them. If you add numbers, show the sum with "
    "its operands (A + B = C). If the quotes do not answer the question, reply exactly: "
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
# A marker closes its sentence: what follows it (a word, a figure, "$1.45 billion") starts
# the next one, as does a line break.
_AFTER_MARKERS = re.compile(r"(?<=\])\s+(?!\[)|\s*\n\s*")


def sentences(output: str) -> list[str]:
    """Sentences of model output, each with its own markers.

    Models put markers after the full stop ("... 2015. [1] Next"), run sentences together
    after a marker ("... 2015 [1] Next", "136 [1] 136 [1]"), or put one a line; each marker
    must stay with the sentence it closes.
    """
    out: list[str] = []
    for a, b in sentence_spans(output) if output.strip() else []:
        for piece in _AFTER_MARKERS.split(output[a:b]):
            leading = _LEADING_MARKERS.match(piece)
            if leading and out:  # markers opening a piece close the sentence before it
                out[-1] += " " + leading.group(0).strip()
                piece = piece[leading.end() :]
            if piece.strip():
                out.append(piece)
    return out


_BARE_VALUE_WORDS = 4
_REFUSAL = re.compile(rf"^\W*{INSUFFICIENT}\b", re.IGNORECASE)


def _given_values(q: Question, sentence: str) -> list[str]:
    """The values of the kind the question asks for that ``sentence`` gives (not those the
    question itself gives, nor bare years for a count)."""
    if q.kind in ("number", "amount"):
        return [x.text for x in new_quantities(q, sentence)]
    if q.kind == "date":
        return [
            d.text for d in extract_dates(sentence) if (d.year, d.month, d.day) not in q.asked_dates
        ]
    if q.kind in NAME_KINDS:
        names = [name for name, _ in candidate_names(q, sentence)]
        if not names and len(sentence.split()) <= _BARE_VALUE_WORDS:
            # a bare one-word name ("Wilson") opens its sentence, where candidate_names
            # takes a capitalised word for the sentence's first word, not a name
            asked = _asked_by(q)
            names = [n for n in extract_names(sentence) if not asked(n)]
        return names
    return []


def _asked_by(q: Question) -> Callable[[str], bool]:
    folded = fold(q.text)
    return lambda name: fold(name) in folded or any(fold(p) in folded for p in name.split())


def _figures(q: Question, sentence: str) -> list[Quantity | DateMention]:
    """The numbers and dates of ``sentence`` the question does not itself give."""
    found: list[Quantity | DateMention] = [
        x for x in extract_quantities(sentence) if x.value not in q.asked_values
    ]
    found += [d for d in extract_dates(sentence) if (d.year, d.month, d.day) not in q.asked_dates]
    return found


# What closes a clause around a value: "..., to earn the win, 23-20." keeps 23-20 apart from
# the quarterback named before the comma.
_CLAUSE_BREAK = re.compile(r"[,;:()\[\]—–]|[.!?](?=\s|$)")


def _clause_around(text: str, start: int, end: int) -> str:
    before = [m.end() for m in _CLAUSE_BREAK.finditer(text, 0, start)]
    after = _CLAUSE_BREAK.search(text, end)
    return text[before[-1] if before else 0 : after.start() if after else len(text)]


def _figure_bound(q: Question, figure: Quantity | DateMention, quote: str) -> bool:
    """Whether ``quote`` writes ``figure`` in a clause that names what the question asks
    for (its head noun or attribute: "returns a status of 127" for "what status ...")."""
    asked = q.target | q.attribute | q.kind_noun
    if not asked:
        return False
    terms = lexicon(q.language).terms
    written: list[Quantity | DateMention] = [*extract_quantities(quote), *extract_dates(quote)]
    for x in written:
        if (
            fact_in_text(figure.text, x.text)
            and terms(_clause_around(quote, x.start, x.end)) & asked
        ):
            return True
    return False


def _agrees(q: Question, answer: str, sentence: str) -> bool:
    if q.kind in NAME_KINDS:  # a short form names the same one: "Doe" for "Jane Doe"
        return fold(answer.split()[-1]) in fold(sentence)
    return fact_in_text(answer, sentence)


def off_answer(
    q: Question, sentence: str, picked: Sequence[Evidence], cited: Sequence[int] = ()
) -> str | None:
    """Why ``sentence``, true to its quotes, does not answer the question, or None.

    - A value where the question asks for one, when it is none of the values the quotes bind
      to what the question asks ("94 cents per share" for a question about net profit, when
      the quote binds $1.45 billion to net income). The verifier finds such a sentence true
      to its quote; as an answer it is wrong.
    - A bare sentence (a few words: it says nothing of what it is of) that gives no value of
      the asked kind ("23-20" for "who ..."), or, for a question whose answer is no value
      kind, a bare figure its cited quotes (``cited``: their numbers) do not write in a clause
      naming what is asked ("23-20" for "which quarterback ...": "to earn the win, 23-20").
    """
    bare = len(sentence.split()) <= _BARE_VALUE_WORDS
    if not q.wants_value:
        figures = _figures(q, sentence) if bare else []
        quotes = [picked[n - 1].unit.quote for n in cited] or [e.unit.quote for e in picked]
        for figure in figures:
            if not any(_figure_bound(q, figure, quote) for quote in quotes):
                return f"the quotes do not write ‘{sentence}’ of what was asked"
        return None
    given = _given_values(q, sentence)
    if not given:
        return f"‘{sentence}’ gives no {q.kind}, which was asked" if bare else None
    answers = [v[0] for e in picked if (v := answer_value(q, e)) is not None]
    if any(_agrees(q, a, sentence) for a in answers):
        return None
    # No quote binds a value to what was asked: a whole sentence still has its own binding
    # checked by the verifier, but a bare value has none, so nothing says it is the answer.
    if answers or bare:
        return f"‘{given[0]}’ is not the value the quotes give for what was asked"
    return None


def _operand_reused(sentence: str, quotes: Sequence[str]) -> str | None:
    """A sum that adds one figure of the quotes more often than they write it ("364 billion +
    364 billion = 728 billion" from "net income totaling $364 billion in 2021 and 2022"): the
    sum is right, each operand is in the quotes, and the claim is wrong."""
    written = [x for quote in quotes for x in extract_quantities(quote)]
    for shown in shown_arithmetic(sentence):
        for operand in shown.operands:
            uses = sum(fact_in_text(operand.text, o.text) for o in shown.operands)
            times = sum(fact_in_text(operand.text, x.text) for x in written)
            if uses > times:
                return f"‘{operand.text}’ is added {uses} times; the quotes write it {times}"
    return None


def _hedged(q: Question, output: str, picked: Sequence[Evidence]) -> list[str]:
    """The bare answers of a reply that gives two or more different ones ("Lucas Cavallini",
    then "Jacen Russell-Rowe") to a question asking for one: the model did not choose, so
    none is its answer. A list question, or one that says how many ("which two players"),
    asks for several; short forms of one name ("CEO Jeffrey Hirsch") are one answer."""
    if q.kind == "list" or any(v >= 2 for v in q.asked_values):
        return []
    quotes = [e.unit.display for e in picked]
    bare: list[str] = []
    for raw in sentences(output):
        text = MARKERS.sub("", raw).strip()
        if (
            any(ch.isalnum() for ch in text)
            and len(text.split()) <= _BARE_VALUE_WORDS
            and not _REFUSAL.match(text)
            and (extract_names(text) or _figures(q, text))
            and check_sentence(text, quotes).ok
            and text not in bare
        ):
            bare.append(text)
    groups: list[str] = []
    for text in bare:
        if not any(_same_answer(text, g) for g in groups):
            groups.append(text)
    return bare if len(groups) >= 2 else []


def _same_answer(a: str, b: str) -> bool:
    """One answer written two ways: a short form of a name, the same value."""
    if fact_in_text(a, b) or fact_in_text(b, a):
        return True
    last_a, last_b = fold(a.split()[-1]), fold(b.split()[-1])
    return last_a in fold(b).split() or last_b in fold(a).split()


def parse(
    output: str, picked: Sequence[Evidence], q: Question
) -> tuple[list[AnswerSentence], list[Citation], list[str]]:
    """Split LLM output into sentences, keep valid markers, verify each sentence.

    Markers the model invents are dropped; a sentence without a valid marker is dropped; a
    sentence whose numbers, dates or names are not in its quotes, or that gives another
    value than the quotes bind to what the question asks, is replaced by those quotes. The
    model's own "INSUFFICIENT" after an answer, and a sentence it repeats, are not claims:
    they are left out (the first with a note).
    """
    language = q.language
    notes: list[str] = []
    kept: list[tuple[str, tuple[int, ...], bool]] = []  # (text, markers, model-written)
    seen: set[str] = set()
    hedged = _hedged(q, output, picked)
    for raw in sentences(output):
        numbers = tuple(n for n in marker_numbers(raw) if 1 <= n <= len(picked))
        text = MARKERS.sub("", raw).strip()
        if not any(ch.isalnum() for ch in text):
            continue  # no words: a marker cut at the token limit ("[1]["), stray punctuation
        cut = text.upper()  # "INSUF" when the reply was cut at the token limit
        if _REFUSAL.match(text) or (len(cut) >= 3 and INSUFFICIENT.startswith(cut)):
            refusal = "The model also said the quotes do not answer the question."
            if refusal not in notes:
                notes.append(refusal)
            continue
        if " ".join(text.split()) in seen:  # small models loop: one sentence, said again
            continue
        seen.add(" ".join(text.split()))
        if not numbers:
            # Small models often forget markers. Attach the quote that carries the sentence
            # (most shared words, and it passes the same check), and say so; else drop it.
            numbers = _best_supporting(text, picked, language)
            if not numbers:
                notes.append(f"Dropped a sentence with no valid citation: “{text}”")
                continue
            notes.append(f"The model gave no citation; [{numbers[0]}] was matched by the verifier.")
        check = check_sentence(text, [picked[n - 1].unit.display for n in numbers])
        cited = [picked[n - 1].unit.display for n in numbers]
        other = (
            (_operand_reused(text, cited) or off_answer(q, text, picked, numbers))
            if check.ok
            else None
        )
        if check.ok and other is None and text in hedged:
            other = f"the model gave several answers: {quote_list(hedged)}"
        if check.ok and other is None:
            kept.append((text, numbers, True))
            if len(text.split()) <= _BARE_VALUE_WORDS:
                # A bare value ("2001", "4096 bits") does not say what it is of: the quotes
                # that do follow it, as the extractive answer leads with its value.
                for n in numbers:
                    if all(picked[n - 1].unit.quote != k[0] for k in kept):
                        kept.append((picked[n - 1].unit.quote, (n,), False))
        else:
            reason = check.reason or other
            notes.append(f"Replaced a sentence by the passage it cited ({reason}): “{text}”")
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
