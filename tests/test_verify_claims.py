"""Relational verification: a value must be bound in the quote to what the sentence binds it
to; negations and hedges must agree; a name must not be assembled from two people."""

from __future__ import annotations

import pytest
from sample_quotes import ALLEN, BELARUS, KONKURS, SOFIA, WIKI, sample

from rag.verify import SentenceCheck, check_sentence
from rag.verify.binding import frames
from rag.verify.names import check_name

LUKASHENKO = sample(
    BELARUS,
    "Belarusian President Alexander Lukashenko has publicly backed ousted Syrian leader "
    "Bashar al-Assad as a long-standing ally.",
)
REBELS = sample(
    BELARUS,
    "Since the start of the Syrian civil war in 2011, rebel forces likely indirectly received "
    "weapons from Belarus to fight against the regime: Weapons supplied by Belarus to Bulgaria "
    "in 2015 were subsequently transferred to the U.S. and Saudi Arabia.",
)
OFFENSIVE = sample(
    BELARUS,
    "On Nov. 27, 2024, Syrian opposition armed groups launched a large-scale offensive "
    "against regime forces in Aleppo province.",
)
CITIES = sample(
    BELARUS,
    "By the evening of Dec. 7, Assad's opponents had taken control of several major cities, "
    "including Aleppo, Deir ez-Zor, Daraa, Hama and Homs.",
)
DICTATOR = sample(
    BELARUS,
    "“He is not a dictator at all. He treated people as a doctor. He never killed anyone,” "
    "Lukashenko said Tuesday during a working trip to Borisov, a city near Minsk.",
)
HOMS = sample(WIKI, "By 8 December, they had captured Homs")


def contradicted(check: SentenceCheck, *, by: str) -> None:
    """Contradicted, not merely missing, and the reason names what says otherwise."""
    assert check.verdict == "contradicted", check
    assert not check.ok
    assert check.conflicts, check
    assert by in check.reason, check.reason


def supported(check: SentenceCheck) -> None:
    assert check.verdict == "supported" and check.ok and check.reason == "", check.reason


# --------------------------------------------------------------------------- the cases


def test_eighty_to_the_us_is_contradicted_by_the_136() -> None:
    check = check_sentence("Sofia sent 80 Konkurs systems to the U.S. [1]", [SOFIA])
    contradicted(check, by="136 (Konkurs systems; to U.S.")
    assert "80 (Konkurs systems; to Saudi Arabia" in check.reason
    assert check.conflicts[0].what == "80"
    assert check.conflicts[0].quote == SOFIA


def test_swapped_counts_are_contradicted() -> None:
    check = check_sentence(
        "Belarus sent 140 Konkurs systems and 240 AGS-17 launchers [1]", [KONKURS]
    )
    contradicted(check, by="'140' is contradicted: the passage gives 240 (ATGW 9P135M Konkurs")
    assert [c.what for c in check.conflicts] == ["140", "240"]
    assert "140 (AGS-17 automatic grenade launchers" in check.conflicts[0].reason


def test_negated_transfer_is_contradicted() -> None:
    check = check_sentence("Sofia did not transfer any Konkurs systems to the U.S.", [SOFIA])
    contradicted(check, by="the sentence says 'not' but the passage does not negate it")
    assert check.conflicts[0].quote == SOFIA


def test_name_assembled_from_two_people_is_contradicted() -> None:
    check = check_sentence(
        "Alexander Allen told BuzzFeed about the missiles [1][2].", [ALLEN, LUKASHENKO]
    )
    contradicted(check, by="'Alexander Allen' is not one name in the passage: it joins")
    assert "'Belarusian President Alexander Lukashenko'" in check.reason
    assert "'Lt. Com. Matthew Allen'" in check.reason
    assert check.missing == ()  # both parts are there; the name is not


def test_other_given_name_with_the_same_surname_is_contradicted() -> None:
    check = check_sentence("Lt. Com. John Allen told BuzzFeed about it [1].", [ALLEN])
    contradicted(check, by="the passage names 'Lt. Com. Matthew Allen', not")
    assert check.missing == ("Lt. Com. John Allen",)


