"""Sentence verification against quotes taken verbatim from the sample sources."""

from __future__ import annotations

import pytest
from sample_quotes import ALLEN, BELARUS, KONKURS, SOFIA, WIKI, sample

from rag.normalize import DateMention, Quantity
from rag.verify import (
    SentenceCheck,
    check_quote,
    check_sentence,
    shown_arithmetic,
    strip_citation_markers,
)
from rag.verify.names import roles

LUKASHENKO = sample(
    BELARUS,
    "Belarusian President Alexander Lukashenko has publicly backed ousted Syrian leader "
    "Bashar al-Assad as a long-standing ally.",
)
OFFENSIVE = sample(
    BELARUS,
    "On Nov. 27, 2024, Syrian opposition armed groups launched a large-scale offensive "
    "against regime forces in Aleppo province.",
)
HTS = sample(
    WIKI,
    "On 27 November 2024, HTS announced that it had launched an offensive dubbed "
    '"Deterrence of Aggression" toward pro-government forces in western Aleppo Governorate.',
)
HAYAT = sample(
    WIKI,
    "Military Operations Command led by Tahrir al-Sham|Hay'at Tahrir al-Sham (HTS)",
)
IRAN = sample(
    WIKI,
    "Government spokesperson Mohajerani said that 4,000 Iranian citizens had returned home "
    "from Syria on board 10 flights organized by Iranian airline Mahan Air.",
)
CASUALTIES = sample(
    WIKI,
    "This includes one targeting a refugee camp in Idlib city that killed nine civilians and "
    "injured 62 others, and another 2024 Aleppo University Hospital airstrike|airstrike "
    "targeting Aleppo university hospital killed eight civilians.",
)
SNA = sample(
    WIKI,
    "The SNA, an umbrella of several armed factions, informed the SDF on Monday that it would "
    "be returning to 'a state of combat against us,'",
)


def passes(check: SentenceCheck) -> bool:
    """ok and nothing reported: the fields must agree with the verdict."""
    return check.ok and check.missing == () and check.reason == ""


# --------------------------------------------------------------------------- the brief's cases


def test_konkurs_sentence_passes() -> None:
    check = check_sentence(
        "Belarus sent 240 Konkurs systems and 140 AGS-17 grenade launchers worth €37.9M to "
        "Bulgaria in 2015 [1].",
        [KONKURS],
    )
    assert passes(check), check.reason


def test_wrong_count_and_country_are_named() -> None:
    check = check_sentence("Belarus sent 300 Konkurs systems to Romania [1].", [KONKURS])
    assert not check.ok
    assert check.missing == ("300", "Romania")
    assert check.reason == "'300' and 'Romania' are not in the cited passages"


def test_shown_arithmetic_passes() -> None:
    check = check_sentence("Sofia transferred 136 + 80 = 216 Konkurs systems in all.", [SOFIA])
    assert passes(check), check.reason
    assert check.arithmetic == ("136 + 80 = 216",)


def test_wrong_arithmetic_fails() -> None:
    check = check_sentence("Sofia transferred 136 + 80 = 226 Konkurs systems in all.", [SOFIA])
    assert not check.ok
    assert check.arithmetic == ("136 + 80 = 226",)
    assert check.missing == ()
    assert "136 + 80 = 226 is wrong" in check.reason
    assert "216" in check.reason


def test_result_without_its_expression_fails() -> None:
    check = check_sentence("Sofia transferred 216 Konkurs systems in all.", [SOFIA])
    assert not check.ok
    assert check.missing == ("216",)


def test_operand_not_quoted_fails_even_when_the_sum_is_right() -> None:
    check = check_sentence("Sofia transferred 136 + 90 = 226 Konkurs systems.", [SOFIA])
    assert not check.ok
    assert check.missing == ("90",)


def test_year_mismatch_fails() -> None:
    check = check_sentence("Belarus sent 240 Konkurs systems to Bulgaria in 2016 [1].", [KONKURS])
    assert not check.ok
    assert check.missing == ("2016",)


# --------------------------------------------------------------------------- amounts


@pytest.mark.parametrize(
    "amount", ["€37.9M", "37.9 million euros", "EUR 37,900,000", "37.9m EUR", "€37,900,000"]
)
def test_every_spelling_of_the_amount_passes(amount: str) -> None:
    assert passes(check_sentence(f"The weapons were worth {amount} [1].", [KONKURS]))


