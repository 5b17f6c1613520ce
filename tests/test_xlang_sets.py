"""The cross-language sets are what their facts say: every expected fact of an answerable
question is in the source it names, written as that source writes it (the answer quotes it);
unanswerable questions name no source. eval/data/xlang is the tuning set, eval/data/xlang_heldout
the held-out one (measured, never tuned on)."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from eval.facts import FactQuestion, load_facts

DATA = Path(__file__).resolve().parents[1] / "eval" / "data"
SETS = ("xlang", "xlang_heldout")


def _cases() -> list[tuple[str, FactQuestion]]:
    return [(name, q) for name in SETS for q in load_facts(DATA / name / "facts.yaml")]


@pytest.mark.parametrize(("name", "q"), _cases(), ids=lambda x: getattr(x, "id", x))
def test_each_expected_fact_is_in_its_source(name: str, q: FactQuestion) -> None:
    docs = DATA / name / "docs"
    if q.source is None:
        assert not q.answerable, f"{name}/{q.id}: an answerable question must name its source"
        return
    sources = [p for p in docs.iterdir() if q.source in p.name]
    assert len(sources) == 1, f"{name}/{q.id}: source {q.source!r} matches {sources}"
    text = sources[0].read_text(encoding="utf-8")
    for fact in q.expect:
        assert fact.found_in(text), f"{name}/{q.id}: {fact.label} not in {sources[0].name}"
    # the id names the direction: the source is in the second language of the id (a
    # helper's prefix, "s6xq-en-ru-01" over "s6xq-ru-....txt", stands before both)
    assert _unprefixed(sources[0].name).startswith(_unprefixed(q.id).split("-")[1] + "-"), q.id


def _unprefixed(name: str) -> str:
    """Without a set's prefix ("s6xq-", "s7-"): a first part that is no language code."""
    from index.languages import available_languages

    head, _, rest = name.partition("-")
    return name if head in available_languages() else rest


def test_the_heldout_set_covers_both_directions_and_unanswerable_questions() -> None:
    questions = load_facts(DATA / "xlang_heldout" / "facts.yaml")
    sides = Counter("en->other" if q.id.startswith("en-") else "other->en" for q in questions)
    assert len(questions) >= 16 and sides["en->other"] >= 8 and sides["other->en"] >= 8
    assert sum(not q.answerable for q in questions) >= 4
    languages = {p.name.split("-")[0] for p in (DATA / "xlang_heldout" / "docs").iterdir()}
    assert {"ru", "bg", "be", "en"} <= languages
