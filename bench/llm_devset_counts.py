"""How the model's sentences fared in one answer of bench/llm_devset.py: kept, replaced or
dropped by the verifier, and the kept ones that are wrong by the development set's expected
values; and what became of the question (its outcome).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from eval.facts import Fact, FactQuestion


def _is_figure(fact: Fact) -> bool:
    from rag.normalize import extract_dates, extract_quantities

    return any(extract_quantities(a) or extract_dates(a) for a in fact.alternatives)


def _gives(sentence: str, expected: Sequence[Fact]) -> bool:
    """The sentence states an expected figure: as written, or the same value ("2015" for
    "late 2015", "23 November" for "November 23")."""
    from eval.lead import lead_value_matches
    from rag.verify.values import shown_arithmetic

    # a sum shown claims its result: "364 billion + 364 billion = 728 billion" gives 728
    claims = [a.result.text for a in shown_arithmetic(sentence)] or [sentence]
    return any(
        any(f.found_in(c) for f in expected) or bool(lead_value_matches(c, expected))
        for c in claims
    )


def _shares_a_word(fact: Fact, sentence: str) -> bool:
    """A short form of an expected name ("Wilson" for "Zach Wilson"): a word of three or
    more letters in common, compared folded."""
    from rag.normalize import fold

    words = {w for w in re.findall(r"\w{3,}", fold(sentence))}
    return any(words & set(re.findall(r"\w{3,}", fold(a))) for a in fact.alternatives)


def wrong_sentence(
    sentence: str, question: FactQuestion, answer_gives_expected: bool = True
) -> str | None:
    """Why a kept sentence is wrong by the question's expected values, or None.

    ``answer_gives_expected``: some kept sentence of the same answer states an expected
    figure. When none does, a sentence that gives another figure (not one the question
    itself names) was the model's answer, and a wrong one.
    """
    from rag.normalize import extract_dates, extract_quantities, fact_in_text

    for fact in question.rejected():
        if fact.found_in(sentence):
            return f"repeats the false premise {fact.label}"
    figures = [x.text for x in extract_quantities(sentence)] + [
        d.text for d in extract_dates(sentence)
    ]
    figures = [f for f in figures if not fact_in_text(f, question.question)]
    bare = len(sentence.split()) <= 4
    names = [f for f in question.expect if not _is_figure(f)]
    if (
        bare
        and names
        and not any(f.found_in(sentence) or _shares_a_word(f, sentence) for f in names)
    ):
        # a bare answer ("23-20", "Wilson") to a question that expects a name: wrong unless
        # it is (part of) one of the expected names
        return f"answers {sentence.strip()} where the set expects {names[0].label}"
    if not figures:
        return None
    if not question.answerable and len(sentence.split()) <= 4:
        # a bare value given as the answer to what the sources do not say
        return f"answers {figures[0]} where the sources do not say"
    expected = [f for f in question.expect if _is_figure(f)]
    if not expected or _gives(sentence, expected):
        return None
    for group in question.together:
        context = [f for f in group if not _is_figure(f)]
        if context and all(f.found_in(sentence) for f in context):
            labels = " + ".join(f.label for f in context)
            return f"gives another figure for {labels} (expected {expected[0].label})"
    if not answer_gives_expected:
        return f"answers {figures[0]} where the set expects {expected[0].label}"
    return None


def outcome(answer: Any) -> str:
    """What became of one question: declined before the model was asked (the evidence did not
    meet the question), the model said the quotes do not answer it, the verifier removed all
    it wrote, or an answer."""
    if answer.error:  # the model failed, or a replay found no reply for a changed prompt
        return "error"
    if not answer.abstained:
        return "answered"
    if "generate" not in answer.timings:
        return "declined before the model"
    if any(n.startswith(("Replaced", "Dropped")) for n in answer.notes):
        return "verifier removed every sentence"
    return "model said insufficient"


def count_sentences(answer: Any, question: FactQuestion) -> dict[str, Any]:
    """kept / replaced / dropped / wrong kept for one answer.

    Kept sentences are the model's own that passed verification (``model_written``), also
    when one copies its quote word for word; the quotes the verifier put in place of replaced
    sentences are not the model's. Replaced and dropped come from the verifier's notes, one a
    sentence.
    """
    notes = list(answer.notes or [])
    replaced = sum(n.startswith("Replaced a sentence") for n in notes)
    dropped = sum(n.startswith("Dropped a sentence") for n in notes)
    attached = sum(n.startswith("The model gave no citation") for n in notes)
    kept = [] if answer.abstained else [s.text for s in answer.sentences if s.model_written]
    figures = [f for f in question.expect if _is_figure(f)]
    gives = any(_gives(s, figures) for s in kept) if figures else False
    wrong = [(s, why) for s in kept if (why := wrong_sentence(s, question, gives))]
    return {
        "kept": len(kept),
        "replaced": replaced,
        "dropped": dropped,
        "citation_attached": attached,
        "kept_sentences": kept,
        "wrong_kept": [{"sentence": s, "why": why} for s, why in wrong],
    }