# --------------------------------------------------------------------------- true paraphrases


@pytest.mark.parametrize(
    "sentence",
    [
        "The U.S. received 136 Konkurs systems from Sofia.",
        "Sofia sent one hundred thirty-six Konkurs systems to the U.S.",
        "Sofia transferred another 80 to Saudi Arabia and 136 Konkurs systems to the U.S.",
        "To the U.S., Sofia transferred 136 Konkurs systems.",
        "Sofia sent 80 Konkurs systems to Saudi Arabia.",
        "Saudi Arabia got eighty Konkurs systems from Sofia.",
    ],
)
def test_paraphrases_of_the_transfer_pass(sentence: str) -> None:
    supported(check_sentence(sentence, [SOFIA]))


@pytest.mark.parametrize(
    "sentence",
    [
        "Belarus sent 240 Konkurs systems and 140 AGS-17 grenade launchers worth €37.9M to "
        "Bulgaria in 2015.",
        "In 2015, Belarus sold weapons worth EUR 37,900,000 to Bulgaria.",
        "Bulgaria received 140 AGS-17 launchers and 240 Konkurs systems from Belarus.",
        "140 AGS-17 grenade launchers were sent to Bulgaria by Belarus in 2015.",
    ],
)
def test_paraphrases_of_the_delivery_pass(sentence: str) -> None:
    supported(check_sentence(sentence, [KONKURS]))


# --------------------------------------------------------------------------- roles and things


def test_the_same_count_given_to_someone_else_is_contradicted() -> None:
    check = check_sentence("Belarus sent 240 Konkurs systems to Saudi Arabia.", [KONKURS, SOFIA])
    contradicted(check, by="240 (ATGW 9P135M Konkurs portable anti-tank missile systems; to "
                 "Bulgaria")  # fmt: skip


def test_giver_and_getter_swapped_is_contradicted() -> None:
    check = check_sentence("The U.S. sent 136 Konkurs systems to Sofia.", [SOFIA])
    contradicted(check, by="'136' is contradicted")


def test_a_count_of_something_the_quote_never_names_is_not_found() -> None:
    check = check_sentence("Sofia sent 80 tanks to Saudi Arabia.", [SOFIA])
    assert check.verdict == "not_found" and not check.ok
    assert "80 (Konkurs systems; to Saudi Arabia" in check.reason


def test_frames_bind_values_to_things_and_roles() -> None:
    found = {f.text: f for f in frames(SOFIA)}
    assert found["136"].thing_text == "Konkurs systems"
    assert found["136"].recipient_text == "U.S."
    assert found["80"].thing_text == "Konkurs systems"  # "another 80": the thing before
    assert found["80"].recipient_text == "Saudi Arabia"
    assert found["80"].source_text == "Sofia"
    konkurs = {f.text: f for f in frames(KONKURS)}
    assert konkurs["140"].recipient_text == "Bulgaria"  # across the "— worth ... —" aside
    assert konkurs["240"].recipient_text == "Bulgaria"  # from the coordinated value
    assert konkurs["37.9 million euros"].kind == "amount EUR"
    assert [d.text for d in konkurs["240"].when] == ["2015"]


# --------------------------------------------------------------------------- dates and events


def test_date_bound_to_another_event_is_contradicted() -> None:
    check = check_sentence(
        "Syrian opposition groups launched an offensive in Aleppo province on Dec. 7, 2024.",
        [OFFENSIVE, CITIES],
    )
    contradicted(check, by="the passage dates this to Nov. 27, 2024")
    assert check.missing == ()  # Dec. 7 is in the quotes: it is the date of something else


