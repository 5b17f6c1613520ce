"""Who/which answers that no single sentence gives: the name several documents agree on,
answered first exactly as a sentence writes it, with its offsets; no agreement, no name."""

from __future__ import annotations

from typing import Any

import pytest
from evidencekit import sentence_evidence
from storekit import extractive_rag_over

from index.settings import BUNDLED_MODEL, Settings, get_settings
from rag.compose.extractive import compose
from rag.evidence import Evidence, assess
from rag.question import analyze
from rag.vote import name_vote

QUESTION = (
    "Who is the founder that, according to two newspapers, took customer funds to repay "
    "lenders and now faces a criminal trial?"
)


def _settings() -> Settings:
    """The settings the hand-written scores below are on the scale of: all-MiniLM-L6-v2's
    (each model has its own thresholds, index/calibration.yaml), whatever the default model."""
    return get_settings(embed_model=BUNDLED_MODEL)


def _evidence(text: str, doc_id: str, score: float, coverage: float = 0.2) -> Evidence:
    return sentence_evidence(text, doc_id, score, coverage)


def _ranked() -> list[Evidence]:
    return [
        _evidence("Prosecutors said Bankman-Fried used customer money to repay lenders.", "a", 0.4),
        _evidence(
            "The criminal trial of Sam Bankman-Fried began on Tuesday in Manhattan.", "b", 0.35
        ),
        _evidence(
            "Ellison testified that SBF told her to take the funds from customers.", "c", 0.3
        ),
        _evidence("Unfortunately, the lenders were never repaid in full.", "d", 0.3),
    ]


def test_the_name_documents_agree_on_answers_first_in_its_fullest_spelling() -> None:
    q = analyze(QUESTION)
    assert q.kind == "person"
    assessment = assess(q, _ranked(), _settings())
    assert assessment.vote is not None
    # "Bankman-Fried", "Sam Bankman-Fried" and "SBF" are one name: three documents vote
    assert assessment.vote.name == "Sam Bankman-Fried"
    assert {e.unit.passage.doc_id for e in assessment.vote.documents} == {"a", "b", "c"}
    out = compose(q, assessment.picked, _settings().yes_no_coverage, assessment.vote)
    assert out.sentences[0].text == "Sam Bankman-Fried."
    first = out.citations[0]
    assert first.source == "b.txt"  # the sentence that writes the name in full is cited first
    document = assessment.vote.evidence.unit.passage.text
    assert first.value == "Sam Bankman-Fried"
    assert first.value_start is not None and first.value_end is not None
    assert document[first.value_start : first.value_end] == "Sam Bankman-Fried"
    # every voting document's sentence is quoted after the name
    assert {c.source for c in out.citations} == {"a.txt", "b.txt", "c.txt"}


def test_a_person_is_not_a_place_or_a_lone_word() -> None:
    # "Manhattan" and "Ellison" are single words: a person is written with two names
    q = analyze(QUESTION)
    ranked = [
        _evidence("The trial opened in Manhattan before a jury.", "a", 0.4),
        _evidence("Reporters waited outside the court in Manhattan.", "b", 0.35),
    ]
    assert name_vote(q, ranked, _settings()) is None


def test_one_document_is_no_agreement() -> None:
    q = analyze(QUESTION)
    ranked = [_evidence("The criminal trial of Sam Bankman-Fried began on Tuesday.", "a", 0.4)]
    assert name_vote(q, ranked, _settings()) is None
    assert assess(q, ranked, _settings()).vote is None


def test_two_names_as_well_supported_give_no_answer() -> None:
    q = analyze(QUESTION)
    ranked = [
        _evidence("Caroline Ellison said the funds were moved in 2022.", "a", 0.4),
        _evidence("Sam Trabucco said the funds were moved in 2022.", "b", 0.4),
        _evidence("Caroline Ellison and Sam Trabucco ran the fund together.", "c", 0.4),
        _evidence("The lenders sued Sam Trabucco and Caroline Ellison.", "d", 0.4),
    ]
    assert name_vote(q, ranked, _settings()) is None


def test_a_capital_that_only_opens_sentences_is_not_a_name() -> None:
    q = analyze("Which firm, according to two reports, repaid the lenders?")
    ranked = [
        _evidence("Meanwhile the lenders were repaid by the firm.", "a", 0.4),
        _evidence("Meanwhile the firm repaid lenders in full.", "b", 0.4),
    ]
    assert name_vote(q, ranked, _settings()) is None


def test_a_sentence_that_answers_on_its_own_wins_over_the_vote() -> None:
    # A question most of whose words one sentence holds is answered by that sentence's name
    q = analyze("Who scored the only goal of the match?")
    ranked = [
        _evidence("Harry Kane scored the only goal of the match.", "a", 0.8, coverage=1.0),
        _evidence("Thomas Muller praised the team after the match.", "b", 0.3),
        _evidence("Thomas Muller was substituted in the second half.", "c", 0.3),
    ]
    assessment = assess(q, ranked, _settings())
    assert assessment.vote is None
    out = compose(q, assessment.picked, _settings().yes_no_coverage, assessment.vote)
    assert out.sentences[0].text == "Harry Kane."


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("Who is the individual whose trial is approaching?", "person"),
        ("Which pop star, according to two reports, wore the bracelet?", "name"),
        ("Which NFL team, featured in two articles, lost?", "organisation"),
    ],
)
def test_identifying_questions_ask_for_a_name(question: str, kind: str) -> None:
    assert analyze(question).kind == kind


