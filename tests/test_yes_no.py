"""Yes or no only from quotes that state it: compound claims clause by clause, each clause by
its own quote (and its reporter by the document's header), the order of two reports by their
documents' dates; anything less declines. Real model, real Chroma."""

from __future__ import annotations

from typing import Any

import pytest
from storekit import extractive_rag_over

from rag.compose.yesno import clauses

NEWS = {
    "ledger.txt": (
        "title: Lumen trial opens\nsource: The Ledger\npublished: 2023-10-02\n\n"
        "The criminal trial of Dana Whitcombe-Ray opened on Tuesday in Manhattan.\n"
    ),
    "coins.txt": (
        "title: Closing arguments in the Lumen case\nsource: Coin Review\n"
        "published: 2023-11-01\n\n"
        "Prosecutors accused Whitcombe-Ray of hiding the losses from the auditors.\n"
    ),
    "chain.txt": (
        "title: Lumen's missing accounts\nsource: Daily Chain\npublished: 2023-10-20\n\n"
        "The Lumen exchange did not publish its accounts for 2022.\n"
    ),
}

OPENED = "that the trial of Dana Whitcombe-Ray opened in Manhattan"
ACCUSED = "that prosecutors accused Whitcombe-Ray of hiding the losses"


@pytest.fixture(scope="module")
def news_rag(tmp_path_factory: pytest.TempPathFactory) -> Any:
    return extractive_rag_over(
        NEWS, tmp_path_factory.mktemp("yes-no-news"), tmp_path_factory.mktemp("yes-no-store")
    )


def _sources(answer: Any) -> list[str]:
    return [c.source.rsplit("/", 1)[-1] for c in answer.citations]


def test_two_reports_in_the_asked_order_are_yes_with_both_quotes(news_rag: Any) -> None:
    answer = news_rag.ask(f"Did The Ledger report {OPENED} before Coin Review reported {ACCUSED}?")
    assert answer.text.startswith("Yes. [1] "), answer.text
    assert _sources(answer) == ["ledger.txt", "coins.txt"]
    assert any("2023-10-02" in n and "2023-11-01" in n for n in answer.notes), answer.notes


def test_two_reports_in_the_other_order_are_no(news_rag: Any) -> None:
    answer = news_rag.ask(f"Did Coin Review report {ACCUSED} before The Ledger reported {OPENED}?")
    assert answer.text.startswith("No. [1] "), answer.text
    assert _sources(answer) == ["coins.txt", "ledger.txt"]


def test_a_report_the_named_outlet_did_not_publish_gets_no_verdict(news_rag: Any) -> None:
    answer = news_rag.ask(f"Did Daily Chain report {OPENED} before Coin Review reported {ACCUSED}?")
    assert answer.abstained, answer.text
    assert not answer.text.startswith(("Yes", "No"))


def test_a_compound_claim_stated_clause_by_clause_is_yes(news_rag: Any) -> None:
    answer = news_rag.ask(
        "Did the trial of Dana Whitcombe-Ray open in Manhattan, while prosecutors accused "
        "Whitcombe-Ray of hiding the losses from the auditors?"
    )
    assert answer.text.startswith("Yes. [1] "), answer.text
    assert sorted(_sources(answer)) == ["coins.txt", "ledger.txt"]


def test_a_compound_claim_with_a_contradicted_clause_is_no(news_rag: Any) -> None:
    answer = news_rag.ask(
        "Did the Lumen exchange publish its accounts for 2022, while the trial of Dana "
        "Whitcombe-Ray opened in Manhattan?"
    )
    assert answer.text.startswith("No. [1] "), answer.text
    assert _sources(answer) == ["chain.txt"]
    assert "did not publish" in answer.citations[0].quote


def test_a_compound_claim_with_an_unstated_clause_is_declined(news_rag: Any) -> None:
    answer = news_rag.ask(
        "Did the trial of Dana Whitcombe-Ray open in Manhattan, while the jury acquitted "
        "Whitcombe-Ray of all charges?"
    )
    assert answer.abstained, answer.text


def test_a_qualifier_is_not_a_second_claim() -> None:
    assert clauses("Sofia sent the systems before 2015", "en") == (
        ["Sofia sent the systems before 2015"],
        None,
    )
    parts, order = clauses(f"The Ledger reported {OPENED} after Coin Review said so", "en")
    assert order == "after" and len(parts) == 2
