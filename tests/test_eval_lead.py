"""The eval checks the name an entity answer leads with, as it checks a lead value: a wrong
name above a quote that names the right one is a wrong answer."""

from __future__ import annotations

from evidencekit import answer_led_by

from eval.facts import Fact, FactQuestion
from eval.lead import check_lead, lead_name_matches
from eval.metrics import evaluate_answer
from eval.summary import summarize
from rag import Answer, Citation

# A sentence naming two people, only one of whom is asked about (the dev set's
# cranston-retirement: the answer led with the other one).
QUOTE = (
    "Richelle Cranston of the Bulldogs is carried off the ground by Ellie Blackburn after "
    "announcing her retirement."
)


def _led(value: str, quote: str = QUOTE) -> Answer:
    return answer_led_by(value, quote)


def _bare(quote: str = QUOTE) -> Answer:
    cite = Citation(1, "d", "s", "t", "", "file", quote, 0, len(quote), 0.9)
    return Answer("q", f"{quote} [1]", False, citations=[cite])


def _question(expect: list[str], kind: str = "entity") -> FactQuestion:
    q = "Which Bulldogs player was carried off after announcing she would retire?"
    return FactQuestion("x", q, kind, tuple(map(Fact.parse, expect)))


def test_a_wrong_name_lead_is_not_correct_though_the_quote_names_the_answer() -> None:
    wrong = evaluate_answer(
        _question(["Richelle Cranston"]), _led("Ellie Blackburn"), lambda _: QUOTE
    )
    assert wrong.facts_missing == []  # the quote names Cranston: the old check passed it
    assert wrong.lead_name_wrong is True and wrong.correct is False
    assert "leads with a wrong name: Ellie Blackburn" in wrong.problems()
    right = evaluate_answer(
        _question(["Richelle Cranston"]), _led("Richelle Cranston"), lambda _: QUOTE
    )
    assert right.lead_name_wrong is False and right.correct is True
    bare = evaluate_answer(_question(["Richelle Cranston"]), _bare(), lambda _: QUOTE)
    assert bare.lead_name_wrong is None and bare.correct is True  # no lead: judged as before
    report = summarize([wrong, right, bare], 6)
    assert report.counts["lead_name_wrong"] == 1 and report.counts["leading_with_name"] == 2
    assert report.overall["lead_names_right"] == 0.5
    assert report.overall["answer_correctness"] == 2 / 3


def test_a_lead_holding_or_shortening_an_expected_name_is_right() -> None:
    expect = [Fact.parse("Jeffrey Hirsch")]
    assert lead_name_matches("CEO Jeffrey Hirsch", expect) is True  # holds it as a name
    assert lead_name_matches("Hirsch", expect) is True  # the surname alone
    assert lead_name_matches("Hirsch's", expect) is True
    assert lead_name_matches("Jeffrey", expect) is False  # a given name is not the short form
    assert lead_name_matches("Jeffrey Katzenberg", expect) is False
    assert lead_name_matches("Wolverines", [Fact.parse("Penn State")]) is False
    assert lead_name_matches("Hirschfeld", expect) is False  # whole words, not substrings
    assert lead_name_matches("Nittany Lions", [Fact.parse("Penn State|Nittany Lions")]) is True
    assert lead_name_matches("Hirsch", []) is None


def test_check_lead_by_question_kind() -> None:
    minute = [Fact.parse("57th")]
    # a number question answered with a name leads wrong; with the figure, right
    assert check_lead("number", "Kane", minute) == check_lead("number", "58th", minute)
    assert check_lead("number", "Kane", minute) is not None
    assert check_lead("number", "Kane", minute).wrong is True  # type: ignore[union-attr]
    assert check_lead("number", "57th", minute).wrong is False  # type: ignore[union-attr]
    # an entity question is judged by its name; a figure there is no name asked for
    venue = [Fact.parse("GEODIS Park")]
    assert check_lead("entity", "GEODIS Park", venue).kind == "name"  # type: ignore[union-attr]
    assert check_lead("entity", "Nashville", venue).wrong is True  # type: ignore[union-attr]
    assert check_lead("entity", "17", venue).wrong is True  # type: ignore[union-attr]
    # a list has no single lead to judge; no lead is nothing to judge
    assert check_lead("list", "Jaden", [Fact.parse("Willow")]) is None
    assert check_lead("entity", None, venue) is None