def test_bare_number_matches_an_amount_with_unit() -> None:
    assert passes(check_sentence("The weapons were worth 37.9 million [1].", [KONKURS]))


@pytest.mark.parametrize("amount", ["$37.9M", "£37.9M", "€38M", "€3.79M"])
def test_wrong_currency_or_value_fails(amount: str) -> None:
    check = check_sentence(f"The weapons were worth {amount} [1].", [KONKURS])
    assert check.missing == (amount,)


@pytest.mark.parametrize(
    "sentence",
    [
        "Sofia sent one hundred thirty-six Konkurs systems to the U.S. [1].",
        "Sofia sent one hundred and thirty-six Konkurs systems to the US [1].",
        "Nine civilians were killed and 62 injured at the camp [2].",
        "The strike killed 9 civilians in Idlib city [2].",
    ],
)
def test_numbers_in_words_and_digits_meet(sentence: str) -> None:
    assert passes(check_sentence(sentence, [SOFIA, CASUALTIES]))


def test_identifier_number_is_not_a_count() -> None:
    check = check_sentence("Belarus sent 17 grenade launchers [1].", [KONKURS])
    assert check.missing == ("17",)


# --------------------------------------------------------------------------- arithmetic


@pytest.mark.parametrize(
    "sentence",
    [
        "Of the 240 systems, 240 - 136 = 104 were not passed to the U.S. [1][2].",
        "Belarus sent 240 + 140 = 380 weapons in all [1].",
        "Sofia passed on 136 + 80 + 240 = 456 in the sum of both passages [1][2].",
        "Mahan Air flew 4,000 / 10 = 400 citizens per flight on average [3].",
        "That is 10 × 4,000 = 40,000 seats at most [3].",
        "That is 10 * 4,000 = 40,000 seats at most [3].",
        "The strikes killed 9 + 8 = 17 civilians [4].",
        "62 / 8 = 7.75 injured for each death in the second strike [4].",
        "62 / 8 = 7.8 injured for each death in the second strike [4].",
    ],
)
def test_correct_arithmetic_passes(sentence: str) -> None:
    check = check_sentence(sentence, [KONKURS, SOFIA, IRAN, CASUALTIES])
    assert passes(check), check.reason
    assert len(check.arithmetic) == 1


@pytest.mark.parametrize(
    ("sentence", "expression"),
    [
        ("Belarus sent 240 - 140 = 110 more systems [1].", "240 - 140 = 110"),
        ("Mahan Air flew 4,000 / 10 = 450 a flight [3].", "4,000 / 10 = 450"),
        ("That is 10 x 4,000 = 4,000 seats [3].", "10 x 4,000 = 4,000"),
        ("62 / 8 = 7.7 injured for each death [4].", "62 / 8 = 7.7"),
        ("136 + 80 × 2 = 432 [2].", "136 + 80 × 2 = 432"),  # × binds first: 296
    ],
)
def test_wrong_arithmetic_is_reported(sentence: str, expression: str) -> None:
    check = check_sentence(sentence, [KONKURS, SOFIA, IRAN, CASUALTIES])
    assert not check.ok
    assert check.arithmetic == (expression,)
    assert f"{expression} is wrong" in check.reason


def test_arithmetic_on_years() -> None:
    check = check_sentence("It came 2024 - 2015 = 9 years after the 2015 deliveries.", [KONKURS])
    assert not check.ok  # 2024 is not in the Konkurs quote
    assert check.missing == ("2024",)
    assert passes(check_sentence("From 2015 to 2024 - 2015 = 9 years.", [KONKURS, OFFENSIVE]))


def test_shown_arithmetic_gives_operands_result_and_verdict() -> None:
    text = "In all 136 + 80 = 216, then 62 / 8 = 7.7 and 2024 - 2015 = 9; 5 / 0 = 1."
    found = shown_arithmetic(text)
    assert [e.text for e in found] == [
        "136 + 80 = 216",
        "62 / 8 = 7.7",
        "2024 - 2015 = 9",
        "5 / 0 = 1",
    ]
    assert [e.right for e in found] == [True, False, True, False]
    total, ratio, years, by_zero = found
    assert [o.text for o in total.operands] == ["136", "80"] and total.operators == ("+",)
    assert isinstance(total.result, Quantity) and total.result.text == "216"
    assert text[total.result.start : total.result.end] == "216"
    assert str(ratio.computed) == "7.75"  # "= 7.8" or "= 7.75" would be right
    assert all(isinstance(o, DateMention) for o in years.operands)
    assert by_zero.computed is None
    assert shown_arithmetic("136 and 80 make 216") == []
    assert shown_arithmetic("136 + 80") == []


