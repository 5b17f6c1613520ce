"""Names across scripts, for verifying an English sentence against a Cyrillic quote."""

from __future__ import annotations

import pytest

from index.translit import name_in_text, names_match, romanize


@pytest.mark.parametrize(
    ("cyrillic", "latin"),
    [
        ("Мэтью Аллен", "Matthew Allen"),
        ("Лукашенко", "Lukashenko"),
        ("Аляксандр Лукашэнка", "Alexander Lukashenko"),  # Belarusian spelling
        ("Святлана Ціханоўская", "Sviatlana Tsikhanouskaya"),
        ("Зеленский", "Zelensky"),
        ("Евгений", "Yevgeny"),
        ("Ходорковский", "Khodorkovsky"),
        ("Георги Първанов", "Georgi Parvanov"),  # Bulgarian "ъ"
        ("Юлия Тимошенко", "Yulia Tymoshenko"),  # Ukrainian spelling in English
    ],
)
def test_same_name_in_two_scripts(cyrillic: str, latin: str) -> None:
    assert names_match(cyrillic, latin)
    assert names_match(latin, cyrillic)


@pytest.mark.parametrize(
    ("cyrillic", "latin"),
    [
        ("Мэтью Аллен", "Matthew Allenby"),
        ("Лукашенко", "Lukyanenko"),
        ("Иванов", "Petrov"),
        ("Мэтью Аллен", "Allen"),  # another number of words is another name
        ("Ирина Волкова", "Irina Volkov Smith"),
    ],
)
def test_different_names_do_not_match(cyrillic: str, latin: str) -> None:
    assert not names_match(cyrillic, latin)


def test_name_in_a_cyrillic_quote_with_case_endings() -> None:
    quote = "По словам Мэтью Аллена, Пентагон закупал ракеты вместе с Ивановым."
    assert name_in_text("Matthew Allen", quote)
    assert name_in_text("Ivanov", quote)
    assert not name_in_text("Matthew Ivanov", quote)  # parts of two names are not one name
    assert not name_in_text("Alexander Lukashenko", quote)


def test_romanize_is_a_transliteration() -> None:
    assert romanize("Лукашенко") == "Lukashenko"


def test_belarusian_dz_is_the_d_of_the_other_languages() -> None:
    assert name_in_text("Plovdiv", "Трамвай у Пловдзіве пачне хадзіць у 2027 г.")
    assert names_match("Дзмітрый", "Dmitry")
    assert not names_match("Дзмітрый", "Zmitser")


@pytest.mark.parametrize(
    ("name", "text", "found"),
    [
        # a two-letter skeleton ("rs") also needs its first vowel: Ruse is not Russia
        ("Ruse", "каля 70 % сыру пойдзе на экспарт, найперш у Расію", False),
        ("Ruse", "Rose said the port was closed", False),
        ("Ruse", "Пристанище Русе отчете рекорден товарооборот", True),
        ("Riga", "из Риги в Таллин", True),
        ("Kyiv", "у Київ", True),
        ("Lida", "у Лідзе і Ліда", True),
        ("Sofia", "в София", True),
    ],
)
def test_a_short_name_needs_its_vowel_too(name: str, text: str, found: bool) -> None:
    assert name_in_text(name, text) is found


def test_belarusian_short_u_stands_for_the_v_of_other_spellings() -> None:
    # "ў" romanises to the vowel "u"; Latvian, Russian and English spellings write a "v"
    assert name_in_text("Daugavpils", "Страйк на фабрыцы ў Даўгаўпілсе працягваецца.")
    assert names_match("Даўгаўпілс", "Даугавпилс")
    assert names_match("Магілёў", "Mogilev")
    # the "v" is dropped only beside a "ў": the other consonants still have to agree
    assert not names_match("Даўгаўпілс", "Dobropillia")
    assert not names_match("Даугавпилс", "Dagpils")
