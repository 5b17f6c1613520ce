"""Number and date questions: what is asked (a count, a measure, a percentage, money), and
which value of a sentence answers it. Each case is a sentence of the development set's news
documents whose answer used to lead with another number of the same sentence."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from storekit import extractive_rag_over

from index.settings import get_settings
from rag.compose.bound import bound_value
from rag.compose.extractive import compose
from rag.evidence import Evidence, Unit, score_units, units
from rag.llm import ScriptedLLM
from rag.normalize import extract_dates, extract_quantities
from rag.pipeline import answer_question
from rag.question import analyze, value_candidates
from rag.records import Passage
from rag.retrieve import Filters
from rag.verify.binding import frames


def _lead(question: str, sentence: str) -> str | None:
    """The value an extractive answer leads with: the candidates of the question's kind,
    then the one bound to what it asks."""
    q = analyze(question)
    found = bound_value(q, sentence, value_candidates(q, sentence))
    return found[0] if found else None


# ----------------------------------------------------------------- reading numbers
def test_a_four_digit_number_before_a_unit_is_a_size_not_a_year() -> None:
    sentence = "Your key length must be greater than 2048 bits (4096 bits is preferred)."
    assert [(x.text, x.value) for x in extract_quantities(sentence)] == [
        ("2048", Decimal(2048)),
        ("4096", Decimal(4096)),
    ]
    assert extract_dates(sentence) == []
    assert [x.text for x in extract_quantities("a 2048-bit key")] == ["2048"]
    # a date preposition still makes it a year, whatever follows
    assert [d.year for d in extract_dates("In 2020 points were scored at will.")] == [2020]
    assert [d.year for d in extract_dates("the 2019 Rugby World Cup")] == [2019]


def test_dollar_currencies_of_other_countries() -> None:
    found = extract_quantities("closing down 2.2% to C$53.07 in Toronto, A$12 in Sydney")
    assert [(x.text, x.value, x.unit) for x in found] == [
        ("2.2%", Decimal("2.2"), "%"),
        ("C$53.07", Decimal("53.07"), "CAD"),
        ("A$12", Decimal(12), "AUD"),
    ]


# ----------------------------------------------------------------- question analysis
def test_what_a_question_counts() -> None:
    # an auxiliary after "how much" is followed by the subject and its verb, not a noun
    assert analyze("How much did Nike earn for each share?").target_text == ""
    # nouns joined by "and" are one counted phrase
    q = analyze("How many fraud and conspiracy counts was Sam Bankman-Fried tried on?")
    assert q.target_text == "fraud and conspiracy counts"
    assert analyze("How many people were killed?").target_text == "people"


def test_how_with_an_adjective_asks_for_a_measure() -> None:
    q = analyze("How deep in the red was Alameda when Gary Wang looked at the database?")
    assert (q.kind, q.measure) == ("number", True)  # "when" inside does not make it a date
    assert analyze("For how long was Messi on the pitch?").measure
    assert not analyze("How many games did Messi miss?").measure
    assert analyze("How come it failed?").kind != "number"  # "come" is a verb


def test_a_percentage_is_asked_by_the_question_phrase_only() -> None:
    assert analyze("By what percentage is AI spending expected to rise?").wants_percent
    assert not analyze("How small was the percentage gap between the two teams?").wants_percent


def test_a_signed_number_of_the_question_is_not_the_unsigned_amount() -> None:
    q = analyze("In the prop bet example at -135 odds, how much must you risk to win $100?")
    assert (q.kind, q.asked_values) == ("amount", frozenset({Decimal(-135), Decimal(100)}))


# ----------------------------------------------------------------- binding the lead value
def test_the_counted_noun_ends_before_its_verb() -> None:
    sentence = (
        "Amazon tumbled 4 per cent after the Federal Trade Commission and 17 state attorneys"
        " general filed an antitrust lawsuit against it."
    )
    things = {f.text: f.thing_text for f in frames(sentence, "en")}
    assert things["17"] == "state attorneys general"
    # a measure link after the verb carries on to what is measured
    sentence = "Alameda was $200 million down, more than the $150 million FTX made in revenue."
    things = {f.text: f.thing_text for f in frames(sentence, "en")}
    assert things["$150 million"] == "FTX revenue"


@pytest.mark.parametrize(
    ("question", "sentence", "lead"),
    [
        (
            "How far did Amazon's stock slide once the antitrust suit against it was filed?",
            "Amazon tumbled 4 per cent after the Federal Trade Commission and 17 state attorneys"
            " general filed an antitrust lawsuit against it.",
            "4 per cent",
        ),
        (
            "For how long was Messi on the pitch as a substitute against FC Cincinnati?",
            "Messi, who had missed the last four games due to injury, returned to play 35 minutes"
            " off the bench.",
            "35",
        ),
        (
            "By what percentage is global AI spending expected to rise over 2022?",
            "Ninety-four percent of business leaders agree AI will be critical, and total global"
            " spending on AI is expected to reach $154 billion by the end of this year, a 27%"
            " increase from 2022.",
            "27%",
        ),
        (
            "At what price did Rogers shares finish after news of the family lawsuit?",
            "Shares of Rogers extended losses on news of the lawsuit, closing down 2.2% to"
            " C$53.07 in Toronto.",
            "C$53.07",
        ),
        (
            "In the prop bet example at -135 odds, how much must you risk to win $100?",
            "For example, if you bet a player will score less than 15.5 points in a basketball"
            " game at -135 odds, you would need to bet $135 to win $100.",
            "$135",
        ),
        (
            "How deep in the red was Alameda when Gary Wang looked at the database?",
            "Around 2019 or 2020, Wang checked the database and discovered that Alameda was"
            " negative by about $200 million.",
            "$200 million",
        ),
        (
            "How big was the seed extension Spill raised on its first birthday?",
            "Spill toasts one year with a 2.7M seed extension, Kerry Washington and champagne",
            "2.7M",
        ),
    ],
)
def test_the_lead_is_the_value_of_what_is_asked(question: str, sentence: str, lead: str) -> None:
    assert _lead(question, sentence) == lead


def test_a_measure_question_is_not_answered_by_a_count_of_another_thing() -> None:
    sentence = "Israel warned 1.1 million Gaza residents in the north of the enclave to leave."
    assert value_candidates(analyze("About how long is the Gaza enclave?"), sentence) == []


# ----------------------------------------------------------------- the LLM path
KEY_DOC = (
    "Applying to become a member.\n\n"
    "Every member needs an OpenPGP key. Your key length must be greater than 2048 bits"
    " (4096 bits is preferred); there is no reason to use a smaller key, and doing so would"
    " be much less secure. Your key must be signed by other members.\n"
)


def test_llm_value_of_another_thing_in_the_quote_is_replaced(tmp_path: Path) -> None:
    # "2048" was read as a year, so "4096 bits" was the quote's only size: the model's bare
    # "4096 bits" passed as the answer to what the key must exceed.
    docs = tmp_path / "docs"
    docs.mkdir()
    rag = extractive_rag_over({"member.txt": KEY_DOC}, docs, tmp_path / "store")
    answer = None
    for event in answer_question(
        "What key length must a new member's OpenPGP key exceed?",
        retriever=rag.retriever,
        llm=ScriptedLLM(["4096 bits [1]"]),
        backend="scripted",
        top_k=None,
        filters=Filters(),
        started=0.0,
    ):
        if event.kind == "answer":
            answer = event.answer
    assert answer is not None and not answer.abstained
    assert [s.model_written for s in answer.sentences] == [False]
    assert answer.sentences[0].text == answer.citations[0].quote
    assert answer.notes[0] == (
        "Replaced a sentence by the passage it cited (‘4096’ is not the value the quotes give"
        " for what was asked): “4096 bits”"
    )


# ----------------------------------------------------------------- headlines and the lead quote
def _passage(text: str) -> Passage:
    return Passage("c", "d", "d.txt", "T", "2023-11-24", "document", text, 0, len(text), 0.1)


def test_a_headline_with_a_colon_is_a_unit_and_a_question_headline_is_not() -> None:
    text = (
        "title: Adobe: Thanksgiving US online sales nudge up to $5.6B; Salesforce: $31.7B spent"
        " globally\nsource: TechCrunch\n\nRetailers are really pushing out discounts this year.\n"
    )
    found = [u.quote for u in units(_passage(text), text)]
    assert found == [
        "Adobe: Thanksgiving US online sales nudge up to $5.6B; Salesforce: $31.7B spent globally",
        "Retailers are really pushing out discounts this year.",
    ]
    text = "title: Thanksgiving 2023: What stores will be open on the holiday?\n\nStores open.\n"
    assert [u.quote for u in units(_passage(text), text)] == []


def test_the_lead_comes_from_the_quote_that_binds_the_value_to_what_is_asked() -> None:
    # Both sentences are about Google's search in court; only the second dates the testimony.
    first = (
        "Monday's trial hearing revealed the $26.3 billion Google spent making itself the default"
        " search engine across platforms in 2021."
    )
    second = (
        "When Google's search head Prabhakar Raghavan testified in court on October 28, he"
        " revealed that the tech giant had paid $26.3 billion in 2021."
    )
    text = f"{first} {second}"
    passage = _passage(text)
    picked = [
        Evidence(Unit(passage, 0, len(first), first, first), 0.55, 0.63, 0.4, True, True, True),
        Evidence(
            Unit(passage, len(first) + 1, len(text), second, second),
            0.54,
            0.52,
            0.6,
            True,
            True,
            True,
        ),
    ]
    q = analyze("When did Google's head of search give evidence in court?")
    composition = compose(q, picked, 0.5)
    assert composition.sentences[0].text == "October 28."
    assert composition.citations[0].quote == second
    # alone, the first quote leads with its own date
    assert compose(q, picked[:1], 0.5).sentences[0].text == "2021."


# ----------------------------------------------------------------- what a sentence must be about
def _scored(question: str, text: str, similarity: float = 0.5) -> Evidence:
    unit = Unit(_passage(text), 0, len(text), text, text)
    (evidence,) = score_units(analyze(question), [unit], [similarity], get_settings())
    return evidence


def test_a_score_question_is_met_by_the_figure_that_is_one() -> None:
    question = "What was the score when CF Montreal beat Portland?"
    e = _scored(question, "The defeat and CF Montreal's big 4-1 victory over Portland end it.")
    assert e.has_focus and e.meets_all
    # neither "score" nor "beat" nor a score-shaped figure: not about what is asked
    e = _scored(question, "CF Montreal hosted Portland on a cold night in front of 4,100 fans.")
    assert not e.has_focus


def test_the_measured_adjective_meets_the_topic_of_a_measure_question() -> None:
    sentence = (
        "Aid groups face a blockade that prevents civilians from moving into or out of the"
        " enclosed area, roughly 25 miles long, said the Gaza officials."
    )
    e = _scored("About how long is the Gaza enclave?", sentence)
    assert e.has_focus and e.meets_all
    assert _lead("About how long is the Gaza enclave?", sentence) == "25"
    # the adjective is no topic of its own: an age is stated without "old"
    assert analyze("How old is Willow Smith?").focus == frozenset()


def test_a_sentence_stating_the_figure_the_question_gives_is_about_it() -> None:
    question = "When did the Detroit Lions last stand at 9-3 before this season?"
    e = _scored(question, "Pats hit new low as Lions reach 9-3 for first time since 1962", 0.6)
    assert e.has_focus and e.meets_all
    e = _scored(question, "Pats hit new low as Lions reach 8-4 for first time since 1962", 0.6)
    assert not e.has_focus