# --------------------------------------------------------------------------- dates


@pytest.mark.parametrize(
    "date", ["27 November 2024", "November 27, 2024", "Nov. 27, 2024", "2024-11-27", "27/11/2024"]
)
def test_every_spelling_of_the_date_passes(date: str) -> None:
    sentence = f"The offensive began in Aleppo province on {date} [1]."
    assert passes(check_sentence(sentence, [OFFENSIVE]))


@pytest.mark.parametrize("date", ["November 2024", "2024", "Nov. 27"])
def test_partial_date_passes(date: str) -> None:
    assert passes(check_sentence(f"HTS launched the offensive in {date} [1].", [HTS]))


@pytest.mark.parametrize("date", ["28 November 2024", "December 2024", "2023", "Nov. 26"])
def test_wrong_date_fails(date: str) -> None:
    check = check_sentence(f"HTS launched the offensive on {date} [1].", [HTS])
    assert check.missing == (date,)


def test_yearless_quote_needs_the_year_elsewhere() -> None:
    homs = sample(WIKI, "By 8 December, they had captured Homs")
    assert passes(check_sentence("Rebels captured Homs by 8 December.", [homs]))
    check = check_sentence("Rebels captured Homs by 8 December 2024.", [homs])
    assert check.missing == ("8 December 2024",)
    assert passes(check_sentence("Rebels captured Homs by 8 December 2024.", [homs, HTS]))


# --------------------------------------------------------------------------- names


@pytest.mark.parametrize(
    "sentence",
    [
        "Lt. Com. Matthew Allen told BuzzFeed in 2015 that the Pentagon bought missiles [1].",
        "Matthew Allen said the Pentagon was buying missiles from Belarus [1].",
        "According to Allen, the U.S. Special Operations Command bought missiles [1].",
        "The sources say the US was arming the Syrian opposition [1].",
        "Lukashenko has backed Assad [2].",
        "Belarusian President Alexander Lukashenko backed Bashar al-Assad [2].",
        "Alexander Lukashenko, Belarus's president, backed Assad [1][2].",
        "Hay’at Tahrir al-Sham (HTS) led the command [3].",
        "HTS launched the offensive [3][4].",
        "Belarusian missiles were bought by the Pentagon [1].",
    ],
)
def test_names_found(sentence: str) -> None:
    check = check_sentence(sentence, [ALLEN, LUKASHENKO, HAYAT, HTS])
    assert passes(check), check.reason


@pytest.mark.parametrize(
    ("sentence", "missing"),
    [
        ("Matthew Allen told CNN that the Pentagon bought missiles [1].", ("CNN",)),
        ("Lt. Com. John Allen told BuzzFeed about it [1].", ("Lt. Com. John Allen",)),
        ("Lukashenko backed Putin [2].", ("Putin",)),
        ("The Syrian National Army led the command [3].", ("Syrian National Army",)),
    ],
)
def test_names_missing(sentence: str, missing: tuple[str, ...]) -> None:
    check = check_sentence(sentence, [ALLEN, LUKASHENKO, HAYAT])
    assert not check.ok
    assert check.missing == missing


ZHAO = (
    "When Changpeng Zhao, the chief executive of Binance, said he would buy FTX, Caroline "
    "Ellison admitted the theft to a few employees, Drappi said."
)
ZHAO_CEO = "Binance CEO Changpeng Zhao called off the deal a day later."


@pytest.mark.parametrize(
    ("sentence", "holder"),
    [
        ("Caroline Ellison, the chief executive of Binance, admitted the theft.", "Zhao"),
        ("CEO Caroline Ellison admitted the theft.", "Zhao"),
        ("Binance CEO Caroline Ellison called off the deal.", "Zhao"),
        ("Drappi, the chief executive of Binance, said Ellison admitted the theft.", "Zhao"),
    ],
)
def test_a_role_the_passage_gives_another_person_is_contradicted(
    sentence: str, holder: str
) -> None:
    # every name and word is in the passage: only who holds the role is wrong
    check = check_sentence(sentence, [ZHAO, ZHAO_CEO])
    assert not check.ok and check.verdict == "contradicted"
    assert [c.kind for c in check.conflicts] == ["name"]
    assert holder in check.conflicts[0].reason