def test_date_of_the_right_event_passes() -> None:
    supported(
        check_sentence(
            "Syrian opposition groups launched an offensive in Aleppo province on "
            "27 November 2024.",
            [OFFENSIVE, CITIES],
        )
    )
    supported(
        check_sentence(
            "Assad's opponents had taken control of Aleppo and Homs by Dec. 7, 2024.",
            [OFFENSIVE, CITIES],
        )
    )


def test_cities_taken_on_the_offensive_day_is_contradicted() -> None:
    check = check_sentence(
        "Assad's opponents had taken control of several major cities by Nov. 27, 2024.",
        [OFFENSIVE, CITIES],
    )
    contradicted(check, by="the passage dates this to Dec. 7")


def test_wrong_year_for_the_delivery_is_contradicted() -> None:
    check = check_sentence("Belarus sent 240 Konkurs systems to Bulgaria in 2016.", [KONKURS])
    contradicted(check, by="the passage dates this to 2015")
    assert check.missing == ("2016",)


# --------------------------------------------------------------------------- negations, hedges


def test_hedge_dropped_is_not_supported() -> None:
    check = check_sentence("Rebel forces received weapons from Belarus.", [REBELS])
    contradicted(check, by="the passage only says it is 'likely'")


def test_hedge_kept_passes() -> None:
    supported(check_sentence("Rebel forces likely received weapons from Belarus.", [REBELS]))
    supported(check_sentence("Rebels probably received weapons from Belarus.", [REBELS]))


def test_hedge_added_is_not_supported() -> None:
    check = check_sentence("Belarus reportedly sent 240 Konkurs systems to Bulgaria.", [KONKURS])
    contradicted(check, by="the sentence says 'reportedly' but the passage states it as fact")


def test_negation_must_agree() -> None:
    supported(check_sentence("Lukashenko said he never killed anyone.", [DICTATOR]))
    check = check_sentence("Lukashenko said he killed people.", [DICTATOR])
    contradicted(check, by="the passage negates it ('never')")


def test_negation_by_no_must_agree() -> None:
    experts = sample(
        BELARUS,
        "Experts say the Soviet-made Konkurs weapons were of no use to the American or the "
        "Saudi armies.",
    )
    supported(check_sentence("Experts say the Konkurs weapons were of no use to the Saudi army.",
                             [experts]))  # fmt: skip
    check = check_sentence("Experts say the Konkurs weapons were of use to the Saudi army.",
                           [experts])  # fmt: skip
    contradicted(check, by="the passage negates it ('no')")


def test_a_negation_in_another_clause_does_not_count() -> None:
    quote = "Belarus sent weapons to Bulgaria, but Minsk did not send weapons to Iran."
    supported(check_sentence("Belarus sent weapons to Bulgaria.", [quote]))
    check = check_sentence("Minsk sent weapons to Iran.", [quote])
    contradicted(check, by="the passage negates it ('not')")


def test_approximation_is_not_a_hedge() -> None:
    supported(check_sentence("Belarus sent about 240 Konkurs systems to Bulgaria.", [KONKURS]))


# --------------------------------------------------------------------------- names


@pytest.mark.parametrize(
    "name", ["Matthew Allen", "Allen", "M. Allen", "Lt. Com. Allen", "Lt. Com. Matthew Allen"]
)
def test_short_forms_of_a_name(name: str) -> None:
    assert check_name(name, [ALLEN]).found


def test_full_name_against_its_title_and_surname_elsewhere() -> None:
    assert check_name("President Alexander Lukashenko", [LUKASHENKO]).found
    assert check_name("Bashar al-Assad", [LUKASHENKO]).found
    assert not check_name("Bashar Lukashenko", [LUKASHENKO]).found


def test_assembled_name_names_its_sources() -> None:
    found = check_name("Matthew Lukashenko", [ALLEN, LUKASHENKO])
    assert not found.found
    assert set(found.assembled_from) == {
        "Lt. Com. Matthew Allen",
        "Belarusian President Alexander Lukashenko",
    }


def test_yearless_quote_date_still_binds() -> None:
    supported(check_sentence("They had captured Homs by 8 December.", [HOMS]))
