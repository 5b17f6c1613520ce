"""Who/where/which answers: what the question asks for (one name or several), which name of a
sentence is bound to it, and which sentences answer at all. A name leads the answer only when
the sentence binds it to what is asked; otherwise the quote answers alone."""

from __future__ import annotations

from typing import Any

import pytest
from evidencekit import lead_of, sentence_evidence
from storekit import extractive_rag_over

from index.settings import get_settings
from rag.compose.extractive import answer_value, compose
from rag.evidence import candidate_names
from rag.question import analyze

# ---------------------------------------------------------------- what the question asks for


@pytest.mark.parametrize(
    ("question", "kind", "plural"),
    [
        # a preposition before "which": still one named thing
        ("At which stadium will the U.S. meet Ghana?", "name", False),
        # "Ohio State" is a name the question gives, not the place asked for
        (
            "Which Ohio State kicker missed the long field goal late in the first half?",
            "name",
            False,
        ),
        # several people asked for
        ("Who are the expected starting pitchers for Game 3 of the World Series?", "person", True),
        ("Which of Jada Pinkett Smith's children did she call her little gurus?", "name", True),
        ("Which two young forwards are seen as the future of Argentina's attack?", "name", True),
        ("Who scored the only goal at Old Trafford?", "person", False),
    ],
)
def test_the_question_says_whether_it_asks_for_one_name_or_several(
    question: str, kind: str, plural: bool
) -> None:
    q = analyze(question)
    assert (q.kind, q.plural) == (kind, plural)


def test_the_noun_after_which_is_what_is_named() -> None:
    assert analyze("At which hotel did Altman meet the founder?").kind_noun == {"hotel"}


# ---------------------------------------------------------------- which name of a sentence

ALL_BLACKS = (
    "It comes despite Argentina knocking over the All Blacks last year in Christchurch, as "
    "well as a maiden defeat in 2020 in Sydney."
)


def test_a_place_is_the_name_after_a_locative_word_nearest_what_is_asked() -> None:
    # the year the question gives binds "Sydney"; "the All Blacks" is no place
    asked_2020 = "Where did New Zealand suffer their first-ever loss to Argentina in 2020?"
    assert lead_of(asked_2020, ALL_BLACKS) == "Sydney"


def test_a_place_of_residence_after_of() -> None:
    text = "It has been a long wait for Sherri Geerts, 81, of Sunnyvale, California, she said."
    assert lead_of("Where does Sherri Geerts live?", text) == "Sunnyvale"


def test_the_name_beside_the_noun_asked_for_is_its_name() -> None:
    text = (
        "OpenAI was founded in late 2015, a few months after he met with Altman at the "
        "Rosewood hotel in Silicon Valley."
    )
    assert lead_of("At which hotel did Altman meet the founder?", text) == "Rosewood"


def test_two_names_as_near_to_what_is_asked_lead_with_neither() -> None:
    text = "Coach Anna Berg praised Maria Lind after the match in Oslo."
    assert lead_of("Who was praised after the match?", text) is None


def test_a_figure_or_initials_are_no_person() -> None:
    text = (
        "Diokno said the Finance department aims to reduce new debt from P1.42 trillion in "
        "2022 to P1.22 trillion in 2024, bringing the debt-to-GDP ratio below 60%."
    )
    assert lead_of("Which official set out the Finance department's plan?", text) is None


def test_a_name_joined_to_one_the_question_gives_is_a_candidate() -> None:
    q = analyze("Which Bulldogs player was carried off the ground?")
    text = "Richelle Cranston of the Bulldogs is chaired off the ground by her teammates."
    assert [(n, text[a : a + len(n)]) for n, a in candidate_names(q, text)] == [
        ("Richelle Cranston", "Richelle Cranston")
    ]


def test_several_names_asked_for_are_not_led_by_one() -> None:
    q = analyze("Who are the expected starting pitchers for Game 3?")
    e = sentence_evidence(
        "The World Series heads to Arizona for Game 3 where Max Scherzer and Brandon Pfaadt "
        "are penciled in as the probable starters."
    )
    assert answer_value(q, e) is None
    out = compose(q, [e], get_settings().yes_no_coverage)
    assert [s.text for s in out.sentences] == [e.unit.quote]


# ---------------------------------------------------------------- which sentences answer

NEWS = {
    "federline.txt": (
        "title: Britney Spears and Kevin Federline: a timeline\n\n"
        "The singer and the dancer married in 2004 and divorced in 2007. "
        "After hearing the news, Federline's attorney Mark Kaplan told reporters the family "
        "wished her well. "
        "The couple share two sons.\n"
    ),
    "openai.txt": (
        "title: What is going on at OpenAI?\n\n"
        "WTF is going on at OpenAI? "
        "The board removed its chief executive on Friday without warning. "
        "Investors were not told in advance.\n"
    ),
    "worldseries.txt": (
        "title: World Series Game 2\n\n"
        "The World Series heads to Arizona for Monday's Game 3 where Rangers' Max Scherzer "
        "and the Diamondbacks' Brandon Pfaadt are currently penciled in as the probable "
        "starters. "
        "The Rangers won Game 1 in extra innings.\n"
    ),
}
STARTERS = (
    "The World Series heads to Arizona for Monday's Game 3 where Rangers' Max Scherzer and "
    "the Diamondbacks' Brandon Pfaadt are currently penciled in as the probable starters."
)


@pytest.fixture(scope="module")
def news_rag(tmp_path_factory: pytest.TempPathFactory) -> Any:
    return extractive_rag_over(
        NEWS, tmp_path_factory.mktemp("name-news"), tmp_path_factory.mktemp("name-store")
    )


def test_what_is_asked_worded_otherwise_by_one_word_answers(news_rag: Any) -> None:
    # "attorney" for "lawyer": no word of what is asked is in the sentence as such
    answer = news_rag.ask("Who represented Kevin Federline as his lawyer?")
    assert not answer.abstained, answer.text
    assert answer.sentences[0].text == "Mark Kaplan."
    first = answer.citations[0]
    assert first.source.endswith("federline.txt")
    assert first.value_start is not None and first.value_end is not None
    text = news_rag.document_text(first.doc_id)
    assert text[first.value_start : first.value_end] == "Mark Kaplan"


def test_a_question_in_the_sources_answers_nothing(news_rag: Any) -> None:
    answer = news_rag.ask("What did OpenAI announce at its developer day?")
    assert "WTF is going on at OpenAI?" not in [c.quote for c in answer.citations], answer.text


def test_several_people_asked_for_are_given_by_the_quote_that_names_them(news_rag: Any) -> None:
    answer = news_rag.ask("Who are the expected starting pitchers for Game 3 of the World Series?")
    assert not answer.abstained, answer.text
    assert answer.citations[0].source.endswith("worldseries.txt")
    assert answer.citations[0].quote == STARTERS
    assert answer.sentences[0].text == STARTERS  # no one of them leads
    assert answer.citations[0].value is None
