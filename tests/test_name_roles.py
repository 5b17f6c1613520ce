"""A who/which answer leads with the name in the role the question asks for: the one a
passive verb happened to (not the doer after "by"), the object the question's own subject
acts on (not another clause's subject), and no name at all where a unit of measure is asked
("in which minute"). Roles only remove candidates: a question read otherwise keeps them all."""

from __future__ import annotations

import pytest
from evidencekit import lead_of, sentence_evidence

from index.settings import get_settings
from rag.compose.extractive import compose
from rag.evidence import candidate_names
from rag.question import analyze
from rag.roles import AGENT, OBJECT, PATIENT, asked_role
from rag.vote import name_vote


@pytest.mark.parametrize(
    ("question", "role"),
    [
        ("Which official was escorted out after announcing her resignation?", PATIENT),
        ("Which striker got sacked after the derby?", PATIENT),
        ("Which club was Arsenal travelling to play when the news broke?", OBJECT),
        ("Who did the Bills beat on Sunday night?", OBJECT),
        ("Which company has Microsoft bought this year?", OBJECT),
        ("Who scored the winning goal for Leeds?", AGENT),
        ("Which bank has acquired the lender?", AGENT),
        # no role read: a copula before a noun phrase, a relative clause, both sides named
        ("Who is the founder that took customer funds to repay lenders?", None),
        ("Who was the chief executive who announced the cuts?", None),
        ("Which player was tackled by Rodri in the box?", None),
        ("In which minute did Leeds score?", None),
    ],
)
def test_the_role_a_question_asks_its_name_in(question: str, role: str | None) -> None:
    assert asked_role(analyze(question)) == role


def test_a_passive_question_is_not_answered_by_the_doer_after_by() -> None:
    # the helpers "by" whom she was escorted stand nearer to "announcing" than the mayor
    text = (
        "Mayor Anna Kowalski is escorted from the hall by aides Tomasz Reed and "
        "Piotr Nowak after announcing her resignation."
    )
    lead = lead_of("Which official was escorted out after announcing her resignation?", text)
    assert lead == "Mayor Anna Kowalski"
    # asked the other way round, the one escorted is not the answer
    assert lead_of("Who escorted the official from the hall?", text) != lead


def test_an_object_question_is_not_answered_by_another_clause_subject() -> None:
    text = (
        "The league fined coach Mikel Arteta on Friday with the squad on a train en route to "
        "Newcastle, and although Arsenal had hoped to appeal the fine, the Gunners will be "
        "without their coach on the touchline."
    )
    lead = lead_of("Which club was Arsenal travelling to play when the fine came down?", text)
    assert lead == "Newcastle"


def test_a_unit_of_measure_asked_is_not_answered_by_a_name() -> None:
    text = "Leeds earned a 64th-minute penalty for a handball and Bamford converted it."
    assert lead_of("In which minute did Leeds get their penalty?", text) in (None, "64th")
    # a name asked for in the same sentence still leads
    assert lead_of("Which Leeds player converted the penalty?", text) == "Bamford"


def test_names_after_by_do_not_vote_for_a_passive_question() -> None:
    q = analyze("Which official was escorted out after announcing her resignation?")
    ranked = [
        sentence_evidence("Mayor Anna Kowalski is escorted out by aide Tomasz Reed.", "a", 0.6),
        sentence_evidence("Anna Kowalski was led out of the hall by Tomasz Reed.", "b", 0.55),
        sentence_evidence("Kowalski was escorted out by Tomasz Reed after the vote.", "c", 0.5),
    ]
    vote = name_vote(q, ranked, get_settings())
    assert vote is not None and vote.name == "Anna Kowalski"


def test_the_quote_naming_someone_beside_what_is_asked_leads() -> None:
    # the first quote is as close to the question but names someone near the question's own
    # names; the second names the head beside the word asked about
    q = analyze("Who heads the youth wing of the Green League?")
    near_names = sentence_evidence(
        "In March, activists opposed to Omar Dallas and backed by the Green League staged a "
        "protest outside parliament.",
        "a",
        0.6,
    )
    beside = sentence_evidence(
        "According to Karim Vessel, head of the Green League's youth wing, the protest had "
        "been planned for months.",
        "b",
        0.55,
    )
    out = compose(q, [near_names, beside], get_settings().yes_no_coverage)
    assert out.sentences[0].text == "Karim Vessel."
    assert out.citations[0].source == "b.txt" and out.citations[0].value == "Karim Vessel"
    # a first quote that already names someone beside what is asked keeps its lead
    out = compose(q, [beside, near_names], get_settings().yes_no_coverage)
    assert out.sentences[0].text == "Karim Vessel." and out.citations[0].source == "b.txt"


def test_a_first_quote_without_a_name_lead_stays_first() -> None:
    q = analyze("To which list should a member mail an absence notice?")
    bare = sentence_evidence(
        "First send a mail to absences@lists.example.org and state when you will be away.", "a", 0.6
    )
    link = sentence_evidence(
        "Every new member subscribes to that list (see Mailing lists).", "b", 0.55
    )
    out = compose(q, [bare, link], get_settings().yes_no_coverage)
    assert out.citations[0].source == "a.txt"
    assert not out.citations[0].value  # no name leads the answer


def test_question_words_given_are_whole_words_or_clipped_in_capitals() -> None:
    # "Com." is no word of "Command": the officer is a candidate
    q = analyze("Which Naval Command officer told reporters the budget was cut?")
    text = "A Naval Command officer, Lt. Com. Rhea Marsh, told reporters the budget was cut."
    assert any("Rhea Marsh" in n for n, _ in candidate_names(q, text))
    # "[ABS]" in capitals is the question's "absence" clipped: given, not an answer
    q = analyze("To which list should a member mail an absence notice?")
    text = "Send a mail to absences@lists.example.org with [ABS] in the subject."
    assert candidate_names(q, text) == []


def test_a_quoted_title_answers_as_one_name() -> None:
    # the title's own function words ("is", "a", "of") are also words of the question: they do
    # not make the title a name the question gives, and its capitalised words are not names
    # of their own ("Strength" alone would be a wrong lead)
    text = (
        "The foundation later opened a record label called “Strength is a Choice of the Heart,” "
        "named after a line of the 12-time Olympic champion Dana Morrow."
    )
    assert lead_of("What is the name of the record label the foundation opened?", text) == (
        "Strength is a Choice of the Heart"
    )


def test_a_date_after_a_name_is_not_part_of_it() -> None:
    # a name followed by a number is an identifier ("RFC 4880") unless the number opens a date
    q = analyze("Which court sentenced the blogger?")
    text = "Октябрьский районный суд Гродно 12 марта 2024 г. приговорил блогера."
    assert [name for name, _ in candidate_names(q, text)] == ["Гродно"]
    english = "The standard was revised as RFC 4880 in November."
    assert "RFC 4880" in [name for name, _ in candidate_names(analyze("Which RFC?"), english)]
