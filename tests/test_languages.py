"""Language profiles: data files load into typed fields; unknown codes fail clearly."""

from __future__ import annotations

import pytest

from index.languages import LanguageProfile, UnknownLanguage, available_languages, get_profile
from index.sentences import display_form, is_boilerplate, sentence_spans


def test_english_profile_loads_with_typed_fields() -> None:
    profile = get_profile("en")
    assert isinstance(profile, LanguageProfile)
    assert profile.code == "en" and "en" in available_languages()
    assert profile.stemmer == "english" and profile.sentence_splitter == "punkt"
    assert profile.months["sept"] == 9 and profile.months["december"] == 12
    assert profile.scales["bn"] == 1_000_000_000
    assert profile.currencies["€"] == "EUR"
    assert "how many" in profile.question_words["number"]
    assert "who" in profile.question_words["person"]
    assert "u.s" in profile.abbreviations  # stored without the trailing dot
    assert "The" in profile.name_stopwords  # capitalised lists keep their case
    assert profile.label("not_say", "") == "The sources do not say"
    assert get_profile("en") is get_profile("EN")  # cached, code case-insensitive


def test_unknown_language_lists_available_ones() -> None:
    with pytest.raises(UnknownLanguage) as err:
        get_profile("xx")
    message = str(err.value)
    assert "'xx'" in message and "en" in message.split("available:")[1]


def test_profile_rejects_a_bad_month() -> None:
    data = get_profile("en").model_dump()
    data["months"] = {"smarch": 13}
    with pytest.raises(ValueError, match=r"1\.\.12"):
        LanguageProfile.model_validate(data)


def test_abbreviations_from_the_profile_do_not_end_sentences() -> None:
    text = "Lt. Com. Matthew Allen told BuzzFeed. The U.S. was buying missiles."
    spans = sentence_spans(text)
    assert [text[a:b] for a, b in spans] == [
        "Lt. Com. Matthew Allen told BuzzFeed.",
        "The U.S. was buying missiles.",
    ]


def test_header_line_without_colon_is_not_glued_to_the_sentence() -> None:
    text = " date 2024-12-13 Since the start of the war, rebels got weapons. Next one."
    quotes = [text[a:b].strip() for a, b in sentence_spans(text)]
    assert quotes[0] == "date 2024-12-13"
    assert quotes[1] == "Since the start of the war, rebels got weapons."
    colon = "title: A report\nThe ministry said so."
    assert [colon[a:b] for a, b in sentence_spans(colon)] == [
        "title: A report",
        "The ministry said so.",
    ]


def test_display_form_resolves_pdf_hyphenation_and_line_breaks() -> None:
    raw = "protects against manip-\nulation of the\nstream. Next"
    assert display_form(raw[: raw.index(" Next")]) == "protects against manipulation of the stream."
    # A real hyphen inside a line stays.
    assert display_form("anti-tank missiles") == "anti-tank missiles"


def test_boilerplate_lines_are_recognised() -> None:
    assert is_boilerplate("Copyright © 2020 Example Corp. All rights reserved.")
    assert is_boilerplate("source: Wikipedia (CC BY-SA 4.0)")
    assert not is_boilerplate("The court ruled on the copyright claim in May.")