@pytest.mark.parametrize(
    "sentence",
    [
        "Changpeng Zhao, the chief executive of Binance, said he would buy FTX.",
        "Binance CEO Changpeng Zhao called off the deal.",
        "CEO Zhao called off the deal.",  # a short form of the holder
        "Caroline Ellison admitted the theft to a few employees.",
        "Drappi said Caroline Ellison admitted the theft.",
    ],
)
def test_a_role_the_passage_gives_the_same_person_passes(sentence: str) -> None:
    check = check_sentence(sentence, [ZHAO, ZHAO_CEO])
    assert passes(check), check.reason
    # a courtesy title or rank abbreviation is no role; "CEO of Binance" is no person
    assert roles("Ms. Ellison and Lt. Drappi met the CEO of Binance.") == []


@pytest.mark.parametrize(
    ("question", "missing"),
    [
        ("How many Konkurs systems did Belarus send to Bulgaria in 2015?", ()),
        ("List the weapons Belarus sent to Bulgaria.", ()),
        ("Did Belarus send 300 Konkurs systems to Romania?", ("300", "Romania")),
    ],
)
def test_question_words_are_not_names(question: str, missing: tuple[str, ...]) -> None:
    # the answer stage checks a question's premises with the same function
    assert check_sentence(question, [KONKURS]).missing == missing


def test_acronym_is_not_a_pronoun() -> None:
    check = check_sentence("The SNA told the SDF it would fight the US [1].", [SNA])
    assert check.missing == ("US",)


# --------------------------------------------------------------------------- plumbing


def test_citation_markers_are_not_numbers() -> None:
    assert strip_citation_markers("Belarus sent weapons [1][2].") == "Belarus sent weapons."
    assert strip_citation_markers("Belarus sent weapons [12, 3].") == "Belarus sent weapons."
    assert passes(check_sentence("Belarus sent weapons to Bulgaria [7][12].", [KONKURS]))


def test_no_quote_backs_nothing() -> None:
    check = check_sentence("Belarus sent weapons to Bulgaria.", [])
    assert not check.ok
    assert check.reason


def test_several_missing_are_listed_in_order() -> None:
    check = check_sentence("In 2016, Romania sent 300 Konkurs systems to Hungary [1].", [KONKURS])
    assert check.missing == ("2016", "Romania", "300", "Hungary")
    assert check.reason == ("'2016', 'Romania', '300' and 'Hungary' are not in the cited passages")


def test_check_quote_offsets() -> None:
    start = BELARUS.index(KONKURS)
    end = start + len(KONKURS)
    assert check_quote(BELARUS, KONKURS, start, end)
    assert not check_quote(BELARUS, KONKURS, start + 1, end + 1)
    assert not check_quote(BELARUS, KONKURS.replace("240", "340"), start, end)
    assert not check_quote(BELARUS, "", start, start)
    assert not check_quote(BELARUS, KONKURS, -len(BELARUS) + start, end)
    assert not check_quote(BELARUS, BELARUS[-5:], len(BELARUS) - 5, len(BELARUS) + 5)


def test_every_sample_sentence_backs_itself() -> None:
    """Sentence and quote go through the same normalisation, so a sentence checked
    against itself must pass: a cheap guard against asymmetric extraction."""
    from index.sentences import sentence_spans

    # The real sentence units: a metadata header ("date 2024-12-13") is its own unit, not
    # the start of the next sentence.
    for doc in (BELARUS, WIKI):
        for a, b in sentence_spans(doc):
            sentence = doc[a:b]
            if sentence.strip():
                check = check_sentence(sentence, [sentence])
                assert passes(check), (sentence, check.reason)


@pytest.mark.parametrize("marker", ["[1, 2]", "[1; 3]", "[1 - 3]", "[1–3]", "[1][2]", "[12]"])
def test_verifier_reads_no_marker_number_as_a_fact(marker: str) -> None:
    # The verifier strips markers by the one grammar of rag.markers: a marker's digits are
    # never a figure the quote must hold, and the sentence's own figure still is.
    from rag.markers import strip_markers
    from rag.verify.values import strip_citation_markers

    sentence = f"Sofia sent 136 Konkurs systems to the U.S. {marker}"
    assert strip_citation_markers(sentence) == strip_markers(sentence)
    quote = "Sofia sent 136 Konkurs systems to the U.S."
    assert check_sentence(sentence, [quote]).ok
    assert not check_sentence(sentence.replace("136", "137"), [quote]).ok
