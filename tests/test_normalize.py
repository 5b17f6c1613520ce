"""Normalisation of amounts, dates and names, on text from the sample sources."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sample_quotes import ALLEN, BELARUS, KONKURS, SOFIA, WIKI, sample

from rag.normalize import (
    extract_dates,
    extract_literals,
    extract_names,
    extract_quantities,
    fact_in_text,
    fold,
    iter_names_with_starts,
    name_in_texts,
)

OCCRP = sample(
    BELARUS,
    "The Organized Crime and Corruption Reporting Project (OCCRP) identified Regulus Global "
    "as a Pentagon contractor.",
)
HTS = sample(
    WIKI,
    "Military Operations Command led by Tahrir al-Sham|Hay'at Tahrir al-Sham (HTS) and "
    "supported by allied Turkey",
)


def values(text: str) -> list[tuple[Decimal, str | None]]:
    return [(q.value, q.unit) for q in extract_quantities(text)]


# --------------------------------------------------------------------------- quantities


@pytest.mark.parametrize(
    "spelling",
    ["€37.9M", "37.9 million euros", "EUR 37,900,000", "37.9m EUR", "€37,900,000", "€37.9 million"],
)
def test_euro_spellings_are_one_amount(spelling: str) -> None:
    (q,) = extract_quantities(f"worth {spelling} in all")
    assert (q.value, q.unit, q.text) == (Decimal("37900000"), "EUR", spelling)


@pytest.mark.parametrize("spelling", ["$5bn", "5 billion dollars", "US$5 billion", "USD 5bn"])
def test_dollar_spellings(spelling: str) -> None:
    assert values(f"a {spelling} deal") == [(Decimal("5000000000"), "USD")]


@pytest.mark.parametrize(
    ("text", "value", "unit"),
    [
        ("136", Decimal(136), None),
        ("one hundred thirty-six", Decimal(136), None),
        ("one hundred and thirty-six", Decimal(136), None),
        ("1,000", Decimal(1000), None),
        ("1 000", Decimal(1000), None),
        ("2.5", Decimal("2.5"), None),
        ("12%", Decimal(12), "%"),
        ("12 percent", Decimal(12), "%"),
        ("twelve per cent", Decimal(12), "%"),
        ("a thousand", Decimal(1000), None),
        ("10k", Decimal(10000), None),
        ("£3m", Decimal(3000000), "GBP"),
    ],
)
def test_counts_and_amounts(text: str, value: Decimal, unit: str | None) -> None:
    (q,) = extract_quantities(f"Sofia sent {text} systems.")
    assert (q.value, q.unit, q.text) == (value, unit, text)


def test_offsets_point_at_the_span() -> None:
    qs = extract_quantities(KONKURS)
    assert qs, "the Konkurs paragraph has quantities"
    for q in qs:
        assert KONKURS[q.start : q.end] == q.text


def test_konkurs_paragraph_quantities() -> None:
    # 2015 is a date, 9P135M / AT-5 / AGS-17 are identifiers: none of them is a count
    assert values(KONKURS) == [
        (Decimal(240), None),
        (Decimal(140), None),
        (Decimal(37900000), "EUR"),
    ]


@pytest.mark.parametrize("identifier", ["AGS-17", "9P135M", "AT-5", "F-16", "COVID-19", "T-90A"])
def test_identifiers_are_names_not_counts(identifier: str) -> None:
    text = f"They saw {identifier} launchers."
    assert extract_quantities(text) == []
    assert identifier in extract_names(text)


def test_ags17_is_not_a_count_of_17() -> None:
    assert Decimal(17) not in [v for v, _ in values(KONKURS)]
    assert not fact_in_text("17", KONKURS)
    assert fact_in_text("AGS-17", KONKURS)


def test_years_are_dates_not_quantities() -> None:
    text = sample(BELARUS, "In 2015, Belarus sent")
    assert extract_quantities(text) == []
    assert [(d.year, d.month, d.day) for d in extract_dates(text)] == [(2015, None, None)]


def test_year_with_currency_is_an_amount() -> None:
    assert values("paid €2015 for it") == [(Decimal(2015), "EUR")]
    assert extract_dates("paid €2015 for it") == []


def test_lone_one_is_not_a_count_but_one_hundred_is() -> None:
    text = sample(BELARUS, "the death of one of these instructors")
    assert extract_quantities(text) == []
    assert values("one hundred instructors") == [(Decimal(100), None)]


def test_ordinals_and_times_are_literals() -> None:
    text = sample(WIKI, "the 46th regiment base")
    assert extract_quantities(text) == []
    assert extract_literals(text) == ["46th"]
    assert extract_literals("by 7 in the evening (UTC+3:00)") == ["3:00"]


def test_spelled_numbers_in_the_sample() -> None:
    text = sample(WIKI, "killed nine civilians and injured 62 others")
    assert values(text) == [(Decimal(9), None), (Decimal(62), None)]


# --------------------------------------------------------------------------- dates


@pytest.mark.parametrize(
    ("text", "parts"),
    [
        ("27 November 2024", (2024, 11, 27)),
        ("November 27, 2024", (2024, 11, 27)),
        ("Nov. 27, 2024", (2024, 11, 27)),
        ("Nov 27, 2024", (2024, 11, 27)),
        ("2024-11-27", (2024, 11, 27)),
        ("27/11/2024", (2024, 11, 27)),
        ("December 2024", (2024, 12, None)),
        ("Dec. 7", (None, 12, 7)),
        ("7 December", (None, 12, 7)),
        ("2015", (2015, None, None)),
        ("July 2019", (2019, 7, None)),
        ("Sept. 3, 2021", (2021, 9, 3)),
    ],
)
def test_date_formats(text: str, parts: tuple[int | None, int | None, int | None]) -> None:
    (d,) = extract_dates(f"It happened on {text}, they said.")
    assert ((d.year, d.month, d.day), d.text) == (parts, text)


def test_dates_in_the_samples() -> None:
    belarus = [(d.year, d.month, d.day) for d in extract_dates(BELARUS)]
    assert (2024, 11, 27) in belarus  # "On Nov. 27, 2024"
    assert (None, 12, 7) in belarus  # "By the evening of Dec. 7"
    assert (2019, 7, None) in belarus  # "In July 2019"
    wiki = [(d.year, d.month, d.day) for d in extract_dates(WIKI)]
    assert (2024, 11, 27) in wiki  # "On 27 November 2024"
    assert (None, 12, 8) in wiki  # "By 8 December"


def test_dates_take_their_numbers_away_from_quantities() -> None:
    text = sample(WIKI, "On 27 November 2024, HTS announced")
    assert extract_quantities(text) == []


def test_month_alone_after_a_preposition_only() -> None:
    assert [(d.month, d.text) for d in extract_dates("fighting in December")] == [(12, "December")]
    assert extract_dates("May I ask") == []


# --------------------------------------------------------------------------- names


def test_names_with_titles_and_acronyms() -> None:
    names = extract_names(ALLEN)
    assert "Lt. Com. Matthew Allen" in names
    assert "U.S. Special Operations Command" in names
    assert "BuzzFeed" in names
    assert "Pentagon" in names
    assert "A" not in names
    assert not any(n.startswith("A ") for n in names)


def test_names_organisations() -> None:
    names = extract_names(OCCRP)
    assert "OCCRP" in names
    assert "Regulus Global" in names
    assert "The" not in names and not any(n.startswith("The ") for n in names)


def test_names_arabic_articles_and_apostrophes() -> None:
    names = extract_names(HTS)
    assert "Hay'at Tahrir al-Sham" in names
    assert "HTS" in names
    curly = extract_names("led by Hay’at Tahrir al-Sham and Bashar al-Assad’s forces")
    assert curly == ["Hay’at Tahrir al-Sham", "Bashar al-Assad"]


def test_sentence_initial_run_kept_when_it_is_a_name() -> None:
    text = sample(BELARUS, "Belarusian President Alexander Lukashenko has publicly backed")
    assert extract_names(text) == ["Belarusian President Alexander Lukashenko"]


def test_common_words_weekdays_and_months_are_not_names() -> None:
    text = sample(
        BELARUS, "However, evidence suggests that he has also supported Assad's opponents."
    )
    assert extract_names(text) == ["Assad"]
    text = sample(BELARUS, "Lukashenko said Tuesday during a working trip to Borisov")
    assert extract_names(text) == ["Lukashenko", "Borisov"]
    assert extract_names("The sources say that in December the offensive began.") == []


def test_names_with_starts_give_each_first_occurrence_offset() -> None:
    text = "Lukashenko said Tuesday during a working trip to Borisov, where Lukashenko met Putin."
    found = list(iter_names_with_starts(text))
    assert found == [("Lukashenko", 0), ("Borisov", 49), ("Putin", 79)]
    # a short name after a longer one that contains it is searched past the longer one
    text = "Bashar al-Assad and Assad loyalists met Turkish envoys"
    assert list(iter_names_with_starts(text)) == [
        ("Bashar al-Assad", 0),
        ("Assad", 20),
        ("Turkish", 40),
    ]
    for name, at in iter_names_with_starts(ALLEN):
        assert ALLEN[at : at + len(name)] == name
    assert [n for n, _ in iter_names_with_starts(ALLEN)] == extract_names(ALLEN)


def test_adjectives_with_hyphens_keep_the_name() -> None:
    names = extract_names("Turkish-backed groups and U.S.-backed forces fought pro-Assad units.")
    assert names == ["Turkish", "U.S.", "Assad"]


# --------------------------------------------------------------------------- fact_in_text


@pytest.mark.parametrize(
    ("fact", "text"),
    [
        ("37.9 million euros", "worth €37.9M"),
        ("37.9 million euros", "EUR 37,900,000"),
        ("37.9 million euros", KONKURS),
        ("€37.9M", KONKURS),
        ("136", "one hundred thirty-six systems"),
        ("one hundred thirty-six", SOFIA),
        ("216", "136 + 80 = 216"),
        ("27 November 2024", "On Nov. 27, 2024, Syrian opposition armed groups"),
        ("27 November 2024", WIKI),
        ("Nov. 27, 2024", BELARUS),
        ("2015", "In 2015, Belarus sent"),
        ("Dec. 7", "On 7 December 2024"),
        ("U.S.", "to the US"),
        ("US", SOFIA),
        ("Hay'at Tahrir al-Sham", "led by Hay’at Tahrir al-Sham (HTS)"),
        ("Hay’at Tahrir al-Sham", HTS),
        ("Romania|Bulgaria", KONKURS),
        ("136 Konkurs", SOFIA),
        ("Matthew Allen", ALLEN),
        ("12 percent", "up 12%"),
    ],
)
def test_fact_in_text(fact: str, text: str) -> None:
    assert fact_in_text(fact, text)


@pytest.mark.parametrize(
    ("fact", "text"),
    [
        ("37.9 million dollars", KONKURS),  # right value, wrong currency
        ("38 million euros", KONKURS),
        ("137", SOFIA),
        ("17", KONKURS),  # AGS-17 is a name
        ("2016", "In 2015, Belarus sent"),
        ("28 November 2024", "On Nov. 27, 2024"),
        ("November 2023", "On Nov. 27, 2024"),
        ("Romania|Hungary", KONKURS),
        ("80 Konkurs", SOFIA),  # 80 went to Saudi Arabia; the Konkurs count is 136
        ("Lukash", "Alexander Lukashenko"),  # whole words only
        ("Matthew Allan", ALLEN),
    ],
)
def test_fact_not_in_text(fact: str, text: str) -> None:
    assert not fact_in_text(fact, text)


def test_fold() -> None:
    assert fold("U.S.") == fold("US") == "us"
    assert fold("Hay’at Tahrir al-Sham") == fold("Hay'at Tahrir al-Sham") == "hayat tahrir al sham"
    assert fold("Erdoğan") == "erdogan"


@pytest.mark.parametrize(
    ("name", "text", "found"),
    [
        ("Lukashenko", "Belarusian President Alexander Lukashenko", True),
        ("Belarusian", "weapons from Belarus", True),  # demonym meets its country
        ("Syria", "the Syrian opposition", True),  # base meets its derived form
        ("Russian", "Russia", True),
        ("Assad", "Assad’s regime", True),
        ("US", "transferred to the U.S.", True),
        ("US", "a state of combat against us", False),  # acronyms keep their case
        ("Allen", "Alle said", False),
        ("Turkish", "Turkey", False),
        ("Saudi Arabia", "to Saudi Arabia.", True),
        ("Arabia Saudi", "to Saudi Arabia.", True),  # every word present
        ("Saudi Yemen", "to Saudi Arabia.", False),
    ],
)
def test_name_in_texts(name: str, text: str, found: bool) -> None:
    assert name_in_texts(name, [text]) is found


def test_iso_timestamp_gives_its_date() -> None:
    from rag.normalize import extract_dates, fact_in_text

    (mention,) = extract_dates("published: 2023-10-01T21:04:20+00:00")
    assert (mention.year, mention.month, mention.day) == (2023, 10, 1)
    assert fact_in_text("October 1st", "published: 2023-10-01T21:04:20+00:00")


@pytest.mark.parametrize(
    ("text", "names"),
    [
        # a title in quotation marks is one name, its capitalised words are not names alone
        (
            "They founded the studio “Fear is a Gift” in Oslo.",
            ["Fear is a Gift", "Oslo"],
        ),
        ('The novel "The House of Sand and Fog" sold well.', ["The House of Sand and Fog"]),
        # quoted speech is no title: its long words are lower case
        (
            "Mira Holt said “We are nearly at a turning point” in Riga.",
            ["Mira Holt", "Riga"],
        ),
        # a single quoted word is left to the other rules
        ("The “Anti-Hero” singer.", ["Anti-Hero"]),
    ],
)
def test_a_quoted_title_is_one_name(text: str, names: list[str]) -> None:
    assert extract_names(text) == names
