"""The one unit vocabulary: each profile's ``measure_nouns`` (units by class) is what the
number rules read as written (``measure_words``, "2048 bits" is no year) and what the
cross-language code reads by stem and lemma ("18 месеца" is a time, rag.measure). Profiles
name no flat unit list of their own any more."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from index.languages import MEASURE_CLASSES, LanguageProfile, get_profile
from rag.measure import bound_class, measure_class, measures
from rag.normalize import extract_quantities
from rag.question import reads_as_year

LANGUAGES = ("en", "ru", "bg", "be", "uk")


@pytest.mark.parametrize("code", LANGUAGES)
def test_every_profile_loads_its_units_by_class_and_the_flat_view_from_them(code: str) -> None:
    profile = get_profile(code)
    assert {"time", "length", "mass"} <= set(profile.measure_nouns) <= set(MEASURE_CLASSES)
    # the flat view is the union of the classes, nothing else
    assert profile.measure_words == {w for ws in profile.measure_nouns.values() for w in ws}
    for kind, words in profile.measure_nouns.items():
        for word in words:
            assert word == word.lower()
            assert measure_class(word, code) is not None, (code, kind, word)


def test_the_english_flat_view_keeps_every_written_form_of_the_number_rules() -> None:
    words = get_profile("en").measure_words
    for word in ("bits", "gigabytes", "minutes", "miles", "kilos", "degrees", "points", "times"):
        assert word in words
    assert measure_class("gigabytes", "en") == "data"
    assert measure_class("points", "en") == "point"


def test_a_flat_unit_list_or_an_unknown_class_is_refused() -> None:
    base = get_profile("en").model_dump()
    with pytest.raises(ValidationError):
        LanguageProfile.model_validate({**base, "measure_words": ["bits"]})
    with pytest.raises(ValidationError, match="unknown measure classes"):
        LanguageProfile.model_validate({**base, "measure_nouns": {"weight": ["kg"]}})


def _bare(text: str, value: str) -> tuple[object, str]:
    found = [x for x in extract_quantities(text) if str(x.value) == value]
    assert found, (text, value)
    return found[0], text


# Figures 1800-1899 (the number rules take 1900-2100 before a word for dates of their own):
# the question code reads them as years unless a unit follows.
YEARS = [
    ("ru", "Завод основан в 1850 году.", "1850", True),
    ("ru", "Договор подписан в 1885 г. в Минске.", "1885", True),
    ("bg", "Мостът е построен през 1875 година.", "1875", True),
    ("be", "Школу адкрылі ў 1863 годзе.", "1863", True),
    ("uk", "Лікарню відкрили у 1898 році.", "1898", True),
    ("en", "The bridge opened in 1850.", "1850", True),
    # a unit of the vocabulary after the figure: a measure, no year (the Cyrillic profiles
    # had no flat unit list, so these were read as years)
    ("ru", "Протяжённость трубопровода составляет 1850 километров.", "1850", False),
    ("bg", "Корабът превозва 1880 тона зърно.", "1880", False),
    ("be", "Маршрут мае даўжыню 1850 кіламетраў.", "1850", False),
    ("uk", "Склад прийняв 1820 тонн пшениці.", "1820", False),
    ("en", "The key is 2048 bits long.", "2048", False),
]


@pytest.mark.parametrize(("code", "text", "value", "year"), YEARS)
def test_a_figure_before_a_unit_is_a_measure_and_one_before_a_year_noun_a_year(
    code: str, text: str, value: str, year: bool
) -> None:
    x, text = _bare(text, value)
    assert reads_as_year(x, text, code) is year  # type: ignore[arg-type]


def test_a_year_noun_is_no_unit_after_a_number_but_still_a_time_across_languages() -> None:
    assert not measures("году", "ru") and not measures("г.", "ru")
    assert measures("месяцев", "ru") and measures("тона", "bg")
    text = "Ремонт продлится 18 лет."
    assert bound_class(text, text.index("18") + 2, "ru") == "time"