@pytest.mark.parametrize(
    "question",
    [
        "Who is Sam Altman?",  # a definition of a named one
        "Which receivers missed Week 12 through injury?",  # plural: a list, not one name
    ],
)
def test_definitions_and_plurals_do_not_ask_for_one_name(question: str) -> None:
    assert analyze(question).kind not in ("person", "name")


def test_passing_mentions_in_weak_sentences_are_no_agreement() -> None:
    # Two documents name it, but only in sentences barely about the question
    q = analyze(QUESTION)
    ranked = [
        _evidence("Sam Bankman-Fried was seen at a conference in Miami.", "a", 0.15),
        _evidence("A photo of Sam Bankman-Fried ran on the front page.", "b", 0.15),
    ]
    assert name_vote(q, ranked, _settings()) is None
    strong = [_evidence(e.unit.quote, e.unit.passage.doc_id, 0.4) for e in ranked]
    vote = name_vote(q, strong, _settings())
    assert vote is not None and vote.name == "Sam Bankman-Fried"


# ------------------------------------------------ the whole pipeline, real model and Chroma
NEWS = {
    "ledger.txt": (
        "title: Crypto founder's trial opens\nsource: The Ledger\npublished: 2023-10-02\n\n"
        "The criminal trial of Dana Whitcombe-Ray, founder of the Lumen exchange, opened on "
        "Tuesday in Manhattan. Prosecutors said the founder spent customer deposits on "
        "real estate and political donations.\n"
    ),
    "chain.txt": (
        "title: Lumen founder testifies\nsource: Daily Chain\npublished: 2023-10-20\n\n"
        "Whitcombe-Ray told the jury that the exchange had grown too fast to manage. "
        "Her lawyers said she never meant to deceive the customers of the exchange.\n"
    ),
    "coins.txt": (
        "title: Closing arguments in the Lumen case\nsource: Coin Review\n"
        "published: 2023-11-01\n\n"
        "Prosecutors accused Whitcombe-Ray of committing fraud for personal gain and "
        "of hiding the losses from the exchange's auditors.\n"
    ),
    "match.txt": (
        "title: Bayern win again\nsource: Match Day\npublished: 2023-11-04\n\n"
        "Harry Kane scored twice as Bayern beat Dortmund on Saturday in front of a full "
        "stadium.\n"
    ),
}


@pytest.fixture(scope="module")
def news_rag(tmp_path_factory: pytest.TempPathFactory) -> object:
    return extractive_rag_over(
        NEWS, tmp_path_factory.mktemp("news"), tmp_path_factory.mktemp("news-store")
    )


def test_a_multi_source_who_question_is_answered_with_the_agreed_name(news_rag: Any) -> None:
    answer = news_rag.ask(
        "Who is the individual whose trial opened in Manhattan, as reported by The Ledger, "
        "who said the exchange grew too fast, and who is accused of committing fraud for "
        "personal gain according to Coin Review?"
    )
    assert not answer.abstained, answer.text
    assert answer.text.startswith("Dana Whitcombe-Ray. [1] "), answer.text
    first = answer.citations[0]
    document = news_rag.document_text(_doc_id(news_rag, first.source))
    assert document[first.value_start : first.value_end] == "Dana Whitcombe-Ray"
    assert len({c.source for c in answer.citations}) >= 2  # the agreeing documents are quoted


def test_a_who_question_about_something_no_source_covers_is_declined(news_rag: Any) -> None:
    answer = news_rag.ask(
        "Which singer, reported by The Ledger and Coin Review, won the song contest in Oslo "
        "with a ballad about the sea?"
    )
    assert answer.abstained, answer.text


def _doc_id(rag: Any, source: str) -> str:
    return next(d.doc_id for d in rag.sources() if d.source == source)


def test_a_title_case_headline_names_nothing() -> None:
    q = analyze("Who are the pitchers expected to start the third game of the series?")
    ranked = [
        _evidence("Fantasy Football Week 13 Lineup Decisions: Starts, Sits, Busts", "a", 0.4),
        _evidence("NFL Week 5 Lineup Decisions: Starts, Sits, Busts", "b", 0.4),
    ]
    assert name_vote(q, ranked, _settings()) is None


def test_the_answer_is_the_form_most_documents_write_not_a_longer_other_thing() -> None:
    # "Google Search" is a product of Google: the name the documents share is "Google"
    q = analyze("Which company, according to two reports, paid to be the default search engine?")
    ranked = [
        _evidence("Google paid Apple to remain the default search engine on iPhones.", "a", 0.4),
        _evidence("Prosecutors said Google paid for default placement in browsers.", "b", 0.4),
        _evidence("Regulators asked whether Google Search is better than the rest.", "c", 0.3),
    ]
    vote = name_vote(q, ranked, _settings())
    assert vote is not None and vote.name == "Google"


def test_one_sentence_in_two_copies_of_a_document_is_one_witness() -> None:
    # the same article saved twice (or ingested from two folders): its sentence does not make
    # two documents agree, and an answer never quotes it twice
    q = analyze(QUESTION)
    sentence = "The criminal trial of Sam Bankman-Fried began on Tuesday in Manhattan."
    copies = [_evidence(sentence, "a", 0.4), _evidence(sentence, "a-copy", 0.4)]
    assert name_vote(q, copies, _settings()) is None
    # two different sentences still agree, and a copy of one of them adds no document
    ranked = [*_ranked()[:2], _evidence(_ranked()[1].unit.display, "b-copy", 0.35)]
    vote = name_vote(q, ranked, _settings())
    assert vote is not None
    assert [e.unit.passage.doc_id for e in vote.documents] == ["a", "b"]
