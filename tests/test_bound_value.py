"""The lead value of an answer is the one bound to what the question asks, or none."""

from __future__ import annotations

from rag.compose.bound import bound_value
from rag.normalize import extract_quantities
from rag.question import analyze


def _lead(question: str, sentence: str) -> str | None:
    spans = [(x.text, x.start, x.end) for x in extract_quantities(sentence)]
    found = bound_value(analyze(question), sentence, spans)
    return found[0] if found else None


def test_the_value_of_the_asked_owner_not_the_first_number() -> None:
    sentence = "City lead the table on 28 points with Liverpool going into second on 27."
    assert _lead("How many points did Liverpool have?", sentence) == "27"


def test_the_value_counting_the_asked_thing() -> None:
    sentence = (
        "Uber generated $394 million in operating income and $219 million worth of net income."
    )
    assert _lead("What was Uber's net income?", sentence) == "$219 million"
    sentence = "The video has garnered over 2.7 million views and 5,952 comments."
    assert _lead("How many comments did the video get?", sentence) == "5,952"
    assert _lead("How many views did the video get?", sentence) == "2.7 million"


def test_the_value_bound_to_the_asked_recipient() -> None:
    sentence = "Sofia transferred 136 Konkurs systems to the U.S. and another 80 to Saudi Arabia."
    assert _lead("How many Konkurs systems went to Saudi Arabia?", sentence) == "80"
    # "U.S." folds to the stop word "us", so nothing binds 136 to it yet: no lead, never 80
    assert _lead("How many Konkurs systems went to the U.S.?", sentence) in ("136", None)


def test_no_lead_when_no_value_is_bound_to_what_is_asked() -> None:
    # "victories" is not "games" by its words: neither number is led with (the quote answers)
    sentence = "Smith guided Oregon State to seven victories in 2021 after the team went 9-22."
    assert _lead("How many games did Oregon State win in 2021?", sentence) is None
    # two values nothing tells apart
    assert _lead("How many were there?", "There were 12 and 14.") is None


def test_the_value_said_at_the_asked_date() -> None:
    sentence = (
        "The group reported $76 million in subscription revenue in 2021, compared to nearly"
        " $7 million in 2019."
    )
    assert _lead("How much subscription revenue did the group have in 2019?", sentence) == (
        "$7 million"
    )
    assert _lead("How much subscription revenue did the group have in 2021?", sentence) == (
        "$76 million"
    )


def test_a_phrase_after_a_value_binds_it_and_a_tie_gives_no_lead() -> None:
    sentence = (
        "Six catches for 163 yards and a touchdown against Carolina left the Dolphins' Tyreek"
        " Hill with 812 yards through the first six games."
    )
    # 163 is bound to Carolina; 812 is Hill's too: never 812 for the Carolina game
    assert _lead("How many yards did Tyreek Hill gain against Carolina?", sentence) in (
        "163",
        None,
    )
    assert _lead("How many yards did the receiver gain against Carolina?", sentence) == "163"
